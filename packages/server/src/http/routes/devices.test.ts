/**
 * Push approvals over HTTP (spec sections 2 and 4, issue 6): activation from the authenticator URI,
 * signed long-polls, number matching, and each attack of issue 6 refused: a wrong number, a
 * replayed answer, an answer signed by another device or another user's device, an expired
 * challenge, a stale timestamp, a tampered body. Devices are real ECDSA P-256 keys from node:crypto.
 */
import { decodeBase32, generateTotp, parseOtpauthUri } from '@twofold/core';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import { pushLifetimeMs } from '../../factors/push/push-service.js';
import { createManualClock } from '../../platform/clock.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { type BrowserClient, createBrowserClient } from '../../test-support/browser-client.js';
import { testBackends } from '../../test-support/databases.js';
import { createTestPushDevice, type TestPushDevice } from '../../test-support/push-device.js';
import { emptyDatabase } from '../../test-support/shared-database.js';

const base = '/t/default/api/v1';
const password = 'correct horse battery';

interface Phone {
  readonly key: TestPushDevice;
  readonly deviceId: string;
  readonly methodId: string;
}

for (const backend of testBackends) {
  describe(`push approvals over HTTP on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 5, 9, 13, 10, 0));
    let t: TestApp;
    let tenant: Tenant;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await emptyDatabase(t.runtime.database as never);
      clock.set(Date.UTC(2026, 5, 9, 13, 10, 0));
      tenant = await t.runtime.services.tenants.create({ slug: 'default', name: 'Acme' }, operatorActor);
    });

    const db = () => t.runtime.database.db;

    async function createUser(email = 'ann@example.com', roles: string[] = []) {
      return t.runtime.services.users.create(
        { tenantId: tenant.id, email, password, roles: roles as never },
        operatorActor,
      );
    }

    function start(browser: BrowserClient, username = 'ann@example.com') {
      return browser.post(`${base}/sign-in`, { username, password });
    }

    /** First sign-in: register an authenticator, confirm it with a code; returns its URI. */
    async function enrol(username = 'ann@example.com') {
      const browser = createBrowserClient(t.app);
      const flow = (await start(browser, username)).json();
      const reg = (
        await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
      ).json();
      const code = generateTotp({ secret: decodeBase32(reg.secret), time: clock.now() / 1000 });
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        code,
      });
      expect(done.statusCode).toBe(200);
      return { methodId: reg.methodId as string, otpauthUri: reg.otpauthUri as string, browser };
    }

    function activate(body: unknown, slug = 'default') {
      return t.app.inject({
        method: 'POST',
        url: `/t/${slug}/api/v1/devices/activate`,
        payload: body as never,
      });
    }

    /** Enrols the user and activates a phone for push with the token from the URI. */
    async function enrolPhone(username = 'ann@example.com', name = "Ann's phone"): Promise<Phone> {
      const { methodId, otpauthUri } = await enrol(username);
      const key = createTestPushDevice();
      const token = parseOtpauthUri(otpauthUri).account.extra['twofold_push'];
      const activated = await activate({ activationToken: token, publicKey: key.publicKey, name });
      expect(activated.statusCode, activated.body).toBe(201);
      return { key, deviceId: activated.json().deviceId, methodId };
    }

    /** A request signed by `signer` (the phone's own key by default) claiming to be `phone`. */
    function signed(
      phone: Phone,
      method: 'GET' | 'POST',
      path: string,
      body?: unknown,
      options: { signer?: TestPushDevice; timestamp?: number; sentBody?: string } = {},
    ): Promise<LightMyRequestResponse> {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers = (options.signer ?? phone.key).headers(
        phone.deviceId,
        method,
        path,
        text,
        options.timestamp ?? clock.now(),
      );
      return t.app.inject({
        method,
        url: path,
        headers,
        ...(text !== undefined ? { payload: options.sentBody ?? text } : {}),
      });
    }

    function poll(phone: Phone, wait = 0) {
      return signed(phone, 'GET', `${base}/devices/${phone.deviceId}/challenges?wait=${wait}`);
    }

    function answer(phone: Phone, challengeId: string, body: unknown, options = {}) {
      return signed(
        phone,
        'POST',
        `${base}/devices/${phone.deviceId}/challenges/${challengeId}`,
        body,
        options,
      );
    }

    /** A new sign-in that picks push: the browser, its flow, the number on the page. */
    async function pushSignIn(phone: Phone, username = 'ann@example.com') {
      const browser = createBrowserClient(t.app);
      const flow = (await start(browser, username)).json();
      const sent = await browser.post(`${base}/sign-in/${flow.flowId}/challenge`, {
        methodId: `push:${phone.methodId}`,
      });
      expect(sent.statusCode, sent.body).toBe(200);
      const challenges = (await poll(phone)).json().challenges as { id: string }[];
      return {
        browser,
        flow,
        number: sent.json().number as number,
        challengeId: challenges.at(-1)!.id,
        outcome: (wait = 0) => browser.get(`${base}/sign-in/${flow.flowId}/push?wait=${wait}`),
      };
    }

    async function signInLog() {
      return db()
        .selectFrom('sign_in_events')
        .select(['result', 'reason', 'method_type', 'details'])
        .orderBy('at')
        .orderBy('id')
        .execute();
    }

    it('the URI names server and tenant; its token activates one device, once', async () => {
      await createUser();
      const { otpauthUri } = await enrol();
      const extra = parseOtpauthUri(otpauthUri).account.extra;
      expect(extra).toMatchObject({
        twofold_server: t.runtime.config.publicUrl,
        twofold_tenant: 'default',
      });
      const key = createTestPushDevice();
      const body = {
        activationToken: extra['twofold_push'],
        publicKey: key.publicKey,
        name: "Ann's laptop (CLI)",
      };

      // A key that is not a P-256 point is refused, and does not spend the token.
      const y = Buffer.from(key.publicKey.y, 'base64url');
      y[31] = (y[31] ?? 0) ^ 1;
      const offCurve = await activate({
        ...body,
        publicKey: { ...key.publicKey, y: y.toString('base64url') },
      });
      expect(offCurve.json()).toMatchObject({ status: 400, code: 'push_activation_invalid' });
      // The token of one tenant does nothing at another.
      await t.runtime.services.tenants.create({ slug: 'other' }, operatorActor);
      expect((await activate(body, 'other')).json().code).toBe('push_activation_invalid');

      // WebCrypto's JWK export adds ext and key_ops: taken.
      const first = await activate({
        ...body,
        publicKey: { ...key.publicKey, ext: true, key_ops: ['verify'] },
      });
      expect(first.statusCode, first.body).toBe(201);
      expect(first.json()).toEqual({
        deviceId: expect.any(String),
        userEmail: 'a•••@example.com',
        tenant: 'default',
        tenantName: 'Acme',
      });
      const again = await activate(body);
      expect(again.statusCode).toBe(400);
      expect(again.json().code).toBe('push_activation_invalid');
      expect(
        await db().selectFrom('push_devices').select(['name', 'public_key', 'revoked_at']).execute(),
      ).toEqual([
        { name: "Ann's laptop (CLI)", public_key: JSON.stringify(key.publicKey), revoked_at: null },
      ]);
      // Unknown fields are refused (strict bodies).
      expect((await activate({ ...body, extra: 1 })).json().code).toBe('validation_failed');
    });

    it('a signed long-poll receives the push within a second; the right number signs the browser in (amr swk)', async () => {
      await createUser();
      const phone = await enrolPhone();
      clock.advance(60_000);
      const browser = createBrowserClient(t.app);
      const flow = (await start(browser)).json();
      expect(flow.methods).toEqual([
        { id: `push:${phone.methodId}`, type: 'push', label: "Approve on Ann's phone", isDefault: true },
        { id: phone.methodId, type: 'authenticator', label: 'Authenticator app', isDefault: false },
        { id: 'recovery-codes', type: 'recovery_codes', label: 'Recovery code', isDefault: false },
      ]);
      // Nothing pending: a short wait ends with an empty list.
      expect((await poll(phone, 0)).json()).toEqual({ challenges: [] });
      // Before the push: the page has nothing to wait for.
      const early = await browser.get(`${base}/sign-in/${flow.flowId}/push?wait=0`);
      expect(early.json().code).toBe('flow_state_invalid');

      const waiting = poll(phone, 10);
      const sentAt = Date.now();
      const sent = await browser.post(`${base}/sign-in/${flow.flowId}/challenge`, {
        methodId: `push:${phone.methodId}`,
      });
      expect(sent.statusCode, sent.body).toBe(200);
      const { number, expiresAt } = sent.json();
      expect(number).toBeGreaterThanOrEqual(10);
      expect(number).toBeLessThanOrEqual(99);
      expect(Date.parse(expiresAt)).toBe(clock.now() + pushLifetimeMs);
      const received = await waiting;
      expect(Date.now() - sentAt).toBeLessThan(1000);
      expect(received.statusCode, received.body).toBe(200);
      const [challenge, ...more] = received.json().challenges;
      expect(more).toEqual([]);
      expect(challenge).toEqual({
        id: expect.any(String),
        tenant: 'default',
        tenantName: 'Acme',
        application: 'Twofold sign-in',
        ip: '127.0.0.1',
        createdAt: new Date(clock.now()).toISOString(),
        expiresAt,
      });
      // The number is for the user to type: the device is never told it, as no value of any field
      // (a text search would take the 11 of a time such as 13:11:00 for it).
      const values: unknown[] = [];
      JSON.stringify(received.json(), (_key, value: unknown) => {
        values.push(value);
        return value;
      });
      expect(values).not.toContain(number);
      expect(values).not.toContain(String(number));

      // A code cannot answer a push.
      const code = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: `push:${phone.methodId}`,
        code: '123456',
      });
      expect(code.json().code).toBe('flow_state_invalid');

      expect((await browser.get(`${base}/sign-in/${flow.flowId}/push?wait=0`)).json()).toEqual({
        status: 'pending',
      });
      const outcome = browser.get(`${base}/sign-in/${flow.flowId}/push?wait=10`);
      const approvedAt = Date.now();
      const approved = await answer(phone, challenge.id, { decision: 'approve', number });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toEqual({ status: 'approved' });
      const done = await outcome;
      expect(Date.now() - approvedAt).toBeLessThan(1000);
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ status: 'signed_in', session: { token: expect.any(String) } });
      expect(browser.cookies.get('twofold_session')).toBe(done.json().session.token);
      const session = await db()
        .selectFrom('sessions')
        .select('amr')
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      expect(JSON.parse(session!.amr)).toEqual(['pwd', 'swk', 'mfa']);
      expect((await signInLog()).at(-1)).toMatchObject({ result: 'success', method_type: 'push' });
      // The sign-in is over: its push cannot be answered again, nor the flow read.
      expect((await answer(phone, challenge.id, { decision: 'approve', number })).json().code).toBe(
        'push_already_answered',
      );
      expect((await browser.get(`${base}/sign-in/${flow.flowId}/push?wait=0`)).statusCode).toBe(410);
    });

    it('a wrong number denies the push; the right number afterwards is refused', async () => {
      await createUser();
      const phone = await enrolPhone();
      const push = await pushSignIn(phone);
      const wrong = push.number === 99 ? 98 : push.number + 1;
      const mismatch = await answer(phone, push.challengeId, { decision: 'approve', number: wrong });
      expect(mismatch.statusCode).toBe(400);
      expect(mismatch.json().code).toBe('push_number_mismatch');
      expect((await push.outcome()).json()).toEqual({ status: 'denied' });
      const late = await answer(phone, push.challengeId, { decision: 'approve', number: push.number });
      expect(late.statusCode).toBe(409);
      expect(late.json().code).toBe('push_already_answered');
      expect((await push.outcome()).json()).toEqual({ status: 'denied' });
      expect(await signInLog()).toContainEqual(
        expect.objectContaining({ result: 'failure', reason: 'push_denied', method_type: 'push' }),
      );
      // Approving needs the number at all.
      const again = await push.browser.post(`${base}/sign-in/${push.flow.flowId}/challenge`, {
        methodId: `push:${phone.methodId}`,
      });
      const next = (await poll(phone)).json().challenges[0].id;
      expect((await answer(phone, next, { decision: 'approve' })).json().code).toBe('validation_failed');
      // The new push works; the sign-in goes on.
      expect(
        (await answer(phone, next, { decision: 'approve', number: again.json().number })).statusCode,
      ).toBe(200);
      expect((await push.outcome()).json().status).toBe('signed_in');
    });

    it('a replayed answer is refused, and a signature made for one push does not answer another', async () => {
      await createUser();
      const phone = await enrolPhone();
      const push = await pushSignIn(phone);
      const path = `${base}/devices/${phone.deviceId}/challenges/${push.challengeId}`;
      const body = JSON.stringify({ decision: 'deny' });
      const headers = phone.key.headers(phone.deviceId, 'POST', path, body, clock.now());
      const first = await t.app.inject({ method: 'POST', url: path, headers, payload: body });
      expect(first.json()).toEqual({ status: 'denied' });
      const replay = await t.app.inject({ method: 'POST', url: path, headers, payload: body });
      expect(replay.statusCode).toBe(409);
      expect(replay.json().code).toBe('push_already_answered');
      expect((await push.outcome()).json()).toEqual({ status: 'denied' });

      // The same signed answer sent to the user's next push: the path is signed, so it fails.
      const second = await pushSignIn(phone);
      const moved = await t.app.inject({
        method: 'POST',
        url: `${base}/devices/${phone.deviceId}/challenges/${second.challengeId}`,
        headers,
        payload: body,
      });
      expect(moved.statusCode).toBe(401);
      expect(moved.json().code).toBe('device_signature_invalid');
      expect((await second.outcome()).json()).toEqual({ status: 'pending' });
    });

    it("an answer signed by another key, or by another user's device, is refused", async () => {
      await createUser();
      await createUser('bob@example.com');
      const phone = await enrolPhone();
      const bobs = await enrolPhone('bob@example.com', "Bob's phone");
      const push = await pushSignIn(phone);
      const approve = { decision: 'approve', number: push.number };

      // Signed with a key that never activated, claiming Ann's device.
      const stranger = createTestPushDevice();
      const forged = await answer(phone, push.challengeId, approve, { signer: stranger });
      expect(forged.statusCode).toBe(401);
      expect(forged.json().code).toBe('device_signature_invalid');
      // Signed with Bob's real key, claiming Ann's device.
      const swapped = await answer(phone, push.challengeId, approve, { signer: bobs.key });
      expect(swapped.json().code).toBe('device_signature_invalid');
      // Bob's device, properly signed, answering Ann's push.
      const bobAnswers = await answer(bobs, push.challengeId, approve);
      expect(bobAnswers.statusCode).toBe(404);
      expect(bobAnswers.json().code).toBe('push_challenge_not_found');
      // Bob's device does not even see it; Ann's device in another tenant's path does not exist.
      expect((await poll(bobs)).json()).toEqual({ challenges: [] });
      await t.runtime.services.tenants.create({ slug: 'other' }, operatorActor);
      const otherTenant = await signed(
        phone,
        'GET',
        `/t/other/api/v1/devices/${phone.deviceId}/challenges?wait=0`,
      );
      expect(otherTenant.json().code).toBe('device_signature_invalid');
      // A device id in the header that is not the one in the path.
      const mixed = await t.app.inject({
        method: 'GET',
        url: `${base}/devices/${phone.deviceId}/challenges?wait=0`,
        headers: bobs.key.headers(
          bobs.deviceId,
          'GET',
          `${base}/devices/${phone.deviceId}/challenges?wait=0`,
          undefined,
          clock.now(),
        ),
      });
      expect(mixed.json().code).toBe('device_signature_invalid');
      // None of it touched the push.
      expect((await push.outcome()).json()).toEqual({ status: 'pending' });
      expect((await answer(phone, push.challengeId, approve)).json()).toEqual({ status: 'approved' });
    });

    it('a stale or future timestamp, a tampered body and missing headers are refused', async () => {
      await createUser();
      const phone = await enrolPhone();
      const push = await pushSignIn(phone);
      const approve = { decision: 'approve', number: push.number };
      const stale = await answer(phone, push.challengeId, approve, {
        timestamp: clock.now() - 5 * 60_000 - 1,
      });
      expect(stale.statusCode).toBe(401);
      expect(stale.json().code).toBe('device_signature_invalid');
      const future = await answer(phone, push.challengeId, approve, {
        timestamp: clock.now() + 5 * 60_000 + 1,
      });
      expect(future.json().code).toBe('device_signature_invalid');
      // Signed "deny", sent "approve"; signed one number, sent another.
      const tampered = await answer(
        phone,
        push.challengeId,
        { decision: 'deny' },
        { sentBody: JSON.stringify(approve) },
      );
      expect(tampered.json().code).toBe('device_signature_invalid');
      const renumbered = await answer(phone, push.challengeId, approve, {
        sentBody: JSON.stringify({ ...approve, number: 10 + ((push.number - 9) % 90) }),
      });
      expect(renumbered.json().code).toBe('device_signature_invalid');
      // The same JSON with other whitespace is other bytes: the signature covers the bytes.
      const spaced = await answer(phone, push.challengeId, approve, {
        sentBody: JSON.stringify(approve, null, 1),
      });
      expect(spaced.json().code).toBe('device_signature_invalid');
      const bare = await t.app.inject({
        method: 'GET',
        url: `${base}/devices/${phone.deviceId}/challenges?wait=0`,
      });
      expect(bare.statusCode).toBe(401);
      expect(bare.json().code).toBe('device_signature_invalid');
      // A signed GET with another query is another request.
      const headers = phone.key.headers(
        phone.deviceId,
        'GET',
        `${base}/devices/${phone.deviceId}/challenges?wait=0`,
        undefined,
        clock.now(),
      );
      const requery = await t.app.inject({
        method: 'GET',
        url: `${base}/devices/${phone.deviceId}/challenges?wait=1`,
        headers,
      });
      expect(requery.json().code).toBe('device_signature_invalid');
      // Still pending, and the real answer works.
      expect((await push.outcome()).json()).toEqual({ status: 'pending' });
      expect((await answer(phone, push.challengeId, approve)).json()).toEqual({ status: 'approved' });
    });

    it('a push expires after 2 minutes: the answer is refused, the page says expired, the log push_timeout once', async () => {
      await createUser();
      const phone = await enrolPhone();
      const push = await pushSignIn(phone);
      clock.advance(pushLifetimeMs);
      expect((await poll(phone)).json()).toEqual({ challenges: [] });
      const late = await answer(phone, push.challengeId, { decision: 'approve', number: push.number });
      expect(late.statusCode).toBe(410);
      expect(late.json().code).toBe('push_expired');
      expect((await push.outcome()).json()).toEqual({ status: 'expired' });
      expect((await push.outcome()).json()).toEqual({ status: 'expired' });
      const timeouts = (await signInLog()).filter((e) => e.reason === 'push_timeout');
      expect(timeouts).toHaveLength(1);
      // "Send another push" on the same sign-in starts a fresh one.
      const again = await push.browser.post(`${base}/sign-in/${push.flow.flowId}/challenge`, {
        methodId: `push:${phone.methodId}`,
      });
      expect(again.statusCode).toBe(200);
      expect((await push.outcome()).json()).toEqual({ status: 'pending' });
    });

    it('a report denies the push, ends the sign-in, blocks push until an admin clears it, and emails the global admins', async () => {
      const admin = await createUser('root@example.com', ['global-admin']);
      await createUser('helpdesk@example.com', ['helpdesk']);
      const ann = await createUser();
      const phone = await enrolPhone();
      const push = await pushSignIn(phone);
      const waiting = push.outcome(10);
      const reported = await answer(phone, push.challengeId, { decision: 'report' });
      expect(reported.json()).toEqual({ status: 'reported' });
      expect((await waiting).json()).toEqual({ status: 'reported' });
      // Asked again, the page is still told why its sign-in ended; nothing else of the flow works.
      expect((await push.outcome()).json()).toEqual({ status: 'reported' });
      expect((await push.browser.get(`${base}/sign-in/${push.flow.flowId}`)).json().code).toBe(
        'flow_expired',
      );
      expect((await answer(phone, push.challengeId, { decision: 'deny' })).json().code).toBe(
        'push_already_answered',
      );

      expect((await t.runtime.services.users.getById(tenant.id, ann.id)).pushBlocked).toBe(true);
      const audit = await db()
        .selectFrom('audit_events')
        .select(['action', 'target_id', 'details'])
        .where('action', '=', 'push.report')
        .execute();
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.details!)).toMatchObject({ notified: ['root@example.com'] });
      const mail = await t.runtime.services.outbox.list(tenant.id);
      expect(mail).toHaveLength(1);
      expect(mail[0]).toMatchObject({ recipient: admin.email, purpose: 'admin_notice', channel: 'email' });
      expect(mail[0]!.subject).toContain('ann@example.com reported a sign-in');
      expect(mail[0]!.body).toContain('127.0.0.1');
      expect(await signInLog()).toContainEqual(expect.objectContaining({ reason: 'push_reported' }));

      // While blocked, sign-in offers no push and refuses one.
      const browser = createBrowserClient(t.app);
      const flow = (await start(browser)).json();
      expect(flow.methods.map((m: { type: string }) => m.type)).toEqual(['authenticator', 'recovery_codes']);
      expect(flow.methods[0].isDefault).toBe(true);
      const refused = await browser.post(`${base}/sign-in/${flow.flowId}/challenge`, {
        methodId: `push:${phone.methodId}`,
      });
      expect(refused.json().code).toBe('method_not_found');

      await t.runtime.services.users.clearPushBlock(tenant.id, ann.id, { type: 'user', id: admin.id });
      const after = (await start(createBrowserClient(t.app))).json();
      expect(after.methods[0]).toMatchObject({ type: 'push', isDefault: true });
    });

    it('pushes per user are limited: 3 waiting at once, 10 an hour (429 send_limited)', async () => {
      await createUser();
      const phone = await enrolPhone();
      const flows = [];
      for (let i = 0; i < 4; i++) {
        const browser = createBrowserClient(t.app);
        const flow = (await start(browser)).json();
        flows.push({ browser, flow });
      }
      const sends = [];
      for (const { browser, flow } of flows)
        sends.push(
          await browser.post(`${base}/sign-in/${flow.flowId}/challenge`, {
            methodId: `push:${phone.methodId}`,
          }),
        );
      expect(sends.map((s) => s.statusCode)).toEqual([200, 200, 200, 429]);
      expect(sends[3]!.json()).toMatchObject({ code: 'send_limited', retryAfter: 120 });
      expect(sends[3]!.headers['retry-after']).toBe('120');
      expect((await poll(phone)).json().challenges).toHaveLength(3);
      expect(await signInLog()).toContainEqual(
        expect.objectContaining({ reason: 'send_limited', method_type: 'push' }),
      );

      // Sending again on one sign-in replaces its push (still 3 waiting), until 10 in the hour.
      const { browser, flow } = flows[0]!;
      const again = [];
      for (let i = 0; i < 8; i++) {
        clock.advance(1000);
        again.push(
          await browser.post(`${base}/sign-in/${flow.flowId}/challenge`, {
            methodId: `push:${phone.methodId}`,
          }),
        );
      }
      expect(again.map((s) => s.statusCode)).toEqual([200, 200, 200, 200, 200, 200, 200, 429]);
      expect(again[7]!.json()).toMatchObject({ code: 'send_limited' });
      expect(again[7]!.json().retryAfter).toBe(3600 - 8);
      // A burst at once from many sign-ins: none passes the limit.
      clock.advance(60 * 60_000);
      const burst = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const b = createBrowserClient(t.app);
          const f = (await start(b)).json();
          return b.post(`${base}/sign-in/${f.flowId}/challenge`, { methodId: `push:${phone.methodId}` });
        }),
      );
      expect(burst.filter((s) => s.statusCode === 200)).toHaveLength(3);
      expect(burst.filter((s) => s.statusCode === 429)).toHaveLength(5);
    });

    it('sign out everywhere revokes the push devices; re-registration deletes them with their method', async () => {
      const admin = await createUser('root@example.com', ['global-admin']);
      await createUser();
      const phone = await enrolPhone();
      const { browser } = await enrol('root@example.com');
      expect(browser).toBeDefined();

      // Ann signs in with push, then signs out everywhere (she lost the phone).
      const push = await pushSignIn(phone);
      await answer(phone, push.challengeId, { decision: 'approve', number: push.number });
      expect((await push.outcome()).json().status).toBe('signed_in');
      const out = await push.browser.post(`${base}/me/sign-out-everywhere`);
      // Her sessions from the first sign-in and from this one.
      expect(out.json()).toEqual({ revokedSessions: 2, revokedPushDevices: 1, revokedPasses: 0 });
      expect((await poll(phone)).json().code).toBe('device_signature_invalid');
      const flow = (await start(createBrowserClient(t.app))).json();
      expect(flow.methods.map((m: { type: string }) => m.type)).toEqual(['authenticator', 'recovery_codes']);
      expect(
        await db()
          .selectFrom('audit_events')
          .select('action')
          .where('action', '=', 'push.devices_revoke')
          .execute(),
      ).toHaveLength(1);

      // Bob's device goes with his method when an admin requires re-registration.
      await createUser('bob@example.com');
      const bobs = await enrolPhone('bob@example.com', "Bob's phone");
      const bob = (await t.runtime.services.users.findByEmail(tenant.id, 'bob@example.com'))!;
      await t.runtime.services.admin.requireReregistration({
        tenantId: tenant.id,
        userId: bob.id,
        reason: 'lost phone',
        actor: { type: 'user', id: admin.id },
      });
      expect(
        await db().selectFrom('push_devices').select('id').where('id', '=', bobs.deviceId).execute(),
      ).toEqual([]);
      expect((await poll(bobs)).json().code).toBe('device_signature_invalid');
    });
  });

  describe(`push long-polls on ${backend.name}`, () => {
    it('end at once when the server closes', async () => {
      const clock = createManualClock(Date.UTC(2026, 5, 9, 13, 10, 0));
      const t = await createTestApp(backend, {}, { clock });
      try {
        const tenant = await t.runtime.services.tenants.create({ slug: 'default' }, operatorActor);
        await t.runtime.services.users.create(
          { tenantId: tenant.id, email: 'ann@example.com', password },
          operatorActor,
        );
        const browser = createBrowserClient(t.app);
        const flow = (
          await browser.post(`${base}/sign-in`, { username: 'ann@example.com', password })
        ).json();
        const reg = (
          await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
        ).json();
        const code = generateTotp({ secret: decodeBase32(reg.secret), time: clock.now() / 1000 });
        await browser.post(`${base}/sign-in/${flow.flowId}/verify`, { methodId: reg.methodId, code });
        const key = createTestPushDevice();
        const token = parseOtpauthUri(reg.otpauthUri).account.extra['twofold_push'];
        const activated = await t.app.inject({
          method: 'POST',
          url: `${base}/devices/activate`,
          payload: { activationToken: token, publicKey: key.publicKey, name: 'Phone' },
        });
        const { deviceId } = activated.json();
        const path = `${base}/devices/${deviceId}/challenges?wait=30`;
        const started = Date.now();
        const waiting = t.app.inject({
          method: 'GET',
          url: path,
          headers: key.headers(deviceId, 'GET', path, undefined, clock.now()),
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        await t.app.close();
        const response = await waiting;
        expect(Date.now() - started).toBeLessThan(3000);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ challenges: [] });
      } finally {
        // TestApp.close closes the app again (a no-op once closed), then removes the database.
        await t.close();
      }
    });
  });
}
