import { describe, expect, it } from 'vitest';
import { createSemaphore } from './semaphore.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('createSemaphore', () => {
  it('rejects a limit that is not a positive integer', () => {
    expect(() => createSemaphore(0)).toThrow(RangeError);
    expect(() => createSemaphore(1.5)).toThrow(RangeError);
    expect(() => createSemaphore(Number.NaN)).toThrow(RangeError);
  });

  it('never runs more tasks than the limit and reports running and queued', async () => {
    const semaphore = createSemaphore(2);
    const gates = Array.from({ length: 5 }, deferred);
    let active = 0;
    let maxActive = 0;
    const results = gates.map((gate, i) =>
      semaphore.run(async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await gate.promise;
        active -= 1;
        return i;
      }),
    );
    await Promise.resolve();
    expect(semaphore.stats()).toEqual({ running: 2, queued: 3 });
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(maxActive).toBe(2);
    expect(semaphore.stats()).toEqual({ running: 0, queued: 0 });
  });

  it('hands permits out in arrival order', async () => {
    const semaphore = createSemaphore(1);
    const first = await semaphore.acquire();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) =>
      semaphore.acquire().then((release) => {
        order.push(n);
        release();
      }),
    );
    first();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });

  it('does not let a new caller overtake a waiting one', async () => {
    const semaphore = createSemaphore(1);
    const first = await semaphore.acquire();
    const order: string[] = [];
    const queued = semaphore.acquire().then((release) => {
      order.push('queued');
      release();
    });
    first();
    // Arrives after the release but before the queued waiter's continuation runs.
    const late = semaphore.acquire().then((release) => {
      order.push('late');
      release();
    });
    await Promise.all([queued, late]);
    expect(order).toEqual(['queued', 'late']);
  });

  it('releases the permit when a task rejects, and ignores a second release', async () => {
    const semaphore = createSemaphore(1);
    await expect(semaphore.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(semaphore.stats()).toEqual({ running: 0, queued: 0 });

    const release = await semaphore.acquire();
    release();
    release();
    expect(semaphore.stats()).toEqual({ running: 0, queued: 0 });
    const again = await semaphore.acquire();
    expect(semaphore.stats()).toEqual({ running: 1, queued: 0 });
    again();
  });
});
