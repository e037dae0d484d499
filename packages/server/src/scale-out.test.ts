/**
 * Scale-out (spec section 5, issue 8): two real `twofold serve` processes on one PostgreSQL
 * database behave as one server. Every request goes over HTTP to the instance the test names,
 * as a load balancer without sticky sessions would send it:
 *
 * - a TOTP code is accepted once across both, one after the other and at the same moment;
 * - second-factor failures spread over both count towards one lockout;
 * - a push started on one instance reaches the device waiting on the other, and the device's
 *   answer on that other instance wakes the sign-in page waiting on the first (LISTEN/NOTIFY);
 * - "sign out everywhere" on one instance is refused by the other at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase32, generateTotp, parseOtpauthUri } from '@twofold/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testBackends } from './test-support/databases.js';
import { createTestPushDevice, type TestPushDevice } from './test-support/push-device.js';
import {
  createHttpBrowser,
  type HttpAnswer,
  type HttpBrowser,
  runTwofold,
  type ServeProcess,
  startServeProcess,
} from './test-support/serve-processes.js';

const postgres = testBackends.find((b) => b.name === 'postgres');
const base = '/t/default/api/v1';
const password = 'correct horse battery';
/** Long-polls wait this long when nothing happens, far longer than any test allows. */
const longPollSeconds = 25;
/** What "at once" is allowed to take on a loaded machine; far below a long-poll's wait. */
const promptlyMs = 5_000;

/** The current TOTP code of `secret`, `offsetSeconds` from now. */
function totp(secret: Uint8Array, offsetSeconds = 0): string {
  return generateTotp({ secret, time: Date.now() / 1000 + offsetSeconds });
}

/** True when `promise` has not settled after `ms`: a long-poll that is still waiting. */
async function stillWaiting(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  const settled = promise.then(
    () => false as const,
    () => false as const,
  );
  try {
    return await Promise.race([waited, settled]);
  } finally {
    clearTimeout(timer);
  }
}

/** The code of a refusal, or 'ok' for a 200. */
function outcome(answer: HttpAnswer): string {
  return answer.status === 200 ? 'ok' : String(answer.json?.code);
}

