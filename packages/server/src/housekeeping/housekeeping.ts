/**
 * Rows that only matter for a while are deleted once they stop mattering, so tables (and the
 * indexes every request walks) do not grow with time: ended sessions after 30 days, sign-ins and
 * sent codes a day after they expired, password throttles and send-limit counters once their
 * windows passed, delivered or failed messages after 30 days, OpenID Connect tokens, grants
 * and interactions once expired, accepted TOTP steps once no window can reach them. The audit log and the sign-in log
 * are records and are never purged here. Every instance of `twofold serve` runs it; the deletes
 * are idempotent, so several instances running it at once only repeat each other's work.
 */
import { acceptedStepRetentionMs } from '../factors/totp/accepted-steps.js';
import type { Clock } from '../platform/clock.js';

const day = 24 * 60 * 60_000;
export const housekeepingIntervalMs = 15 * 60_000;
export const retention = {
  endedSessionsMs: 30 * day,
  expiredFlowsMs: day,
  expiredCodesMs: day,
  finishedMessagesMs: 30 * day,
  acceptedStepsMs: acceptedStepRetentionMs,
} as const;

export interface HousekeepingReport {
  readonly sessions: number;
  readonly signInFlows: number;
  readonly passwordResetFlows: number;
  readonly otpChallenges: number;
  readonly throttles: number;
  readonly sendLimits: number;
  readonly outboxMessages: number;
  readonly oidcPayloads: number;
  readonly acceptedSteps: number;
  readonly passkeyChallenges: number;
}

export interface Housekeeping {
  runOnce(): Promise<HousekeepingReport>;
  /** Runs now and then every `intervalMs` (a timer that does not keep the process alive). */
  start(intervalMs?: number): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Each table's owner deletes its own rows: the housekeeping only says when. */
export function createHousekeeping(deps: {
  clock: Clock;
  sessions: { purgeEnded(retainMs?: number): Promise<number> };
  signIns: { purgeExpired(before: number): Promise<number> };
  resets: { purgeExpired(before: number): Promise<number> };
  messageCodes: { purgeExpired(before: number): Promise<number> };
  passwordThrottle: { purgeStale(retainMs?: number): Promise<number> };
  sendLimits: { purgeStale(): Promise<number> };
  outbox: { purgeFinished(before: number): Promise<number> };
  oidcPayloads: { purgeExpired(now: number): Promise<number> };
  acceptedSteps: { purgeBefore(before: number): Promise<number> };
  passkeyChallenges: { purgeChallenges(before: number): Promise<number> };
  log?: { warn(message: string): void };
}): Housekeeping {
  const { clock } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function runOnce(): Promise<HousekeepingReport> {
    const now = clock.now();
    return {
      sessions: await deps.sessions.purgeEnded(retention.endedSessionsMs),
      signInFlows: await deps.signIns.purgeExpired(now - retention.expiredFlowsMs),
      passwordResetFlows: await deps.resets.purgeExpired(now - retention.expiredFlowsMs),
      otpChallenges: await deps.messageCodes.purgeExpired(now - retention.expiredCodesMs),
      throttles: await deps.passwordThrottle.purgeStale(),
      sendLimits: await deps.sendLimits.purgeStale(),
      outboxMessages: await deps.outbox.purgeFinished(now - retention.finishedMessagesMs),
      oidcPayloads: await deps.oidcPayloads.purgeExpired(now),
      acceptedSteps: await deps.acceptedSteps.purgeBefore(now - retention.acceptedStepsMs),
      passkeyChallenges: await deps.passkeyChallenges.purgeChallenges(now - retention.expiredFlowsMs),
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
