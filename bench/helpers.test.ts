import { verifyTotp } from '@twofold/core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM without type declarations (the bench is not compiled)
import * as helpers from './helpers.mjs';

interface Schedule {
  next(): { index: number; step: number; code: string } | undefined;
  readonly handedOut: number;
}
const {
  createCodeSchedule,
  createRandomPool,
  parseCount,
  percentile,
  sampleIndices,
  summarizeLatencies,
  uuidV7,
} = helpers as {
  createCodeSchedule(options: {
    users: readonly { secret: Uint8Array }[];
    period?: number;
    now?: () => number;
  }): Schedule;
  createRandomPool(blockSize?: number): (size: number) => Buffer;
  parseCount(text: string): number;
  percentile(sorted: ArrayLike<number>, p: number): number | undefined;
  sampleIndices(from: number, to: number, count: number, exclude?: Set<number>): number[];
  summarizeLatencies(values: readonly number[]): { count: number; p50Ms?: number; p99Ms?: number };
  uuidV7(now: number, random: (size: number) => Buffer): string;
};

describe('percentile (nearest rank)', () => {
  it('picks the smallest value with at least p% at or below it', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });

  it('summarizes unsorted latencies', () => {
    const summary = summarizeLatencies([5, 1, 4, 2, 3]);
    expect(summary).toMatchObject({ count: 5, p50Ms: 3, p99Ms: 5 });
  });
});

describe('code schedule', () => {
  const users = Array.from({ length: 3 }, (_, i) => ({ secret: new Uint8Array(20).fill(i + 1) }));
  const period = 30;

  it('hands out each (user, step) once, at most two per user per step, all valid now', () => {
    const now = 1_700_000_010_000;
    const schedule = createCodeSchedule({ users, period, now: () => now });
    const seen = new Set<string>();
    const given = [];
    for (let next = schedule.next(); next; next = schedule.next()) given.push(next);
    expect(given).toHaveLength(6);
    expect(schedule.handedOut).toBe(6);
    for (const { index, step, code } of given) {
      const key = `${index}:${step}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      // The server's check: within one step of now.
      const match = verifyTotp({ secret: users[index]!.secret, code, time: now / 1000, period, window: 1 });
      expect(match?.step).toBe(step);
    }
    // Round robin: every user's first code before anyone's second; steps rise per user.
    expect(given.map((g) => g.index)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(given[3]!.step).toBe(given[0]!.step + 1);
  });

  it('has new codes once the clock moves to the next step', () => {
    let now = 1_700_000_010_000;
    const schedule = createCodeSchedule({ users, period, now: () => now });
    while (schedule.next());
    now += period * 1000;
    const next = schedule.next();
    expect(next).toBeDefined();
    expect(next!.step).toBe(Math.floor(now / 1000 / period) + 1);
  });
});

describe('sampling and ids', () => {
  it('samples distinct indices in range, avoiding the excluded', () => {
    const exclude = new Set([0, 1, 2, 3, 4]);
    const sample = sampleIndices(0, 20, 15, exclude);
    expect(new Set(sample).size).toBe(15);
    expect(sample.every((i) => i >= 5 && i < 20)).toBe(true);
    expect(() => sampleIndices(0, 20, 16, exclude)).toThrow(RangeError);
  });

  it('makes UUIDv7 ids in the server format with the given time', () => {
    const now = 1_700_000_000_123;
    const id = uuidV7(now, createRandomPool(64));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(now);
    expect(uuidV7(now, createRandomPool(64))).not.toBe(id);
  });

  it('draws fresh bytes across pool blocks', () => {
    const random = createRandomPool(32);
    const chunks = Array.from({ length: 8 }, () => random(12).toString('hex'));
    expect(new Set(chunks).size).toBe(8);
    expect(random(100)).toHaveLength(100);
  });

  it('parses counts', () => {
    expect(parseCount('1000000')).toBe(1_000_000);
    expect(parseCount('1_000_000')).toBe(1_000_000);
    expect(parseCount('10k')).toBe(10_000);
    expect(parseCount('1m')).toBe(1_000_000);
    expect(parseCount('1e6')).toBe(1_000_000);
    expect(() => parseCount('lots')).toThrow(RangeError);
    expect(() => parseCount('0')).toThrow(RangeError);
  });
});
