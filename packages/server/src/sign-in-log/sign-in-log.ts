import { type ErrorCode, TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

/**
 * The stable reasons of the sign-in log (spec section 4). Each is also an error code: a refused
 * sign-in answers a problem whose `code` is the reason it was logged with.
 */
export const signInReasons = [
  'invalid_credentials',
  'otp_invalid',
  'otp_replayed',
  'otp_clock_skew',
  'locked_out',
  'push_denied',
  'push_reported',
  'push_timeout',
  'registration_required',
  'tap_expired',
  'recovery_code_invalid',
  'flow_expired',
  'too_many_attempts',
  'user_disabled',
  'mfa_admin_required',
] as const satisfies readonly ErrorCode[];

export type SignInReason = (typeof signInReasons)[number];

export const signInResults = ['success', 'failure', 'interrupted'] as const;
export type SignInResult = (typeof signInResults)[number];

export function isSignInReason(value: string): value is SignInReason {
  return (signInReasons as readonly string[]).includes(value);
}

export const signInLogPageLimits = { default: 50, max: 500 } as const;

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

export interface SignInLogQuery {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  readonly result?: SignInResult | undefined;
  readonly reason?: SignInReason | undefined;
  /** Milliseconds, inclusive. */
  readonly from?: number | undefined;
  /** Milliseconds, exclusive. */
  readonly to?: number | undefined;
  /** 1 to 500 (default 50). */
  readonly limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

export interface SignInLogPage {
  /** Newest first. */
  readonly items: SignInEvent[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface SignInLog {
  /** Appends one attempt; with `executor`, inside the caller's transaction. */
  record(input: SignInEventInput, executor?: Executor): Promise<SignInEvent>;
  /** Attempts matching the filters, newest first, a page at a time (keyset pagination). */
  list(query: SignInLogQuery): Promise<SignInLogPage>;
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

/** The cursor names the last event of a page by (at, id), the order of the listing: opaque base64url. */
function encodeCursor(event: { at: number; id: string }): string {
  return Buffer.from(JSON.stringify([event.at, event.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: number; id: string } {
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

function clip(value: string | undefined, max: number): string | null {
  return value === undefined ? null : value.slice(0, max);
}

function checkTime(name: string, value: number | undefined): void {
  if (value !== undefined && !Number.isSafeInteger(value))
    throw new TwofoldError('validation_failed', `${name}: must be milliseconds since the epoch`);
}

export function createSignInLog(deps: { db: Kysely<Database>; clock: Clock }): SignInLog {
  const { db, clock } = deps;
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
      const limit = query.limit ?? signInLogPageLimits.default;
      if (!Number.isInteger(limit) || limit < 1 || limit > signInLogPageLimits.max)
        throw new TwofoldError(
          'validation_failed',
          `limit: must be a whole number from 1 to ${signInLogPageLimits.max}, got ${limit}`,
        );
      checkTime('from', query.from);
      checkTime('to', query.to);
      let select = db.selectFrom('sign_in_events').selectAll().where('tenant_id', '=', query.tenantId);
      if (query.userId !== undefined) select = select.where('user_id', '=', query.userId);
      if (query.result !== undefined) select = select.where('result', '=', query.result);
      if (query.reason !== undefined) select = select.where('reason', '=', query.reason);
      if (query.from !== undefined) select = select.where('at', '>=', query.from);
      if (query.to !== undefined) select = select.where('at', '<', query.to);
      if (query.cursor !== undefined) {
        const after = decodeCursor(query.cursor);
        select = select.where((eb) =>
          eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
        );
      }
      // One row more than asked says whether there is a next page without counting.
      const rows = await select
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toEvent);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },
  };
}
