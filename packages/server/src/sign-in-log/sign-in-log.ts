import { TwofoldError } from '@twofold/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import {
  checkTime,
  countUpTo,
  inTimeRange,
  type LogFilters,
  listNewestFirst,
} from '../platform/db/newest-first.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';
import type { NewestFirstPage, PageLimits, PageRequest } from '../platform/paging.js';

export { signInReasons, signInResults } from '@twofold/api/admin-logs';

import { signInReasons, signInResults } from '@twofold/api/admin-logs';

export type SignInReason = (typeof signInReasons)[number];

export type SignInResult = (typeof signInResults)[number];

export function isSignInReason(value: string): value is SignInReason {
  return (signInReasons as readonly string[]).includes(value);
}

export const signInLogPageLimits = { default: 50, max: 500 } as const satisfies PageLimits;

/** Lengths kept of caller-supplied text: the log stores what hostile clients send, within bounds. */
const maxLengths = { username: 320, ip: 64, userAgent: 512, methodType: 32, methodId: 64 } as const;

export interface SignInEventInput {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  /** What was typed, even for unknown users (so the admin sees guessing). */
  readonly username: string;
  readonly result: SignInResult;
  /** Required for `failure`; for `interrupted`, why (`registration_required`). */
  readonly reason?: SignInReason | undefined;
  readonly methodType?: string | undefined;
  readonly methodId?: string | undefined;
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  /** Extra facts, e.g. `{ offsetSeconds }` for otp_clock_skew, `{ retryAfter }` for locked_out. Never secrets. */
  readonly details?: Record<string, unknown> | undefined;
}

export interface SignInEvent {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string | null;
  readonly username: string;
  readonly at: number;
  readonly result: SignInResult;
  readonly reason: SignInReason | null;
  readonly methodType: string | null;
  readonly methodId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly details: Record<string, unknown> | null;
}

/** The filters of a listing, without its paging. */
export interface SignInLogFilters extends LogFilters {
  readonly userId?: string | undefined;
  readonly result?: SignInResult | undefined;
  readonly reason?: SignInReason | undefined;
}

/** `limit` is 1 to 500 (default 50). */
export interface SignInLogQuery extends SignInLogFilters, PageRequest {}

export type StatsBucket = 'hour' | 'day';

/** Bucket sizes in milliseconds: buckets start on UTC hour and day boundaries. */
export const statsBucketSizes: Record<StatsBucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** At most 62 days of hours, or 366 days: a chart has no use for more points than that. */
export const statsMaxBuckets: Record<StatsBucket, number> = { hour: 24 * 62, day: 366 };

/**
 * The range a chart of `bucket`s covers: `from` rounded down and `to` rounded up to bucket
 * boundaries (UTC), and how many buckets that is.
 */
export function alignStatsRange(
  from: number,
  to: number,
  bucket: StatsBucket,
): { from: number; to: number; buckets: number } {
  const size = statsBucketSizes[bucket];
  const start = from - (((from % size) + size) % size);
  const end = Math.ceil(to / size) * size;
  return { from: start, to: end, buckets: Math.max(0, (end - start) / size) };
}

/** Why a range has too many buckets for one chart, or undefined when it fits. */
export function statsRangeProblem(from: number, to: number, bucket: StatsBucket): string | undefined {
  const { buckets } = alignStatsRange(from, to, bucket);
  const max = statsMaxBuckets[bucket];
  if (buckets <= max) return undefined;
  return bucket === 'hour'
    ? `the range covers ${buckets} hours; a chart by hour shows at most ${max} (${max / 24} days): narrow the range or use bucket=day`
    : `the range covers ${buckets} days; a chart by day shows at most ${max}: narrow the range`;
}

export interface SignInStatsQuery {
  readonly tenantId: string;
  /** Milliseconds; rounded down to the start of its bucket. */
  readonly from: number;
  /** Milliseconds, exclusive; rounded up to the end of its bucket. */
  readonly to: number;
  readonly bucket: StatsBucket;
}

export interface SignInStatsBucket {
  /** Start of the bucket, milliseconds. */
  readonly start: number;
  readonly success: number;
  readonly interrupted: number;
  /** Failed attempts by reason; reasons with none are left out. */
  readonly failures: Partial<Record<SignInReason, number>>;
}

export interface SignInStats {
  readonly bucket: StatsBucket;
  /** The range counted: `from` and `to` of the query, widened to whole buckets. */
  readonly from: number;
  readonly to: number;
  /** Every bucket of the range, oldest first, empty ones included. */
  readonly series: SignInStatsBucket[];
}

export type SignInLogPage = NewestFirstPage<SignInEvent>;

