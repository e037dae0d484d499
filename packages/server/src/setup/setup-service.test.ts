import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { openMoreHandles } from '../test-support/connections.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { sqliteBusy } from '../test-support/outcomes.js';
import { testPasswordHashing } from '../test-support/passwords.js';
import { createTestServices, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { defaultTenantSlug, setupUrlFor } from './setup-service.js';

const publicUrl = 'https://mfa.example.com';
const password = 'correct horse battery staple';
const day = 24 * 60 * 60 * 1000;
/** complete() hashes every time; memoized, the file pays for one argon2 hash per password. */
const passwords = testPasswordHashing({ memoize: true });

function tokenOf(setupUrl: string): string {
  const match = /#token=(tfs_[A-Za-z0-9_-]{43})$/.exec(setupUrl);
  if (!match?.[1]) throw new Error(`no token in ${setupUrl}`);
  return match[1];
}

for (const backend of testBackends) {
  describe(`setup service (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle, { passwords });
    });

    function tokenRows() {
      return handle.db.selectFrom('setup_tokens').selectAll().execute();
    }
    async function bootstrapped() {
      const result = await services.setup.bootstrap(publicUrl);
      if (!result) throw new Error('bootstrap returned no link');
      return { ...result, token: tokenOf(result.setupUrl) };
    }
    function complete(tenant: Tenant, token: string, email: string, pw = password) {
      return services.setup.complete({ tenant, token, email, password: pw });
    }

    describe('bootstrap', () => {
      it('on an empty database creates tenant default and a one-time link valid for a day', async () => {
        const { clock, tenants } = services;
        const result = await bootstrapped();
        expect(result.tenant).toMatchObject({ slug: defaultTenantSlug, name: 'Default' });
        expect(defaultTenantSlug).toBe('default');
        expect(result.setupUrl).toBe(setupUrlFor(publicUrl, 'default', result.token));
        expect(result.setupUrl).toMatch(/^https:\/\/mfa\.example\.com\/t\/default\/setup#token=tfs_/);
        expect(result.expiresAt).toBe(clock.now() + day);
        expect(await tenants.list()).toEqual([result.tenant]);
        const rows = await tokenRows();
        expect(rows).toMatchObject([
          { tenant_id: result.tenant.id, used_at: null, expires_at: result.expiresAt },
        ]);
        expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(rows)).not.toContain(result.token.slice(4));
      });

      it('returns the link only the first time', async () => {
        await bootstrapped();
        expect(await services.setup.bootstrap(publicUrl)).toBeUndefined();
        expect(await services.tenants.count()).toBe(1);
        expect(await tokenRows()).toHaveLength(1);
      });

      it('does nothing when the database already has a tenant', async () => {
        await services.tenants.create({ slug: 'acme' }, operatorActor);
        expect(await services.setup.bootstrap(publicUrl)).toBeUndefined();
        expect(await services.tenants.findBySlug('default')).toBeUndefined();
        expect(await tokenRows()).toEqual([]);
      });

      it('two bootstraps racing on one instance create one tenant and one link', async () => {
        const results = await Promise.all([
          services.setup.bootstrap(publicUrl),
          services.setup.bootstrap(publicUrl),
        ]);
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
        expect(await services.tenants.count()).toBe(1);
        expect(await tokenRows()).toHaveLength(1);
      });

      it('two instances bootstrapping at once create one tenant and at most one link', async () => {
        const more = await openMoreHandles(handle, 2, { poolSize: 1 });
        try {
          const instances = more.handles.map((h) =>
            createTestServices(h, { clock: services.clock, passwords }),
          );
          const results = await Promise.allSettled(instances.map((i) => i.setup.bootstrap(publicUrl)));
          const links = results.filter((r) => r.status === 'fulfilled' && r.value !== undefined);
          expect(links).toHaveLength(1);
          const losers = results.filter((r) => !(r.status === 'fulfilled' && r.value !== undefined));
          if (backend.name === 'postgres') {
            expect(losers).toEqual([{ status: 'fulfilled', value: undefined }]);
          } else {
            // The loser either saw tenant_exists (undefined) or found the winner's transaction
            // open (SQLITE_BUSY; in one thread it cannot wait, see openMoreHandles).
            const [loser] = losers;
            if (loser?.status === 'rejected') expect(loser.reason).toMatchObject({ code: sqliteBusy });
            else expect(loser).toEqual({ status: 'fulfilled', value: undefined });
          }
          expect(await services.tenants.count()).toBe(1);
          expect(await tokenRows()).toHaveLength(1);
        } finally {
          await more.close();
        }
      });
    });

    describe('complete', () => {
      it('creates the first global admin, who can then sign in with the password', async () => {
        const { tenant, token } = await bootstrapped();
        const { users, clock } = services;
        clock.advance(60_000);
        const admin = await services.setup.complete({
          tenant,
          token,
          email: 'Root@Example.com',
          displayName: 'Root',
          password,
        });
        expect(admin).toMatchObject({
          tenantId: tenant.id,
          email: 'Root@Example.com',
          displayName: 'Root',
          roles: ['global-admin'],
          hasPassword: true,
          disabled: false,
        });
        expect(await users.countWithRole(tenant.id, 'global-admin')).toBe(1);
        expect(await users.verifyPassword(tenant.id, 'root@example.com', password)).toEqual(admin);
        expect((await tokenRows())[0]?.used_at).toBe(clock.now());
        const audit = await handle.db
          .selectFrom('audit_events')
          .select(['action', 'actor_type', 'actor_id'])
          .execute();
        expect(audit).toContainEqual({ action: 'setup.complete', actor_type: 'user', actor_id: admin.id });
        expect(audit).toContainEqual({ action: 'user.create', actor_type: 'system', actor_id: null });
      });

      it('the token works once', async () => {
        const { tenant, token } = await bootstrapped();
        await complete(tenant, token, 'root@example.com');
        await expect(complete(tenant, token, 'second@example.com')).rejects.toMatchObject({
          code: 'setup_token_invalid',
        });
        expect(await services.users.countWithRole(tenant.id, 'global-admin')).toBe(1);
        expect(await services.users.findByEmail(tenant.id, 'second@example.com')).toBeUndefined();
      });

      it('the token works until just before it expires, with spaces around it', async () => {
        const { tenant, token, expiresAt } = await bootstrapped();
        services.clock.set(expiresAt - 1);
        expect((await complete(tenant, `  ${token}\n`, 'root@example.com')).roles).toEqual(['global-admin']);
      });

      it('an expired token fails with setup_token_invalid', async () => {
        const { tenant, token, expiresAt } = await bootstrapped();
        services.clock.set(expiresAt);
        await expect(complete(tenant, token, 'root@example.com')).rejects.toMatchObject({
          code: 'setup_token_invalid',
        });
        expect(await handle.db.selectFrom('users').selectAll().execute()).toEqual([]);
      });

      it('unknown tokens and tokens of another tenant fail', async () => {
        const { tenant, token } = await bootstrapped();
        const other = await services.tenants.create({ slug: 'other' }, operatorActor);
        await services.setup.issueLink(other, publicUrl, operatorActor);
        for (const [target, candidate] of [
          [other, token],
          [tenant, 'tfs_nope'],
          [tenant, ''],
          [tenant, token.slice(0, -1)],
        ] as const) {
          await expect(complete(target, candidate, 'root@example.com')).rejects.toMatchObject({
            code: 'setup_token_invalid',
          });
        }
        expect((await complete(tenant, token, 'root@example.com')).tenantId).toBe(tenant.id);
      });

      it('an email that already exists rolls everything back: the token stays usable', async () => {
        const { tenant, token } = await bootstrapped();
        const { users } = services;
        await users.create({ tenantId: tenant.id, email: 'taken@example.com' }, operatorActor);
        const auditBefore = await handle.db.selectFrom('audit_events').selectAll().execute();

        await expect(complete(tenant, token, 'TAKEN@example.com')).rejects.toMatchObject({
          code: 'user_exists',
        });
        expect((await tokenRows())[0]?.used_at).toBeNull();
        expect(await users.countWithRole(tenant.id, 'global-admin')).toBe(0);
        expect(await handle.db.selectFrom('user_roles').selectAll().execute()).toEqual([]);
        expect(await handle.db.selectFrom('audit_events').selectAll().execute()).toEqual(auditBefore);

        expect((await complete(tenant, token, 'root@example.com')).roles).toEqual(['global-admin']);
      });

      it('a password the policy refuses fails before the token is spent', async () => {
        const { tenant, token } = await bootstrapped();
        await expect(complete(tenant, token, 'root@example.com', 'short')).rejects.toMatchObject({
          code: 'password_too_short',
        });
        await expect(complete(tenant, token, 'root@example.com', 'iloveyou2')).rejects.toMatchObject({
          code: 'password_too_common',
        });
        expect((await tokenRows())[0]?.used_at).toBeNull();
        expect((await complete(tenant, token, 'root@example.com')).email).toBe('root@example.com');
      });

      it('a link stops working once the tenant has a global admin made another way', async () => {
        const { tenant, token } = await bootstrapped();
        // e.g. `twofold user create --role global-admin` while the printed link is still valid
        await services.users.create(
          { tenantId: tenant.id, email: 'first@example.com', roles: ['global-admin'] },
          operatorActor,
        );
        await expect(complete(tenant, token, 'root@example.com')).rejects.toMatchObject({
          code: 'setup_token_invalid',
        });
        expect(await services.users.countWithRole(tenant.id, 'global-admin')).toBe(1);
      });
    });

    describe('issueLink', () => {
      it('refuses when the tenant already has a global admin', async () => {
        const { tenant, token } = await bootstrapped();
        await complete(tenant, token, 'root@example.com');
        await expect(services.setup.issueLink(tenant, publicUrl, operatorActor)).rejects.toMatchObject({
          code: 'forbidden',
          message: expect.stringContaining('already has a global admin'),
        });
        expect(await tokenRows()).toHaveLength(1);
      });

      it('a new link replaces older unused ones: the old link stops working', async () => {
        const { tenant, token: oldToken } = await bootstrapped();
        services.clock.advance(60_000);
        const fresh = await services.setup.issueLink(tenant, publicUrl, operatorActor);
        expect(fresh.expiresAt).toBe(services.clock.now() + day);
        const newToken = tokenOf(fresh.setupUrl);
        expect(newToken).not.toBe(oldToken);
        expect(await tokenRows()).toHaveLength(1);
        await expect(complete(tenant, oldToken, 'root@example.com')).rejects.toMatchObject({
          code: 'setup_token_invalid',
        });
        expect((await complete(tenant, newToken, 'root@example.com')).roles).toEqual(['global-admin']);
        const issued = await handle.db
          .selectFrom('audit_events')
          .select(['actor_type'])
          .where('action', '=', 'setup_link.issue')
          .orderBy('id')
          .execute();
        expect(issued).toEqual([{ actor_type: 'system' }, { actor_type: 'operator' }]);
      });

      it('works for a tenant created by the operator', async () => {
        const acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
        const link = await services.setup.issueLink(acme, 'http://localhost:8080', operatorActor);
        expect(link.setupUrl).toMatch(/^http:\/\/localhost:8080\/t\/acme\/setup#token=tfs_/);
        expect((await complete(acme, tokenOf(link.setupUrl), 'root@example.com')).tenantId).toBe(acme.id);
      });
    });
  });
}
