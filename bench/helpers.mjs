// Pure helpers of the benchmark (no I/O): percentiles, the TOTP code schedule, and formatting.
import { randomBytes } from 'node:crypto';
import { computeTotpStep, generateTotp } from '@twofold/core';

/**
 * The value at percentile `p` (0 < p <= 100) of ascending `sorted` values, by the nearest-rank
 * method: the smallest value with at least p% of the values at or below it. Undefined when empty.
 * @param {ArrayLike<number>} sorted
 * @param {number} p
 * @returns {number | undefined}
 */
export function percentile(sorted, p) {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`);
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Count, mean, p50, p90, p99 and max of latencies in milliseconds.
 * @param {readonly number[]} values
 */
export function summarizeLatencies(values) {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    meanMs: sorted.length ? sum / sorted.length : undefined,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : undefined,
  };
}

/**
 * Random bytes from the CSPRNG, drawn a large block at a time: bulk seeding needs millions of
 * small draws (ids, nonces, secrets), and one call per draw costs more than the rest of a row.
 * @param {number} [blockSize]
 * @returns {(size: number) => Buffer} a fresh copy of `size` random bytes per call
 */
export function createRandomPool(blockSize = 1 << 16) {
  let block = randomBytes(blockSize);
  let offset = 0;
  return (size) => {
    if (size > blockSize) return randomBytes(size);
    if (offset + size > blockSize) {
      block = randomBytes(blockSize);
      offset = 0;
    }
    const out = Buffer.from(block.subarray(offset, offset + size));
    offset += size;
    return out;
  };
}

/**
 * A UUIDv7 in the server's format (platform/ids.ts generateId), with its random part from `random`.
 * @param {number} now milliseconds
 * @param {(size: number) => Buffer} random
 */
export function uuidV7(now, random) {
  const bytes = Buffer.alloc(16);
  random(10).copy(bytes, 6);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Hands out fresh, valid TOTP codes, each (user, step) at most once, so no request is a replay.
 * The server accepts the current step and one either side (window 1) when it is after the
 * method's last accepted step. Codes are for the current step T or the next one (never T-1,
 * which a step boundary during the request would push out of the window), so each user yields at
 * most two codes per period, in order. Users are taken round-robin; `next()` returns undefined
 * when none has a code left at this moment.
 *
 * @param {{
 *   users: readonly { secret: Uint8Array }[],
 *   period?: number,
 *   digits?: number,
 *   algorithm?: 'SHA1' | 'SHA256' | 'SHA512',
 *   now?: () => number,
 * }} options `now` in milliseconds (default Date.now)
 */
export function createCodeSchedule(options) {
  const { users, period = 30, digits = 6, algorithm = 'SHA1', now = Date.now } = options;
  if (users.length === 0) throw new RangeError('code schedule: no users');
  /** Last step handed out per user; -Infinity before the first. */
  const lastStep = new Float64Array(users.length).fill(Number.NEGATIVE_INFINITY);
  let cursor = 0;
  let handedOut = 0;
  return {
    /** @returns {{ index: number, step: number, code: string } | undefined} */
    next() {
      const time = now() / 1000;
      const current = computeTotpStep(time, period);
      for (let tried = 0; tried < users.length; tried++) {
        const index = cursor;
        cursor = (cursor + 1) % users.length;
        const step = Math.max(current, lastStep[index] + 1);
        if (step > current + 1) continue;
        lastStep[index] = step;
        handedOut++;
        const user = users[index];
        const code = generateTotp({ secret: user.secret, time: step * period, period, digits, algorithm });
        return { index, step, code };
      }
      return undefined;
    },
    /** How many codes were handed out. */
    get handedOut() {
      return handedOut;
    },
  };
}

/**
 * `count` distinct integers from [from, to), in random order, avoiding `exclude`.
 * @param {number} from
 * @param {number} to
 * @param {number} count
 * @param {Set<number>} [exclude]
 * @param {() => number} [random]
 */
export function sampleIndices(from, to, count, exclude = new Set(), random = Math.random) {
  const available = to - from - [...exclude].filter((i) => i >= from && i < to).length;
  if (count > available) throw new RangeError(`cannot sample ${count} of ${available} indices`);
  const chosen = new Set();
  while (chosen.size < count) {
    const i = from + Math.floor(random() * (to - from));
    if (!exclude.has(i)) chosen.add(i);
  }
  return [...chosen];
}

/** `a / b`, or undefined when either is missing or b is 0. */
export function ratio(a, b) {
  return typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : undefined;
}

/** 1234567 -> "1,234,567"; fractions to `digits` places. */
export function formatNumber(value, digits = 0) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Bytes as MiB with one decimal. */
export function formatMiB(bytes) {
  return typeof bytes === 'number' ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : 'n/a';
}

/**
 * Parses a user count: 1000, 1_000_000, 1e6, 10k, 1m.
 * @param {string} text
 */
export function parseCount(text) {
  const match = /^\s*(\d[\d_,]*(?:\.\d+)?(?:e\d+)?)\s*([km]?)\s*$/i.exec(text);
  if (!match) throw new RangeError(`not a count: '${text}'`);
  const base = Number(match[1].replace(/[_,]/g, ''));
  const unit = match[2].toLowerCase();
  const value = base * (unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`not a positive whole count: '${text}'`);
  return value;
}

/**
 * Parses a duration: 600 (seconds), 90s, 10m, 1h, 1.5m. Returns whole seconds.
 * @param {string} text
 */
export function parseDuration(text) {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$/i.exec(text);
  if (!match) throw new RangeError(`not a duration: '${text}' (e.g. 600, 90s, 10m, 1h)`);
  const unit = match[2].toLowerCase();
  const seconds = Math.round(Number(match[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1));
  if (seconds < 1) throw new RangeError(`not a positive duration: '${text}'`);
  return seconds;
}

/**
 * The soak's fixed rates: `load` of the server's measured capacity, shared evenly between the two
 * flows, so each runs at load / 2 of the rate it reached alone (verification and sign-in compete
 * for the same cores: both at 80% of their own maximum would ask 160% of the machine). The
 * verification rate is held under what the seeded sessions can give: the code schedule hands out
 * one fresh code per user and period once under way, so at most 90% of sessions / period a second.
 * @param {{ verifyRps: number, signInRps: number, sessions: number, period: number, load?: number }} options
 */
export function soakRates({ verifyRps, signInRps, sessions, period, load = 0.8 }) {
  const share = load / 2;
  const wanted = verifyRps * share;
  const codesPerSecond = (0.9 * sessions) / period;
  return {
    verify: Math.max(1, Math.floor(Math.min(wanted, codesPerSecond))),
    signIn: Math.max(1, Math.floor(signInRps * share)),
    verifyCapped: wanted > codesPerSecond,
  };
}

/**
 * Per-minute figures of a long run: answers, failures and latencies per flow, and the server's RSS
 * samples, each put in the minute of its timestamp (milliseconds since `start`).
 * @param {number} start milliseconds
 * @param {number} [bucketMs] 60,000 unless told (tests use less)
 */
export function createMinuteAggregator(start, bucketMs = 60_000) {
  /** @type {{ latencies: Record<string, number[]>, failed: Record<string, number>, statuses: Record<string, number>, errors: Record<string, number>, rss: number[] }[]} */
  const minutes = [];
  const at = (time) => {
    const index = Math.max(0, Math.floor((time - start) / bucketMs));
    while (minutes.length <= index)
      minutes.push({ latencies: {}, failed: {}, statuses: {}, errors: {}, rss: [] });
    return minutes[index];
  };
  return {
    /** An answer of `flow` with its status and latency. */
    answer(time, flow, status, latencyMs) {
      const minute = at(time);
      if (status >= 200 && status < 300) {
        minute.latencies[flow] ??= [];
        minute.latencies[flow].push(latencyMs);
      } else {
        minute.failed[flow] = (minute.failed[flow] ?? 0) + 1;
        minute.statuses[status] = (minute.statuses[status] ?? 0) + 1;
      }
    },
    /** A request that got no answer (connection error, timeout). */
    error(time, message) {
      const minute = at(time);
      minute.errors[message] = (minute.errors[message] ?? 0) + 1;
    },
    /** One sample of the server's resident memory. */
    rss(time, bytes) {
      at(time).rss.push(bytes);
    },
    /** One row per minute: ok and failed answers per flow, p99 per flow, errors, median RSS. */
    summary() {
      return minutes.map((m, index) => {
        const flows = Object.fromEntries(
          [...new Set([...Object.keys(m.latencies), ...Object.keys(m.failed)])].map((flow) => {
            const latency = summarizeLatencies(m.latencies[flow] ?? []);
            return [flow, { ok: latency.count, failed: m.failed[flow] ?? 0, p99Ms: latency.p99Ms }];
          }),
        );
        const rss = Float64Array.from(m.rss).sort();
        return {
          minute: index + 1,
          flows,
          statuses: m.statuses,
          errors: Object.values(m.errors).reduce((a, b) => a + b, 0),
          errorMessages: m.errors,
          rssBytes: rss.length ? percentile(rss, 50) : undefined,
        };
      });
    },
  };
}

/**
 * RSS growth from the second minute to the last, as a fraction of the second (0.05 = 5%): the
 * first minute is warm-up (caches, JIT, pools filling). Undefined with fewer than three minutes,
 * where there is nothing after the second to compare.
 * @param {readonly (number | undefined)[]} rssPerMinute
 */
export function rssGrowth(rssPerMinute) {
  if (rssPerMinute.length < 3) return undefined;
  const second = rssPerMinute[1];
  const last = rssPerMinute[rssPerMinute.length - 1];
  return ratio(typeof last === 'number' && typeof second === 'number' ? last - second : undefined, second);
}
