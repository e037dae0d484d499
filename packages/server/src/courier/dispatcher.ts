/**
 * The courier's dispatcher: sends what `outbox_messages` holds, with retries and back-off, and
 * records each message's delivery state.
 *
 * Claiming. A worker takes one due message with one conditional UPDATE (pending and due, or
 * sending with an expired lease -> sending, attempts + 1, lease until now + leaseMs); only the
 * instance whose UPDATE matched sends it. The outcome is written with an UPDATE fenced on
 * (status 'sending', attempts), so a late writer never overwrites a newer attempt.
 *
 * Delivery is at least once, with a lease. A graceful stop() claims nothing new and waits until
 * every send in flight is recorded, so a restart neither loses nor repeats a message. A crash (or
 * a kill) between the provider taking a message and its row being marked sent leaves that one
 * message 'sending'; when its lease (60 s) runs out, an instance claims it again and it is sent a
 * second time. The lease is longer than any provider's timeouts, so a live instance's send is
 * never taken over while it is still running.
 *
 * Retries. A transient failure (connection refused, timeout, SMTP 4xx, HTTP 408/429/5xx) is tried
 * again after 10 s, 1 min, 5 min, 30 min and 2 h (6 attempts in all); a permanent one (SMTP 5xx,
 * HTTP 4xx) fails at once. Code messages are never retried past their code's lifetime (10 min):
 * a code that would arrive expired is not worth sending.
 *
 * Times in the table come from the injected clock; the loop itself runs on real timers.
 */
import type { Executor } from '../audit/audit-log.js';
import type { ClaimedMessage, Outbox } from '../outbox/outbox.js';
import type { Clock } from '../platform/clock.js';
import type { TenantService } from '../tenants/tenant-service.js';
import {
  type Courier,
  type DeliveryResult,
  deliveredCodePlaceholder,
  isCodePurpose,
  type OutgoingMessage,
} from './courier.js';
import { DeliveryError, type Providers } from './providers/provider.js';

export interface CourierOptions {
  /** How long a claim holds before another instance may take the message over (default 60 s). */
  readonly leaseMs?: number;
  /** Delays before attempts 2, 3, ... (default 10 s, 1 min, 5 min, 30 min, 2 h). */
  readonly retryDelaysMs?: readonly number[];
  /** Attempts before a message fails (default 6). */
  readonly maxAttempts?: number;
  /** How often the background loop looks for due messages when nothing wakes it (default 2 s). */
  readonly pollIntervalMs?: number;
  /** Messages the loop sends at the same time (default 4). */
  readonly concurrency?: number;
  /** How long send() waits for the outcome before answering `queued` (default 3 s). */
  readonly sendWaitMs?: number;
  /** Code messages are not sent (nor retried) after this long from being queued (default 10 min). */
  readonly codeLifetimeMs?: number;
}

export interface CourierLog {
  warn(message: string): void;
}

export interface CourierDeps {
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly providers: Providers;
  /** The tenant's slug for providers that name it (the webhook). */
  readonly tenants: Pick<TenantService, 'getById'>;
  readonly log?: CourierLog;
  readonly options?: CourierOptions;
}

/** When a message queued inside a transaction is looked for again (its commit is not observable here). */
const afterCommitWakesMs = [20, 200];

export const defaultRetryDelaysMs: readonly number[] = [
  10_000,
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 60 * 60_000,
];

