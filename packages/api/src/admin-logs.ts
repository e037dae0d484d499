/** The admin logs part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { ErrorCode } from '@twofold/core';
import { DateTime, type Frozen, Id, strict } from './common.js';

/**
 * The stable reasons of the sign-in log (spec section 4). Each is also an error code: a refused
 * sign-in answers a problem whose `code` is the reason it was logged with.
 */
export const signInReasons = [
  'invalid_credentials',
  'otp_invalid',
  'otp_replayed',
  'otp_clock_skew',
  'otp_expired',
  'locked_out',
  'send_limited',
  'delivery_failed',
  'push_denied',
  'push_reported',
  'push_timeout',
  'registration_required',
  'tap_expired',
  'tap_revoked',
  'tap_not_allowed',
  'recovery_code_invalid',
  'passkey_invalid',
  'passkey_challenge_invalid',
  'passkey_counter_replayed',
  'passkey_unknown',
  'flow_expired',
  'too_many_attempts',
  'user_disabled',
  'mfa_admin_required',
] as const satisfies readonly ErrorCode[];

export const signInResults = ['success', 'failure', 'interrupted'] as const;

export const Time = (what: string) =>
  Type.String({
    maxLength: 40,
    description: `${what}: an ISO-8601 date-time with a zone (2026-06-09T13:00:00Z) or a date (2026-06-09, UTC)`,
  });

export const Cursor = Type.String({ maxLength: 200, description: 'nextCursor of the previous page' });

export const Limit = Type.Integer({ minimum: 1, maximum: 500, description: 'rows per page (default 50)' });

export const Format = Type.String({
  maxLength: 10,
  description:
    'json or csv: download every matching row (newest first, at most 100,000; cursor and limit do not apply)',
});

/** The time range, page and download format every log listing takes, after its own filters. */
const logWindow = {
  from: Type.Optional(Time('from (inclusive)')),
  to: Type.Optional(Time('to (exclusive; a date means the end of that day)')),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
  format: Type.Optional(Format),
};

export const SignInsQuery = Type.Object(
  {
    userId: Type.Optional(Id),
    result: Type.Optional(Type.String({ maxLength: 40, description: signInResults.join(' | ') })),
    reason: Type.Optional(Type.String({ maxLength: 64, description: signInReasons.join(' | ') })),
    ...logWindow,
  },
  strict,
);

export const StatsQuery = Type.Object(
  {
    from: Type.Optional(Time('from (default: 24 hours, or 30 days for bucket=day, before to)')),
    to: Type.Optional(Time('to (exclusive; default now)')),
    bucket: Type.Optional(Type.String({ maxLength: 10, description: 'hour (default) or day; UTC' })),
  },
  strict,
);

export const AuditQueryString = Type.Object(
  {
    actorId: Type.Optional(Id),
    action: Type.Optional(
      Type.String({ maxLength: 100, description: "an action, or a prefix ending in '*' (method.*)" }),
    ),
    targetId: Type.Optional(Id),
    ...logWindow,
  },
  strict,
);

export const NullableString = Type.Union([Type.String(), Type.Null()]);

export const Details = Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]);

export const SignInEventJson = Type.Object({
  id: Type.String(),
  at: DateTime,
  userId: NullableString,
  username: Type.String(),
  result: Type.String(),
  reason: NullableString,
  methodType: NullableString,
  ip: NullableString,
  userAgent: NullableString,
  details: Details,
});

/** A page of a log, newest first: pass `nextCursor` back as `cursor` for the next; null on the last. */
const EventsPage = <T extends TSchema>(event: T) =>
  Type.Object({ events: Type.Array(event), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const SignInsPage = EventsPage(SignInEventJson);

export const StatsJson = Type.Object({
  bucket: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  from: DateTime,
  to: DateTime,
  series: Type.Array(
    Type.Object({
      start: DateTime,
      success: Type.Integer(),
      interrupted: Type.Integer(),
      failures: Type.Record(Type.String(), Type.Integer()),
    }),
  ),
});

export const AuditEventJson = Type.Object({
  id: Type.String(),
  seq: Type.Union([Type.Integer(), Type.Null()]),
  at: DateTime,
  actorType: Type.String(),
  actorId: NullableString,
  action: Type.String(),
  targetType: NullableString,
  targetId: NullableString,
  reason: NullableString,
  ip: NullableString,
  details: Details,
});

export const AuditPage = EventsPage(AuditEventJson);

export type SignInEvent = Frozen<Static<typeof SignInEventJson>>;
export type AuditEvent = Frozen<Static<typeof AuditEventJson>>;
export type SignInStats = Frozen<Static<typeof StatsJson>>;
export type StatsPoint = SignInStats['series'][number];
export type Bucket = SignInStats['bucket'];
/** A page of a newest-first log. */
export type EventPage<T> = { readonly events: readonly T[]; readonly nextCursor: string | null };
