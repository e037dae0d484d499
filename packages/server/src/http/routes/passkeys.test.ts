import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import { createManualClock } from '../../platform/clock.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { type BrowserClient, createBrowserClient } from '../../test-support/browser-client.js';
import { testBackends } from '../../test-support/databases.js';
import { emptyDatabase } from '../../test-support/shared-database.js';
import { createSoftwarePasskey, type SoftwarePasskey } from '../../test-support/software-passkey.js';
import type { User } from '../../users/user-service.js';

const base = '/t/acme/api/v1';
const password = 'correct horse battery';

for (const backend of testBackends) {
  describe(`passkeys over HTTP on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 5, 9, 13, 10, 0));
    let t: TestApp;
    let tenant: Tenant;
    let rp: { rpId: string; origin: string };

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      rp = { rpId: t.runtime.services.passkeys.rpID, origin: t.runtime.services.passkeys.origin };
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await emptyDatabase(t.runtime.database as never);
      clock.set(Date.UTC(2026, 5, 9, 13, 10, 0));
      tenant = await t.runtime.services.tenants.create({ slug: 'acme' }, operatorActor);
    });

    async function createUser(email: string, roles: string[] = [], slug = tenant) {
      return t.runtime.services.users.create({ tenantId: slug.id, email, password, roles }, operatorActor);
    }

    /** A session that passed a second factor just now (so it may change methods). */
    async function sessionOf(user: User, amr = ['pwd', 'otp', 'mfa']) {
      const { token } = await t.runtime.services.sessions.create({
        tenantId: user.tenantId,
        userId: user.id,
        amr,
        mfaAt: clock.now(),
      });
      return { authorization: `Bearer ${token}` };
    }

    /** Registers a passkey from Security info; returns the authenticator and the method. */
    async function registerPasskey(user: User, label = 'Laptop', synced = false) {
      const browser = createBrowserClient(t.app);
      const auth = await sessionOf(user);
      const started = await browser.post(`${base}/me/methods`, { type: 'passkey', label }, auth);
      expect(started.statusCode).toBe(201);
      const { methodId, options } = started.json();
      const key = createSoftwarePasskey({ ...rp, synced });
      const done = await browser.post(
        `${base}/me/methods/${methodId}/verify`,
        { credential: key.register(options) },
        auth,
      );
      expect(done.json()).toEqual({ methodId, status: 'active' });
      return { key, methodId: methodId as string };
    }

    async function passwordThenChallenge(browser: BrowserClient, email: string) {
      const flow = (await browser.post(`${base}/sign-in`, { username: email, password })).json();
      expect(flow.status).toBe('mfa_required');
      const entry = flow.methods.find((m: { type: string }) => m.type === 'passkey');
      const challenged = await browser.post(`${base}/sign-in/${flow.flowId}/challenge`, {
        methodId: entry.id,
      });
      expect(challenged.statusCode).toBe(200);
      return {
        flowId: flow.flowId as string,
        methodId: entry.id as string,
        options: challenged.json().options,
      };
    }

    async function passwordless(browser: BrowserClient, key: SoftwarePasskey, overrides = {}) {
      const started = await browser.post(`${base}/sign-in/passkey`);
      expect(started.statusCode).toBe(200);
      const { flowId, options } = started.json();
      return browser.post(`${base}/sign-in/${flowId}/verify`, { credential: key.assert(options, overrides) });
    }

    async function sessionAmr(browser: BrowserClient) {
      const token = browser.cookies.get('twofold_session');
      const session = await t.runtime.services.sessions.authenticate(token ?? '');
      return session?.amr;
    }

    async function reasons() {
      const rows = await t.runtime.database.db
        .selectFrom('sign_in_events')
        .select('reason')
        .where('result', '=', 'failure')
        .execute();
      return rows.map((r) => r.reason);
    }

    it('registers from Security info (named, synced or device-bound) and lists it', async () => {
      const ann = await createUser('ann@example.com');
      await registerPasskey(ann, 'Laptop', true);
      const me = await createBrowserClient(t.app).get(`${base}/me`, await sessionOf(ann));
      expect(me.json().methods).toEqual([
        expect.objectContaining({ type: 'passkey', label: 'Laptop', isDefault: true, synced: true }),
      ]);
    });

    it('signs in with password and passkey (amr pwd, hwk, user, mfa), and with the passkey alone', async () => {
      const ann = await createUser('ann@example.com');
      const { key } = await registerPasskey(ann);
      const browser = createBrowserClient(t.app);
      const { flowId, methodId, options } = await passwordThenChallenge(browser, ann.email);
      expect(options.allowCredentials).toEqual([
        { id: key.credentialId, type: 'public-key', transports: ['internal'] },
      ]);
      expect(options.userVerification).toBe('required');
      const done = await browser.post(`${base}/sign-in/${flowId}/verify`, {
        methodId,
        credential: key.assert(options),
      });
      expect(done.json().status).toBe('signed_in');
      expect(await sessionAmr(browser)).toEqual(['pwd', 'hwk', 'user', 'mfa']);

      const other = createBrowserClient(t.app);
      const started = await other.post(`${base}/sign-in/passkey`);
      expect(started.json().options.allowCredentials).toBeUndefined();
      const alone = await other.post(`${base}/sign-in/${started.json().flowId}/verify`, {
        credential: key.assert(started.json().options),
      });
      expect(alone.json().status).toBe('signed_in');
      expect(await sessionAmr(other)).toEqual(['hwk', 'user', 'mfa']);
    });

    it('registers a passkey at "More information required" and finishes the sign-in', async () => {
      await createUser('new@example.com');
      const browser = createBrowserClient(t.app);
      const flow = (await browser.post(`${base}/sign-in`, { username: 'new@example.com', password })).json();
      expect(flow.status).toBe('registration_required');
      expect(flow.registrationTypes).toContain('passkey');
      const reg = (await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'passkey' })).json();
      const key = createSoftwarePasskey(rp);
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        credential: key.register(reg.options),
      });
      expect(done.json()).toMatchObject({ status: 'signed_in', recoveryCodes: expect.any(Array) });
      expect(await sessionAmr(browser)).toEqual(['pwd', 'hwk', 'user', 'mfa']);
    });

    it("refuses another user's credential, a replayed answer and a wrong origin, and logs each", async () => {
      const ann = await createUser('ann@example.com');
      const bob = await createUser('bob@example.com');
      await registerPasskey(ann);
      const { key: bobKey } = await registerPasskey(bob);
      const browser = createBrowserClient(t.app);
      const first = await passwordThenChallenge(browser, ann.email);
      const stolen = await browser.post(`${base}/sign-in/${first.flowId}/verify`, {
        methodId: first.methodId,
        credential: bobKey.assert(first.options),
      });
      expect(stolen.statusCode).toBe(400);
      expect(stolen.json().code).toBe('passkey_invalid');

      const annKey = createSoftwarePasskey(rp); // not Ann's registered key either
      const second = await passwordThenChallenge(browser, ann.email);
      const wrong = await browser.post(`${base}/sign-in/${second.flowId}/verify`, {
        methodId: second.methodId,
        credential: annKey.assert(second.options),
      });
      expect(wrong.json().code).toBe('passkey_invalid');

      const bobBrowser = createBrowserClient(t.app);
      const third = await passwordThenChallenge(bobBrowser, bob.email);
      const phished = await bobBrowser.post(`${base}/sign-in/${third.flowId}/verify`, {
        methodId: third.methodId,
        credential: bobKey.assert(third.options, { origin: 'https://acme-login.example' }),
      });
      expect(phished.json().code).toBe('passkey_invalid');
      const fourth = await passwordThenChallenge(bobBrowser, bob.email);
      const answer = bobKey.assert(fourth.options);
      const ok = await bobBrowser.post(`${base}/sign-in/${fourth.flowId}/verify`, {
        methodId: fourth.methodId,
        credential: answer,
      });
      expect(ok.json().status).toBe('signed_in');
      const again = createBrowserClient(t.app);
      const fifth = await passwordThenChallenge(again, bob.email);
      const replayed = await again.post(`${base}/sign-in/${fifth.flowId}/verify`, {
        methodId: fifth.methodId,
        credential: answer,
      });
      expect(replayed.json().code).toBe('passkey_challenge_invalid');
      expect(await reasons()).toEqual(
        expect.arrayContaining(['passkey_challenge_invalid', 'passkey_invalid']),
      );
    });

    it('refuses a counter that goes backwards and reports it in the sign-in log', async () => {
      const ann = await createUser('ann@example.com');
      const { key } = await registerPasskey(ann);
      expect((await passwordless(createBrowserClient(t.app), key)).json().status).toBe('signed_in');
      expect((await passwordless(createBrowserClient(t.app), key)).json().status).toBe('signed_in');
      key.setCounter(0);
      const cloned = await passwordless(createBrowserClient(t.app), key);
      expect(cloned.statusCode).toBe(400);
      expect(cloned.json().code).toBe('passkey_counter_replayed');
      const [event] = await t.runtime.database.db
        .selectFrom('sign_in_events')
        .select(['reason', 'user_id', 'method_type'])
        .where('result', '=', 'failure')
        .execute();
      expect(event).toEqual({ reason: 'passkey_counter_replayed', user_id: ann.id, method_type: 'passkey' });
    });

    it("refuses another tenant's credential, a cleared credential, and an answer from another browser", async () => {
      const other = await t.runtime.services.tenants.create({ slug: 'other' }, operatorActor);
      const eve = await createUser('eve@example.com', [], other);
      const otherKey = createSoftwarePasskey(rp);
      const started = await t.runtime.services.passkeys.register(other, eve.id, {}, operatorActor);
      await t.runtime.services.passkeys.confirm(
        { id: started.methodId, tenant_id: other.id, user_id: eve.id },
        otherKey.register(started.options),
      );
      const foreign = await passwordless(createBrowserClient(t.app), otherKey);
      expect(foreign.json().code).toBe('passkey_unknown');

      const ann = await createUser('ann@example.com');
      const admin = await createUser('admin@example.com', ['global-admin']);
      const { key, methodId } = await registerPasskey(ann);
      const removed = await createBrowserClient(t.app).delete(
        `${base}/admin/users/${ann.id}/methods/${methodId}`,
        await sessionOf(admin),
      );
      expect(removed.statusCode).toBe(204);
      const cleared = await passwordless(createBrowserClient(t.app), key);
      expect(cleared.json().code).toBe('passkey_unknown');

      const { key: again } = await registerPasskey(ann);
      const browser = createBrowserClient(t.app);
      const begun = (await browser.post(`${base}/sign-in/passkey`)).json();
      const elsewhere = createBrowserClient(t.app);
      const stolen = await elsewhere.post(`${base}/sign-in/${begun.flowId}/verify`, {
        credential: again.assert(begun.options),
      });
      expect(stolen.json().code).toBe('passkey_challenge_invalid');
      expect(await reasons()).toEqual(
        expect.arrayContaining(['passkey_unknown', 'passkey_challenge_invalid']),
      );
    });

    it('answers with a code or a credential, never both or the wrong one', async () => {
      const ann = await createUser('ann@example.com');
      const { key } = await registerPasskey(ann);
      const browser = createBrowserClient(t.app);
      const { flowId, methodId, options } = await passwordThenChallenge(browser, ann.email);
      const both = await browser.post(`${base}/sign-in/${flowId}/verify`, {
        methodId,
        code: '123456',
        credential: key.assert(options),
      });
      expect(both.json().code).toBe('validation_failed');
      const code = await browser.post(`${base}/sign-in/${flowId}/verify`, { methodId, code: '123456' });
      expect(code.json().code).toBe('validation_failed');
      const junk = await browser.post(`${base}/sign-in/${flowId}/verify`, {
        methodId,
        credential: { ...key.assert(options), response: { clientDataJSON: 'e30' } },
      });
      expect(junk.statusCode).toBe(400);
    });

    it('a passkey proves a step-up (options from /me/step-up/challenge), once', async () => {
      const ann = await createUser('ann@example.com');
      const { key, methodId } = await registerPasskey(ann);
      clock.advance(11 * 60_000);
      const browser = createBrowserClient(t.app);
      const auth = await sessionOf(ann);
      clock.advance(11 * 60_000);
      const refused = await browser.post(`${base}/me/methods`, { type: 'totp' }, auth);
      expect(refused.json().code).toBe('step_up_required');
      const challenge = await browser.post(`${base}/me/step-up/challenge`, { methodId }, auth);
      expect(challenge.statusCode).toBe(200);
      const answer = key.assert(challenge.json().options);
      const stepped = await browser.post(`${base}/me/step-up`, { methodId, credential: answer }, auth);
      expect(stepped.statusCode).toBe(200);
      const replayed = await browser.post(`${base}/me/step-up`, { methodId, credential: answer }, auth);
      expect(replayed.json().code).toBe('passkey_challenge_invalid');
      expect((await browser.post(`${base}/me/methods`, { type: 'totp' }, auth)).statusCode).toBe(201);
      const session = await t.runtime.services.sessions.authenticate(auth.authorization.slice(7));
      expect(session?.amr).toEqual(expect.arrayContaining(['hwk', 'user', 'mfa']));
    });

    it("a disabled user's passkey does not sign in, and the log says why", async () => {
      const ann = await createUser('ann@example.com');
      const { key } = await registerPasskey(ann);
      await t.runtime.database.db
        .transaction()
        .execute((trx) =>
          t.runtime.services.users.update(trx, tenant.id, ann.id, { disabled: true }, operatorActor),
        );
      const refused = await passwordless(createBrowserClient(t.app), key);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('invalid_credentials');
      expect(await reasons()).toContain('user_disabled');
    });

    it('require re-registration keeps passkeys', async () => {
      const ann = await createUser('ann@example.com');
      const admin = await createUser('admin@example.com', ['global-admin']);
      const { methodId } = await registerPasskey(ann);
      const required = await createBrowserClient(t.app).post(
        `${base}/admin/users/${ann.id}/require-reregistration`,
        { reason: 'lost phone' },
        await sessionOf(admin),
      );
      expect(required.statusCode).toBe(200);
      const methods = await t.runtime.services.methods.listForUser(tenant.id, ann.id);
      expect(methods.map((m) => m.id)).toEqual([methodId]);
    });

    it('phishingResistantAdmins: refused while no global admin has a passkey; then admins need a passkey session', async () => {
      const admin = await createUser('admin@example.com', ['global-admin']);
      const client = createBrowserClient(t.app);
      const otpSession = await sessionOf(admin);
      const policy = (await client.get(`${base}/admin/policy`, otpSession)).json();
      expect(policy.phishingResistantAdmins).toBe(false);
      const turnOn = () =>
        client.put(
          `${base}/admin/policy`,
          { ...policy, phishingResistantAdmins: true, reason: 'NIST' },
          otpSession,
        );
      const refused = await turnOn();
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('phishing_resistant_required');

      const { key } = await registerPasskey(admin);
      expect((await turnOn()).statusCode).toBe(200);
      const denied = await client.get(`${base}/admin/users`, otpSession);
      expect(denied.statusCode).toBe(403);
      expect(denied.json().code).toBe('phishing_resistant_required');

      const browser = createBrowserClient(t.app);
      expect((await passwordless(browser, key)).json().status).toBe('signed_in');
      expect((await browser.get(`${base}/admin/users`)).statusCode).toBe(200);
    });
  });
}
