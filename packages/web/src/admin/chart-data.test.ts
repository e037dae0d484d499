import { describe, expect, it } from 'vitest';
import { withMessages } from '../i18n/test-messages.js';
import {
  bucketLabel,
  buildChart,
  chartRange,
  describeChart,
  fillBuckets,
  labelledIndexes,
  layoutChart,
  niceScale,
} from './chart-data.js';
import type { SignInStats } from './types.js';

const hour = 3_600_000;
const t0 = Date.parse('2026-03-05T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function stats(series: SignInStats['series'], hours = 4): SignInStats {
  return { bucket: 'hour', from: iso(t0), to: iso(t0 + hours * hour), series };
}

withMessages();

describe('sign-in chart data', () => {
  it('fills the hours the server had nothing for, in order', () => {
    const filled = fillBuckets(
      stats([
        { start: iso(t0 + 2 * hour), success: 3, interrupted: 0, failures: {} },
        { start: iso(t0), success: 1, interrupted: 0, failures: { otp_invalid: 2 } },
      ]),
    );
    expect(filled.map((p) => p.start)).toEqual([0, 1, 2, 3].map((h) => iso(t0 + h * hour)));
    expect(filled.map((p) => p.success)).toEqual([1, 0, 3, 0]);
  });

  it('starts at the bucket that holds `from` when it is not on the hour', () => {
    const filled = fillBuckets({
      bucket: 'hour',
      from: iso(t0 + 30 * 60_000),
      to: iso(t0 + 2 * hour + 1),
      series: [],
    });
    expect(filled.map((p) => p.start)).toEqual([iso(t0), iso(t0 + hour), iso(t0 + 2 * hour)]);
  });

  it('rounds scales to 1, 2 or 5 steps', () => {
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(3)).toEqual({ max: 3, ticks: [0, 1, 2, 3] });
    expect(niceScale(7)).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(93)).toEqual({ max: 100, ticks: [0, 50, 100] });
    expect(niceScale(1234).ticks).toEqual([0, 500, 1000, 1500]);
  });

  it('stacks successes, interruptions, then failures biggest reason first', () => {
    const model = buildChart(
      stats([
        { start: iso(t0), success: 5, interrupted: 1, failures: { otp_invalid: 2, locked_out: 4 } },
        { start: iso(t0 + hour), success: 0, interrupted: 0, failures: { otp_invalid: 3 } },
      ]),
    );
    expect(model.keys.map((k) => [k.key, k.total])).toEqual([
      ['success', 5],
      ['interrupted', 1],
      ['otp_invalid', 5],
      ['locked_out', 4],
    ]);
    expect(model.keys.map((k) => k.className)).toEqual([
      'chart-success',
      'chart-interrupted',
      'chart-f0',
      'chart-f1',
    ]);
    expect(model.bars[0]?.segments).toEqual([
      { key: 'success', value: 5, from: 0, to: 5 },
      { key: 'interrupted', value: 1, from: 5, to: 6 },
      { key: 'otp_invalid', value: 2, from: 6, to: 8 },
      { key: 'locked_out', value: 4, from: 8, to: 12 },
    ]);
    expect(model.bars[0]?.total).toBe(12);
    expect(model.totals).toEqual({ success: 5, failure: 9, interrupted: 1 });
    expect(model.scale.max).toBeGreaterThanOrEqual(12);
  });

  it('gathers the smallest reasons as other failures, and can leave successes out', () => {
    const failures = { a: 6, b: 5, c: 4, d: 1, e: 1 };
    const model = buildChart(stats([{ start: iso(t0), success: 100, interrupted: 0, failures }]), {
      maxReasons: 3,
      show: 'failures',
    });
    expect(model.keys.map((k) => [k.key, k.total])).toEqual([
      ['a', 6],
      ['b', 5],
      ['other', 6],
    ]);
    expect(model.bars[0]?.total).toBe(17);
    expect(model.scale.max).toBe(20);
  });

  it('keeps one leftover reason under its own name', () => {
    const model = buildChart(
      stats([{ start: iso(t0), success: 0, interrupted: 0, failures: { a: 2, b: 1 } }]),
      {
        maxReasons: 2,
      },
    );
    expect(model.keys.map((k) => k.key)).toEqual(['success', 'interrupted', 'a', 'b']);
  });

  it('lays bars out inside the frame, stacked without gaps', () => {
    const model = buildChart(
      stats([{ start: iso(t0), success: 2, interrupted: 0, failures: { otp_invalid: 2 } }], 2),
    );
    const frame = { width: 240, height: 140, top: 10, right: 10, bottom: 30, left: 30 };
    const { bars, ticks } = layoutChart(model, frame);
    expect(bars).toHaveLength(2);
    const [success, failure] = bars[0]!.rects;
    // 100 px of plot height for a scale of 4: 25 px per sign-in.
    expect(model.scale.max).toBe(4);
    expect(success).toMatchObject({ y: 60, height: 50 });
    expect(failure).toMatchObject({ y: 10, height: 50 });
    expect(success!.x).toBeGreaterThanOrEqual(30);
    expect(bars[1]!.rects).toEqual([]);
    expect(bars[1]!.centre).toBeLessThan(230);
    expect(ticks[0]).toEqual({ value: 0, y: 110 });
    expect(ticks.at(-1)).toEqual({ value: 4, y: 10 });
  });

  it('labels about as many bars as asked, the first always', () => {
    expect([...labelledIndexes(24, 8)]).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
    expect([...labelledIndexes(5, 8)]).toEqual([0, 1, 2, 3, 4]);
    expect([...labelledIndexes(0, 8)]).toEqual([]);
  });

  it('labels buckets by hour or day', () => {
    const opts = { locale: 'en-GB', timeZone: 'UTC' };
    expect(bucketLabel(t0, 'hour', opts)).toBe('10:00');
    expect(bucketLabel(Date.parse('2026-03-05T00:00:00Z'), 'hour', opts)).toBe('5 Mar 00:00');
    expect(bucketLabel(t0, 'hour', { ...opts, withDate: true })).toBe('5 Mar 10:00');
    expect(bucketLabel(t0, 'day', opts)).toBe('5 Mar');
  });

  it('asks for whole hours or days, the current one last', () => {
    const now = Date.parse('2026-03-05T10:42:00Z');
    expect(chartRange('24h', now)).toEqual({
      from: '2026-03-04T11:00:00.000Z',
      to: '2026-03-05T10:42:00.000Z',
      bucket: 'hour',
      id: '24h',
    });
    expect(chartRange('7d', now)).toMatchObject({ from: '2026-02-27T00:00:00.000Z', bucket: 'day' });
    expect(chartRange('bogus', now).bucket).toBe('hour');
  });

  it('says in one sentence what the chart shows', () => {
    const empty = buildChart(stats([]));
    expect(describeChart(empty, '24h')).toBe('No sign-ins in the last 24 hours.');
    const model = buildChart(
      stats([{ start: iso(t0), success: 5, interrupted: 1, failures: { otp_invalid: 2, locked_out: 4 } }]),
    );
    expect(describeChart(model, '24h')).toBe(
      '5 successful, 6 failed, 1 interrupted sign-ins in the last 24 hours. Most failures: Locked out (4), Wrong code (2).',
    );
    expect(describeChart(model, '7d')).toMatch(/ sign-ins in the last 7 days\. /);
  });
});
