/**
 * A small FIFO counting semaphore. The password hasher uses it to bound how many argon2 jobs
 * run at once, so a burst of sign-ins waits in a queue (in arrival order) instead of filling the
 * libuv threadpool and starving file and DNS work.
 */

export interface SemaphoreStats {
  /** Permits currently held. */
  readonly running: number;
  /** Callers waiting for a permit. */
  readonly queued: number;
}

export interface Semaphore {
  /** Waits for a permit; the returned function gives it back (calling it twice is harmless). */
  acquire(): Promise<() => void>;
  /** Runs `task` while holding a permit, releasing it whether the task resolves or rejects. */
  run<T>(task: () => Promise<T>): Promise<T>;
  stats(): SemaphoreStats;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }
  let running = 0;
  // Waiters are resolved in arrival order; a released permit passes straight to the head of the
  // queue, so a late caller can never overtake one that is already waiting.
  const waiters: Array<() => void> = [];

  function makeRelease(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = waiters.shift();
      if (next) next();
      else running -= 1;
    };
  }

  function acquire(): Promise<() => void> {
    if (running < limit) {
      running += 1;
      return Promise.resolve(makeRelease());
    }
    return new Promise((resolve) => {
      waiters.push(() => resolve(makeRelease()));
    });
  }

  async function run<T>(task: () => Promise<T>): Promise<T> {
    const release = await acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }

  return {
    acquire,
    run,
    stats: () => ({ running, queued: waiters.length }),
  };
}
