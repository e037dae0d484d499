/**
 * Newest-first listings of log tables (the sign-in log, the audit log): rows ordered by their
 * time `at`, then their `id`, descending, read a page at a time with an opaque cursor (keyset
 * pagination), and counted up to a bound.
 */
import { TwofoldError } from '@twofold/core';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import {
  decodePageCursor,
  encodePageCursor,
  type NewestFirstPage,
  type PageLimits,
  type PagePosition,
  type PageRequest,
} from '../paging.js';
import type { Database } from './schema.js';

/** What every listing of a tenant's log is filtered by: the tenant, and a range of `at`. */
export interface LogFilters {
  readonly tenantId: string;
  /** Milliseconds, inclusive. */
  readonly from?: number | undefined;
  /** Milliseconds, exclusive. */
  readonly to?: number | undefined;
}

/** A `from` or `to` on `at` must be whole milliseconds since the epoch. */
export function checkTime(name: string, value: number | undefined): void {
  if (value !== undefined && !Number.isSafeInteger(value))
    throw new TwofoldError('validation_failed', `${name}: must be milliseconds since the epoch`);
}

/**
 * `rows` (a query of the tenant's log; the caller names the tenant, whose column it knows) kept to
 * the range of `filters`; a `from` or `to` that is not whole milliseconds since the epoch is refused.
 */
export function inTimeRange<DB, TB extends keyof DB, O>(
  rows: SelectQueryBuilder<DB, TB, O>,
  filters: LogFilters,
): SelectQueryBuilder<DB, TB, O> {
  checkTime('from', filters.from);
  checkTime('to', filters.to);
  const at = sql.ref<number>('at');
  let select = rows;
  if (filters.from !== undefined) select = select.where(at, '>=', filters.from);
  if (filters.to !== undefined) select = select.where(at, '<', filters.to);
  return select;
}

/**
 * One page of `rows` (a query that selects whole rows, filtered but not ordered), newest first,
 * starting after `page.cursor`.
 */
export async function listNewestFirst<DB, TB extends keyof DB, Row extends PagePosition, Item>(
  rows: SelectQueryBuilder<DB, TB, Row>,
  page: PageRequest,
  limits: PageLimits,
  toItem: (row: Row) => Item,
): Promise<NewestFirstPage<Item>> {
  const limit = page.limit ?? limits.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.max)
    throw new TwofoldError(
      'validation_failed',
      `limit: must be a whole number from 1 to ${limits.max}, got ${limit}`,
    );
  const at = sql.ref<number>('at');
  const id = sql.ref<string>('id');
  let select = rows;
  if (page.cursor !== undefined) {
    const after = decodePageCursor(page.cursor);
    select = select.where((eb) =>
      eb.or([eb(at, '<', after.at), eb.and([eb(at, '=', after.at), eb(id, '<', after.id)])]),
    );
  }
  // One row more than asked says whether there is a next page without counting.
  const found = await select
    .orderBy(at, 'desc')
    .orderBy(id, 'desc')
    .limit(limit + 1)
    .execute();
  const kept = found.slice(0, limit);
  const last = kept.at(-1);
  return {
    items: kept.map(toItem),
    nextCursor: found.length > limit && last ? encodePageCursor(last) : null,
  };
}

/** How many rows `rows` (a filtered query, nothing selected yet) matches, counting no further than `upTo`. */
export async function countUpTo<TB extends keyof Database>(
  db: Kysely<Database>,
  rows: SelectQueryBuilder<Database, TB, object>,
  upTo: number,
): Promise<number> {
  const matching = rows.select(sql.ref<string>('id').as('id')).limit(upTo).as('matching');
  const row = await db
    .selectFrom(matching)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