describe.skipIf(!postgres)(
  `two twofold serve processes on one PostgreSQL database${postgres ? '' : ' (skipped: TWOFOLD_TEST_DATABASE_URL is not set; CI sets it)'}`,
  () => {
    let database: TestDatabaseHandle | undefined;
    const dataDirs: string[] = [];
    let env: Record<string, string>;
    let a: ServeProcess;
    let b: ServeProcess;
    /** Each instance's `application_name` on PostgreSQL, to find its connections. */
    const names = { a: `twofold-a-${randomUUID()}`, b: `twofold-b-${randomUUID()}` };

    function dataDir(): string {
      const dir = mkdtempSync(join(tmpdir(), 'twofold-scale-out-'));
      dataDirs.push(dir);
      return dir;
    }

    beforeAll(async () => {
      database = await postgres!.create({ migrate: false });
      // What every instance shares: the database and the key that seals secrets.
      env = {
        DATABASE_URL: database.location.databaseUrl ?? '',
        TWOFOLD_SECRET_KEY: randomBytes(32).toString('base64'),
      };
      const named = (name: string) => {
        const url = new URL(env['DATABASE_URL'] ?? '');
        url.searchParams.set('application_name', name);
        return url.toString();
      };
      // The first migrates and creates tenant `default`; the second finds both done.
      a = await startServeProcess({ ...env, DATABASE_URL: named(names.a), TWOFOLD_DATA_DIR: dataDir() });
      b = await startServeProcess({ ...env, DATABASE_URL: named(names.b), TWOFOLD_DATA_DIR: dataDir() });
    });
    afterAll(async () => {
      const codes = await Promise.all([a?.stop(), b?.stop()]);
      await database?.cleanup();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
      // A clean stop on SIGTERM (with the listening connection closed) exits 0.
      expect(codes).toEqual([0, 0]);
    });

    /** How many connections named `name` LISTEN for push notifications now. */
    async function listening(name: string): Promise<number> {
      const admin = new pg.Client({ connectionString: process.env['TWOFOLD_TEST_DATABASE_URL'] });
      await admin.connect();
      try {
        const found = await admin.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where application_name = $1 and query = 'LISTEN twofold_push'`,
          [name],
        );
        return Number(found.rows[0]?.n);
      } finally {
        await admin.end();
      }
    }

    /** `twofold user create` (as the operator would, beside the running servers). */
    async function createUser(email: string): Promise<void> {
      const created = await runTwofold(
        ['user', 'create', email, '--tenant', 'default', '--password-stdin', '--json'],
        { ...env, TWOFOLD_DATA_DIR: dataDir(), TWOFOLD_LOG_LEVEL: 'silent' },
        password,
      );
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
    }

    function signIn(browser: HttpBrowser, on: ServeProcess, email: string) {
      return browser.request(on.url, 'POST', `${base}/sign-in`, { json: { username: email, password } });
    }

    function verify(browser: HttpBrowser, on: ServeProcess, flowId: string, methodId: string, code: string) {
      return browser.request(on.url, 'POST', `${base}/sign-in/${flowId}/verify`, {
        json: { methodId, code },
      });
    }

    /** A new user's first sign-in on `on`: password, register an authenticator, confirm it with a code. */
    async function enrol(email: string, on: ServeProcess = a) {
      await createUser(email);
      const browser = createHttpBrowser();
      const started = await signIn(browser, on, email);
      expect(started.json, JSON.stringify(started.json)).toMatchObject({ status: 'registration_required' });
      const flowId = started.json.flowId as string;
      const registered = await browser.request(on.url, 'POST', `${base}/sign-in/${flowId}/register`, {
        json: { type: 'authenticator' },
      });
      expect(registered.status, JSON.stringify(registered.json)).toBe(200);
      const secret = decodeBase32(registered.json.secret);
      const done = await verify(browser, on, flowId, registered.json.methodId, totp(secret));
      expect(done.json, JSON.stringify(done.json)).toMatchObject({ status: 'signed_in' });
      return {
        secret,
        methodId: registered.json.methodId as string,
        otpauthUri: registered.json.otpauthUri as string,
        session: done.json.session.token as string,
        recoveryCodes: done.json.recoveryCodes as string[],
      };
    }

    /** A sign-in on `on` that asks for a second factor: the browser and its flow. */
    async function mfaSignIn(email: string, on: ServeProcess) {
      const browser = createHttpBrowser();
      const started = await signIn(browser, on, email);
      expect(started.json, JSON.stringify(started.json)).toMatchObject({ status: 'mfa_required' });
      const methods = started.json.methods as { id: string; type: string }[];
      return {
        browser,
        flowId: started.json.flowId as string,
        methodOf: (type: string) => methods.find((m) => m.type === type)?.id ?? '',
      };
    }

    it('one TOTP code is accepted once across both instances', async () => {
      const { secret } = await enrol('replay@example.com');
      const onA = await mfaSignIn('replay@example.com', a);
      const onB = await mfaSignIn('replay@example.com', b);
      // The next step's code: the enrolment spent the current one.
      const code = totp(secret, 30);
      const first = await verify(onA.browser, a, onA.flowId, onA.methodOf('authenticator'), code);
      expect(first.json).toMatchObject({ status: 'signed_in' });
      const second = await verify(onB.browser, b, onB.flowId, onB.methodOf('authenticator'), code);
      expect(second.status).toBe(400);
      expect(second.json).toMatchObject({ code: 'otp_replayed' });
    });

    it('the same code sent to both instances at the same moment succeeds exactly once', async () => {
      const { secret } = await enrol('race@example.com');
      const servers = [a, b, a, b, a, b];
      const flows = await Promise.all(servers.map((on) => mfaSignIn('race@example.com', on)));
      const code = totp(secret, 30);
      const answers = await Promise.all(
        flows.map((f, i) => verify(f.browser, servers[i]!, f.flowId, f.methodOf('authenticator'), code)),
      );
      const outcomes = answers.map(outcome);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(5).fill('otp_replayed'));
    });

    it('wrong codes alternating between the instances lock second-factor sign-in at the tenth', async () => {
      const email = 'lockout@example.com';
      const { secret } = await enrol(email);
      const results: string[] = [];
      // 4 + 4 + 2 failures over three sign-ins (5 on one sign-in would end it), every other one on B.
      let turn = 0;
      let last: Awaited<ReturnType<typeof mfaSignIn>> | undefined;
      for (const failures of [4, 4, 2]) {
        last = await mfaSignIn(email, turn % 2 === 0 ? a : b);
        for (let i = 0; i < failures; i++, turn++) {
          const on = turn % 2 === 0 ? a : b;
          results.push(
            outcome(await verify(last.browser, on, last.flowId, last.methodOf('authenticator'), '000000')),
          );
        }
      }
      expect(results).toEqual(Array(10).fill('otp_invalid'));
      // Now even the right code is refused, on either instance, in any sign-in.
      const locked = await verify(
        last!.browser,
        a,
        last!.flowId,
        last!.methodOf('authenticator'),
        totp(secret, 30),
      );
      expect(locked.status).toBe(429);
      expect(locked.json).toMatchObject({ code: 'locked_out', retryAfter: expect.any(Number) });
      const elsewhere = await mfaSignIn(email, b);
      const lockedToo = await verify(
        elsewhere.browser,
        b,
        elsewhere.flowId,
        elsewhere.methodOf('authenticator'),
        totp(secret, 30),
      );
      expect(lockedToo.json).toMatchObject({ code: 'locked_out' });
    });

    it('a push started on A reaches the device waiting on B, and its answer on B signs A in at once', async () => {
      const email = 'push@example.com';
      const { methodId, otpauthUri } = await enrol(email);
      const key: TestPushDevice = createTestPushDevice();
      const activated = await createHttpBrowser().request(b.url, 'POST', `${base}/devices/activate`, {
        json: {
          activationToken: parseOtpauthUri(otpauthUri).account.extra['twofold_push'],
          publicKey: key.publicKey,
          name: 'Phone',
        },
      });
      expect(activated.status, JSON.stringify(activated.json)).toBe(201);
      const deviceId = activated.json.deviceId as string;
      const device = createHttpBrowser();
      const signed = (method: 'GET' | 'POST', path: string, body?: unknown) => {
        const text = body === undefined ? undefined : JSON.stringify(body);
        return device.request(b.url, method, path, {
          headers: key.headers(deviceId, method, path, text, Date.now()),
          ...(body !== undefined ? { json: body } : {}),
        });
      };

      // The device long-polls B; nothing is pending yet, so it waits.
      const devicePoll = signed('GET', `${base}/devices/${deviceId}/challenges?wait=${longPollSeconds}`);
      expect(await stillWaiting(devicePoll, 500)).toBe(true);

      // The sign-in on A picks push.
      const page = await mfaSignIn(email, a);
      const pushStarted = Date.now();
      const sent = await page.browser.request(a.url, 'POST', `${base}/sign-in/${page.flowId}/challenge`, {
        json: { methodId: `push:${methodId}` },
      });
      expect(sent.status, JSON.stringify(sent.json)).toBe(200);
      const number = sent.json.number as number;
      const delivered = await devicePoll;
      expect(Date.now() - pushStarted).toBeLessThan(promptlyMs);
      expect(delivered.status).toBe(200);
      const challenges = delivered.json.challenges as { id: string }[];
      expect(challenges).toHaveLength(1);

      // The page long-polls A for the answer, and waits.
      const pagePoll = page.browser.request(
        a.url,
        'GET',
        `${base}/sign-in/${page.flowId}/push?wait=${longPollSeconds}`,
      );
      expect(await stillWaiting(pagePoll, 500)).toBe(true);
      // Both instances now wait with one LISTEN connection each (not only the 500 ms re-read).
      expect([await listening(names.a), await listening(names.b)]).toEqual([1, 1]);

      // The device approves on B; A's long-poll returns signed in, long before its wait is over.
      const answered = Date.now();
      const approval = await signed('POST', `${base}/devices/${deviceId}/challenges/${challenges[0]!.id}`, {
        decision: 'approve',
        number,
      });
      expect(approval.json, JSON.stringify(approval.json)).toEqual({ status: 'approved' });
      const result = await pagePoll;
      expect(Date.now() - answered).toBeLessThan(promptlyMs);
      expect(result.json, JSON.stringify(result.json)).toMatchObject({
        status: 'signed_in',
        session: { token: expect.any(String) },
      });
      // And that session works on B.
      const me = await createHttpBrowser().request(b.url, 'GET', `${base}/me`, {
        headers: { authorization: `Bearer ${result.json.session.token}` },
      });
      expect(me.json).toMatchObject({ user: { email } });
    });

    it('"sign out everywhere" on A ends the sessions made on A and on B, and B refuses them at once', async () => {
      const email = 'revoke@example.com';
      const { session: madeOnA, recoveryCodes } = await enrol(email);
      // A second session, made on B with a recovery code.
      const onB = await mfaSignIn(email, b);
      const viaRecovery = await verify(
        onB.browser,
        b,
        onB.flowId,
        onB.methodOf('recovery_codes'),
        recoveryCodes[0] ?? '',
      );
      expect(viaRecovery.json, JSON.stringify(viaRecovery.json)).toMatchObject({ status: 'signed_in' });
      const madeOnB = viaRecovery.json.session.token as string;
      const me = (on: ServeProcess, token: string) =>
        createHttpBrowser().request(on.url, 'GET', `${base}/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await me(b, madeOnA)).status).toBe(200);
      expect((await me(a, madeOnB)).status).toBe(200);

      const out = await createHttpBrowser().request(a.url, 'POST', `${base}/me/sign-out-everywhere`, {
        headers: { authorization: `Bearer ${madeOnA}` },
      });
      expect(out.json, JSON.stringify(out.json)).toMatchObject({ revokedSessions: 2 });

      for (const [on, token] of [
        [b, madeOnA],
        [b, madeOnB],
        [a, madeOnA],
        [a, madeOnB],
      ] as const) {
        const refused = await me(on, token);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });
  },
);
