import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import { generateToken, hashToken } from '../platform/crypto/tokens.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';
import type { Tenant, TenantService } from '../tenants/tenant-service.js';
import type { PasswordHashing, User, UserService } from '../users/user-service.js';

export const defaultTenantSlug = 'default';
/** A setup link is for the person installing Twofold now; a day is plenty and bounds a leaked log line. */
const setupTokenLifetimeMs = 24 * 60 * 60 * 1000;

export interface SetupService {
  /**
   * On the first start with an empty database: creates tenant `default` and a one-time setup link
   * for its first global admin. Returns the link only when this call created the tenant, so the
   * link is printed once. Safe when several instances start at once (one wins the tenant insert).
   */
  bootstrap(publicUrl: string): Promise<{ tenant: Tenant; setupUrl: string; expiresAt: number } | undefined>;
  /** Issues a new setup link for a tenant that has no global admin yet (`twofold setup-link`). */
  issueLink(
    tenant: Tenant,
    publicUrl: string,
    actor: Actor,
  ): Promise<{ setupUrl: string; expiresAt: number }>;
  /** What a setup link is now, without spending it: the page shows the form only for `ready` (issue 15, defect 7). */
  inspect(tenant: Tenant, token: string): Promise<'ready' | 'used' | 'expired' | 'unknown'>;
  /** Spends a setup token and creates the first global admin, all in one transaction. */
  complete(input: {
    tenant: Tenant;
    token: string;
    email: string;
    displayName?: string;
    password: string;
  }): Promise<User>;
}

export function setupUrlFor(publicUrl: string, slug: string, token: string): string {
  return `${publicUrl}/t/${slug}/setup#token=${token}`;
}

export function createSetupService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  tenants: TenantService;
  users: UserService;
  passwords: PasswordHashing;
}): SetupService {
  const { db, clock, audit, tenants, users, passwords } = deps;

  const service: SetupService = {
    async bootstrap(publicUrl) {
      if ((await tenants.count()) > 0) return undefined;
      let tenant: Tenant;
      try {
        tenant = await tenants.create({ slug: defaultTenantSlug, name: 'Default' }, { type: 'system' });
      } catch (error) {
        // Another instance created it first: that one prints the link.
        if (error instanceof TwofoldError && error.code === 'tenant_exists') return undefined;
        throw error;
      }
      const link = await service.issueLink(tenant, publicUrl, { type: 'system' });
      return { tenant, ...link };
    },

    async issueLink(tenant, publicUrl, actor) {
      if ((await users.countWithRole(tenant.id, 'global-admin')) > 0) {
        throw new TwofoldError(
          'forbidden',
          `tenant '${tenant.slug}' already has a global admin; use 'twofold recover-admin' or a Temporary Access Pass`,
        );
      }
      const token = generateToken('tfs_');
      const now = clock.now();
      const expiresAt = now + setupTokenLifetimeMs;
      await db.transaction().execute(async (trx) => {
        // Only the newest link works: an older one printed in a log stops working.
        await trx
          .deleteFrom('setup_tokens')
          .where('tenant_id', '=', tenant.id)
          .where('used_at', 'is', null)
          .execute();
        await trx
          .insertInto('setup_tokens')
          .values({
            id: generateId(now),
            tenant_id: tenant.id,
            token_hash: hashToken(token),
            expires_at: expiresAt,
            used_at: null,
            created_at: now,
          })
          .execute();
        await audit.record(
          {
            tenantId: tenant.id,
            actor,
            action: 'setup_link.issue',
            target: { type: 'tenant', id: tenant.id },
          },
          trx,
        );
      });
      return { setupUrl: setupUrlFor(publicUrl, tenant.slug, token), expiresAt };
    },

    async inspect(tenant, token) {
      const row = await db
        .selectFrom('setup_tokens')
        .select(['used_at', 'expires_at'])
        .where('tenant_id', '=', tenant.id)
        .where('token_hash', '=', hashToken(token.trim()))
        .executeTakeFirst();
      if (!row) return 'unknown';
      if (row.used_at !== null) return 'used';
      if (row.expires_at <= clock.now()) return 'expired';
      return (await users.countWithRole(tenant.id, 'global-admin')) > 0 ? 'unknown' : 'ready';
    },

    async complete(input) {
      passwords.checkPassword(input.password);
      // Hash before the transaction: a write transaction must never wait on a 50 ms hash.
      const passwordHash = await passwords.hash(input.password);
      const tokenHash = hashToken(input.token.trim());
      return db.transaction().execute(async (trx) => {
        const now = clock.now();
        const spent = await trx
          .updateTable('setup_tokens')
          .set({ used_at: now })
          .where('tenant_id', '=', input.tenant.id)
          .where('token_hash', '=', tokenHash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('id')
          .executeTakeFirst();
        if (!spent)
          throw new TwofoldError(
            'setup_token_invalid',
            'this setup link is unknown, expired or already used',
          );
        // A link is for the first global admin only: once the tenant has one made another way
        // (`twofold user create --role global-admin`), a link still valid in a log must not make more.
        if ((await users.countWithRole(input.tenant.id, 'global-admin', trx)) > 0)
          throw new TwofoldError(
            'setup_token_invalid',
            `tenant '${input.tenant.slug}' already has a global admin; this setup link no longer applies`,
          );
        const user = await users.create(
          {
            tenantId: input.tenant.id,
            email: input.email,
            displayName: input.displayName,
            roles: ['global-admin'],
            passwordHash,
          },
          { type: 'system' },
          trx,
        );
        await audit.record(
          {
            tenantId: input.tenant.id,
            actor: { type: 'user', id: user.id },
            action: 'setup.complete',
            target: { type: 'user', id: user.id },
          },
          trx,
        );
        return user;
      });
    },
  };
  return service;
}
