/**
 * Spec section 1 as a matrix: every admin route, called by every role (API key and admin session),
 * against every kind of target (an ordinary user, a helpdesk admin, a global admin, the caller
 * themselves). The expected answer is derived from the rules, not listed by hand, so a route that
 * forgets a check fails here. Then tenant isolation for every route: another tenant's key is no key
 * (401), another tenant's user is no user (404).
 */

import { Readable } from 'node:stream';
import { decodeBase32, generateTotp } from '@twofold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminAction, adminActions, roleRank } from '../../admin/admin-access.js';
import { operatorActor } from '../../audit/audit-log.js';
import { createManualClock } from '../../platform/clock.js';
import { methodTypesInPolicy } from '../../tenants/tenant-policy.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { testBackends } from '../../test-support/databases.js';
import { type Role, roles } from '../../users/roles.js';

type TargetKind = 'user' | 'helpdesk' | 'global' | 'self';

interface Target {
  readonly userId: string;
  readonly email: string;
  readonly methodId: string;
  readonly codes: () => [string, string];
  /** A pending hardware token of the user and a code that activates it. */
  readonly tokenId: string;
  readonly tokenCode: () => string;
}

const tokenSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

interface RouteCase {
  readonly action: AdminAction;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under /t/{tenant}/api/v1/admin, for a target user and one of their methods. */
  readonly path: (t: Target) => string;
  readonly body?: (t: Target) => unknown;
  /** A body that is not JSON (the CSV import). */
  readonly contentType?: string;
  /** The route acts on a user: the rules about targets apply. */
  readonly acts: boolean;
  /** The route reads or writes about a user at all (false: tenant-wide). */
  readonly targeted: boolean;
}