export function createCourier(deps: CourierDeps): Courier {
  const { outbox, clock, providers, tenants } = deps;
  const log = deps.log ?? { warn: () => {} };
  const options = deps.options ?? {};
  const leaseMs = options.leaseMs ?? 60_000;
  const retryDelaysMs = options.retryDelaysMs ?? defaultRetryDelaysMs;
  const maxAttempts = options.maxAttempts ?? 6;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const concurrency = options.concurrency ?? 4;
  const sendWaitMs = options.sendWaitMs ?? 3_000;
  const codeLifetimeMs = options.codeLifetimeMs ?? 10 * 60_000;

  /** idle: never started (commands, tests: dispatchDue and send still work); stopping/stopped: no new claims. */
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let wakeAgain = false;
  const inFlight = new Set<Promise<unknown>>();

  const claimOptions = () => ({ now: clock.now(), leaseMs, maxAttempts });
  const claiming = () => state === 'idle' || state === 'running';

  /** Keeps a promise in the set stop() waits for, until it settles. */
  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  async function tenantSlug(tenantId: string | null): Promise<string | null> {
    if (tenantId === null) return null;
    try {
      return (await tenants.getById(tenantId)).slug;
    } catch {
      return null;
    }
  }

  /** Sends one claimed message and records the outcome. */
  async function deliver(claim: ClaimedMessage): Promise<DeliveryResult> {
    const code = isCodePurpose(claim.purpose);
    const expiresAt = claim.createdAt + codeLifetimeMs;
    if (code && clock.now() >= expiresAt) {
      const error = 'not sent: the code expired before it could be delivered';
      await record(claim, outbox.recordFailed(claim, { error }));
      return { id: claim.id, state: 'failed', error };
    }
    const provider = providers[claim.channel];
    if (!provider) {
      const error = `no provider sends ${claim.channel} messages`;
      await record(claim, outbox.recordFailed(claim, { error }));
      return { id: claim.id, state: 'failed', error };
    }
    let receipt: Awaited<ReturnType<typeof provider.send>>;
    try {
      receipt = await provider.send({
        id: claim.id,
        channel: claim.channel,
        to: claim.to,
        ...(claim.subject !== undefined ? { subject: claim.subject } : {}),
        text: claim.text,
        tenantSlug: await tenantSlug(claim.tenantId),
      });
    } catch (failure) {
      const permanent = failure instanceof DeliveryError && failure.permanent;
      const reason = failure instanceof Error ? failure.message : `${provider.name}: ${String(failure)}`;
      const delay = retryDelaysMs[Math.min(claim.attempts - 1, retryDelaysMs.length - 1)] ?? 60_000;
      const nextAttemptAt = clock.now() + delay;
      let error = reason;
      if (!permanent && claim.attempts >= maxAttempts) {
        error = `${reason} (gave up after ${claim.attempts} attempts)`;
      } else if (!permanent && code && nextAttemptAt >= expiresAt) {
        error = `${reason} (gave up: the code expires before the next attempt)`;
      } else if (!permanent) {
        await record(claim, outbox.recordRetry(claim, { nextAttemptAt, error }));
        return { id: claim.id, state: 'queued', error };
      }
      await record(claim, outbox.recordFailed(claim, { error }));
      return { id: claim.id, state: 'failed', error };
    }
    await record(
      claim,
      outbox.recordSent(claim, {
        sentAt: clock.now(),
        providerRef: receipt.ref,
        ...(receipt.kept ? { kept: true } : {}),
        // A code that reached a real provider has no business staying in the database.
        ...(code && !receipt.kept ? { replaceBody: deliveredCodePlaceholder } : {}),
      }),
    );
    return { id: claim.id, state: 'sent' };
  }

  async function record(claim: ClaimedMessage, written: Promise<boolean>): Promise<void> {
    if (!(await written)) {
      log.warn(
        `courier: message ${claim.id} attempt ${claim.attempts}: outcome not recorded, the lease ran out and another instance took the message over`,
      );
    }
  }

  async function dispatchDue(): Promise<number> {
    if (!claiming()) return 0;
    await outbox.failAbandoned(claimOptions());
    // An idle outbox costs two small indexed queries per pass; more workers start only when there is work.
    const first = await outbox.claimNext(claimOptions());
    if (!first) return 0;
    let attempted = 1;
    const worker = async (claimed?: ClaimedMessage) => {
      let claim = claimed;
      for (;;) {
        if (claim) await track(deliver(claim));
        if (!claiming()) return;
        claim = await outbox.claimNext(claimOptions());
        if (!claim) return;
        attempted++;
      }
    };
    // Every worker ends before the pass does (stop() waits for the pass), even when one fails.
    const outcomes = await Promise.allSettled([
      worker(first),
      ...Array.from({ length: Math.max(0, concurrency - 1) }, () => worker()),
    ]);
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
    return attempted;
  }

  function schedule(delayMs: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(runPass, delayMs);
    // The server keeps the process alive; a command that only queued must be able to exit.
    timer.unref();
  }

  function runPass(): void {
    timer = undefined;
    if (state !== 'running') return;
    if (pass) {
      wakeAgain = true;
      return;
    }
    pass = dispatchDue()
      .then(
        () => undefined,
        (error: unknown) => {
          log.warn(
            `courier: dispatch pass failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        },
      )
      .finally(() => {
        pass = undefined;
        if (state === 'running') {
          schedule(wakeAgain ? 0 : pollIntervalMs);
          wakeAgain = false;
        }
      });
  }

  function wake(): void {
    if (state !== 'running') return;
    if (pass) wakeAgain = true;
    else schedule(0);
  }

  /** Resolves when the row reaches sent or failed, or at the deadline with queued (another instance sends it). */
  async function awaitOutcome(id: string, deadline: number): Promise<DeliveryResult> {
    for (;;) {
      const row = await outbox.get(id);
      if (row?.status === 'sent' || row?.status === 'kept') return { id, state: 'sent' };
      if (row?.status === 'failed') return { id, state: 'failed', error: row.lastError ?? 'failed' };
      if (!row || Date.now() >= deadline || !claiming()) {
        return row?.lastError ? { id, state: 'queued', error: row.lastError } : { id, state: 'queued' };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    async enqueue(message: OutgoingMessage, executor?: Executor) {
      const id = await outbox.insert(message, executor);
      wake();
      // Inside a transaction the row is not visible until it commits, which is usually a few
      // milliseconds later: look again soon rather than at the next poll (a logout token should
      // reach its application within moments of the sign-out).
      if (executor?.isTransaction) {
        for (const delay of afterCommitWakesMs) setTimeout(wake, delay).unref();
      }
      return id;
    },

    async send(message, sendOptions = {}) {
      const id = await outbox.insert(message);
      if (!claiming()) return { id, state: 'queued' };
      const waitMs = sendOptions.waitMs ?? sendWaitMs;
      const deadline = Date.now() + waitMs;
      const attempt = track(
        (async (): Promise<DeliveryResult> => {
          const claim = await outbox.claim(id, claimOptions());
          // Another worker or instance got there first: report what it records.
          if (!claim) return awaitOutcome(id, deadline);
          return deliver(claim);
        })().catch((error: unknown): DeliveryResult => {
          // The database failed us, not the provider: the message is queued and the loop retries it.
          const reason = error instanceof Error ? error.message : String(error);
          log.warn(`courier: message ${id}: ${reason}`);
          return { id, state: 'queued', error: reason };
        }),
      );
      let waiting: NodeJS.Timeout | undefined;
      const timeout = new Promise<DeliveryResult>((resolve) => {
        waiting = setTimeout(() => resolve({ id, state: 'queued' }), waitMs);
      });
      try {
        return await Promise.race([attempt, timeout]);
      } finally {
        clearTimeout(waiting);
      }
    },

    start() {
      if (state === 'running') return;
      state = 'running';
      schedule(0);
    },

    async stop() {
      if (state === 'idle' || state === 'stopped') {
        state = 'stopped';
      } else {
        state = 'stopping';
      }
      if (timer) clearTimeout(timer);
      timer = undefined;
      await pass;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      state = 'stopped';
    },

    dispatchDue,
  };
}
