import { TwofoldError } from '@twofold/core';
import { type Kysely, sql } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import type { ChangeFeed } from '../platform/db/change-feed.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { preparedQuery, type Slots } from '../platform/db/prepared-query.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';
import { checkPolicy, defaultTenantPolicy, parsePolicy, type TenantPolicy } from './tenant-policy.js';
import { checkTenantSlug } from './tenant-slug.js';

export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly policy: TenantPolicy;
  readonly createdAt: number;
}

export interface TenantService {
  create(input: { slug: string; name?: string | undefined }, actor: Actor): Promise<Tenant>;
  list(): Promise<Tenant[]>;
  findBySlug(slug: string): Promise<Tenant | undefined>;
  /** Throws tenant_not_found. */
  getById(id: string): Promise<Tenant>;
  /** Throws tenant_not_found. */
  getBySlug(slug: string): Promise<Tenant>;
  count(): Promise<number>;
  /** Replaces the tenant's policy with a checked one. Audited with what changed. Throws validation_failed. */
  updatePolicy(tenantId: string, policy: TenantPolicy, actor: Actor, reason?: string): Promise<Tenant>;
}

type TenantRow = Database['tenants'];

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    policy: parsePolicy(row.policy),
    createdAt: row.created_at,
  };
}

// Every request under /t/{tenant} starts with this read.
const tenantBySlug = preparedQuery((db, v: Slots<{ slug: string }>) =>
  db.selectFrom('tenants').selectAll().where('slug', '=', v.slug),
);

/**
 * Serialises changes to a tenant's admins: a no-op UPDATE of the tenant row holds its row lock
 * (PostgreSQL) or the write lock (SQLite) until the caller's transaction ends, so two admins
 * demoting each other at the same moment on two instances cannot both see the other still in place.
 */
export async function lockTenantRow(executor: Executor, tenantId: string): Promise<void> {
  await executor
    .updateTable('tenants')
    .set({ slug: sql.ref('slug') })
    .where('id', '=', tenantId)
    .execute();
}

/**
 * Every request under /t/{tenant} starts by finding its tenant, policy parsed: kept by slug once
 * read, while `changes` can tell that no one else changed a tenant meanwhile (without it, read each
 * time). This instance's own changes empty the cache after their commit; a read that a change
 * overtook is not kept.
 */
function tenantCache(changes: ChangeFeed | undefined) {
  const bySlug = new Map<string, Tenant>();
  let generation = 0;
  const forget = () => {
    generation++;
    bySlug.clear();
  };
  changes?.onChange(forget);
  return {
    async find(slug: string, read: () => Promise<Tenant | undefined>): Promise<Tenant | undefined> {
      const trusted = changes?.trusted() === true;
      const kept = trusted ? bySlug.get(slug) : undefined;
      if (kept) return kept;
      const started = generation;
      const tenant = await read();
      if (tenant && trusted && generation === started) bySlug.set(slug, tenant);
      return tenant;
    },
    /** After this instance changed a tenant (committed): forget, and tell the others. */
    changed(): void {
      forget();
      changes?.announce();
    },
  };
}

export function createTenantService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  /** Changes made elsewhere, for the cache of tenants by slug (none: no cache). */
  changes?: ChangeFeed | undefined;
}): TenantService {
  const { db, clock, audit } = deps;
  const cache = tenantCache(deps.changes);
  return {
    async create(input, actor) {
      const slug = checkTenantSlug(input.slug);
      const name = input.name?.trim() || slug;
      if (name.length > 200)
        throw new TwofoldError('validation_failed', 'tenant name: at most 200 characters');
      const now = clock.now();
      const row: TenantRow = {
        id: generateId(now),
        slug,
        name,
        policy: JSON.stringify(defaultTenantPolicy),
        created_at: now,
      };
      try {
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('tenants').values(row).execute();
          await audit.record(
            {
              tenantId: row.id,
              actor,
              action: 'tenant.create',
              target: { type: 'tenant', id: row.id },
              details: { slug },
            },
            trx,
          );
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new TwofoldError('tenant_exists', `tenant '${slug}' already exists`);
        throw error;
      }
      // Nothing cached can be this tenant; but a database emptied under the instance (tests) may
      // have held another tenant of this slug.
      cache.changed();
      return toTenant(row);
    },
    async list() {
      const rows = await db.selectFrom('tenants').selectAll().orderBy('slug').execute();
      return rows.map(toTenant);
    },
    findBySlug(slug) {
      return cache.find(slug, async () => {
        const row = await tenantBySlug.first(db, { slug });
        return row ? toTenant(row) : undefined;
      });
    },
    async getById(id) {
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new TwofoldError('tenant_not_found', 'no such tenant');
      return toTenant(row);
    },
    async getBySlug(slug) {
      const tenant = await this.findBySlug(slug);
      if (!tenant) throw new TwofoldError('tenant_not_found', `no tenant '${slug}'`);
      return tenant;
    },
    async updatePolicy(tenantId, policy, actor, reason) {
      const checked = checkPolicy(policy);
      const updated = await db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('tenants')
          .selectAll()
          .where('id', '=', tenantId)
          .executeTakeFirst();
        if (!before) throw new TwofoldError('tenant_not_found', 'no such tenant');
        const previous = parsePolicy(before.policy);
        const json = JSON.stringify(checked);
        await trx.updateTable('tenants').set({ policy: json }).where('id', '=', tenantId).execute();
        await audit.record(
          {
            tenantId,
            actor,
            action: 'tenant.policy_update',
            target: { type: 'tenant', id: tenantId },
            ...(reason ? { reason } : {}),
            details: { changed: policyChanges(previous, checked) },
          },
          trx,
        );
        return toTenant({ ...before, policy: json });
      });
      cache.changed();
      return updated;
    },
    async count() {
      const row = await db
        .selectFrom('tenants')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/** The fields that differ between two policies, as `{ "totp.digits": { from: 6, to: 8 } }`. */
export function policyChanges(
  before: TenantPolicy,
  after: TenantPolicy,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const walk = (a: unknown, b: unknown, path: string) => {
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys)
        walk(
          (a as Record<string, unknown>)[key],
          (b as Record<string, unknown>)[key],
          path ? `${path}.${key}` : key,
        );
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[path] = { from: a, to: b };
  };
  walk(before, after, '');
  return changes;
}
