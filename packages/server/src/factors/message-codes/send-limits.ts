/**
 * Hourly counters of codes sent (spec section 2: per user, per destination, per tenant; plus per
 * IP), kept in the database so every instance counts the same sends. Each send bumps its counters
 * with one upsert each, which starts a new window when the old one is over; a counter past its
 * limit refuses the send with the seconds until its window ends. Refused sends count too, so a
 * script that keeps asking stays refused.
 */
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import type { Database } from '../../platform/db/schema.js';
import { throttleAddress } from '../../throttle/address-key.js';

export const sendLimitWindowMs = 60 * 60_000;
/** The least time between two codes to one method ("Send a new code" waits this long). */
export const resendIntervalMs = 30_000;

export type SendLimitScope = 'user' | 'destination' | 'ip' | 'tenant';

export interface SendLimitCheck {
  readonly tenantId: string;
  readonly userId: string;
  readonly channel: 'sms' | 'email';
  readonly destination: string;
  readonly ip: string | undefined;
  readonly limits: { perUser: number; perDestination: number; perIp: number; perTenant: number };
}

export type SendLimitResult =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly scope: SendLimitScope; readonly retryAfter: number };

export function createSendLimits(deps: { db: Kysely<Database>; clock: Clock }) {
  const { db, clock } = deps;

  /** Adds one send to the counter and returns its count in the current window and when that began. */
  async function bump(key: string, now: number): Promise<{ count: number; windowStartedAt: number }> {
    const windowOver = now - sendLimitWindowMs;
    const row = await db
      .insertInto('send_limits')
      .values({ key, count: 1, window_started_at: now })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql<number>`case when send_limits.window_started_at <= ${windowOver} then 1 else send_limits.count + 1 end`,
          window_started_at: sql<number>`case when send_limits.window_started_at <= ${windowOver} then cast(${now} as bigint) else send_limits.window_started_at end`,
        }),
      )
      .returning(['count', 'window_started_at'])
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), windowStartedAt: Number(row.window_started_at) };
  }

  /** The counters a send to this destination bumps, with their limits. */
  function countersOf(check: SendLimitCheck): [SendLimitScope, string, number][] {
    // Destinations are counted across the tenant by a digest, so the counter names no number.
    const counters: [SendLimitScope, string, number][] = [
      ['user', `send:user:${check.tenantId}:${check.userId}`, check.limits.perUser],
      [
        'destination',
        `send:dest:${check.tenantId}:${check.channel}:${hashToken(check.destination)}`,
        check.limits.perDestination,
      ],
      ['tenant', `send:tenant:${check.tenantId}:${check.channel}`, check.limits.perTenant],
    ];
    // By the attacker's address as the password throttle counts it: an IPv6 client by its /64,
    // so rotating through the addresses of one subscriber's prefix does not reset the count.
    if (check.ip)
      counters.push(['ip', `send:ip:${check.tenantId}:${throttleAddress(check.ip)}`, check.limits.perIp]);
    return counters;
  }

  const retryAfterOf = (windowStartedAt: number, now: number) =>
    Math.max(1, Math.ceil((windowStartedAt + sendLimitWindowMs - now) / 1000));

  return {
    async admit(check: SendLimitCheck): Promise<SendLimitResult> {
      const now = clock.now();
      let refusal: SendLimitResult = { allowed: true };
      for (const [scope, key, limit] of countersOf(check)) {
        const { count, windowStartedAt } = await bump(key, now);
        if (count > limit && refusal.allowed) {
          refusal = { allowed: false, scope, retryAfter: retryAfterOf(windowStartedAt, now) };
        }
      }
      return refusal;
    },

    /** Whether a send would be admitted now, counting nothing (the troubleshooter asks). */
    async peek(check: SendLimitCheck): Promise<SendLimitResult> {
      const now = clock.now();
      const counters = countersOf(check);
      const rows = await db
        .selectFrom('send_limits')
        .select(['key', 'count', 'window_started_at'])
        .where(
          'key',
          'in',
          counters.map(([, key]) => key),
        )
        .execute();
      let refusal: SendLimitResult = { allowed: true };
      for (const [scope, key, limit] of counters) {
        const row = rows.find((r) => r.key === key);
        if (!row || Number(row.window_started_at) <= now - sendLimitWindowMs) continue;
        const retryAfter = retryAfterOf(Number(row.window_started_at), now);
        if (Number(row.count) >= limit && (refusal.allowed || retryAfter > refusal.retryAfter)) {
          refusal = { allowed: false, scope, retryAfter };
        }
      }
      return refusal;
    },

    /** Deletes counters whose window ended (housekeeping). */
    async purgeStale(): Promise<number> {
      const result = await db
        .deleteFrom('send_limits')
        .where('window_started_at', '<=', clock.now() - sendLimitWindowMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type SendLimits = ReturnType<typeof createSendLimits>;
