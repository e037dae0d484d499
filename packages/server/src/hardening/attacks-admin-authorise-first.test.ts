/**
 * Issue 14: an admin route checked its body before the caller's role, so `PUT /admin/policy` with a
 * helpdesk key and a malformed body answered 400 (describing the policy document to someone who may
 * not change it) instead of 403. Walks every admin route of `/api/openapi.json` and sends each
 * kind of malformed request (a body against the schema, a body that is not JSON, a NUL, the wrong
 * content type, a bad query) as every caller who may not perform the route's action: nobody,
 * another tenant's key, a user without an admin role, an admin without a second factor, and each
 * admin role below the action's. Every answer is the 401 or 403 of the caller, never a 400, 413 or
 * 415, and nothing is recorded.
 */
import { type AdminAction, adminActions, roleRank } from '@twofold/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { adminActionExtension } from '../http/admin-guard.js';
import { createManualClock } from '../platform/clock.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { testBackends } from '../test-support/databases.js';
import { type Role, roles } from '../users/roles.js';

interface AdminRoute {
  readonly method: string;
  readonly path: string;
  readonly action: AdminAction;
  readonly hasBody: boolean;
}

interface Caller {
  readonly label: string;
  readonly headers: Record<string, string>;
  readonly status: 401 | 403;
  readonly code: string;
}

/** Malformed requests: each breaks the route's input in another way (a body is sent to every route). */
const malformed: { label: string; query: string; contentType: string; payload: string }[] = [
  { label: 'a body against the schema', query: '', contentType: 'application/json', payload: '{"x":[1,{}]}' },
  { label: 'a body that is not JSON', query: '', contentType: 'application/json', payload: '{"reason": ' },
  {
    label: 'a NUL in the body',
    query: '',
    contentType: 'application/json',
    payload: '{"reason":"a\\u0000b"}',
  },
  { label: 'the wrong content type', query: '', contentType: 'application/xml', payload: '<policy/>' },
  {
    label: 'a bad query',
    query: '?limit=many&cursor=%00&junk=1',
    contentType: 'application/json',
    payload: '[]',
  },
];

for (const backend of testBackends) {
  describe(`admin routes authorise before they read the request (${backend.name})`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    let t: TestApp;
    let acme: Tenant;
    const routes: AdminRoute[] = [];
    const keys = new Map<Role, string>();
    let others: Caller[] = [];

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      const { tenants, apiKeys, users, sessions } = t.runtime.services;
      acme = await tenants.create({ slug: 'acme' }, operatorActor);
      const beta = await tenants.create({ slug: 'beta' }, operatorActor);
      for (const role of roles)
        keys.set(role, (await apiKeys.create({ tenantId: acme.id, role }, operatorActor)).key);
      const betaKey = (await apiKeys.create({ tenantId: beta.id, role: 'global-admin' }, operatorActor)).key;
      const plain = await users.create({ tenantId: acme.id, email: 'plain@example.com' }, operatorActor);
      const plainSession = await sessions.create({
        tenantId: acme.id,
        userId: plain.id,
        amr: ['pwd', 'otp', 'mfa'],
        mfaAt: clock.now(),
      });
      const admin = await users.create(
        { tenantId: acme.id, email: 'admin@example.com', roles: ['global-admin'] },
        operatorActor,
      );
      const passwordOnly = await sessions.create({
        tenantId: acme.id,
        userId: admin.id,
        amr: ['pwd'],
        mfaAt: null,
      });
      others = [
        { label: 'nobody', headers: {}, status: 401, code: 'unauthenticated' },
        {
          label: "another tenant's key",
          headers: { authorization: `Bearer ${betaKey}` },
          status: 401,
          code: 'unauthenticated',
        },
        {
          label: 'a user without an admin role',
          headers: { authorization: `Bearer ${plainSession.token}` },
          status: 403,
          code: 'forbidden',
        },
        {
          label: 'a global admin without a second factor',
          headers: { authorization: `Bearer ${passwordOnly.token}` },
          status: 403,
          code: 'step_up_required',
        },
      ];

      const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
        paths: Record<
          string,
          Record<string, { requestBody?: unknown; [adminActionExtension]?: AdminAction }>
        >;
      };
      for (const [path, operations] of Object.entries(doc.paths)) {
        if (!path.startsWith('/t/{tenant}/api/v1/admin/')) continue;
        for (const [method, operation] of Object.entries(operations)) {
          const action = operation[adminActionExtension];
          expect(action, `${method} ${path} names its action`).toBeDefined();
          expect(Object.keys(adminActions)).toContain(action);
          routes.push({
            method: method.toUpperCase(),
            path: path.replace('{tenant}', 'acme').replace(/\{[^}]+\}/g, 'x'),
            action: action as AdminAction,
            hasBody: operation.requestBody !== undefined,
          });
        }
      }
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    /** The callers who may not perform `action`: the general ones, and each API key role below it. */
    const refusedCallers = (action: AdminAction): Caller[] => [
      ...others,
      ...roles
        .filter((role) => roleRank[role] < roleRank[adminActions[action]])
        .map(
          (role): Caller => ({
            label: `a ${role} key`,
            headers: { authorization: `Bearer ${keys.get(role)}` },
            status: 403,
            code: 'forbidden',
          }),
        ),
    ];

    it('every admin route names an action, and some need more than the weakest role', () => {
      expect(routes.length).toBeGreaterThanOrEqual(25);
      expect(routes.filter((r) => r.hasBody).length).toBeGreaterThanOrEqual(10);
      expect(routes.some((r) => r.method === 'PUT' && r.path.endsWith('/admin/policy'))).toBe(true);
    });

    it('a caller who may not act gets 401 or 403 for every malformed request, and nothing is recorded', async () => {
      const auditBefore = await sql<{ n: number }>`SELECT count(*) AS n FROM audit_events`.execute(
        t.runtime.database.db,
      );
      const wrong: string[] = [];
      let sent = 0;
      for (const route of routes) {
        for (const caller of refusedCallers(route.action)) {
          for (const bad of malformed) {
            const response = await t.app.inject({
              method: route.method as 'GET',
              url: `${route.path}${bad.query}`,
              headers: { ...caller.headers, 'content-type': bad.contentType },
              payload: bad.payload,
            });
            sent += 1;
            const code = String(response.headers['content-type'] ?? '').includes('json')
              ? response.json().code
              : undefined;
            if (response.statusCode !== caller.status || code !== caller.code)
              wrong.push(
                `${route.method} ${route.path} as ${caller.label} with ${bad.label}: ${response.statusCode} ${code}`,
              );
          }
        }
      }
      const auditAfter = await sql<{ n: number }>`SELECT count(*) AS n FROM audit_events`.execute(
        t.runtime.database.db,
      );
      console.info(
        `admin routes authorise first (${backend.name}): ${routes.length} routes, ${sent} requests`,
      );
      expect(wrong).toEqual([]);
      expect(Number(auditAfter.rows[0]?.n)).toBe(Number(auditBefore.rows[0]?.n));
    });

    it('a caller who may act still gets the 400 that describes what is wrong', async () => {
      const response = await t.app.inject({
        method: 'PUT',
        url: '/t/acme/api/v1/admin/policy',
        headers: { authorization: `Bearer ${keys.get('global-admin')}`, 'content-type': 'application/json' },
        payload: '{"x":[1,{}]}',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    });
  });
}
