/**
 * Crash safety (issue 9): a real `twofold serve` process is killed with SIGKILL in the middle of
 * registrations, sign-ins and admin actions under load, then started again on the same database.
 * Each time it must start (migrations and keys fine), answer /healthz, keep its audit hash chain
 * intact, keep the SQLite file sound (`PRAGMA integrity_check`), hold no half-written rows, and
 * still have every change it acknowledged (a 2xx the client received) - a request that was in
 * flight when it died may or may not have happened, one that was answered must have.
 *
 * Runs on SQLite as deployed by default (a data directory with the database in WAL mode and the
 * generated key file) and on PostgreSQL (a fresh schema; needs TWOFOLD_TEST_DATABASE_URL).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase32, generateTotp } from '@twofold/core';
import BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, sqlitePathFor } from '../platform/db/database.js';
import type { Database } from '../platform/db/schema.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import {
  createHttpBrowser,
  type HttpAnswer,
  type HttpBrowser,
  runTwofold,
  type ServeProcess,
  startServeProcess,
} from '../test-support/serve-processes.js';

const postgres = testBackends.find((b) => b.name === 'postgres');
const base = '/t/default/api/v1';
const password = 'correct horse battery';
const cycles = 4;
/** Concurrent client loops of each kind. */
const loops = { registration: 2, signIn: 2, admin: 1 };
/** How long the load runs before the kill: a random moment in this range (ms). */
const loadMs = { min: 300, max: 1200 };
/** A load that has not got under way by then is killed anyway (and the figures will show it). */
const maxLoadMs = 20_000;
/** Users made before each load, to sign in for the first time and register during it. */
const newcomersPerCycle = 10;
/** The admin loop takes at most this many registered users per cycle for its actions. */
const victimsPerCycle = 2;