export interface SignInLog {
  /** Appends one attempt; with `executor`, inside the caller's transaction. */
  record(input: SignInEventInput, executor?: Executor): Promise<SignInEvent>;
  /** Attempts matching the filters, newest first, a page at a time (keyset pagination). */
  list(query: SignInLogQuery): Promise<SignInLogPage>;
  /** How many attempts match, counting no further than `upTo` (to tell whether an export is cut short). */
  count(filters: SignInLogFilters, options: { upTo: number }): Promise<number>;
  /** Attempts per hour or day of a range, by result and failure reason (for the admin console's chart). */
  stats(query: SignInStatsQuery): Promise<SignInStats>;
}

type EventRow = Selectable<Database['sign_in_events']>;

function toEvent(row: EventRow): SignInEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    username: row.username,
    at: row.at,
    result: row.result as SignInResult,
    reason: row.reason as SignInReason | null,
    methodType: row.method_type,
    methodId: row.method_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

function clip(value: string | undefined, max: number): string | null {
  return value === undefined ? null : value.slice(0, max);
}

export function createSignInLog(deps: { db: Kysely<Database>; clock: Clock }): SignInLog {
  const { db, clock } = deps;

  /** The tenant's events that match the filters (every query here starts from this). */
  function filtered(filters: SignInLogFilters) {
    let select = inTimeRange(
      db.selectFrom('sign_in_events').where('tenant_id', '=', filters.tenantId),
      filters,
    );
    if (filters.userId !== undefined) select = select.where('user_id', '=', filters.userId);
    if (filters.result !== undefined) select = select.where('result', '=', filters.result);
    if (filters.reason !== undefined) select = select.where('reason', '=', filters.reason);
    return select;
  }

  return {
    async record(input, executor = db) {
      // A reason outside the list, or a failure without one, is a bug in the caller: the log's
      // reasons are a public contract that admins filter and alert on.
      if (!(signInResults as readonly string[]).includes(input.result))
        throw new TypeError(`sign-in log: unknown result '${input.result}'`);
      if (input.reason !== undefined && !isSignInReason(input.reason))
        throw new TypeError(`sign-in log: unknown reason '${input.reason}'`);
      if (input.result === 'failure' && input.reason === undefined)
        throw new TypeError('sign-in log: a failure needs a reason');
      const at = clock.now();
      const row: EventRow = {
        id: generateId(at),
        tenant_id: input.tenantId,
        user_id: input.userId ?? null,
        username: input.username.normalize('NFC').trim().slice(0, maxLengths.username),
        at,
        result: input.result,
        reason: input.reason ?? null,
        method_type: clip(input.methodType, maxLengths.methodType),
        method_id: clip(input.methodId, maxLengths.methodId),
        ip: clip(input.ip, maxLengths.ip),
        user_agent: clip(input.userAgent, maxLengths.userAgent),
        details: input.details === undefined ? null : JSON.stringify(input.details),
      };
      await executor.insertInto('sign_in_events').values(row).execute();
      return toEvent(row);
    },

    async list(query) {
      return listNewestFirst(filtered(query).selectAll(), query, signInLogPageLimits, toEvent);
    },

    async count(filters, { upTo }) {
      return countUpTo(db, filtered(filters), upTo);
    },

    async stats(query) {
      const size = statsBucketSizes[query.bucket];
      if (size === undefined)
        throw new TwofoldError('validation_failed', `bucket: must be hour or day, got '${query.bucket}'`);
      checkTime('from', query.from);
      checkTime('to', query.to);
      if (query.from < 0 || query.to <= query.from)
        throw new TwofoldError('validation_failed', 'from: must be before to');
      const tooMany = statsRangeProblem(query.from, query.to, query.bucket);
      if (tooMany) throw new TwofoldError('validation_failed', `from: ${tooMany}`);
      const { from, to, buckets } = alignStatsRange(query.from, query.to, query.bucket);
      // Integer arithmetic on the millisecond column buckets the same on SQLite and PostgreSQL.
      const start = sql<number>`at - (at % ${sql.lit(size)})`;
      const rows = await db
        .selectFrom('sign_in_events')
        .select((eb) => [start.as('start'), 'result', 'reason', eb.fn.countAll<number>().as('n')])
        .where('tenant_id', '=', query.tenantId)
        .where('at', '>=', from)
        .where('at', '<', to)
        .groupBy([start, 'result', 'reason'])
        .execute();
      const series = Array.from({ length: buckets }, (_, i) => ({
        start: from + i * size,
        success: 0,
        interrupted: 0,
        failures: {} as Partial<Record<SignInReason, number>>,
      }));
      for (const row of rows) {
        const bucket = series[(Number(row.start) - from) / size];
        if (!bucket) continue;
        const n = Number(row.n);
        if (row.result === 'success') bucket.success += n;
        else if (row.result === 'interrupted') bucket.interrupted += n;
        else if (row.result === 'failure' && row.reason !== null) {
          const reason = row.reason as SignInReason;
          bucket.failures[reason] = (bucket.failures[reason] ?? 0) + n;
        }
      }
      return { bucket: query.bucket, from, to, series };
    },
  };
}
