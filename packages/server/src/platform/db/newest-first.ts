/**
 * Newest-first listings of log tables (the sign-in log, the audit log): rows ordered by their
 * time `at`, then their `id`, descending, read a page at a time with an opaque cursor (keyset
 * pagination), and counted up to a bound.
 */
import { TwofoldError } from '@twofold/core';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from './schema.js';

/** How many rows a page holds when the caller does not say, and at most. */
export interface PageLimits {
  readonly default: number;
  readonly max: number;
}

export interface PageRequest {
  /** 1 to the listing's maximum (its default when left out). */
  readonly limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

export interface NewestFirstPage<T> {
  /** Newest first (at, then id, descending). */
  readonly items: T[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

/** A listing of rows of type T that match filters F, a page at a time, and a bounded count. */
export interface NewestFirstLog<F, T> {
  list(query: F & PageRequest): Promise<NewestFirstPage<T>>;
  /** How many rows match, counting no further than `upTo`. */
  count(filters: F, options: { upTo: number }): Promise<number>;
}

/** What orders a row of a newest-first listing, and what its cursor names. */
export interface PagePosition {
  readonly at: number;
  readonly id: string;
}

/** The cursor names the last row of a page by (at, id), the order of the listing: opaque base64url. */
export function encodePageCursor(row: PagePosition): string {
  return Buffer.from(JSON.stringify([row.at, row.id]), 'utf8').toString('base64url');
}

export function decodePageCursor(cursor: string): PagePosition {
  const invalid = () => new TwofoldError('validation_failed', 'cursor: not a cursor from a previous page');
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !Number.isSafeInteger(value[0]) ||
    typeof value[1] !== 'string' ||
    value[1].length > 64
  )
    throw invalid();
  return { at: value[0] as number, id: value[1] };
}

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