const period = 30;
const stepNow = () => Math.floor(Date.now() / 1000 / period);
const codeAt = (secret: Uint8Array, step: number) => generateTotp({ secret, time: step * period + 1 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Session {
  readonly token: string;
  /** When its 2xx arrived, on the run's sequence. */
  readonly ackSeq: number;
}

interface Person {
  readonly email: string;
  readonly userId: string;
  secret?: Uint8Array;
  methodId?: string;
  /** The highest TOTP step sent for this user (answered or not): never sent twice. */
  lastStep: number;
  /** The highest step of a code whose sign-in was acknowledged. */
  ackedStep: number;
  /** In use by a sign-in loop now. */
  busy: boolean;
  /** Taken by the admin loop: sign-in loops leave it alone from then on. */
  claimed: boolean;
  readonly sessions: Session[];
  /** Revoke-sessions and require-re-registration requests, in order. */
  readonly revocations: { sentSeq: number; ackSeq?: number }[];
  /** Re-registration required, acknowledged. */
  reregistered: boolean;
  /** Signed in with a code after a restart, by the checks. */
  codeChecked: boolean;
}

interface PassRecord {
  /** The last pass whose issuance was acknowledged. */
  pass?: string;
  /** A later issuance was sent and never answered: it may or may not have replaced `pass`. */
  inFlight: boolean;
}

interface Figures {
  cyclesSurvived: number;
  acknowledged: number;
  lostInFlight: number;
  refused: Record<string, number>;
  byKind: Record<string, number>;
  checks: number;
  walPresentAtKill: number;
  auditRowsChecked: number;
}

/** Opens what the server uses, from this process, for checks beside it. */
function openForChecks(env: Record<string, string>): { db: Kysely<Database>; close(): Promise<void> } {
  const databaseUrl = env['DATABASE_URL'] || undefined;
  const handle = openDatabase({
    databaseUrl,
    sqlitePath: databaseUrl ? undefined : sqlitePathFor(env['TWOFOLD_DATA_DIR'] ?? ''),
    poolSize: 2,
  });
  return handle;
}

/** Rows that only a half-written change could leave; each query must find none. */
const halfWritten: Record<string, (db: Kysely<Database>) => Promise<unknown[]>> = {
  'methods of no user': (db) =>
    db
      .selectFrom('methods as m')
      .leftJoin('users as u', (j) =>
        j.onRef('u.id', '=', 'm.user_id').onRef('u.tenant_id', '=', 'm.tenant_id'),
      )
      .where('u.id', 'is', null)
      .select('m.id')
      .execute(),
  'active methods never confirmed': (db) =>
    db
      .selectFrom('methods')
      .where('status', '=', 'active')
      .where('confirmed_at', 'is', null)
      .select('id')
      .execute(),
  'methods in an unknown state': (db) =>
    db
      .selectFrom('methods')
      .where('status', 'not in', ['pending', 'active', 'disabled'])
      .select('id')
      .execute(),
  'sessions of no user': (db) =>
    db
      .selectFrom('sessions as s')
      .leftJoin('users as u', (j) =>
        j.onRef('u.id', '=', 's.user_id').onRef('u.tenant_id', '=', 's.tenant_id'),
      )
      .where('u.id', 'is', null)
      .select('s.id')
      .execute(),
  'recovery codes of no user': (db) =>
    db
      .selectFrom('recovery_codes as r')
      .leftJoin('users as u', (j) =>
        j.onRef('u.id', '=', 'r.user_id').onRef('u.tenant_id', '=', 'r.tenant_id'),
      )
      .where('u.id', 'is', null)
      .select('r.id')
      .execute(),
  'passes of no user': (db) =>
    db
      .selectFrom('temporary_access_passes as p')
      .leftJoin('users as u', (j) =>
        j.onRef('u.id', '=', 'p.user_id').onRef('u.tenant_id', '=', 'p.tenant_id'),
      )
      .where('u.id', 'is', null)
      .select('p.id')
      .execute(),
  'roles of no user': (db) =>
    db
      .selectFrom('user_roles as r')
      .leftJoin('users as u', (j) =>
        j.onRef('u.id', '=', 'r.user_id').onRef('u.tenant_id', '=', 'r.tenant_id'),
      )
      .where('u.id', 'is', null)
      .select('r.user_id')
      .execute(),
  'sign-in flows of no user': (db) =>
    db
      .selectFrom('sign_in_flows as f')
      .leftJoin('users as u', (j) =>
        j.onRef('u.id', '=', 'f.user_id').onRef('u.tenant_id', '=', 'f.tenant_id'),
      )
      .where('u.id', 'is', null)
      .select('f.id_hash')
      .execute(),
  'users of no tenant': (db) =>
    db
      .selectFrom('users as u')
      .leftJoin('tenants as t', 't.id', 'u.tenant_id')
      .where('t.id', 'is', null)
      .select('u.id')
      .execute(),
  'pending methods marked confirmed': (db) =>
    db
      .selectFrom('methods')
      .where('status', '=', 'pending')
      .where('confirmed_at', 'is not', null)
      .select('id')
      .execute(),
};

function crashSuite(name: 'sqlite' | 'postgres') {
  const dirs: string[] = [];
  let database: TestDatabaseHandle | undefined;
  let server: ServeProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    await database?.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(`survives ${cycles} SIGKILLs under load with every acknowledged change kept`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twofold-crash-'));
    dirs.push(dataDir);
    let env: Record<string, string>;
    if (name === 'postgres') {
      database = await postgres!.create({ migrate: false });
      env = {
        DATABASE_URL: database.location.databaseUrl ?? '',
        TWOFOLD_SECRET_KEY: randomBytes(32).toString('base64'),
        TWOFOLD_DATA_DIR: dataDir,
      };
    } else {
      // The default deployment: SQLite (WAL) and the generated key file, both in the data directory.
      env = { DATABASE_URL: '', TWOFOLD_SECRET_KEY: '', TWOFOLD_DATA_DIR: dataDir };
    }
    const sqlitePath = name === 'sqlite' ? join(dataDir, 'twofold.db') : undefined;

    const figures: Figures = {
      cyclesSurvived: 0,
      acknowledged: 0,
      lostInFlight: 0,
      refused: {},
      byKind: {},
      checks: 0,
      walPresentAtKill: 0,
      auditRowsChecked: 0,
    };
    const people: Person[] = [];
    const created: { userId: string; email: string }[] = [];
    const passes = new Map<string, PassRecord>();
    const policy: { acked?: number; inFlight?: number; initial?: number } = {};
    let seq = 0;
    const tick = () => ++seq;

    /** A registered user signs in with password and a fresh code from the authenticator. */
    async function signInWithCode(url: string, person: Person): Promise<void> {
      const browser = createHttpBrowser();
      const started = await browser.request(url, 'POST', `${base}/sign-in`, {
        json: { username: person.email, password },
      });
      expect(started.json, person.email).toMatchObject({ status: 'mfa_required' });
      const step = Math.max(person.lastStep + 1, stepNow());
      person.lastStep = step;
      const done = await browser.request(url, 'POST', `${base}/sign-in/${started.json.flowId}/verify`, {
        json: { methodId: person.methodId, code: codeAt(person.secret!, step) },
      });
      expect(done.json, person.email).toMatchObject({ status: 'signed_in' });
      person.ackedStep = step;
      person.codeChecked = true;
      person.sessions.push({ token: done.json.session.token, ackSeq: tick() });
    }

    server = await startServeProcess(env);
    const key = await runTwofold(
      [
        'api-key',
        'create',
        '--tenant',
        'default',
        '--role',
        'global-admin',
        '--name',
        'crash test',
        '--json',
      ],
      { ...env, TWOFOLD_LOG_LEVEL: 'silent' },
    );
    expect(key.code, key.stderr).toBe(0);
    const apiKey = { authorization: `Bearer ${JSON.parse(key.stdout).key as string}` };
    const admin = createHttpBrowser();
    const startingPolicy = await admin.request(server.url, 'GET', `${base}/admin/policy`, {
      headers: apiKey,
    });
    expect(startingPolicy.status).toBe(200);
    const policyDocument = startingPolicy.json;
    policy.initial = policyDocument.temporaryAccessPass.defaultMinutes as number;

    for (let cycle = 1; cycle <= cycles; cycle++) {
      const live: ServeProcess = server;
      let killing = false;
      /** Acknowledgements in this cycle, by kind. */
      const thisCycle: Record<string, number> = {};

      /** Sends a request of `kind`; the answer if one came, undefined if it was lost to the kill. */
      async function send(
        kind: string,
        browser: HttpBrowser,
        method: string,
        path: string,
        options: { json?: unknown; headers?: Record<string, string> } = {},
      ): Promise<HttpAnswer | undefined> {
        try {
          const answer = await browser.request(live.url, method, path, options);
          if (answer.status >= 200 && answer.status < 300) {
            figures.acknowledged++;
            figures.byKind[kind] = (figures.byKind[kind] ?? 0) + 1;
            thisCycle[kind] = (thisCycle[kind] ?? 0) + 1;
          } else {
            const label = `${kind}: ${answer.status} ${answer.json?.code ?? ''}`;
            figures.refused[label] = (figures.refused[label] ?? 0) + 1;
          }
          return answer;
        } catch {
          figures.lostInFlight++;
          return undefined;
        }
      }

      let made = 0;
      async function createUser(prefix: string, withPassword = true): Promise<Person | undefined> {
        const email = `${prefix}-${cycle}-${++made}@example.com`;
        const answer = await send('create user', admin, 'POST', `${base}/admin/users`, {
          json: { email, ...(withPassword ? { password } : {}) },
          headers: apiKey,
        });
        if (answer?.status !== 201) return undefined;
        created.push({ userId: answer.json.id, email });
        return {
          email,
          userId: answer.json.id,
          lastStep: 0,
          ackedStep: 0,
          busy: false,
          claimed: false,
          sessions: [],
          revocations: [],
          reregistered: false,
          codeChecked: false,
        };
      }

      async function issuePass(userId: string): Promise<void> {
        const record = passes.get(userId) ?? { inFlight: false };
        passes.set(userId, record);
        record.inFlight = true;
        const answer = await send(
          'issue pass',
          admin,
          'POST',
          `${base}/admin/users/${userId}/temporary-access-pass`,
          { json: { lifetimeMinutes: 60, reason: 'crash test' }, headers: apiKey },
        );
        if (answer === undefined) return;
        record.inFlight = false;
        if (answer.status === 201) record.pass = answer.json.pass;
      }

      async function registrationLoop(): Promise<void> {
        while (!killing) {
          const person = newcomers.pop() ?? (await createUser('new'));
          if (!person || killing) continue;
          const browser = createHttpBrowser();
          const started = await send('sign-in', browser, 'POST', `${base}/sign-in`, {
            json: { username: person.email, password },
          });
          if (started?.json?.status !== 'registration_required' || killing) continue;
          const flowId = started.json.flowId as string;
          const registered = await send('register', browser, 'POST', `${base}/sign-in/${flowId}/register`, {
            json: { type: 'authenticator' },
          });
          if (registered?.status !== 200 || killing) continue;
          const secret = decodeBase32(registered.json.secret);
          const step = stepNow();
          person.lastStep = step;
          const done = await send('register: verify', browser, 'POST', `${base}/sign-in/${flowId}/verify`, {
            json: { methodId: registered.json.methodId, code: codeAt(secret, step) },
          });
          if (done?.json?.status !== 'signed_in') continue;
          person.secret = secret;
          person.methodId = registered.json.methodId;
          person.ackedStep = step;
          person.sessions.push({ token: done.json.session.token, ackSeq: tick() });
          people.push(person);
        }
      }

      /**
       * A user whose last step is at most this can sign in with the current step or the next
       * (both inside the verification window, whatever the latency). In the last cycle the next
       * is kept for the checks after it, so that none has to wait for the clock.
       */
      const lastUsable = () => (cycle === cycles ? stepNow() - 1 : stepNow());

      async function signInLoop(): Promise<void> {
        while (!killing) {
          const ready = people.filter((p) => !p.claimed && !p.busy && p.lastStep <= lastUsable());
          const person = ready[randomInt(Math.max(ready.length, 1))];
          if (!person?.secret) {
            await sleep(20);
            continue;
          }
          person.busy = true;
          try {
            const browser = createHttpBrowser();
            const started = await send('sign-in', browser, 'POST', `${base}/sign-in`, {
              json: { username: person.email, password },
            });
            if (started?.json?.status !== 'mfa_required' || killing) continue;
            const step = Math.max(person.lastStep + 1, stepNow());
            person.lastStep = step;
            const done = await send(
              'sign-in: verify',
              browser,
              'POST',
              `${base}/sign-in/${started.json.flowId}/verify`,
              {
                json: { methodId: person.methodId, code: codeAt(person.secret, step) },
              },
            );
            if (done?.json?.status !== 'signed_in') continue;
            person.ackedStep = Math.max(person.ackedStep, step);
            person.sessions.push({ token: done.json.session.token, ackSeq: tick() });
          } finally {
            person.busy = false;
          }
        }
      }

      async function adminLoop(): Promise<void> {
        let victims = 0;
        while (!killing) {
          // Without a password (they sign in with the pass), so no hashing holds the loop up.
          const person = await createUser('admin-made', false);
          if (person && !killing) await issuePass(person.userId);
          const unclaimed = people.filter((p) => !p.claimed);
          const victim = unclaimed.find((p) => !p.busy);
          if (victim && unclaimed.length > 3 && victims < victimsPerCycle && !killing) {
            victims++;
            victim.claimed = true;
            for (const [kind, path, body] of [
              ['revoke sessions', 'revoke-sessions', {}],
              ['require re-registration', 'require-reregistration', { reason: 'crash test' }],
            ] as const) {
              if (killing) break;
              const revocation: Person['revocations'][number] = { sentSeq: tick() };
              victim.revocations.push(revocation);
              const answer = await send(kind, admin, 'POST', `${base}/admin/users/${victim.userId}/${path}`, {
                json: body,
                headers: apiKey,
              });
              if (answer?.status === 200) {
                revocation.ackSeq = tick();
                if (path === 'require-reregistration') victim.reregistered = true;
              }
            }
            if (!killing) await issuePass(victim.userId);
          }
          if (killing) break;
          const minutes = 61 + randomInt(1000);
          policy.inFlight = minutes;
          const answer = await send('change policy', admin, 'PUT', `${base}/admin/policy`, {
            json: {
              ...policyDocument,
              temporaryAccessPass: { ...policyDocument.temporaryAccessPass, defaultMinutes: minutes },
              reason: 'crash test',
            },
            headers: apiKey,
          });
          if (answer === undefined) continue;
          policy.inFlight = undefined;
          if (answer.status === 200) policy.acked = minutes;
        }
      }

      // Users to sign in for the first time, made beforehand: hashing their passwords would
      // otherwise take most of a short load.
      const newcomers = (
        await Promise.all(Array.from({ length: newcomersPerCycle }, () => createUser('new')))
      ).filter((p) => p !== undefined);

      // Load, then the kill at a random moment in it.
      const running = [
        ...Array.from({ length: loops.registration }, registrationLoop),
        ...Array.from({ length: loops.signIn }, signInLoop),
        ...Array.from({ length: loops.admin }, adminLoop),
      ];
      // The kill comes at a random moment once the load is under way: after a random delay, and
      // not before a first registration (and, with users registered before, a first sign-in) of
      // this cycle was answered, so every cycle crashes in the middle of all kinds of work on a
      // machine of any speed; then a further random delay.
      const started = Date.now();
      const delay = loadMs.min + randomInt(loadMs.max - loadMs.min);
      const signInable = people.filter((p) => !p.claimed && p.lastStep <= lastUsable());
      const underWay = () =>
        (thisCycle['register: verify'] ?? 0) > 0 &&
        ((thisCycle['sign-in: verify'] ?? 0) > 0 || signInable.every((p) => p.claimed));
      while (Date.now() - started < delay || (!underWay() && Date.now() - started < maxLoadMs))
        await sleep(10);
      await sleep(randomInt(loadMs.min));
      if (sqlitePath && existsSync(`${sqlitePath}-wal`)) figures.walPresentAtKill++;
      killing = true;
      const signal = await live.kill();
      await Promise.all(running);
      expect(signal).toBe('SIGKILL');

      // The file as the kill left it (WAL not yet replayed by a new server) must be sound.
      if (sqlitePath) {
        const file = new BetterSqlite3(sqlitePath, { readonly: true, fileMustExist: true });
        try {
          expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
        } finally {
          file.close();
        }
        figures.checks++;
      }

      // Restart on the same database: it must come up, migrate (nothing) and unseal its keys.
      server = await startServeProcess(env);
      const restarted: ServeProcess = server;
      const client = createHttpBrowser();
      const health = await client.request(restarted.url, 'GET', '/healthz');
      expect(health.status, restarted.output()).toBe(200);
      figures.checks++;

      const audit = await runTwofold(['audit', 'verify', '--json'], { ...env, TWOFOLD_LOG_LEVEL: 'silent' });
      expect(audit.code, `${audit.stdout}${audit.stderr}`).toBe(0);
      const chain = JSON.parse(audit.stdout);
      expect(chain).toMatchObject({ ok: true });
      figures.auditRowsChecked = chain.rowsChecked;
      figures.checks++;

      const checks = openForChecks(env);
      try {
        const db = checks.db;
        for (const [invariant, query] of Object.entries(halfWritten)) {
          expect(await query(db), invariant).toEqual([]);
          figures.checks++;
        }
        if (sqlitePath) {
          const rows = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db);
          expect(rows.rows).toEqual([{ integrity_check: 'ok' }]);
        }

        // Every user whose creation was acknowledged exists, with its email.
        const users = await db
          .selectFrom('users')
          .select(['id', 'email', 'registration_required'])
          .where(
            'id',
            'in',
            created.map((c) => c.userId),
          )
          .execute();
        const byId = new Map(users.map((u) => [u.id, u]));
        for (const c of created) {
          expect(byId.get(c.userId)?.email, `created user ${c.email}`).toBe(c.email);
          figures.checks++;
        }
        // And through the admin API, the newest of them.
        const newest = created[created.length - 1];
        if (newest) {
          const answer = await client.request(restarted.url, 'GET', `${base}/admin/users/${newest.userId}`, {
            headers: apiKey,
          });
          expect(answer.json?.email).toBe(newest.email);
        }

        // Acknowledged re-registrations: flag set, authenticators gone, the next sign-in registers.
        for (const person of people.filter((p) => p.reregistered)) {
          expect(byId.get(person.userId)?.registration_required, person.email).toBe(1);
          const methods = await db
            .selectFrom('methods')
            .where('user_id', '=', person.userId)
            .where('type', '=', 'authenticator')
            .select('id')
            .execute();
          expect(methods, person.email).toEqual([]);
          figures.checks++;
        }

        // Acknowledged registrations: the method is there, active, its used steps remembered,
        // and the user signs in with a code.
        for (const person of people.filter((p) => !p.claimed)) {
          const method = await db
            .selectFrom('methods')
            .where('id', '=', person.methodId ?? '')
            .select(['user_id', 'status', 'confirmed_at', 'last_step'])
            .executeTakeFirst();
          expect(method, person.email).toMatchObject({ user_id: person.userId, status: 'active' });
          expect(method?.confirmed_at, person.email).not.toBeNull();
          // A code whose sign-in was answered can never be used again, even after a crash.
          expect(Number(method?.last_step), person.email).toBeGreaterThanOrEqual(person.ackedStep);
          figures.checks++;
          // Signing in spends a step (now or the next); before another load, the next is left to it.
          if (person.lastStep < stepNow() || (cycle === cycles && person.lastStep === stepNow())) {
            await signInWithCode(restarted.url, person);
            figures.checks++;
          }
        }

        // Sessions: every acknowledged one works unless a revocation was acknowledged after it;
        // those it covered are refused.
        for (const person of people) {
          for (const session of person.sessions) {
            const covering = person.revocations.filter((r) => r.sentSeq > session.ackSeq);
            const revoked = covering.some((r) => r.ackSeq !== undefined);
            if (covering.length > 0 && !revoked) continue; // only an unanswered revocation: either is right
            const me = await client.request(restarted.url, 'GET', `${base}/me`, {
              headers: { authorization: `Bearer ${session.token}` },
            });
            expect(me.status, `${person.email} session ${revoked ? 'revoked' : 'kept'}`).toBe(
              revoked ? 401 : 200,
            );
            figures.checks++;
          }
        }

        // Passes: the last acknowledged one works (unless a later issuance went unanswered: then a
        // pass is there, the old or the new one). Using one spends it, so each is checked once.
        for (const [userId, record] of passes) {
          if (record.inFlight) {
            const row = await db
              .selectFrom('temporary_access_passes')
              .where('user_id', '=', userId)
              .select('id')
              .executeTakeFirst();
            if (record.pass) expect(row, `pass of ${userId}`).toBeDefined();
            continue;
          }
          if (!record.pass) continue;
          const email = byId.get(userId)?.email ?? '';
          const started = await createHttpBrowser().request(restarted.url, 'POST', `${base}/sign-in`, {
            json: { username: email, temporaryAccessPass: record.pass },
          });
          expect(started.status, `pass of ${email}: ${JSON.stringify(started.json)}`).toBe(200);
          passes.delete(userId);
          figures.checks++;
        }

        // The policy is the last one acknowledged, or the one whose change was in flight.
        const current = await client.request(restarted.url, 'GET', `${base}/admin/policy`, {
          headers: apiKey,
        });
        const allowed = [policy.acked ?? policy.initial, policy.inFlight].filter((m) => m !== undefined);
        expect(allowed).toContain(current.json.temporaryAccessPass.defaultMinutes);
        policy.acked = current.json.temporaryAccessPass.defaultMinutes;
        policy.inFlight = undefined;
        figures.checks++;
      } finally {
        await checks.close();
      }
      figures.cyclesSurvived++;
    }

    // Whoever the load kept too busy to check in a cycle signs in now, once their authenticator
    // shows a code not yet spent (within a step).
    for (const person of people.filter((p) => !p.claimed && !p.codeChecked)) {
      while (person.lastStep > stepNow()) await sleep(1000);
      await signInWithCode(server.url, person);
      figures.checks++;
    }
    await server.stop();
    console.log(`crash safety on ${name}: ${JSON.stringify(figures, null, 2)}`);
    // The load reached every kind of change, so the checks above had something to find.
    for (const kind of ['create user', 'register: verify', 'sign-in: verify', 'issue pass', 'change policy'])
      expect(figures.byKind[kind] ?? 0, kind).toBeGreaterThan(0);
    // Every request of the load was valid: none was refused, let alone failed.
    expect(figures.refused).toEqual({});
    // The kills hit requests in flight.
    expect(figures.lostInFlight).toBeGreaterThan(0);
    expect(figures.cyclesSurvived).toBe(cycles);
  }, 120_000);
}

describe('crash safety on SQLite (data directory, WAL)', () => crashSuite('sqlite'));

describe.skipIf(!postgres)(
  `crash safety on PostgreSQL${postgres ? '' : ' (skipped: TWOFOLD_TEST_DATABASE_URL is not set; CI sets it)'}`,
  () => crashSuite('postgres'),
);
