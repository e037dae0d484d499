/**
 * Issue 14 (security round 2), attacks as tests: credentials must follow the person's current
 * rights (spec section 6). Each test is an attack that worked on the code before the fix:
 *
 * - a pass issued by a helpdesk (or a session it opened) keeps working after its user is made an
 *   admin the helpdesk could never act on;
 * - a reusable pass survives "account compromised" actions (require re-registration, revoke
 *   sessions, sign out everywhere, disable);
 * - require re-registration keeps the old recovery codes; break-glass leaves the admin's methods;
 * - narrowing the allowed methods lets a password alone register a new factor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { bearer, codeAt, type Enrolled, enrol, password } from '../test-support/attack-kit.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';

const base = '/t/acme/api/v1';

for (const backend of testBackends) {
  describe(`credentials follow the person's current rights on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    let t: TestApp;
    let ann: Enrolled; // global admin
    let hal: Enrolled; // helpdesk
    let n = 0;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      ann = await enrol(t, clock, { email: 'ann@example.com', roles: ['global-admin'] });
      hal = await enrol(t, clock, { email: 'hal@example.com', roles: ['helpdesk'] });
    });
    afterAll(async () => {
      await t?.close();
    });

    /** A fresh ordinary user with an authenticator (a new 30-second step each time, so codes never repeat). */
    async function newUser(): Promise<Enrolled> {
      clock.advance(60_000);
      n++;
      return enrol(t, clock, { email: `user${n}@example.com` });
    }

    async function issuePass(by: Enrolled, user: Enrolled, reusable = true): Promise<string> {
      const res = await t.app.inject({
        method: 'POST',
        url: `${base}/admin/users/${user.user.id}/temporary-access-pass`,
        headers: bearer(by.sessionToken),
        payload: { lifetimeMinutes: 43_200, reusable },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().pass;
    }

    function signInWithPass(email: string, pass: string) {
      return createBrowserClient(t.app).post(`${base}/sign-in`, {
        username: email,
        temporaryAccessPass: pass,
      });
    }

    async function setRoles(user: Enrolled, roles: string[]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `${base}/admin/users/${user.user.id}`,
        headers: bearer(ann.sessionToken),
        payload: { roles },
      });
      expect(res.statusCode, res.body).toBe(200);
    }

    function adminUsers(token: string) {
      return t.app.inject({ method: 'GET', url: `${base}/admin/users`, headers: bearer(token) });
    }

    describe('a helpdesk cannot become a global admin through a pass or a session (issue 14, item 1)', () => {
      it('a pass a helpdesk issued stops working once its user is made a global admin', async () => {
        const bob = await newUser();
        const pass = await issuePass(hal, bob);
        const first = await signInWithPass(bob.user.email, pass);
        expect(first.json().status).toBe('signed_in'); // the control: the pass works
        const passSession = first.json().session.token as string;

        await setRoles(bob, ['global-admin']);

        // The session the pass opened, and the one bob had, no longer reach global-admin routes.
        expect((await adminUsers(passSession)).statusCode).toBe(401);
        expect((await adminUsers(bob.sessionToken)).statusCode).toBe(401);
        const again = await signInWithPass(bob.user.email, pass);
        expect(again.statusCode).not.toBe(200);
        expect(['tap_revoked', 'tap_not_allowed']).toContain(again.json().code);
      });

      it('a pass is refused once its user holds a role its issuer could not act on, however the role came', async () => {
        const carl = await newUser();
        const pass = await issuePass(hal, carl);
        // A role that arrived without the grant's revocation (another instance's race, a direct write).
        await t.runtime.database.db
          .insertInto('user_roles')
          .values({ tenant_id: carl.user.tenantId, user_id: carl.user.id, role: 'authentication-admin' })
          .execute();
        const res = await signInWithPass(carl.user.email, pass);
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('tap_not_allowed');
        const log = await t.runtime.database.db
          .selectFrom('sign_in_events')
          .select(['reason', 'result'])
          .where('user_id', '=', carl.user.id)
          .where('result', '=', 'failure')
          .execute();
        expect(log).toEqual([{ reason: 'tap_not_allowed', result: 'failure' }]);
      });

      it("the issuer's role is kept for API keys and the operator: a global admin's pass still works for an admin", async () => {
        const dora = await newUser();
        const { id: tenantId } = await t.runtime.services.tenants.getBySlug('acme');
        const helpdeskKey = await t.runtime.services.apiKeys.create(
          { tenantId, role: 'helpdesk', name: 'desk' },
          operatorActor,
        );
        const byKey = await t.app.inject({
          method: 'POST',
          url: `${base}/admin/users/${dora.user.id}/temporary-access-pass`,
          headers: bearer(helpdeskKey.key),
          payload: { reusable: true },
        });
        expect(byKey.statusCode, byKey.body).toBe(201);
        await t.runtime.database.db
          .insertInto('user_roles')
          .values({ tenant_id: tenantId, user_id: dora.user.id, role: 'helpdesk' })
          .execute();
        expect((await signInWithPass(dora.user.email, byKey.json().pass)).json().code).toBe(
          'tap_not_allowed',
        );

        // The operator (twofold user tap) may act on anyone: its pass works for the admin.
        const byOperator = await t.runtime.services.passes.issue(
          { tenantId, userId: dora.user.id, lifetimeMinutes: 60, reusable: false, issuerRole: 'operator' },
          operatorActor,
        );
        expect((await signInWithPass(dora.user.email, byOperator.pass)).json().status).toBe('signed_in');
      });

      it('a promotion (helpdesk to authentication admin) also revokes; a demotion does not', async () => {
        const erin = await newUser();
        await setRoles(erin, ['helpdesk']);
        const session = (await signInWithPass(erin.user.email, await issuePass(ann, erin))).json().session
          .token as string;
        expect((await adminUsers(session)).statusCode).toBe(200);
        await setRoles(erin, ['authentication-admin']);
        expect((await adminUsers(session)).statusCode).toBe(401);

        const fresh = (await signInWithPass(erin.user.email, await issuePass(ann, erin))).json().session
          .token as string;
        await setRoles(erin, ['helpdesk']);
        expect((await adminUsers(fresh)).statusCode).toBe(200);
      });
    });

    describe('a reusable pass does not survive "account compromised" actions (issue 14, item 2)', () => {
      const actions: [string, (admin: Enrolled, user: Enrolled) => Promise<unknown>][] = [
        [
          'require re-registration',
          (admin, user) =>
            t.app.inject({
              method: 'POST',
              url: `${base}/admin/users/${user.user.id}/require-reregistration`,
              headers: bearer(admin.sessionToken),
              payload: { reason: 'phone stolen' },
            }),
        ],
        [
          'revoke sessions',
          (admin, user) =>
            t.app.inject({
              method: 'POST',
              url: `${base}/admin/users/${user.user.id}/revoke-sessions`,
              headers: bearer(admin.sessionToken),
              payload: {},
            }),
        ],
        [
          'sign out everywhere',
          (_admin, user) =>
            t.app.inject({
              method: 'POST',
              url: `${base}/me/sign-out-everywhere`,
              headers: bearer(user.sessionToken),
            }),
        ],
        [
          'disable, then enable',
          async (admin, user) => {
            for (const disabled of [true, false]) {
              const res = await t.app.inject({
                method: 'PATCH',
                url: `${base}/admin/users/${user.user.id}`,
                headers: bearer(admin.sessionToken),
                payload: { disabled },
              });
              expect(res.statusCode, res.body).toBe(200);
            }
          },
        ],
      ];
      it.each(actions)('%s revokes the pass', async (_name, act) => {
        const user = await newUser();
        const pass = await issuePass(hal, user);
        expect((await signInWithPass(user.user.email, pass)).statusCode).toBe(200);
        await act(ann, user);
        const res = await signInWithPass(user.user.email, pass);
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe('tap_revoked');
      });

      it('require re-registration ends the recovery codes and says so; the next registration issues new ones', async () => {
        const fay = await newUser();
        await issuePass(hal, fay);
        const res = await t.app.inject({
          method: 'POST',
          url: `${base}/admin/users/${fay.user.id}/require-reregistration`,
          headers: bearer(hal.sessionToken),
          payload: { reason: 'phone stolen' },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ endedRecoveryCodes: 10, revokedPasses: 1, revokedSessions: 1 });
        expect(await t.runtime.services.recoveryCodes.remaining(fay.user.tenantId, fay.user.id)).toBe(0);

        // The holder of an old recovery code cannot use it; the user registers and gets new codes.
        clock.advance(60_000);
        const browser = createBrowserClient(t.app);
        const flow = (await browser.post(`${base}/sign-in`, { username: fay.user.email, password })).json();
        expect(flow).toMatchObject({ status: 'registration_required', methods: [] });
        const reg = (await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'totp' })).json();
        const { decodeBase32 } = await import('@twofold/core');
        const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
          methodId: reg.methodId,
          code: codeAt(decodeBase32(reg.secret), clock),
        });
        expect(done.json().recoveryCodes).toHaveLength(10);
        expect(done.json().recoveryCodes).not.toContain(fay.recoveryCodes[0]);
      });

      it('twofold recover-admin ends the admin methods and recovery codes, and its pass leads straight to registration', async () => {
        const gus = await newUser();
        await setRoles(gus, ['global-admin']);
        const recovered = await t.runtime.services.admin.recoverAdmin({
          tenantSlug: 'acme',
          email: gus.user.email,
          reason: 'locked out',
          publicUrl: 'http://localhost:8080',
        });
        expect(await t.runtime.services.methods.listForUser(gus.user.tenantId, gus.user.id)).toEqual([]);
        expect(await t.runtime.services.recoveryCodes.remaining(gus.user.tenantId, gus.user.id)).toBe(0);
        const res = await signInWithPass(gus.user.email, recovered.pass);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ status: 'registration_required', methods: [] });
      });
    });

    describe('narrowing the allowed methods does not let a password alone register a factor (issue 14, item 3)', () => {
      async function putPolicy(change: Record<string, unknown>) {
        const current = (
          await t.app.inject({
            method: 'GET',
            url: `${base}/admin/policy`,
            headers: bearer(ann.sessionToken),
          })
        ).json();
        const res = await t.app.inject({
          method: 'PUT',
          url: `${base}/admin/policy`,
          headers: bearer(ann.sessionToken),
          payload: { ...current, ...change },
        });
        expect(res.statusCode, res.body).toBe(200);
        return current;
      }

      it('a user whose only method type was turned off must prove it is them before registering', async () => {
        const hank = await newUser();
        const before = await putPolicy({
          allowedMethods: ['email', 'sms', 'recovery_codes', 'temporary_access_pass'],
        });
        try {
          clock.advance(60_000);
          const attacker = createBrowserClient(t.app);
          const flow = (
            await attacker.post(`${base}/sign-in`, { username: hank.user.email, password })
          ).json();
          expect(flow.status).toBe('registration_required');
          expect(flow.proofRequired).toBe('method');
          // The methods to prove with: the user's own, though the policy no longer allows them.
          expect(flow.methods.map((m: { id: string }) => m.id)).toContain(hank.methodId);
          const stolen = await attacker.post(`${base}/sign-in/${flow.flowId}/register`, {
            type: 'email',
            email: 'attacker@evil.example',
          });
          expect(stolen.statusCode).toBe(403);
          expect(stolen.json().code).toBe('registration_proof_required');

          // The real user proves it with their authenticator, then registers an allowed method.
          const proved = await attacker.post(`${base}/sign-in/${flow.flowId}/verify`, {
            methodId: hank.methodId,
            code: codeAt(hank.secret, clock),
          });
          expect(proved.statusCode, proved.body).toBe(200);
          expect(proved.json()).toMatchObject({ status: 'registration_required', methods: [] });
          expect(proved.json().proofRequired).toBeUndefined();
          const reg = await attacker.post(`${base}/sign-in/${flow.flowId}/register`, {
            type: 'email',
            email: 'hank@example.com',
          });
          expect(reg.statusCode, reg.body).toBe(200);
        } finally {
          await putPolicy({ allowedMethods: before.allowedMethods });
        }
      });

      it('registrationRequiresPass: a password alone registers nothing, a pass does', async () => {
        const { id: tenantId } = await t.runtime.services.tenants.getBySlug('acme');
        const ivy = await t.runtime.services.users.create(
          { tenantId, email: 'ivy@example.com', password },
          operatorActor,
        );
        const before = await putPolicy({ registrationRequiresPass: true });
        try {
          const browser = createBrowserClient(t.app);
          const flow = (await browser.post(`${base}/sign-in`, { username: ivy.email, password })).json();
          expect(flow).toMatchObject({ status: 'registration_required', proofRequired: 'pass' });
          const reg = await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'totp' });
          expect(reg.statusCode).toBe(403);
          expect(reg.json().code).toBe('registration_pass_required');

          const pass = await t.runtime.services.passes.issue(
            { tenantId, userId: ivy.id, lifetimeMinutes: 60, reusable: false, issuerRole: 'operator' },
            operatorActor,
          );
          const withPass = (await signInWithPass(ivy.email, pass.pass)).json();
          expect(withPass.status).toBe('registration_required');
          expect(withPass.proofRequired).toBeUndefined();
        } finally {
          await putPolicy({ registrationRequiresPass: before.registrationRequiresPass ?? false });
        }
      });

      it('a user with no method at all still registers with a password (the first sign-in)', async () => {
        const { id: tenantId } = await t.runtime.services.tenants.getBySlug('acme');
        const jo = await t.runtime.services.users.create(
          { tenantId, email: 'jo@example.com', password },
          operatorActor,
        );
        const browser = createBrowserClient(t.app);
        const flow = (await browser.post(`${base}/sign-in`, { username: jo.email, password })).json();
        expect(flow.status).toBe('registration_required');
        expect(flow.proofRequired).toBeUndefined();
        const reg = await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'totp' });
        expect(reg.statusCode, reg.body).toBe(200);
      });
    });
  });
}