const reason = { reason: 'matrix test' };
const cases: RouteCase[] = [
  { action: 'users.read', method: 'GET', path: () => '/users', acts: false, targeted: false },
  {
    action: 'users.create',
    method: 'POST',
    path: () => '/users',
    body: () => ({ email: `new-${Math.random().toString(36).slice(2)}@example.com` }),
    acts: false,
    targeted: false,
  },
  { action: 'users.read', method: 'GET', path: (t) => `/users/${t.userId}`, acts: false, targeted: true },
  {
    action: 'users.update',
    method: 'PATCH',
    path: (t) => `/users/${t.userId}`,
    body: () => ({ displayName: 'Renamed' }),
    acts: true,
    targeted: true,
  },
  { action: 'users.delete', method: 'DELETE', path: (t) => `/users/${t.userId}`, acts: true, targeted: true },
  {
    action: 'methods.read',
    method: 'GET',
    path: (t) => `/users/${t.userId}/methods`,
    acts: false,
    targeted: true,
  },
  {
    action: 'methods.delete',
    method: 'DELETE',
    path: (t) => `/users/${t.userId}/methods/${t.methodId}`,
    acts: true,
    targeted: true,
  },
  {
    action: 'users.require_reregistration',
    method: 'POST',
    path: (t) => `/users/${t.userId}/require-reregistration`,
    body: () => reason,
    acts: true,
    targeted: true,
  },
  {
    action: 'users.temporary_access_pass',
    method: 'POST',
    path: (t) => `/users/${t.userId}/temporary-access-pass`,
    body: () => ({ lifetimeMinutes: 60, reusable: false }),
    acts: true,
    targeted: true,
  },
  {
    action: 'users.revoke_sessions',
    method: 'POST',
    path: (t) => `/users/${t.userId}/revoke-sessions`,
    body: () => reason,
    acts: true,
    targeted: true,
  },
  {
    action: 'users.unlock',
    method: 'POST',
    path: (t) => `/users/${t.userId}/unlock`,
    body: () => reason,
    acts: true,
    targeted: true,
  },
  {
    action: 'users.clear_push_block',
    method: 'POST',
    path: (t) => `/users/${t.userId}/clear-push-block`,
    body: () => reason,
    acts: true,
    targeted: true,
  },
  {
    action: 'methods.resync',
    method: 'POST',
    path: (t) => `/users/${t.userId}/methods/${t.methodId}/resync`,
    body: (t) => {
      const [code1, code2] = t.codes();
      return { code1, code2 };
    },
    acts: true,
    targeted: true,
  },
  {
    action: 'methods.reset_drift',
    method: 'POST',
    path: (t) => `/users/${t.userId}/methods/${t.methodId}/reset-drift`,
    body: () => reason,
    acts: true,
    targeted: true,
  },
  { action: 'policy.read', method: 'GET', path: () => '/policy', acts: false, targeted: false },
  {
    action: 'policy.update',
    method: 'PUT',
    path: () => '/policy',
    body: () => ({
      mfaRequired: true,
      allowedMethods: [...methodTypesInPolicy],
      totp: { algorithm: 'SHA1', digits: 6, period: 30 },
      lockout: { failuresPerLock: 10, firstLockMinutes: 15 },
      temporaryAccessPass: { minMinutes: 10, maxMinutes: 43200, defaultMinutes: 60 },
    }),
    acts: false,
    targeted: false,
  },
  { action: 'outbox.read', method: 'GET', path: () => '/outbox', acts: false, targeted: false },
  { action: 'sign_ins.read', method: 'GET', path: () => '/sign-ins', acts: false, targeted: false },
  {
    action: 'sign_ins.read',
    method: 'GET',
    path: () => '/sign-ins?format=csv',
    acts: false,
    targeted: false,
  },
  { action: 'sign_ins.read', method: 'GET', path: () => '/sign-ins/stats', acts: false, targeted: false },
  { action: 'audit.read', method: 'GET', path: () => '/audit', acts: false, targeted: false },
  { action: 'audit.read', method: 'GET', path: () => '/audit?format=json', acts: false, targeted: false },
  {
    action: 'hardware_tokens.import',
    method: 'POST',
    path: () => '/hardware-tokens',
    contentType: 'text/csv',
    body: (t) =>
      `upn,serial number,secret key,time interval,manufacturer,model\n${t.email},S-${t.userId},${tokenSecret},30,Contoso,K1\n`,
    acts: false,
    targeted: false,
  },
  { action: 'groups.read', method: 'GET', path: () => '/groups', acts: false, targeted: false },
  {
    action: 'groups.manage',
    method: 'POST',
    path: () => '/groups',
    body: () => ({ name: `Group ${Math.random().toString(36).slice(2)}` }),
    acts: false,
    targeted: false,
  },
  {
    action: 'users.import',
    method: 'POST',
    path: () => '/users/import',
    contentType: 'text/csv',
    body: () => `email,name,role\nimported-${Math.random().toString(36).slice(2)}@example.com,Imported,\n`,
    acts: false,
    targeted: false,
  },
  { action: 'oidc_clients.read', method: 'GET', path: () => '/oidc-clients', acts: false, targeted: false },
  {
    action: 'oidc_clients.manage',
    method: 'POST',
    path: () => '/oidc-clients',
    body: () => ({ name: 'Matrix app', redirectUris: ['https://app.example.com/callback'] }),
    acts: false,
    targeted: false,
  },
  {
    action: 'methods.activate',
    method: 'POST',
    path: (t) => `/users/${t.userId}/methods/${t.tokenId}/activate`,
    body: (t) => ({ code: t.tokenCode() }),
    acts: true,
    targeted: true,
  },
];

const placeholder: Target = {
  userId: ':id',
  email: '',
  methodId: ':methodId',
  tokenId: ':tokenId',
  codes: () => ['', ''],
  tokenCode: () => '',
};

function expectedStatus(role: Role, route: RouteCase, target: TargetKind): 'ok' | 403 {
  if (roleRank[role] < roleRank[adminActions[route.action]]) return 403;
  if (!route.acts) return 'ok';
  if (target === 'self') return 403;
  if ((target === 'helpdesk' || target === 'global') && role !== 'global-admin') return 403;
  return 'ok';
}

