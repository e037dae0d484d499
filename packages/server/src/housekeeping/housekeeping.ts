/**
 * Rows that only matter for a while are deleted once they stop mattering, so tables (and the
 * indexes every request walks) do not grow with time: ended sessions after 30 days, sign-ins and
 * sent codes a day after they expired, password throttles and send-limit counters once their
 * windows passed, delivered or failed messages after 30 days, OpenID Connect tokens, grants
 * and interactions once expired. The audit log and the sign-in log
 * are records and are never purged here. Every instance of `twofold serve` runs it; the deletes
 * are idempotent, so several instances running it at once only repeat each other's work.
 */
import type { Kysely } from 'kysely';
import { purgeExpiredPayloads } from '../oidc/payload-retention.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';

const day = 24 * 60 * 60_000;
export const housekeepingIntervalMs = 15 * 60_000;
export const retention = {
  endedSessionsMs: 30 * day,
  expiredFlowsMs: day,
  expiredCodesMs: day,
  finishedMessagesMs: 30 * day,
} as const;

export interface HousekeepingReport {
  readonly sessions: number;
  readonly signInFlows: number;
  readonly otpChallenges: number;
  readonly throttles: number;
  readonly sendLimits: number;
  readonly outboxMessages: number;
  readonly oidcPayloads: number;
}

export interface Housekeeping {
  runOnce(): Promise<HousekeepingReport>;
  /** Runs now and then every `intervalMs` (a timer that does not keep the process alive). */
  start(intervalMs?: number): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function createHousekeeping(deps: {
  db: Kysely<Database>;
  clock: Clock;
  sessions: { purgeEnded(retainMs?: number): Promise<number> };
  passwordThrottle: { purgeStale(retainMs?: number): Promise<number> };
  sendLimits: { purgeStale(): Promise<number> };
  log?: { warn(message: string): void };
}): Housekeeping {
  const { db, clock } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function runOnce(): Promise<HousekeepingReport> {
    const now = clock.now();
    const deleted = async (query: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }) =>
      Number((await query.executeTakeFirst()).numDeletedRows);
    return {
      sessions: await deps.sessions.purgeEnded(retention.endedSessionsMs),
      signInFlows: await deleted(
        db.deleteFrom('sign_in_flows').where('expires_at', '<', now - retention.expiredFlowsMs),
      ),
      otpChallenges: await deleted(
        db.deleteFrom('otp_challenges').where('expires_at', '<', now - retention.expiredCodesMs),
      ),
      throttles: await deps.passwordThrottle.purgeStale(),
      sendLimits: await deps.sendLimits.purgeStale(),
      outboxMessages: await deleted(
        db
          .deleteFrom('outbox_messages')
          .where('status', 'in', ['sent', 'failed'])
          .where('created_at', '<', now - retention.finishedMessagesMs),
      ),
      oidcPayloads: await purgeExpiredPayloads(db, now),
    };
  }

  function tick() {
    running = runOnce().catch((error: unknown) => {
      deps.log?.warn(`housekeeping failed (it runs again later): ${(error as Error).message}`);
    });
  }

  return {
    runOnce,
    start(intervalMs = housekeepingIntervalMs) {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
