/**
 * "I can't get a code" through the API (spec section 6, issue 15): the diagnosis of a sign-in for a
 * skewed clock, a lockout, a lost phone and the sole global admin; help requests, the admins'
 * queue with its one-click actions, and resolving; on both databases.
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

for (const backend of testBackends) {
  describe(`"I can't get a code" on ${backend.name}`, () => {
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

    function createUser(email: string, roles: string[] = []) {
      return t.runtime.services.users.create(
        { tenantId: tenant.id, email, password, displayName: email.split('@')[0]!, roles },
        operatorActor,
      );
    }

    async function start(browser: BrowserClient, username: string) {
      const started = await browser.post(`${base}/sign-in`, { username, password });
      expect(started.statusCode).toBe(200);
      return started.json();
    }

    /** A user with an authenticator app (and recovery codes), signed out again. */
    async function enrolled(email: string, roles: string[] = [], type = 'totp') {
      await createUser(email, roles);
      const browser = createBrowserClient(t.app);
      const flow = await start(browser, email);
      const reg = (await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type })).json();
      const secret = decodeBase32(reg.secret);
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        code: codeAt(secret),
      });
      expect(done.statusCode).toBe(200);
      clock.advance(60_000);
      return { secret, methodId: reg.methodId as string };
    }

    async function adminKey(role: string) {
      const { key } = await t.runtime.services.apiKeys.create(
        { tenantId: tenant.id, role: role as never, name: role },
        operatorActor,
      );
      return { authorization: `Bearer ${key}` };
    }

    it('a skewed clock: the diagnosis measures it from the codes and from the browser, and says what to do', async () => {
      const { secret } = await enrolled('ann@example.com');
      const browser = createBrowserClient(t.app);
      const flow = await start(browser, 'ann@example.com');
      const entry = flow.methods[0].id;
      const skewed = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: entry,
        code: codeAt(secret, 240),
      });
      expect(skewed.json()).toMatchObject({ code: 'otp_clock_skew', offsetSeconds: 240 });
      const diagnosis = await browser.get(
        `${base}/sign-in/${flow.flowId}/diagnosis?deviceTime=${clock.now() + 241_000}`,
      );
      expect(diagnosis.statusCode).toBe(200);
      expect(diagnosis.headers['cache-control']).toBe('no-store');
      const body = diagnosis.json();
      expect(body.findings).toEqual([
        { code: 'clock_ahead', offsetSeconds: 240, source: 'codes', methodId: entry },
        { code: 'clock_ahead', offsetSeconds: 241, source: 'device_time' },
      ]);
      expect(body.options).toEqual([
        { code: 'another_method', methodId: entry, type: 'totp', label: expect.any(String) },
        { code: 'recovery_code', methodId: 'recovery-codes', remaining: 10 },
        { code: 'fix_clock', offsetSeconds: 240 },
        { code: 'help_request' },
      ]);
      expect(body.serverTime).toBe(new Date(clock.now()).toISOString());
      // Someone whose codes were right: a browser clock 2 minutes behind is the only finding.
      await enrolled('bob@example.com');
      const fresh = createBrowserClient(t.app);
      const other = await start(fresh, 'bob@example.com');
      const behind = (
        await fresh.get(`${base}/sign-in/${other.flowId}/diagnosis?deviceTime=${clock.now() - 120_000}`)
      ).json();
      expect(behind.findings).toEqual([{ code: 'clock_behind', offsetSeconds: -120, source: 'device_time' }]);
      // A clock within the ±1 step window is no finding.
      const fine = (
        await fresh.get(`${base}/sign-in/${other.flowId}/diagnosis?deviceTime=${clock.now() + 20_000}`)
      ).json();
      expect(fine.findings).toEqual([]);
    });

    it('a lockout: the diagnosis says when it ends and offers waiting and help, not methods that cannot work', async () => {
      const { secret } = await enrolled('ann@example.com');
      for (let round = 0; round < 2; round++) {
        const browser = createBrowserClient(t.app);
        const flow = await start(browser, 'ann@example.com');
        for (let i = 0; i < 5; i++) {
          const wrong = codeAt(secret, 3600) === '000000' ? '111111' : '000000';
          await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
            methodId: flow.methods[0].id,
            code: wrong,
          });
        }
      }
      const browser = createBrowserClient(t.app);
      const flow = await start(browser, 'ann@example.com');
      const body = (await browser.get(`${base}/sign-in/${flow.flowId}/diagnosis`)).json();
      expect(body.findings).toEqual([{ code: 'locked_out', retryAfter: 900, adminRequired: false }]);
      expect(body.options).toEqual([{ code: 'wait', retryAfter: 900 }, { code: 'help_request' }]);
    });

    it('a lost phone: a help request emails the helpdesk and global admins once, and an admin acts on it from the queue', async () => {
      await enrolled('ann@example.com');
      await createUser('boss@example.com', ['global-admin']);
      await createUser('desk@example.com', ['helpdesk']);
      await createUser('auth@example.com', ['authentication-admin']);
      const browser = createBrowserClient(t.app);
      const flow = await start(browser, 'ann@example.com');
      const asked = await browser.post(`${base}/sign-in/${flow.flowId}/help-request`, {
        message: 'Lost my phone on the train\u0007',
        contact: '+44 7700 900123',
      });
      expect(asked.statusCode).toBe(202);
      expect(asked.json()).toEqual({ status: 'received' });
      const mail = await t.runtime.services.outbox.list(tenant.id);
      expect(mail.map((m) => m.recipient).sort()).toEqual(['boss@example.com', 'desk@example.com']);
      expect(mail[0]!.subject).toBe('[Acme] Help request: ann@example.com cannot get a sign-in code');
      expect(mail[0]!.body).toContain('Their message: Lost my phone on the train\n');
      expect(mail[0]!.body).toContain('How to reach them: +44 7700 900123');
      expect(mail[0]!.body).toContain('http://localhost:8080/t/default/admin#help-requests');
      // Asking again soon updates the request; nobody is emailed twice.
      const again = await browser.post(`${base}/sign-in/${flow.flowId}/help-request`, {
        message: 'Still stuck',
      });
      expect(again.json()).toEqual({ status: 'received' });
      expect(await t.runtime.services.outbox.list(tenant.id)).toHaveLength(2);

      const desk = await adminKey('helpdesk');
      const queue = await t.app.inject({ url: `${base}/admin/help-requests`, headers: desk });
      expect(queue.statusCode).toBe(200);
      const [request] = queue.json().helpRequests;
      expect(request).toMatchObject({
        status: 'open',
        user: { email: 'ann@example.com' },
        message: 'Still stuck',
        contact: '+44 7700 900123',
        findingsAtRequest: [],
        diagnosis: { findings: [] },
        resolution: null,
      });
      // A helpdesk may issue a pass or require re-registration (unlock is not theirs).
      expect(request.actions.map((a: { action: string }) => a.action)).toEqual([
        'issue_pass',
        'require_reregistration',
      ]);
      const pass = request.actions[0];
      const issued = await t.app.inject({
        method: 'POST',
        url: `${base}${pass.path}`,
        headers: desk,
        payload: { lifetimeMinutes: 60, reusable: false },
      });
      expect(issued.statusCode).toBe(201);
      const resolved = await t.app.inject({
        method: 'POST',
        url: `${base}/admin/help-requests/${request.id}/resolve`,
        headers: desk,
        payload: { resolution: 'Checked by phone, issued a one-time pass' },
      });
      expect(resolved.statusCode).toBe(200);
      expect(resolved.json()).toMatchObject({
        status: 'resolved',
        resolution: 'Checked by phone, issued a one-time pass',
        resolvedBy: expect.any(String),
        actions: [],
      });
      const twice = await t.app.inject({
        method: 'POST',
        url: `${base}/admin/help-requests/${request.id}/resolve`,
        headers: desk,
        payload: { resolution: 'again' },
      });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('help_request_resolved');
      expect((await t.app.inject({ url: `${base}/admin/help-requests`, headers: desk })).json()).toEqual({
        helpRequests: [],
      });
      const all = await t.app.inject({ url: `${base}/admin/help-requests?status=all`, headers: desk });
      expect(all.json().helpRequests).toHaveLength(1);
      const audit = await t.runtime.database.db
        .selectFrom('audit_events')
        .select(['action', 'reason'])
        .where('action', 'like', 'help_request.%')
        .execute();
      expect(audit.sort((a, b) => a.action.localeCompare(b.action))).toEqual([
        { action: 'help_request.create', reason: null },
        { action: 'help_request.resolve', reason: 'Checked by phone, issued a one-time pass' },
        { action: 'help_request.update', reason: null },
      ]);
    });

    it('the sole global admin is told that the operator recovers them with twofold recover-admin', async () => {
      await enrolled('root@example.com', ['global-admin']);
      await createUser('desk@example.com', ['helpdesk']);
      const browser = createBrowserClient(t.app);
      const flow = await start(browser, 'root@example.com');
      const diagnosis = (await browser.get(`${base}/sign-in/${flow.flowId}/diagnosis`)).json();
      const command = "twofold recover-admin --tenant default --email root@example.com --reason '…'";
      expect(diagnosis.options.slice(-2)).toEqual([
        { code: 'help_request' },
        { code: 'operator_recovery', command },
      ]);
      const asked = await browser.post(`${base}/sign-in/${flow.flowId}/help-request`, {});
      expect(asked.json()).toEqual({ status: 'received', operatorRecovery: { command } });
      const [mail] = await t.runtime.services.outbox.list(tenant.id);
      expect(mail!.recipient).toBe('desk@example.com');
      expect(mail!.body).toContain('They are the only global admin of this organisation');
      expect(mail!.body).toContain(command);
      // A helpdesk may not act on an admin: the request is not in their queue.
      const desk = await adminKey('helpdesk');
      expect((await t.app.inject({ url: `${base}/admin/help-requests`, headers: desk })).json()).toEqual({
        helpRequests: [],
      });
      // With a second global admin, nobody is "sole" any more.
      await createUser('second@example.com', ['global-admin']);
      const now = (await browser.get(`${base}/sign-in/${flow.flowId}/diagnosis`)).json();
      expect(now.options.map((o: { code: string }) => o.code)).not.toContain('operator_recovery');
      const boss = await adminKey('global-admin');
      const queue = (await t.app.inject({ url: `${base}/admin/help-requests`, headers: boss })).json();
      expect(queue.helpRequests.map((r: { user: { email: string } }) => r.user.email)).toEqual([
        'root@example.com',
      ]);
    });

    it('no method, a method the policy no longer allows, a blocked push, and the SMS send limit', async () => {
      await createUser('new@example.com');
      const browser = createBrowserClient(t.app);
      const flow = await start(browser, 'new@example.com');
      expect((await browser.get(`${base}/sign-in/${flow.flowId}/diagnosis`)).json().findings).toEqual([
        { code: 'no_method' },
      ]);
      const { methodId } = await enrolled('ann@example.com', [], 'authenticator');
      const ann = (await t.runtime.services.users.findByEmail(tenant.id, 'ann@example.com'))!;
      // A phone added and proven: the code that proved it was used.
      const sms = await t.runtime.services.messageCodes.register(
        { tenantId: tenant.id, userId: ann.id, type: 'sms', destination: '+44 7700 900123' },
        operatorActor,
      );
      const [proof] = await t.runtime.services.outbox.list(tenant.id);
      const ask = { tenantId: tenant.id, userId: ann.id, methodId: sms.methodId };
      expect(
        await t.runtime.services.messageCodes.verify({ ...ask, code: proof!.body.slice(0, 6) }),
      ).toMatchObject({
        ok: true,
      });
      await t.runtime.database.db
        .transaction()
        .execute((trx) => t.runtime.services.users.blockPush(trx, tenant.id, ann.id, clock.now()));
      const smsFlow = createBrowserClient(t.app);
      const withSms = await start(smsFlow, 'ann@example.com');
      const smsEntry = withSms.methods.find((m: { type: string }) => m.type === 'sms').id;
      const sent = await smsFlow.post(`${base}/sign-in/${withSms.flowId}/challenge`, { methodId: smsEntry });
      expect(sent.statusCode).toBe(200);
      const limited = (await smsFlow.get(`${base}/sign-in/${withSms.flowId}/diagnosis`)).json();
      expect(limited.findings).toEqual([
        { code: 'push_blocked' },
        { code: 'send_limit', methodId: smsEntry, type: 'sms', retryAfter: 30 },
      ]);
      expect(limited.options).toContainEqual({
        code: 'another_method',
        methodId: smsEntry,
        type: 'sms',
        label: expect.any(String),
        availableIn: 30,
      });
      expect(limited.options.map((o: { type?: string }) => o.type)).not.toContain('push');

      await t.runtime.services.tenants.updatePolicy(
        tenant.id,
        { ...tenant.policy, allowedMethods: ['totp', 'sms', 'recovery_codes', 'temporary_access_pass'] },
        operatorActor,
      );
      const second = createBrowserClient(t.app);
      const stuck = await start(second, 'ann@example.com');
      const findings = (await second.get(`${base}/sign-in/${stuck.flowId}/diagnosis`)).json().findings;
      expect(findings[0]).toEqual({
        code: 'method_not_allowed',
        methods: [{ id: methodId, type: 'authenticator', label: expect.any(String) }],
      });
    });

    it('answers only the browser that started the sign-in, and refuses a malformed clock', async () => {
      await enrolled('ann@example.com');
      const browser = createBrowserClient(t.app);
      const flow = await start(browser, 'ann@example.com');
      const stranger = createBrowserClient(t.app);
      const theirs = await stranger.get(`${base}/sign-in/${flow.flowId}/diagnosis`);
      expect(theirs.statusCode).toBe(410);
      const help = await stranger.post(`${base}/sign-in/${flow.flowId}/help-request`, {});
      expect(help.statusCode).toBe(410);
      expect(await t.runtime.services.outbox.list(tenant.id)).toEqual([]);
      for (const query of ['deviceTime=soon', 'deviceTime=-5', 'other=1']) {
        const bad = await browser.get(`${base}/sign-in/${flow.flowId}/diagnosis?${query}`);
        expect(bad.statusCode).toBe(400);
        expect(bad.json().code).toBe('validation_failed');
      }
      const long = await browser.post(`${base}/sign-in/${flow.flowId}/help-request`, {
        message: 'x'.repeat(1001),
      });
      expect(long.statusCode).toBe(400);
    });
  });
}