for (const backend of testBackends) {
  describe(`admin API role matrix (${backend.name})`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 1, 12, 0, 0));
    let t: TestApp;
    let acme: Tenant;
    let other: Tenant;
    let counter = 0;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      const { tenants, users } = t.runtime.services;
      acme = await tenants.create({ slug: 'acme' }, operatorActor);
      other = await tenants.create({ slug: 'other' }, operatorActor);
      // A spare global admin, so that no case meets the last-global-admin rule by accident.
      await users.create(
        { tenantId: acme.id, email: 'spare@example.com', roles: ['global-admin'] },
        operatorActor,
      );
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    /** A fresh user of the given kind with one active TOTP method whose codes the test can compute. */
    async function makeTarget(kind: Exclude<TargetKind, 'self'>, tenant: Tenant = acme) {
      const { users } = t.runtime.services;
      counter += 1;
      const roleOf: Record<typeof kind, Role[]> = {
        user: [],
        helpdesk: ['helpdesk'],
        global: ['global-admin'],
      };
      const user = await users.create(
        { tenantId: tenant.id, email: `target-${counter}@example.com`, roles: roleOf[kind] },
        operatorActor,
      );
      return {
        userId: user.id,
        email: user.email,
        ...(await addMethod(tenant, user.id)),
        ...(await addToken(tenant, user.email)),
      };
    }

    /** A pending hardware token for the user, imported as the operator. */
    async function addToken(tenant: Tenant, email: string) {
      counter += 1;
      const csv = `upn,serial number,secret key,time interval,manufacturer,model\n${email},HW-${counter},${tokenSecret},30,Contoso,K1\n`;
      const result = await t.runtime.services.hardwareTokens.import(
        { tenantId: tenant.id, source: Readable.from([csv]) },
        operatorActor,
      );
      expect(result.imported).toBe(1);
      const token = await t.runtime.database.db
        .selectFrom('methods')
        .select('id')
        .where('serial', '=', `HW-${counter}`)
        .where('tenant_id', '=', tenant.id)
        .executeTakeFirstOrThrow();
      const tokenCode = () => generateTotp({ secret: decodeBase32(tokenSecret), time: clock.now() / 1000 });
      return { tokenId: token.id, tokenCode };
    }

    async function addMethod(tenant: Tenant, userId: string) {
      const { totp } = t.runtime.services;
      const registered = await totp.register({ tenantId: tenant.id, userId, type: 'totp' }, operatorActor);
      const secret = decodeBase32(registered.secret);
      const now = clock.now() / 1000;
      const confirmed = await totp.verify({
        tenantId: tenant.id,
        userId,
        methodId: registered.methodId,
        code: generateTotp({ secret, time: now }),
      });
      expect(confirmed.ok).toBe(true);
      // Two consecutive codes a few steps ahead: a device whose clock runs fast.
      const codes = (): [string, string] => [
        generateTotp({ secret, time: now + 150 }),
        generateTotp({ secret, time: now + 180 }),
      ];
      return { methodId: registered.methodId, codes };
    }

    async function apiKeyFor(role: Role, tenant: Tenant = acme) {
      const { key } = await t.runtime.services.apiKeys.create({ tenantId: tenant.id, role }, operatorActor);
      return { authorization: `Bearer ${key}` };
    }

    async function sessionFor(role: Role) {
      const { users, sessions } = t.runtime.services;
      counter += 1;
      const admin = await users.create(
        { tenantId: acme.id, email: `admin-${counter}@example.com`, roles: [role] },
        operatorActor,
      );
      const { token } = await sessions.create({
        tenantId: acme.id,
        userId: admin.id,
        amr: ['pwd', 'otp', 'mfa'],
        mfaAt: clock.now(),
      });
      return { headers: { authorization: `Bearer ${token}` }, userId: admin.id, email: admin.email };
    }

    async function call(route: RouteCase, headers: Record<string, string>, target: Target, slug = 'acme') {
      const body = route.body?.(target);
      const payload =
        body === undefined ? undefined : route.contentType ? String(body) : JSON.stringify(body);
      return t.app.inject({
        method: route.method,
        url: `/t/${slug}/api/v1/admin${route.path(target)}`,
        headers: {
          ...headers,
          ...(payload !== undefined ? { 'content-type': route.contentType ?? 'application/json' } : {}),
        },
        ...(payload !== undefined ? { payload } : {}),
      });
    }

    for (const role of roles) {
      for (const route of cases) {
        const targets: Exclude<TargetKind, 'self'>[] = route.targeted
          ? ['user', 'helpdesk', 'global']
          : ['user'];
        for (const kind of targets) {
          const expected = expectedStatus(role, route, kind);
          it(`${role} key: ${route.method} ${route.path(placeholder)} on a ${kind} → ${expected}`, async () => {
            const target = await makeTarget(kind);
            const response = await call(route, await apiKeyFor(role), target);
            if (expected === 403) {
              expect(response.statusCode, response.body).toBe(403);
              expect(response.json().code).toBe('forbidden');
            } else {
              expect(response.statusCode, response.body).toBeGreaterThanOrEqual(200);
              expect(response.statusCode, response.body).toBeLessThan(300);
            }
          });
        }
      }
    }

    for (const role of roles) {
      for (const route of cases.filter((c) => c.targeted)) {
        const expected = expectedStatus(role, route, 'self');
        it(`${role} session: ${route.method} ${route.path(placeholder)} on themselves → ${expected}`, async () => {
          const { headers, userId, email } = await sessionFor(role);
          const method = await addMethod(acme, userId);
          const token = await addToken(acme, email);
          const response = await call(route, headers, { userId, email, ...method, ...token });
          if (expected === 403) expect(response.statusCode, response.body).toBe(403);
          else expect(response.statusCode, response.body).toBeLessThan(300);
        });
      }
    }

    it('a session without a second factor, or of a user without an admin role, is refused', async () => {
      const { users, sessions } = t.runtime.services;
      const admin = await users.create(
        { tenantId: acme.id, email: 'pwd-only@example.com', roles: ['global-admin'] },
        operatorActor,
      );
      const pwdOnly = await sessions.create({
        tenantId: acme.id,
        userId: admin.id,
        amr: ['pwd'],
        mfaAt: null,
      });
      const noMfa = await t.app.inject({
        url: '/t/acme/api/v1/admin/users',
        headers: { authorization: `Bearer ${pwdOnly.token}` },
      });
      expect(noMfa.statusCode).toBe(403);
      expect(noMfa.json().code).toBe('step_up_required');
      const plain = await users.create({ tenantId: acme.id, email: 'plain@example.com' }, operatorActor);
      const plainSession = await sessions.create({
        tenantId: acme.id,
        userId: plain.id,
        amr: ['pwd', 'otp', 'mfa'],
        mfaAt: clock.now(),
      });
      const refused = await t.app.inject({
        url: '/t/acme/api/v1/admin/users',
        headers: { authorization: `Bearer ${plainSession.token}` },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('forbidden');
    });

    it('a demoted admin loses the admin API at once, without signing out', async () => {
      const { admin } = t.runtime.services;
      const { headers, userId } = await sessionFor('authentication-admin');
      const before = await t.app.inject({ url: '/t/acme/api/v1/admin/users', headers });
      expect(before.statusCode).toBe(200);
      await admin.updateUser({
        tenantId: acme.id,
        userId: userId,
        changes: { roles: [] },
        actor: operatorActor,
      });
      const after = await t.app.inject({ url: '/t/acme/api/v1/admin/users', headers });
      expect(after.statusCode).toBe(403);
    });

    it('no request at all is 401', async () => {
      const response = await t.app.inject({ url: '/t/acme/api/v1/admin/users' });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('unauthenticated');
    });

    describe('tenant isolation', () => {
      for (const route of cases) {
        it(`another tenant's key gets 401 on ${route.method} ${route.path(placeholder)}`, async () => {
          const target = await makeTarget('user');
          const response = await call(route, await apiKeyFor('global-admin', other), target);
          expect(response.statusCode, response.body).toBe(401);
          expect(response.json().code).toBe('unauthenticated');
        });
        if (route.targeted) {
          it(`another tenant's user is 404 for ${route.method} ${route.path(placeholder)}`, async () => {
            const foreign = await makeTarget('user', other);
            const response = await call(route, await apiKeyFor('global-admin'), foreign);
            expect(response.statusCode, response.body).toBe(404);
            expect(response.json().code).toBe('user_not_found');
            // The foreign user is untouched.
            const still = await t.runtime.services.users.getById(other.id, foreign.userId);
            expect(still.displayName).not.toBe('Renamed');
            const methods = await t.runtime.services.methods.listForUser(other.id, foreign.userId);
            expect(methods.map((m) => m.id)).toEqual([foreign.methodId]);
          });
        }
      }

      it("a user of this tenant with another user's method id gets method_not_found", async () => {
        const mine = await makeTarget('user');
        const theirs = await makeTarget('user', other);
        const headers = await apiKeyFor('global-admin');
        for (const route of cases.filter((c) => c.path(mine).includes('/methods/'))) {
          const response = await call(route, headers, {
            ...mine,
            methodId: theirs.methodId,
            tokenId: theirs.tokenId,
          });
          expect(response.statusCode, `${route.action}: ${response.body}`).toBe(404);
          expect(response.json().code).toBe('method_not_found');
        }
      });

      it('the user list of one tenant never shows another tenant', async () => {
        await makeTarget('user', other);
        const response = await t.app.inject({
          url: '/t/acme/api/v1/admin/users?limit=200',
          headers: await apiKeyFor('helpdesk'),
        });
        const emails = response.json().users.map((u: { id: string }) => u.id);
        const foreign = await t.runtime.services.users.search(other.id, { limit: 200 });
        for (const u of foreign.users) expect(emails).not.toContain(u.id);
      });
    });
  });
}
