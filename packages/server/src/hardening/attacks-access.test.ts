/**
 * Issue 9, attacks as tests: cross-user access (IDOR) on the routes that are not admin routes,
 * and privilege escalation through roles. Cross-tenant and role checks of every admin route are
 * http/routes/admin-matrix.test.ts; a device answering another user's push is
 * http/routes/devices.test.ts. Here: a signed-in user aims self-service and sign-in routes at
 * another user's method ids and sign-in flow, and admins of lower roles try to raise roles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { bearer, codeAt, type Enrolled, enrol, password } from '../test-support/attack-kit.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';

const base = '/t/acme/api/v1';

for (const backend of testBackends) {
  describe(`cross-user access and privilege escalation on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    let t: TestApp;
    let acme: Tenant;
    let ann: Enrolled;
    let bob: Enrolled;
    let bobSmsId: string;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      await t.runtime.services.tenants.create({ slug: 'other', name: 'Other' }, operatorActor);
      ann = await enrol(t, clock, { email: 'ann@example.com' });
      bob = await enrol(t, clock, { email: 'bob@example.com' });
      // Bob also has an SMS method (sent codes have routes of their own).
      const sms = await t.app.inject({
        method: 'POST',
        url: `${base}/me/methods`,
        headers: bearer(bob.sessionToken),
        payload: { type: 'sms', phoneNumber: '+1 415 555 2671' },
      });
      expect(sms.statusCode, sms.body).toBe(201);
      bobSmsId = sms.json().methodId;
      const text = (await t.runtime.services.outbox.list(acme.id))[0];
      const code = /\b(\d{6})\b/.exec(text?.body ?? '')?.[1] ?? '';
      const confirmed = await t.app.inject({
        method: 'POST',
        url: `${base}/me/methods/${bobSmsId}/verify`,
        headers: bearer(bob.sessionToken),
        payload: { code },
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      clock.advance(60_000);
    });
    afterAll(async () => {
      await t?.close();
    });

    const asAnn = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: bearer(ann.sessionToken),
        ...(payload !== undefined ? { payload: payload as never } : {}),
      });

    async function bobsState() {
      const me = (
        await t.app.inject({ method: 'GET', url: `${base}/me`, headers: bearer(bob.sessionToken) })
      ).json();
      const row = await t.runtime.database.db
        .selectFrom('users')
        .select(['mfa_failures'])
        .where('id', '=', bob.user.id)
        .executeTakeFirstOrThrow();
      const sent = (await t.runtime.services.outbox.list(acme.id)).length;
      return { methods: me.methods, mfaFailures: row.mfa_failures, sent };
    }

    it("a user's session cannot touch another user's methods through self-service", async () => {
      const before = await bobsState();
      expect(before.methods.map((m: { id: string }) => m.id).sort()).toEqual([bob.methodId, bobSmsId].sort());
      const attempts = {
        'delete his authenticator': await asAnn('DELETE', `${base}/me/methods/${bob.methodId}`),
        'delete his SMS': await asAnn('DELETE', `${base}/me/methods/${bobSmsId}`),
        'confirm his method': await asAnn('POST', `${base}/me/methods/${bobSmsId}/verify`, {
          code: '123456',
        }),
        'make his method her default': await asAnn('PUT', `${base}/me/default-method`, {
          methodId: bob.methodId,
        }),
        // Bob's right code, for Bob's method, through Ann's session: no step-up for Ann from it.
        'step up with his method and code': await asAnn('POST', `${base}/me/step-up`, {
          methodId: bob.methodId,
          code: codeAt(bob.secret, clock),
        }),
        'send a code to his phone': await asAnn('POST', `${base}/me/step-up/challenge`, {
          methodId: bobSmsId,
        }),
      };
      for (const [label, answer] of Object.entries(attempts)) {
        expect(answer.statusCode, `${label}: ${answer.body}`).toBe(404);
        expect(answer.json().code, label).toBe('method_not_found');
      }
      // Nothing of Bob's changed: methods and default, his failure count, no text sent to him.
      expect(await bobsState()).toEqual(before);
      // Ann's own session is still only Ann's.
      const me = (await asAnn('GET', `${base}/me`)).json();
      expect(me.user.email).toBe('ann@example.com');
      expect(me.methods.map((m: { id: string }) => m.id)).toEqual([ann.methodId]);
    });

    it("another user's sign-in flow cannot be read, challenged, answered or registered on", async () => {
      const bobBrowser = createBrowserClient(t.app);
      const flow = (
        await bobBrowser.post(`${base}/sign-in`, { username: 'bob@example.com', password })
      ).json();
      expect(flow.status).toBe('mfa_required');
      const flowBase = `${base}/sign-in/${flow.flowId}`;
      // Ann's browser (signed in, with her own cookies), and a browser with no cookies at all.
      for (const [who, browser] of [
        ['ann', ann.browser],
        ['stranger', createBrowserClient(t.app)],
      ] as const) {
        const answers = [
          await browser.get(flowBase),
          await browser.post(`${flowBase}/challenge`, { methodId: bobSmsId }),
          await browser.post(`${flowBase}/verify`, {
            methodId: bob.methodId,
            code: codeAt(bob.secret, clock),
          }),
          await browser.post(`${flowBase}/register`, { type: 'authenticator' }),
          await browser.get(`${flowBase}/push?wait=0`),
        ];
        for (const answer of answers) {
          expect(answer.statusCode, `${who}: ${answer.body}`).toBe(410);
          expect(answer.json().code).toBe('flow_expired');
        }
      }
      // Bob's own browser still finishes his sign-in, with the code the others tried to use.
      const done = await bobBrowser.post(`${flowBase}/verify`, {
        methodId: bob.methodId,
        code: codeAt(bob.secret, clock),
      });
      expect(done.statusCode, done.body).toBe(200);
    });

    it("a session is no session in another tenant's self-service", async () => {
      for (const url of ['/t/other/api/v1/me', '/t/other/api/v1/me/sign-out-everywhere']) {
        const answer = await t.app.inject({
          method: url.endsWith('/me') ? 'GET' : 'POST',
          url,
          headers: bearer(ann.sessionToken),
        });
        expect(answer.statusCode, url).toBe(401);
        expect(answer.json().code).toBe('unauthenticated');
      }
      expect((await asAnn('GET', `${base}/me`)).statusCode).toBe(200);
    });

    describe('privilege escalation through roles', () => {
      const keys: Record<string, string> = {};
      const sessions: Record<string, { token: string; userId: string }> = {};

      beforeAll(async () => {
        for (const role of ['helpdesk', 'authentication-admin'] as const) {
          keys[role] = (
            await t.runtime.services.apiKeys.create({ tenantId: acme.id, role }, operatorActor)
          ).key;
        }
        for (const [name, roles] of [
          ['carol', []],
          ['hank', ['helpdesk']],
          ['alan', ['authentication-admin']],
          ['gina', ['global-admin']],
        ] as const) {
          const user = await t.runtime.services.users.create(
            { tenantId: acme.id, email: `${name}@example.com`, password, roles: [...roles] },
            operatorActor,
          );
          const { token } = await t.runtime.services.sessions.create({
            tenantId: acme.id,
            userId: user.id,
            amr: ['pwd', 'otp', 'mfa'],
            mfaAt: clock.now(),
          });
          sessions[name] = { token, userId: user.id };
        }
      });

      const call = (auth: string, method: 'POST' | 'PATCH' | 'PUT', url: string, payload: unknown) =>
        t.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
      const rolesOf = async (name: string) =>
        (await t.runtime.services.users.getById(acme.id, sessions[name]!.userId)).roles;

      it('no lower role grants a higher one, to itself or to anyone, by key or by session', async () => {
        const promote = (roles: string[]) => ({ roles });
        const attempts: [string, Awaited<ReturnType<typeof call>>][] = [];
        const userUrl = (name: string) => `${base}/admin/users/${sessions[name]!.userId}`;
        for (const [who, auth] of [
          ['helpdesk key', keys['helpdesk']!],
          ['authentication-admin key', keys['authentication-admin']!],
          ['helpdesk session', sessions['hank']!.token],
          ['authentication-admin session', sessions['alan']!.token],
          ['ordinary user session', sessions['carol']!.token],
        ] as const) {
          attempts.push([
            `${who}: make an ordinary user global admin`,
            await call(auth, 'PATCH', userUrl('carol'), promote(['global-admin'])),
          ]);
          attempts.push([
            `${who}: make an ordinary user helpdesk`,
            await call(auth, 'PATCH', userUrl('carol'), promote(['helpdesk'])),
          ]);
          attempts.push([
            `${who}: create a global admin`,
            await call(auth, 'POST', `${base}/admin/users`, {
              email: `made-by-${who.replace(/\W+/g, '-')}@example.com`,
              roles: ['global-admin'],
            }),
          ]);
        }
        attempts.push([
          'helpdesk: raise own roles',
          await call(sessions['hank']!.token, 'PATCH', userUrl('hank'), promote(['global-admin'])),
        ]);
        attempts.push([
          'authentication-admin: raise own roles',
          await call(sessions['alan']!.token, 'PATCH', userUrl('alan'), promote(['global-admin'])),
        ]);
        attempts.push([
          'helpdesk: lower a global admin',
          await call(sessions['hank']!.token, 'PATCH', userUrl('gina'), promote([])),
        ]);
        for (const [label, answer] of attempts) {
          expect(answer.statusCode, `${label}: ${answer.body}`).toBe(403);
          expect(answer.json().code, label).toBe('forbidden');
        }
        expect(await rolesOf('carol')).toEqual([]);
        expect(await rolesOf('hank')).toEqual(['helpdesk']);
        expect(await rolesOf('alan')).toEqual(['authentication-admin']);
        expect(await rolesOf('gina')).toEqual(['global-admin']);
        const created = await t.runtime.database.db
          .selectFrom('users')
          .select('email')
          .where('email', 'like', 'made-by-%')
          .execute();
        expect(created).toEqual([]);
      });

      it('self-service has no way to change roles, and an API key is no session', async () => {
        for (const method of ['PUT', 'POST'] as const) {
          const answer = await call(sessions['hank']!.token, method, `${base}/me`, {
            roles: ['global-admin'],
          });
          expect(answer.statusCode, method).toBe(404);
        }
        // PATCH /me takes the language of one's messages, and nothing else.
        const patched = await call(sessions['hank']!.token, 'PATCH', `${base}/me`, {
          locale: 'de',
          roles: ['global-admin'],
        });
        expect(patched.statusCode).toBe(400);
        expect(patched.json().code).toBe('validation_failed');
        // No self-service or sign-in body takes roles, and no route makes API keys (only the host's
        // shell does), so a key of a lower role cannot mint a higher one.
        const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
        const offenders: string[] = [];
        const paths = spec.paths as Record<string, Record<string, { requestBody?: unknown }>>;
        for (const [path, operations] of Object.entries(paths)) {
          if (/api-key/i.test(path)) offenders.push(`${path}: makes API keys`);
          if (path.includes('/admin/')) continue;
          for (const [method, operation] of Object.entries(operations)) {
            if (JSON.stringify(operation.requestBody ?? {}).includes('"roles"'))
              offenders.push(`${method.toUpperCase()} ${path} takes roles`);
          }
        }
        // The control: the admin API's user routes do take roles, and the walk sees them.
        expect(
          JSON.stringify(paths['/t/{tenant}/api/v1/admin/users/{id}']?.['patch']?.requestBody),
        ).toContain('"roles"');
        expect(offenders).toEqual([]);
        // An admin key presented to self-service is not a session.
        const me = await t.app.inject({
          method: 'GET',
          url: `${base}/me`,
          headers: bearer(keys['helpdesk']!),
        });
        expect(me.statusCode).toBe(401);
        expect(await rolesOf('hank')).toEqual(['helpdesk']);
      });
    });
  });
}
