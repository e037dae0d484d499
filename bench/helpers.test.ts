import { verifyTotp } from '@twofold/core';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM without type declarations (the bench is not compiled)
import * as helpers from './helpers.mjs';
// @ts-expect-error: plain ESM without type declarations
import * as peerFigures from './peers/figures.mjs';
// @ts-expect-error: plain ESM without type declarations
import * as soakModule from './soak.mjs';

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

interface MinuteRow {
  minute: number;
  flows: Record<string, { ok: number; failed: number; p99Ms?: number }>;
  statuses: Record<string, number>;
  errors: number;
  errorMessages: Record<string, number>;
  rssBytes?: number;
}
const { createMinuteAggregator, parseDuration, rssGrowth, soakRates } = helpers as {
  createMinuteAggregator(
    start: number,
    bucketMs?: number,
  ): {
    answer(time: number, flow: string, status: number, latencyMs: number): void;
    error(time: number, message: string): void;
    rss(time: number, bytes: number): void;
    summary(): MinuteRow[];
  };
  parseDuration(text: string): number;
  rssGrowth(rssPerMinute: readonly (number | undefined)[]): number | undefined;
  soakRates(options: {
    verifyRps: number;
    signInRps: number;
    sessions: number;
    period: number;
    load?: number;
  }): { verify: number; signIn: number; verifyCapped: boolean };
};
type Flows = {
  verify: { rps?: number; serverCpuMsPerAnswer?: number };
  signIn: { rps?: number; serverCpuMsPerAnswer?: number };
};
const { lowestPeerRatios, peerRatios } = peerFigures as {
  peerRatios(twofold: Flows, peer: Flows): Record<string, number | undefined>;
  lowestPeerRatios(
    results: readonly { peerRatios?: Record<string, Record<string, number | undefined>> }[],
  ): Record<string, Record<string, number>>;
};
const { soakFigures } = soakModule as {
  soakFigures(input: { seconds: number; rates: object; minutes: MinuteRow[] }): {
    ok: number;
    failed: number;
    errors: number;
    statuses: Record<string, number>;
    errorMessages: Record<string, number>;
    rssGrowth?: number;
  };
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

describe('soak', () => {
  it('parses durations into whole seconds', () => {
    expect(parseDuration('600')).toBe(600);
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('1.5m')).toBe(90);
    expect(parseDuration('1h')).toBe(3600);
    expect(() => parseDuration('ten minutes')).toThrow(RangeError);
    expect(() => parseDuration('0s')).toThrow(RangeError);
  });

  it('shares 80% of the capacity evenly between the flows, within the codes the sessions give', () => {
    // 20,000 sessions give 600 codes a second at 90% (one per user per 30 s period).
    expect(soakRates({ verifyRps: 1000, signInRps: 150, sessions: 20_000, period: 30 })).toEqual({
      verify: 400,
      signIn: 60,
      verifyCapped: false,
    });
    expect(soakRates({ verifyRps: 3000, signInRps: 150, sessions: 20_000, period: 30 })).toEqual({
      verify: 600,
      signIn: 60,
      verifyCapped: true,
    });
    // Never below one request a second.
    expect(soakRates({ verifyRps: 1, signInRps: 0.5, sessions: 10, period: 30 }).signIn).toBe(1);
  });

  it('puts answers, errors and RSS samples in their minute', () => {
    const start = 1_000_000;
    const minutes = createMinuteAggregator(start, 1000);
    for (let i = 1; i <= 100; i++) minutes.answer(start + 10, 'verify', 200, i);
    minutes.answer(start + 20, 'signIn', 200, 50);
    minutes.answer(start + 1500, 'verify', 429, 3);
    minutes.answer(start + 1600, 'verify', 200, 7);
    minutes.error(start + 2100, 'verify: ECONNRESET');
    minutes.rss(start, 100);
    minutes.rss(start + 500, 300);
    minutes.rss(start + 900, 200);
    minutes.rss(start + 2500, 400);
    const rows = minutes.summary();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      minute: 1,
      flows: { verify: { ok: 100, failed: 0, p99Ms: 99 }, signIn: { ok: 1, failed: 0, p99Ms: 50 } },
      errors: 0,
      rssBytes: 200,
    });
    expect(rows[1]).toMatchObject({
      flows: { verify: { ok: 1, failed: 1, p99Ms: 7 } },
      statuses: { 429: 1 },
    });
    expect(rows[1]!.rssBytes).toBeUndefined();
    expect(rows[2]).toMatchObject({ errors: 1, errorMessages: { 'verify: ECONNRESET': 1 }, rssBytes: 400 });

    const totals = soakFigures({ seconds: 3, rates: {}, minutes: rows });
    expect(totals).toMatchObject({
      ok: 102,
      failed: 1,
      errors: 1,
      statuses: { 429: 1 },
      errorMessages: { 'verify: ECONNRESET': 1 },
    });
  });

  it('measures RSS growth from the second minute to the last', () => {
    expect(rssGrowth([90, 100, 104, 105])).toBeCloseTo(0.05);
    expect(rssGrowth([200, 100, 90])).toBeCloseTo(-0.1);
    expect(rssGrowth([100, 100])).toBeUndefined();
    expect(rssGrowth([100, undefined, 120])).toBeUndefined();
  });
});

describe('peer ratios', () => {
  const twofold = {
    verify: { rps: 2000, serverCpuMsPerAnswer: 0.5 },
    signIn: { rps: 150, serverCpuMsPerAnswer: 12 },
  };
  const peer = {
    verify: { rps: 400, serverCpuMsPerAnswer: 2 },
    signIn: { rps: 25, serverCpuMsPerAnswer: 60 },
  };

  it('divides Twofold by the peer (rates) and the peer by Twofold (CPU an answer)', () => {
    expect(peerRatios(twofold, peer)).toEqual({ verify: 5, signIn: 6, verifyCpu: 4, signInCpu: 5 });
    expect(peerRatios(twofold, { ...peer, signIn: { rps: 0 } }).signIn).toBeUndefined();
  });

  it('keeps the lowest of each ratio across databases', () => {
    const lowest = lowestPeerRatios([
      { peerRatios: { betterAuth: { verify: 5, signIn: 6 } } },
      { peerRatios: { betterAuth: { verify: 3, signIn: 7, verifyCpu: undefined } } },
      {},
    ]);
    expect(lowest).toEqual({ betterAuth: { verify: 3, signIn: 6 } });
  });
});
