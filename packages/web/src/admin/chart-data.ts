/**
 * The sign-in chart as numbers: buckets filled in where the server had nothing, stacked by result and failure
 * reason, a rounded scale, and the rectangles to draw. No DOM here, so all of it is unit tested.
 */
import { formattingLocale, t } from '../i18n/i18n.js';
import type { FormatOptions } from './format.js';
import { reasonName } from './format.js';
import type { Bucket, SignInStats, StatsPoint } from './types.js';

export const bucketMs: Readonly<Record<Bucket, number>> = { hour: 3_600_000, day: 86_400_000 };

/** Never draw more bars than this, whatever the server sends. */
export const maxBuckets = 1000;

export interface ChartSeriesKey {
  /** `success`, `interrupted`, a failure reason, or `other` for the smaller reasons together. */
  readonly key: string;
  readonly label: string;
  /** The CSS class that colours its bars and legend swatch. */
  readonly className: string;
  readonly total: number;
}

export interface ChartSegment {
  readonly key: string;
  readonly value: number;
  /** Stacked from 0 upwards, in counts (not pixels). */
  readonly from: number;
  readonly to: number;
}

export interface ChartBar {
  readonly start: number;
  readonly total: number;
  readonly segments: readonly ChartSegment[];
}

export interface ChartModel {
  readonly bucket: Bucket;
  readonly keys: readonly ChartSeriesKey[];
  readonly bars: readonly ChartBar[];
  readonly scale: Scale;
  readonly totals: { readonly success: number; readonly failure: number; readonly interrupted: number };
}

export interface Scale {
  readonly max: number;
  readonly ticks: readonly number[];
}

/**
 * The series with a zero bucket wherever the server had no point, from the bucket holding `from` to the one
 * before `to`, on the grid the server's own points lie on (UTC hours and days when it sent none).
 */
export function fillBuckets(stats: Pick<SignInStats, 'bucket' | 'from' | 'to' | 'series'>): StatsPoint[] {
  const step = bucketMs[stats.bucket] ?? bucketMs.hour;
  const byStart = new Map<number, StatsPoint>();
  for (const point of stats.series) {
    const start = Date.parse(point.start);
    if (!Number.isNaN(start)) byStart.set(start, point);
  }
  const from = Date.parse(stats.from);
  const to = Date.parse(stats.to);
  if (!Number.isNaN(from) && !Number.isNaN(to) && to > from) {
    const known = [...byStart.keys()];
    let anchor = known.length > 0 ? Math.min(...known) : Math.floor(from / step) * step;
    // Walk the grid back to the bucket that holds `from`.
    if (anchor > from) anchor -= Math.ceil((anchor - from) / step) * step;
    else anchor += Math.floor((from - anchor) / step) * step;
    for (let start = anchor, n = 0; start < to && n < maxBuckets; start += step, n += 1) {
      if (!byStart.has(start))
        byStart.set(start, {
          start: new Date(start).toISOString(),
          success: 0,
          interrupted: 0,
          failures: {},
        });
    }
  }
  return [...byStart.entries()]
    .sort(([a], [b]) => a - b)
    .slice(-maxBuckets)
    .map(([, point]) => point);
}

