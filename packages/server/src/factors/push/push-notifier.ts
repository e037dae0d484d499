/**
 * Wakes long-polls on this instance at once when something they wait for happens here (a push
 * started, a push answered). On PostgreSQL, postgres-notifier.ts carries the same notifications
 * to the other instances (LISTEN/NOTIFY); whatever a notification misses (a lost connection, or
 * SQLite's other processes) is still caught by the waiters' own re-check of the database every
 * 500 ms, so no waiter sees a change more than about half a second late.
 */
import { EventEmitter } from 'node:events';

/** How often a long-poll re-reads the database, for changes made on other instances. */
export const pushRecheckIntervalMs = 500;

export interface PushNotifier {
  notify(topic: string): void;
  /**
   * Resolves on the first notification of one of `topics`, after `ms`, or when `signal` aborts,
   * whichever comes first. Subscribe before reading the database, then await `wake`, so a
   * notification that lands between the read and the wait is not missed.
   */
  subscribe(
    topics: readonly string[],
    ms: number,
    signal?: AbortSignal,
  ): { wake: Promise<void>; cancel(): void };
}

/** The in-process notifier, which can also wake every waiter at once (to re-read the database). */
export interface LocalPushNotifier extends PushNotifier {
  /** Wakes every current waiter, whatever its topics. */
  notifyAll(): void;
  /** Calls `listener` on every notification of `topic` (and on `notifyAll`), until the returned function is called. */
  listen(topic: string, listener: () => void): () => void;
}

export function createPushNotifier(): LocalPushNotifier {
  const emitter = new EventEmitter();
  // Every long-poll listens here; there is no leak to warn about.
  emitter.setMaxListeners(0);
  return {
    notify(topic) {
      emitter.emit(topic);
    },
    notifyAll() {
      for (const topic of emitter.eventNames()) emitter.emit(topic);
    },
    listen(topic, listener) {
      emitter.on(topic, listener);
      return () => emitter.off(topic, listener);
    },
    subscribe(topics, ms, signal) {
      let cancel = () => {};
      const wake = new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          for (const topic of topics) emitter.off(topic, done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        for (const topic of topics) emitter.on(topic, done);
        if (signal?.aborted) done();
        else signal?.addEventListener('abort', done, { once: true });
        cancel = done;
      });
      return { wake, cancel };
    },
  };
}

/** Topic of the pushes waiting for the devices of one authenticator method. */
export function methodTopic(methodId: string): string {
  return `method:${methodId}`;
}

/** Topic of one sign-in's pushes (answers, expiry). */
export function flowTopic(flowIdHash: string): string {
  return `flow:${flowIdHash}`;
}

/**
 * Calls `check` until it returns a value, re-reading when a topic is notified and at least every
 * 500 ms, until `waitMs` (real time) is over or `signal` aborts; then returns undefined.
 */
export async function waitFor<T>(
  notifier: PushNotifier,
  topics: readonly string[],
  check: () => Promise<T | undefined>,
  options: { waitMs: number; signal?: AbortSignal | undefined },
): Promise<T | undefined> {
  const deadline = Date.now() + Math.max(0, options.waitMs);
  for (;;) {
    const left = deadline - Date.now();
    const { wake, cancel } = notifier.subscribe(
      topics,
      Math.min(Math.max(0, left), pushRecheckIntervalMs),
      options.signal,
    );
    let found: T | undefined;
    try {
      found = await check();
    } catch (error) {
      cancel();
      throw error;
    }
    if (found !== undefined || left <= 0 || options.signal?.aborted) {
      cancel();
      return found;
    }
    await wake;
  }
}
