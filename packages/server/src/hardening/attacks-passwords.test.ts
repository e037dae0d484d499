/**
 * Issue 14, item 10: "Passwords can't be changed or reset" (spec section 6). A leaked password is
 * rotated with POST /me/password (step-up; the other sessions, grants and the pass end; an email);
 * "Forgot password?" proves the user with a registered method (two for admins) through the one
 * code check, answers an unknown username as it answers a user without a method, and ends every
 * session. Routes that did not exist before: on the old code every request here was a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { bearer, codeAt, type Enrolled, enrol, password, surelyWrong } from '../test-support/attack-kit.js';
import { type BrowserClient, createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';
import { recordStatements } from '../test-support/statement-counter.js';

const base = '/t/acme/api/v1';
const newPassword = 'tangerine otter quilt';

for (const backend of testBackends) {
  describe(`changing and resetting passwords on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    let t: TestApp;
    let n = 0;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
    });
    afterAll(async () => {
      await t?.close();
    });

    async function newUser(roles: string[] = []): Promise<Enrolled> {
      clock.advance(60_000);
      n++;
      return enrol(t, clock, { email: `pw${n}@example.com`, roles });
    }

    async function signInWith(email: string, secret: string) {
      return createBrowserClient(t.app).post(`${base}/sign-in`, { username: email, password: secret });
    }

    async function securityNotices(email: string) {
      return t.runtime.database.db
        .selectFrom('outbox_messages')
        .select('id')
        .where('recipient', '=', email)
        .where('purpose', '=', 'security_notice')
        .execute();
    }

    describe('POST /me/password', () => {
      it('needs a recent second factor and the current password; ends the other sessions, the grants and the pass; emails the user', async () => {
        const ann = await newUser();
        // A second session of hers, on another device.
        clock.advance(30_000);
        const device = createBrowserClient(t.app);
        const started = (await device.post(`${base}/sign-in`, { username: ann.user.email, password })).json();
        const other = (
          await device.post(`${base}/sign-in/${started.flowId}/verify`, {
            methodId: ann.methodId,
            code: codeAt(ann.secret, clock),
          })
        ).json().session.token as string;
        const pass = await t.runtime.services.passes.issue(
          {
            tenantId: ann.user.tenantId,
            userId: ann.user.id,
            lifetimeMinutes: 600,
            reusable: true,
            issuerRole: 'operator',
          },
          operatorActor,
        );
        const change = (body: Record<string, string>) =>
          t.app.inject({
            method: 'POST',
            url: `${base}/me/password`,
            headers: bearer(ann.sessionToken),
            payload: body,
          });

        // Security info asks for the current password because GET /me says it is needed.
        const me = await t.app.inject({
          method: 'GET',
          url: `${base}/me`,
          headers: bearer(ann.sessionToken),
        });
        expect(me.json().currentPasswordRequired).toBe(true);
        const cases: [Record<string, string>, string][] = [
          [{ newPassword }, 'current_password_required'],
          [{ currentPassword: 'not my password', newPassword }, 'password_incorrect'],
          [{ currentPassword: password, newPassword: 'short' }, 'password_too_short'],
          [{ currentPassword: password, newPassword: 'Qwertyuiop1' }, 'password_too_common'],
        ];
        for (const [body, code] of cases) {
          const res = await change(body);
          expect(res.statusCode, JSON.stringify(body)).toBe(400);
          expect(res.json().code).toBe(code);
        }
        const done = await change({ currentPassword: password, newPassword });
        expect(done.statusCode, done.body).toBe(200);
        expect(done.json()).toEqual({ revokedSessions: 1, revokedPasses: 1 });

        // The session it was made from stays; the other one and the pass end.
        expect(
          (await t.app.inject({ method: 'GET', url: `${base}/me`, headers: bearer(ann.sessionToken) }))
            .statusCode,
        ).toBe(200);
        expect(
          (await t.app.inject({ method: 'GET', url: `${base}/me`, headers: bearer(other) })).statusCode,
        ).toBe(401);
        const withPass = await createBrowserClient(t.app).post(`${base}/sign-in`, {
          username: ann.user.email,
          temporaryAccessPass: pass.pass,
        });
        expect(withPass.json().code).toBe('tap_revoked');
        expect((await signInWith(ann.user.email, password)).json().code).toBe('invalid_credentials');
        expect((await signInWith(ann.user.email, newPassword)).json().status).toBe('mfa_required');
        expect(await securityNotices(ann.user.email)).toHaveLength(1);
      });

      it('refuses without a second factor in the last 10 minutes', async () => {
        const bea = await newUser();
        clock.advance(11 * 60_000);
        const res = await t.app.inject({
          method: 'POST',
          url: `${base}/me/password`,
          headers: bearer(bea.sessionToken),
          payload: { currentPassword: password, newPassword },
        });
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('step_up_required');
      });

      it('a session started with a pass may leave out the current password for an hour', async () => {
        const cat = await newUser();
        const pass = await t.runtime.services.passes.issue(
          {
            tenantId: cat.user.tenantId,
            userId: cat.user.id,
            lifetimeMinutes: 60,
            reusable: false,
            issuerRole: 'operator',
          },
          operatorActor,
        );
        const session = (
          await createBrowserClient(t.app).post(`${base}/sign-in`, {
            username: cat.user.email,
            temporaryAccessPass: pass.pass,
          })
        ).json().session.token as string;
        const meOf = async () =>
          (await t.app.inject({ method: 'GET', url: `${base}/me`, headers: bearer(session) })).json();
        expect((await meOf()).currentPasswordRequired).toBe(false);
        const res = await t.app.inject({
          method: 'POST',
          url: `${base}/me/password`,
          headers: bearer(session),
          payload: { newPassword },
        });
        expect(res.statusCode, res.body).toBe(200);
        // An hour on, the same session is asked for its (new) current password again.
        clock.advance(61 * 60_000);
        expect((await meOf()).currentPasswordRequired).toBe(true);
      });
    });

    describe('Forgot password?', () => {
      async function start(browser: BrowserClient, username: string) {
        return browser.post(`${base}/password-reset`, { username });
      }
      /** What a client can observe of an answer, apart from the request id. */
      const observable = (res: { statusCode: number; json(): Record<string, unknown> }) => {
        const { requestId: _r, ...body } = res.json();
        return { status: res.statusCode, body };
      };

      it('an unknown username gets the answer a user without a method gets, after the same statements', async () => {
        const { id: tenantId } = await t.runtime.services.tenants.getBySlug('acme');
        await t.runtime.services.users.create(
          { tenantId, email: 'nomethod@example.com', password },
          operatorActor,
        );
        const log = recordStatements(t.runtime.database.db);
        try {
          const noMethod = await start(createBrowserClient(t.app), 'nomethod@example.com');
          const known = log.statements.length;
          log.reset();
          const unknown = await start(createBrowserClient(t.app), 'nobody@example.com');
          expect(log.statements.length).toBe(known);
          expect(observable(unknown)).toEqual(observable(noMethod));
          expect(noMethod.statusCode).toBe(403);
          expect(noMethod.json().code).toBe('password_reset_unavailable');
        } finally {
          log.restore();
        }
      });

      it('a user proves it with their authenticator, sets a new password, and every session ends', async () => {
        const dan = await newUser();
        const browser = createBrowserClient(t.app);
        const flow = (await start(browser, dan.user.email)).json();
        expect(flow).toMatchObject({ status: 'verification_required', verified: 0 });
        expect(flow.methods.map((m: { id: string }) => m.id)).toEqual([dan.methodId, 'recovery-codes']);

        // Bound to its browser: another one cannot use the flow id.
        const stranger = await createBrowserClient(t.app).post(
          `${base}/password-reset/${flow.flowId}/verify`,
          {
            methodId: dan.methodId,
            code: codeAt(dan.secret, clock),
          },
        );
        expect(stranger.json().code).toBe('flow_expired');
        // Not before a proof.
        expect(
          (await browser.post(`${base}/password-reset/${flow.flowId}/password`, { newPassword })).json().code,
        ).toBe('flow_state_invalid');
        const wrong = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
          methodId: dan.methodId,
          code: surelyWrong(dan.secret, clock),
        });
        expect(wrong.json()).toMatchObject({ code: 'otp_invalid', attemptsLeft: 4 });
        clock.advance(30_000); // (the code of this step signed in at enrolment)
        const proved = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
          methodId: dan.methodId,
          code: codeAt(dan.secret, clock),
        });
        expect(proved.json()).toMatchObject({ status: 'password_required', verified: 1, methods: [] });
        const common = await browser.post(`${base}/password-reset/${flow.flowId}/password`, {
          newPassword: 'password1',
        });
        expect(common.json().code).toBe('password_too_common');
        const done = await browser.post(`${base}/password-reset/${flow.flowId}/password`, { newPassword });
        expect(done.json()).toEqual({ status: 'completed' });

        expect(
          (await t.app.inject({ method: 'GET', url: `${base}/me`, headers: bearer(dan.sessionToken) }))
            .statusCode,
        ).toBe(401);
        expect((await signInWith(dan.user.email, newPassword)).json().status).toBe('mfa_required');
        expect(await securityNotices(dan.user.email)).toHaveLength(1);
        // Once: the flow is over.
        expect(
          (await browser.post(`${base}/password-reset/${flow.flowId}/password`, { newPassword })).json().code,
        ).toBe('flow_expired');
        // The code that proved the reset is spent: it does not sign in too (the one replay rule).
        const signIn = (await signInWith(dan.user.email, newPassword)).json();
        const replay = await createBrowserClient(t.app).post(`${base}/sign-in/${signIn.flowId}/verify`, {
          methodId: dan.methodId,
          code: codeAt(dan.secret, clock),
        });
        expect(replay.statusCode).not.toBe(200);
      });

      it('an admin proves two different methods', async () => {
        const eve = await newUser(['helpdesk']);
        const browser = createBrowserClient(t.app);
        const flow = (await start(browser, eve.user.email)).json();
        clock.advance(30_000);
        const first = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
          methodId: eve.methodId,
          code: codeAt(eve.secret, clock),
        });
        expect(first.json()).toMatchObject({ status: 'verification_required', verified: 1 });
        expect(first.json().methods.map((m: { id: string }) => m.id)).toEqual(['recovery-codes']);
        clock.advance(30_000);
        const again = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
          methodId: eve.methodId,
          code: codeAt(eve.secret, clock),
        });
        expect(again.json().code).toBe('method_not_found');
        const second = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
          methodId: 'recovery-codes',
          code: eve.recoveryCodes[0],
        });
        expect(second.json()).toMatchObject({ status: 'password_required', verified: 2 });
      });

      it('five wrong codes end the reset', async () => {
        const fay = await newUser();
        const browser = createBrowserClient(t.app);
        const flow = (await start(browser, fay.user.email)).json();
        let last: { code?: string } = {};
        for (let i = 0; i < 5; i++) {
          last = (
            await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
              methodId: fay.methodId,
              code: surelyWrong(fay.secret, clock, i),
            })
          ).json();
        }
        expect(last.code).toBe('too_many_attempts');
        const after = await browser.post(`${base}/password-reset/${flow.flowId}/verify`, {
          methodId: fay.methodId,
          code: codeAt(fay.secret, clock),
        });
        expect(after.json().code).toBe('flow_expired');
      });
    });
  });
}
