/**
 * "I can't get a code" during "Forgot password?" through the API (spec section 6, issue 15): the
 * reset's diagnosis (the sign-in's, for the reset's user) for a clock behind and a lockout, bound
 * to the reset's browser, telling nothing about unknown usernames; and a help request from a
 * reset; on both databases.
 */
import { decodeBase32, generateTotp } from '@twofold/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import { createManualClock } from '../../platform/clock.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { type BrowserClient, createBrowserClient } from '../../test-support/browser-client.js';
import { testBackends } from '../../test-support/databases.js';
import { emptyDatabase } from '../../test-support/shared-database.js';

const base = '/t/default/api/v1';
const password = 'correct horse battery';

/** What a client can observe of an answer, apart from the request id and the path it asked. */
const observable = (res: { statusCode: number; json(): Record<string, unknown> }) => {
  const { requestId: _r, instance: _i, ...body } = res.json();
  return { status: res.statusCode, body };
};

for (const backend of testBackends) {
  describe(`"I can't get a code" during a password reset on ${backend.name}`, () => {
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

    const codeAt = (secret: Uint8Array, offsetSeconds = 0) =>
      generateTotp({ secret, time: Math.floor(clock.now() / 1000) + offsetSeconds });
    const wrongCode = (secret: Uint8Array) => (codeAt(secret, 3600) === '000000' ? '111111' : '000000');

    function createUser(email: string, roles: string[] = []) {
      return t.runtime.services.users.create(
        { tenantId: tenant.id, email, password, displayName: email.split('@')[0]!, roles },
        operatorActor,
      );
    }

    /** A user with an authenticator app (and recovery codes), signed out again. */
    async function enrolled(email: string) {
      if (!(await t.runtime.services.users.findByEmail(tenant.id, email))) await createUser(email);
      const browser = createBrowserClient(t.app);
      const flow = (await browser.post(`${base}/sign-in`, { username: email, password })).json();
      const reg = (await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'totp' })).json();
      const secret = decodeBase32(reg.secret);
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        code: codeAt(secret),
      });
      expect(done.statusCode).toBe(200);
      clock.advance(60_000);
      return { secret, methodId: reg.methodId as string };
    }

    async function startReset(browser: BrowserClient, username: string) {
      const started = await browser.post(`${base}/password-reset`, { username });
      expect(started.statusCode).toBe(200);
      return started.json();
    }

    it('a clock behind: a skewed code typed during the reset is measured, with the browser clock, and fixing it is offered', async () => {
      const { secret, methodId } = await enrolled('ann@example.com');
      const browser = createBrowserClient(t.app);
      const flow = await startReset(browser, 'ann@example.com');
      const skewed = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
        methodId,
        code: codeAt(secret, -240),
      });
      expect(skewed.json()).toMatchObject({ code: 'otp_clock_skew', offsetSeconds: -240 });
      const diagnosis = await browser.get(
        `${base}/password-reset/${flow.flowId}/diagnosis?deviceTime=${clock.now() - 241_000}`,
      );
      expect(diagnosis.statusCode).toBe(200);
      expect(diagnosis.headers['cache-control']).toBe('no-store');
      const body = diagnosis.json();
      expect(body.findings).toEqual([
        { code: 'clock_behind', offsetSeconds: -240, source: 'codes', methodId },
        { code: 'clock_behind', offsetSeconds: -241, source: 'device_time' },
      ]);
      expect(body.options).toEqual([
        { code: 'another_method', methodId, type: 'totp', label: expect.any(String) },
        { code: 'recovery_code', methodId: 'recovery-codes', remaining: 10 },
        { code: 'fix_clock', offsetSeconds: -240 },
        { code: 'help_request' },
      ]);
      expect(body.serverTime).toBe(new Date(clock.now()).toISOString());
      // The diagnosis only reads: the reset still takes the right code.
      const proved = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
        methodId,
        code: codeAt(secret),
      });
      expect(proved.json()).toMatchObject({ status: 'password_required' });
    });

    it('offers only what the reset takes: an admin who proved one method is offered the others, not it again', async () => {
      await createUser('desk@example.com', ['helpdesk']);
      const { secret, methodId } = await enrolled('desk@example.com');
      const desk = (await t.runtime.services.users.findByEmail(tenant.id, 'desk@example.com'))!;
      const email = await t.runtime.services.messageCodes.register(
        { tenantId: tenant.id, userId: desk.id, type: 'email', destination: 'desk.home@example.com' },
        operatorActor,
      );
      const [proof] = await t.runtime.services.outbox.list(tenant.id);
      const ask = { tenantId: tenant.id, userId: desk.id, methodId: email.methodId };
      expect(
        await t.runtime.services.messageCodes.verify({ ...ask, code: /\d{6}/.exec(proof!.body)![0] }),
      ).toMatchObject({
        ok: true,
      });
      const browser = createBrowserClient(t.app);
      const flow = await startReset(browser, 'desk@example.com');
      const ways = async () =>
        (await browser.get(`${base}/password-reset/${flow.flowId}/diagnosis`))
          .json()
          .options.filter((o: { code: string }) => ['another_method', 'recovery_code'].includes(o.code))
          .map((o: { methodId: string }) => o.methodId);
      expect(await ways()).toEqual(flow.methods.map((m: { id: string }) => m.id));
      expect(await ways()).toContain(methodId);
      const proved = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
        methodId,
        code: codeAt(secret),
      });
      expect(proved.json()).toMatchObject({ status: 'verification_required', verified: 1 });
      const after = await ways();
      expect(after).not.toContain(methodId);
      expect(after).toContain(email.methodId);
      expect(after).toEqual(proved.json().methods.map((m: { id: string }) => m.id));
    });

    it('a lockout from wrong codes in resets: the ended reset is still diagnosed, with when the lock ends', async () => {
      const { secret, methodId } = await enrolled('ann@example.com');
      let browser = createBrowserClient(t.app);
      let flow = { flowId: '' };
      for (let round = 0; round < 2; round++) {
        browser = createBrowserClient(t.app);
        flow = await startReset(browser, 'ann@example.com');
        for (let i = 0; i < 5; i++) {
          await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
            methodId,
            code: wrongCode(secret),
          });
        }
      }
      // Five wrong codes ended this reset: its other routes say so, its diagnosis still answers.
      expect((await browser.get(`${base}/password-reset/${flow.flowId}`)).json().code).toBe('flow_expired');
      const body = (await browser.get(`${base}/password-reset/${flow.flowId}/diagnosis`)).json();
      expect(body.findings).toEqual([{ code: 'locked_out', retryAfter: 900, adminRequired: false }]);
      expect(body.options).toEqual([{ code: 'wait', retryAfter: 900 }, { code: 'help_request' }]);
      // A reset started now says the same.
      const fresh = createBrowserClient(t.app);
      const next = await startReset(fresh, 'ann@example.com');
      const again = (await fresh.get(`${base}/password-reset/${next.flowId}/diagnosis`)).json();
      expect(again.findings).toEqual(body.findings);
      // Its ten minutes over, an ended reset is gone like any other.
      clock.advance(11 * 60_000);
      expect(observable(await browser.get(`${base}/password-reset/${flow.flowId}/diagnosis`))).toEqual(
        observable(await browser.get(`${base}/password-reset/${flow.flowId}`)),
      );
    });

    it('an unknown username tells nothing: no reset to diagnose, and a made-up flow id answers as a stranger does', async () => {
      await createUser('nomethod@example.com');
      const noMethod = await createBrowserClient(t.app).post(`${base}/password-reset`, {
        username: 'nomethod@example.com',
      });
      const unknown = await createBrowserClient(t.app).post(`${base}/password-reset`, {
        username: 'nobody@example.com',
      });
      expect(observable(unknown)).toEqual(observable(noMethod));
      expect(unknown.json().code).toBe('password_reset_unavailable');
      // No flow was started for either; a guessed flow id is refused like the reset's own GET.
      const browser = createBrowserClient(t.app);
      const guessed = await browser.get(`${base}/password-reset/tfr_madeup/diagnosis`);
      expect(guessed.statusCode).toBe(410);
      expect(observable(guessed)).toEqual(observable(await browser.get(`${base}/password-reset/tfr_madeup`)));
      const help = await browser.post(`${base}/password-reset/tfr_madeup/help-request`, {});
      expect(observable(help)).toEqual(observable(guessed));
      expect(await t.runtime.services.outbox.list(tenant.id)).toEqual([]);
    });

    it('another browser is refused: the diagnosis and help request are bound to the browser that started the reset', async () => {
      await enrolled('ann@example.com');
      const flow = await startReset(createBrowserClient(t.app), 'ann@example.com');
      const stranger = createBrowserClient(t.app);
      const diagnosis = await stranger.get(`${base}/password-reset/${flow.flowId}/diagnosis`);
      expect(diagnosis.json().code).toBe('flow_expired');
      expect(observable(diagnosis)).toEqual(
        observable(await stranger.get(`${base}/password-reset/${flow.flowId}`)),
      );
      const help = await stranger.post(`${base}/password-reset/${flow.flowId}/help-request`, {
        message: 'hi',
      });
      expect(help.json().code).toBe('flow_expired');
      // A sign-in's troubleshooter does not take a reset's flow id either.
      expect((await stranger.get(`${base}/sign-in/${flow.flowId}/diagnosis`)).json().code).toBe(
        'flow_expired',
      );
      expect(await t.runtime.services.outbox.list(tenant.id)).toEqual([]);
    });

    it('a help request from a reset reaches the helpdesk like one from a sign-in', async () => {
      await enrolled('ann@example.com');
      await createUser('desk@example.com', ['helpdesk']);
      const browser = createBrowserClient(t.app);
      const flow = await startReset(browser, 'ann@example.com');
      const asked = await browser.post(`${base}/password-reset/${flow.flowId}/help-request`, {
        message: 'New phone, no app',
      });
      expect(asked.statusCode).toBe(202);
      expect(asked.json()).toEqual({ status: 'received' });
      const mail = await t.runtime.services.outbox.list(tenant.id);
      expect(mail.map((m) => m.recipient)).toEqual(['desk@example.com']);
      expect(mail[0]!.body).toContain('Their message: New phone, no app');
    });
  });
}
