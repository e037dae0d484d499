import { TwofoldError } from '@twofold/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import { countUpTo, inTimeRange, type LogFilters, listNewestFirst } from '../platform/db/newest-first.js';
import type { Database } from '../platform/db/schema.js';
import type { NewestFirstPage, PageLimits, PageRequest } from '../platform/paging.js';

export const auditPageLimits = { default: 50, max: 500 } as const satisfies PageLimits;

/** One row of the audit log as the admin API shows it. */
export interface AuditEntry {
  readonly id: string;
  readonly tenantId: string | null;
  /** Position in the tenant's hash chain; null for rows from before the chain existed. */
  readonly seq: number | null;
  readonly at: number;
  readonly actorType: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly reason: string | null;
  readonly ip: string | null;
  readonly details: Record<string, unknown> | null;
}

export interface AuditFilters extends LogFilters {
  readonly actorId?: string | undefined;
  /** An action (`user.create`), or a prefix ending in `*` (`method.*`, `user.*`). */
  readonly action?: string | undefined;
  readonly targetId?: string | undefined;
}

/** `limit` is 1 to 500 (default 50). */
export interface AuditListQuery extends AuditFilters, PageRequest {}

export type AuditPage = NewestFirstPage<AuditEntry>;

/** Reading the audit log of a tenant (writing is audit-log.ts; checking the chain is audit-verify.ts). */
export interface AuditQuery {
  list(query: AuditListQuery): Promise<AuditPage>;
  /** How many rows match, counting no further than `upTo`. */
  count(filters: AuditFilters, options: { upTo: number }): Promise<number>;
}

type AuditRow = Selectable<Database['audit_events']>;

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    seq: row.seq,
    at: row.at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    reason: row.reason,
    ip: row.ip,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

/** `method.*` -> { prefix: 'method.' }; `user.create` -> { exact }; anything else is refused. */
export function parseActionFilter(action: string): { exact: string } | { prefix: string } {
  const invalid = (why: string) => new TwofoldError('validation_failed', `action: ${why}`);
  if (action.length === 0 || action.length > 100) throw invalid('must be 1 to 100 characters');
  const star = action.indexOf('*');
  if (star === -1) return { exact: action };
  if (star !== action.length - 1)
    throw invalid("'*' may only end the filter, as in 'method.*' (everything that starts with 'method.')");
  return { prefix: action.slice(0, -1) };
}

export function createAuditQuery(deps: { db: Kysely<Database> }): AuditQuery {
  const { db } = deps;

  /** The tenant's rows that match the filters; deployment-wide rows (tenant null) never. */
  function filtered(filters: AuditFilters) {
    let select = inTimeRange(
      db.selectFrom('audit_events').where('tenant_id', '=', filters.tenantId),
      filters,
    );
    if (filters.actorId !== undefined) select = select.where('actor_id', '=', filters.actorId);
    if (filters.targetId !== undefined) select = select.where('target_id', '=', filters.targetId);
    if (filters.action !== undefined) {
      const action = parseActionFilter(filters.action);
      if ('exact' in action) select = select.where('action', '=', action.exact);
      else if (action.prefix.length > 0) {
        // substr compares characters exactly on both databases; LIKE would need escaping and
        // is case-insensitive on SQLite, and a range comparison would depend on the collation.
        select = select.where(
          sql<string>`substr(action, 1, ${sql.lit(action.prefix.length)})`,
          '=',
          action.prefix,
        );
      }
    }
    return select;
  }

  return {
    async list(query) {
      return listNewestFirst(filtered(query).selectAll(), query, auditPageLimits, toEntry);
    },

    async count(filters, { upTo }) {
      return countUpTo(db, filtered(filters), upTo);
    },
  };
}
