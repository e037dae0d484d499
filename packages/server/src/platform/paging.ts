/**
 * Pages of newest-first listings (the sign-in log, the audit log): what a page request and a page
 * are, and the opaque cursor that names the last row of a page. Pure: the queries are in
 * db/newest-first.ts.
 */
import { TwofoldError } from '@twofold/core';

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
