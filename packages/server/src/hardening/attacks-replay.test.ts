/**
 * Issue 9, attacks as tests: replay of every single-use value. Each value is used once as it
 * should be, then sent again the way an attacker who saw it (over a shoulder, in a log, in a proxy)
 * would: a TOTP code, an SMS code, a recovery code, a one-time Temporary Access Pass, the setup
 * link, a push activation token and a push answer, a finished sign-in flow, a hardware token code.
 * Every replay is refused with its own problem code, and refused again from a fresh sign-in.
 */
import { decodeBase32, generateTotp } from '@twofold/core';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { bearer, codeAt, type Enrolled, enrol, password } from '../test-support/attack-kit.js';
import { type BrowserClient, createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';
import { createTestPushDevice } from '../test-support/push-device.js';

const base = '/t/acme/api/v1';
const tokenSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

for (const backend of testBackends) {
  describe(`replay of single-use values on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    let t: TestApp;
    let acme: Tenant;
    let setupToken: string;
    let adminKey: string;
    const replays: string[] = [];

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      // First start: the tenant `default` and its one-time setup link.
      const first = await t.runtime.services.setup.bootstrap('https://mfa.example.com');
      setupToken = first?.setupUrl.split('#token=')[1] ?? '';
      expect(setupToken).toMatch(/^tfs_/);
      acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      adminKey = (
        await t.runtime.services.apiKeys.create({ tenantId: acme.id, role: 'global-admin' }, operatorActor)
      ).key;
    });
    afterAll(async () => {
      await t?.close();
      console.info(
        `replay (${backend.name}): ${replays.length} single-use values replayed, all refused: ${replays.join(', ')}`,
      );
    });

    function refused(answer: LightMyRequestResponse, status: number, code: string, what: string) {
      expect(answer.statusCode, `${what}: ${answer.body}`).toBe(status);
      expect(answer.json().code, what).toBe(code);
      replays.push(what);
    }

    async function signIn(email: string): Promise<{ browser: BrowserClient; flowId: string }> {
      const browser = createBrowserClient(t.app);
      const flow = (await browser.post(`${base}/sign-in`, { username: email, password })).json();
      expect(flow.status).toBe('mfa_required');
      return { browser, flowId: flow.flowId };
    }
    const verify = (s: { browser: BrowserClient; flowId: string }, methodId: string, code: string) =>
      s.browser.post(`${base}/sign-in/${s.flowId}/verify`, { methodId, code });

    it('a TOTP code works once, at sign-in and at step-up; the finished flow cannot be used again', async () => {
      const ann: Enrolled = await enrol(t, clock, { email: 'ann@example.com' });
      clock.advance(60_000);
      const code = codeAt(ann.secret, clock);
      const first = await signIn('ann@example.com');
      expect((await verify(first, ann.methodId, code)).statusCode).toBe(200);
      refused(
        await verify(await signIn('ann@example.com'), ann.methodId, code),
        400,
        'otp_replayed',
        'TOTP code',
      );
      const stepUp = await t.app.inject({
        method: 'POST',
        url: `${base}/me/step-up`,
        headers: bearer(ann.sessionToken),
        payload: { methodId: ann.methodId, code },
      });
      refused(stepUp, 400, 'otp_replayed', 'TOTP code at step-up');
      // The flow that finished: neither another code nor a look at it.
      clock.advance(30_000);
      refused(
        await verify(first, ann.methodId, codeAt(ann.secret, clock)),
        410,
        'flow_expired',
        'finished flow',
      );
      refused(
        await first.browser.get(`${base}/sign-in/${first.flowId}`),
        410,
        'flow_expired',
        'finished flow read',
      );
    });

    it('an SMS code works once', async () => {
      const bea = await enrol(t, clock, { email: 'bea@example.com' });
      const added = await t.app.inject({
        method: 'POST',
        url: `${base}/me/methods`,
        headers: bearer(bea.sessionToken),
        payload: { type: 'sms', phoneNumber: '+1 415 555 2671' },
      });
      expect(added.statusCode, added.body).toBe(201);
      const smsId = added.json().methodId as string;
      const lastCode = async () =>
        /\b(\d{6})\b/.exec((await t.runtime.services.outbox.list(acme.id))[0]?.body ?? '')?.[1] ?? '';
      const confirmCode = await lastCode();
      const confirm = (code: string) =>
        t.app.inject({
          method: 'POST',
          url: `${base}/me/methods/${smsId}/verify`,
          headers: bearer(bea.sessionToken),
          payload: { code },
        });
      expect((await confirm(confirmCode)).statusCode).toBe(200);
      refused(await confirm(confirmCode), 400, 'otp_replayed', 'SMS confirmation code');

      clock.advance(60_000);
      const session = await signIn('bea@example.com');
      const sent = await session.browser.post(`${base}/sign-in/${session.flowId}/challenge`, {
        methodId: smsId,
      });
      expect(sent.statusCode, sent.body).toBe(200);
      const code = await lastCode();
      expect(code).not.toBe(confirmCode);
      expect((await verify(session, smsId, code)).statusCode).toBe(200);
      // Again, in a new sign-in that asks for a new text (the attacker has only the old code).
      clock.advance(60_000);
      const again = await signIn('bea@example.com');
      expect(
        (await again.browser.post(`${base}/sign-in/${again.flowId}/challenge`, { methodId: smsId }))
          .statusCode,
      ).toBe(200);
      refused(await verify(again, smsId, code), 400, 'otp_replayed', 'SMS code');
      // The code the confirmation used does not sign in either.
      refused(
        await verify(again, smsId, confirmCode),
        400,
        'otp_replayed',
        'SMS confirmation code at sign-in',
      );
    });

    it('a recovery code works once, and a regenerated set retires the old one', async () => {
      const cal = await enrol(t, clock, { email: 'cal@example.com' });
      const [code] = cal.recoveryCodes;
      expect((await verify(await signIn('cal@example.com'), 'recovery-codes', code ?? '')).statusCode).toBe(
        200,
      );
      refused(
        await verify(await signIn('cal@example.com'), 'recovery-codes', code ?? ''),
        400,
        'recovery_code_invalid',
        'recovery code',
      );
      const fresh = await t.app.inject({
        method: 'POST',
        url: `${base}/me/recovery-codes`,
        headers: bearer(cal.sessionToken),
      });
      expect(fresh.statusCode, fresh.body).toBe(200);
      refused(
        await verify(await signIn('cal@example.com'), 'recovery-codes', cal.recoveryCodes[1] ?? ''),
        400,
        'recovery_code_invalid',
        'recovery code of a retired set',
      );
    });

    it('a one-time Temporary Access Pass works once', async () => {
      const dee = await enrol(t, clock, { email: 'dee@example.com' });
      const issued = await t.app.inject({
        method: 'POST',
        url: `${base}/admin/users/${dee.user.id}/temporary-access-pass`,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ lifetimeMinutes: 60 }),
      });
      expect(issued.statusCode, issued.body).toBe(201);
      const pass = issued.json().pass as string;
      const use = () =>
        createBrowserClient(t.app).post(`${base}/sign-in`, {
          username: 'dee@example.com',
          temporaryAccessPass: pass,
        });
      const first = await use();
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().status).toBe('signed_in');
      refused(await use(), 401, 'tap_expired', 'one-time Temporary Access Pass');
    });

    it('the setup link makes one first admin', async () => {
      const complete = (email: string) =>
        t.app.inject({
          method: 'POST',
          url: '/t/default/api/v1/setup',
          payload: { token: setupToken, email, password: 'a long enough password' },
        });
      expect((await complete('first@example.com')).statusCode).toBe(201);
      refused(await complete('second@example.com'), 400, 'setup_token_invalid', 'setup link');
    });

    it('a push activation token activates one device, and a push answer counts once', async () => {
      const eve = await enrol(t, clock, { email: 'eve@example.com' });
      const phone = createTestPushDevice();
      const activate = (key = phone) =>
        t.app.inject({
          method: 'POST',
          url: `${base}/devices/activate`,
          payload: { activationToken: eve.pushToken, publicKey: key.publicKey, name: 'Phone' },
        });
      const activated = await activate();
      expect(activated.statusCode, activated.body).toBe(201);
      const deviceId = activated.json().deviceId as string;
      refused(
        await activate(createTestPushDevice()),
        400,
        'push_activation_invalid',
        'push activation token',
      );

      clock.advance(60_000);
      const session = await signIn('eve@example.com');
      const pushed = await session.browser.post(`${base}/sign-in/${session.flowId}/challenge`, {
        methodId: `push:${eve.methodId}`,
      });
      expect(pushed.statusCode, pushed.body).toBe(200);
      const pollPath = `${base}/devices/${deviceId}/challenges?wait=0`;
      const polled = await t.app.inject({
        method: 'GET',
        url: pollPath,
        headers: phone.headers(deviceId, 'GET', pollPath, undefined, clock.now()),
      });
      const challengeId = polled.json().challenges[0].id as string;
      const path = `${base}/devices/${deviceId}/challenges/${challengeId}`;
      const body = JSON.stringify({ decision: 'approve', number: pushed.json().number });
      const headers = phone.headers(deviceId, 'POST', path, body, clock.now());
      const approved = await t.app.inject({ method: 'POST', url: path, headers, payload: body });
      expect(approved.statusCode, approved.body).toBe(200);
      refused(
        await t.app.inject({ method: 'POST', url: path, headers, payload: body }),
        409,
        'push_already_answered',
        'push answer',
      );
      // The approved push signed the flow in once; the flow is then finished.
      const outcome = await session.browser.get(`${base}/sign-in/${session.flowId}/push?wait=0`);
      expect(outcome.json().status).toBe('signed_in');
      refused(
        await session.browser.get(`${base}/sign-in/${session.flowId}/push?wait=0`),
        410,
        'flow_expired',
        'approved push sign-in',
      );
    });

    it('a hardware token code works once', async () => {
      const fay = await enrol(t, clock, { email: 'fay@example.com' });
      const imported = await t.app.inject({
        method: 'POST',
        url: `${base}/admin/hardware-tokens`,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'text/csv' },
        payload: `upn,serial number,secret key,time interval,manufacturer,model\nfay@example.com,4711,${tokenSecret},30,Contoso,Key\n`,
      });
      expect(imported.statusCode, imported.body).toBe(200);
      const token = await t.runtime.database.db
        .selectFrom('methods')
        .select('id')
        .where('user_id', '=', fay.user.id)
        .where('type', '=', 'hardware_oath')
        .executeTakeFirstOrThrow();
      const tokenCode = () =>
        generateTotp({ secret: decodeBase32(tokenSecret), time: Math.floor(clock.now() / 1000) });
      const activation = tokenCode();
      const activate = () =>
        t.app.inject({
          method: 'POST',
          url: `${base}/admin/users/${fay.user.id}/methods/${token.id}/activate`,
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ code: activation }),
        });
      expect((await activate()).statusCode).toBe(200);
      refused(await activate(), 409, 'method_already_active', 'hardware token activation code');
      // The activation code does not sign in: its step is used.
      refused(
        await verify(await signIn('fay@example.com'), token.id, activation),
        400,
        'otp_replayed',
        'hardware token activation code at sign-in',
      );
      clock.advance(60_000);
      const code = tokenCode();
      expect((await verify(await signIn('fay@example.com'), token.id, code)).statusCode).toBe(200);
      refused(
        await verify(await signIn('fay@example.com'), token.id, code),
        400,
        'otp_replayed',
        'hardware token code',
      );
    });
  });
}