/** A scale from 0 that ends on a round number ("1, 2, 5 × 10^n" steps), with about `target` steps. */
export function niceScale(max: number, target = 4): Scale {
  if (!Number.isFinite(max) || max <= 0) return { max: 1, ticks: [0, 1] };
  const rough = max / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step =
    [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  // Counts are whole: a step below 1 would only repeat labels.
  const whole = Math.max(1, step);
  const top = Math.ceil(max / whole) * whole;
  const ticks: number[] = [];
  for (let tick = 0; tick <= top; tick += whole) ticks.push(tick);
  return { max: top, ticks };
}

export interface BuildOptions {
  /** Failure reasons drawn in a colour of their own; the rest are summed as "Other failures". */
  readonly maxReasons?: number;
  /** `failures`: leave successes and interruptions out, so a few failures are not dwarfed. */
  readonly show?: 'all' | 'failures';
}

/** Stacks each bucket: successes at the bottom, then interruptions, then failures, biggest reason first. */
export function buildChart(stats: SignInStats, options: BuildOptions = {}): ChartModel {
  const maxReasons = options.maxReasons ?? 6;
  const show = options.show ?? 'all';
  const points = fillBuckets(stats);

  const reasonTotals = new Map<string, number>();
  let success = 0;
  let interrupted = 0;
  for (const point of points) {
    success += point.success;
    interrupted += point.interrupted;
    for (const [reason, value] of Object.entries(point.failures ?? {})) {
      reasonTotals.set(reason, (reasonTotals.get(reason) ?? 0) + value);
    }
  }
  const ranked = [...reasonTotals.entries()]
    .filter(([, total]) => total > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  // "Other" only when it gathers at least two reasons; one reason keeps its own name.
  const ownColour = ranked.length > maxReasons ? ranked.slice(0, maxReasons - 1) : ranked;
  const otherReasons = new Set(ranked.slice(ownColour.length).map(([reason]) => reason));
  const otherTotal = ranked.slice(ownColour.length).reduce((sum, [, total]) => sum + total, 0);

  const keys: ChartSeriesKey[] = [];
  if (show === 'all') {
    keys.push({
      key: 'success',
      label: t('admin.result.success'),
      className: 'chart-success',
      total: success,
    });
    keys.push({
      key: 'interrupted',
      label: t('admin.result.interrupted'),
      className: 'chart-interrupted',
      total: interrupted,
    });
  }
  ownColour.forEach(([reason, total], index) => {
    keys.push({ key: reason, label: reasonName(reason), className: `chart-f${index}`, total });
  });
  if (otherReasons.size > 0)
    keys.push({
      key: 'other',
      label: t('admin.chart.otherFailures'),
      className: 'chart-other',
      total: otherTotal,
    });

  const bars: ChartBar[] = points.map((point) => {
    const values = new Map<string, number>();
    if (show === 'all') {
      values.set('success', point.success);
      values.set('interrupted', point.interrupted);
    }
    for (const [reason, value] of Object.entries(point.failures ?? {})) {
      const key = otherReasons.has(reason) ? 'other' : reason;
      values.set(key, (values.get(key) ?? 0) + value);
    }
    let level = 0;
    const segments: ChartSegment[] = [];
    for (const { key } of keys) {
      const value = values.get(key) ?? 0;
      if (value <= 0) continue;
      segments.push({ key, value, from: level, to: level + value });
      level += value;
    }
    return { start: Date.parse(point.start), total: level, segments };
  });

  const failure = ranked.reduce((sum, [, total]) => sum + total, 0);
  return {
    bucket: stats.bucket,
    keys,
    bars,
    scale: niceScale(Math.max(0, ...bars.map((bar) => bar.total))),
    totals: { success, failure, interrupted },
  };
}

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface Rect {
  readonly key: string;
  readonly value: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface BarLayout {
  readonly start: number;
  readonly total: number;
  /** Where the bar's label (if any) is centred. */
  readonly centre: number;
  readonly rects: readonly Rect[];
}

/** Pixels of each stacked segment inside the plot area, and the y of each tick. */
export function layoutChart(
  model: ChartModel,
  frame: Frame,
): { bars: BarLayout[]; ticks: { value: number; y: number }[] } {
  const plotWidth = frame.width - frame.left - frame.right;
  const plotHeight = frame.height - frame.top - frame.bottom;
  const slot = model.bars.length > 0 ? plotWidth / model.bars.length : plotWidth;
  const gap = Math.min(slot * 0.2, 6);
  const barWidth = Math.max(1, slot - gap);
  const y = (value: number) => frame.top + plotHeight - (value / model.scale.max) * plotHeight;
  const round = (n: number) => Math.round(n * 100) / 100;
  const bars = model.bars.map((bar, index) => {
    const x = frame.left + index * slot + gap / 2;
    return {
      start: bar.start,
      total: bar.total,
      centre: round(x + barWidth / 2),
      rects: bar.segments.map((segment) => ({
        key: segment.key,
        value: segment.value,
        x: round(x),
        y: round(y(segment.to)),
        width: round(barWidth),
        height: round(y(segment.from) - y(segment.to)),
      })),
    };
  });
  return { bars, ticks: model.scale.ticks.map((value) => ({ value, y: round(y(value)) })) };
}

/** Which bars get a label under them: about `most` of them, evenly spaced, the first always. */
export function labelledIndexes(count: number, most: number): Set<number> {
  const every = Math.max(1, Math.ceil(count / Math.max(1, most)));
  const indexes = new Set<number>();
  for (let i = 0; i < count; i += every) indexes.add(i);
  return indexes;
}

/** "14:00" for an hour (with the date at midnight or when asked), "5 Mar" for a day. */
export function bucketLabel(
  start: number,
  bucket: Bucket,
  options: FormatOptions & { withDate?: boolean } = {},
): string {
  const date = new Date(start);
  const locale = options.locale ?? formattingLocale();
  const day = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    timeZone: options.timeZone,
  });
  if (bucket === 'day') return day.format(date);
  const time = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: options.timeZone,
  }).format(date);
  const midnight = time === '00:00';
  return options.withDate || midnight ? `${day.format(date)} ${time}` : time;
}

/** One or two sentences that say what the chart shows over the range (its id), for its description. */
export function describeChart(model: ChartModel, range: ChartRangeId): string {
  const { success, failure, interrupted } = model.totals;
  if (success + failure + interrupted === 0) return t('admin.chart.none', { range });
  const description = t('admin.chart.description', { success, failure, interrupted, range });
  const top = model.keys.filter((k) => k.key !== 'success' && k.key !== 'interrupted' && k.total > 0);
  if (top.length === 0) return description;
  const reasons = top
    .slice(0, 3)
    .map((k) => t('admin.chart.reasonCount', { reason: k.label, count: k.total }));
  return t('admin.chart.mostFailures', {
    description,
    reasons: new Intl.ListFormat(formattingLocale(), { type: 'unit', style: 'short' }).format(reasons),
  });
}

/** The periods the chart offers; each one's words are messages chosen by its id. */
export const chartRanges = [
  { id: '24h', buckets: 24, bucket: 'hour' },
  { id: '7d', buckets: 7, bucket: 'day' },
  { id: '30d', buckets: 30, bucket: 'day' },
] as const satisfies readonly { id: string; buckets: number; bucket: Bucket }[];

export type ChartRangeId = (typeof chartRanges)[number]['id'];

/** The stats query of a range: whole UTC hours or days, the current one last and still running. */
export function chartRange(
  id: string,
  now: number,
): { from: string; to: string; bucket: Bucket; id: ChartRangeId } {
  const range = chartRanges.find((r) => r.id === id) ?? chartRanges[0];
  const step = bucketMs[range.bucket];
  const current = Math.floor(now / step) * step;
  return {
    from: new Date(current - (range.buckets - 1) * step).toISOString(),
    to: new Date(now).toISOString(),
    bucket: range.bucket,
    id: range.id,
  };
}
