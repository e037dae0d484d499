/** Injected time source: services never call Date.now() themselves, so tests freeze time instead of sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and the benchmark. */
export function createManualClock(
  start = Date.UTC(2026, 0, 1),
): Clock & { advance(ms: number): void; set(ms: number): void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

/**
 * A clock that runs on its own like the system's, from `start`, and can also be moved on: for tests
 * where time must pass between two steps as it does for real users (milliseconds between a second
 * factor and the check of how recent it is), while codes stay computable for the clock's time.
 */
export function createRunningClock(
  start = Date.now(),
): Clock & { advance(ms: number): void; set(ms: number): void } {
  let offset = start - Date.now();
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
    set: (ms) => {
      offset = ms - Date.now();
    },
  };
}
