import { TwofoldError } from '../errors/index.js';
import { computeHotpValue, formatHotpValue } from './hotp.js';
import type { HmacFunction, OtpAlgorithm } from './otp-algorithm.js';
import {
  assertAlgorithm,
  assertDigits,
  assertIntegerInRange,
  assertPeriod,
  assertSecret,
  describeValue,
  MAX_COUNTER,
  normalizeCounter,
} from './otp-parameters.js';
import { computeTotpStep, DEFAULT_PERIOD } from './totp.js';

/** Most steps (or counters) searched on either side; bounds the work one request can cause. */
export const MAX_SEARCH_STEPS = 1000;
/** How far `findTotpOffset` looks by default: 10 minutes either side, like a clock-skew check. */
export const DEFAULT_SKEW_SEARCH_SECONDS = 600;

/** Where a TOTP code matched: the absolute step T, and its distance from the step of `time`. */
export interface TotpMatch {
  /** The matched time step T (RFC 6238 §4.2); remember it to refuse replays of the same step. */
  step: number;
  /** `step` minus the current step: -1 = previous code, 0 = current, +1 = next. Drift included. */
  offset: number;
}

interface TotpCheck {
  secret: Uint8Array;
  /** The code the user typed; white-space is ignored ("123 456"). */
  code: string;
  /** Current Unix time in seconds (injected). */
  time: number;
  /** Default 30. */
  period?: number;
  /** Default 0. */
  t0?: number;
  /** Default 'SHA1'. */
  algorithm?: OtpAlgorithm;
  /** Default 6. */
  digits?: number;
  /** The HMAC to compute codes with (default: core's own, pure JavaScript; a server may pass node:crypto's). */
  hmac?: HmacFunction;
}

export interface VerifyTotpOptions extends TotpCheck {
  /** Steps accepted either side of the expected step (RFC 6238 §5.2 recommends at most 1). Default 1. */
  window?: number;
  /** Known clock drift of this device in steps, from earlier matches (RFC 6238 §6). Default 0. */
  driftSteps?: number;
}

export interface FindTotpOffsetOptions extends TotpCheck {
  /** Steps searched either side of the current step. Default: 10 minutes' worth, ceil(600 / period). */
  maxOffsetSteps?: number;
}

export interface VerifyHotpOptions {
  secret: Uint8Array;
  /** The code the user typed; white-space is ignored. */
  code: string;
  /** The next counter the server expects. */
  counter: bigint | number;
  /** Further counters accepted after `counter` (RFC 4226 §7.4 look-ahead s). Default 0. */
  lookAhead?: number;
  /** Default 'SHA1'. */
  algorithm?: OtpAlgorithm;
  /** Default 6. */
  digits?: number;
  /** The HMAC to compute codes with (default: core's own). */
  hmac?: HmacFunction;
}

function normalizeCode(code: unknown): string {
  if (typeof code !== 'string') {
    throw new TwofoldError('otp_parameters_invalid', `code must be a string, got ${describeValue(code)}`, {
      parameter: 'code',
    });
  }
  return code.replace(/\s/gu, '');
}

function isWellFormedCode(code: string, digits: number): boolean {
  return code.length === digits && /^[0-9]+$/.test(code);
}

/** Compares two equal-length strings without stopping at the first difference. */
function equalsInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * Computes the code of every step in [center - radius, center + radius] and compares each with `code`, without
 * early exit, so the time taken does not depend on where (or whether) the code matched. The match nearest the
 * center wins; on a tie (only possible on a code collision) the earlier step wins.
 */
function findNearestStep(
  secret: Uint8Array,
  code: string,
  center: number,
  radius: number,
  algorithm: OtpAlgorithm,
  digits: number,
  hmac: HmacFunction | undefined,
): number | null {
  let best: number | null = null;
  let bestRank = Number.POSITIVE_INFINITY;
  for (let distance = -radius; distance <= radius; distance++) {
    const step = center + distance;
    if (step < 0) continue;
    const candidate = formatHotpValue(computeHotpValue(secret, BigInt(step), algorithm, hmac), digits);
    const rank = Math.abs(distance) * 2 + (distance > 0 ? 1 : 0);
    if (equalsInConstantTime(candidate, code) && rank < bestRank) {
      best = step;
      bestRank = rank;
    }
  }
  return best;
}

function checkTotp(options: TotpCheck): {
  code: string;
  current: number;
  algorithm: OtpAlgorithm;
  digits: number;
  period: number;
} {
  const { secret, time, period = DEFAULT_PERIOD, t0 = 0, algorithm = 'SHA1', digits = 6 } = options;
  assertSecret(secret);
  assertAlgorithm(algorithm);
  assertDigits(digits);
  assertPeriod(period);
  const code = normalizeCode(options.code);
  return { code, current: computeTotpStep(time, period, t0), algorithm, digits, period };
}

/**
 * Verifies a TOTP code within ±window steps of the (drift-corrected) current step, RFC 6238 §5.2 and §6.
 * Returns the matched step and its offset, or null for a wrong code; throws only for invalid parameters.
 * Replay protection (refusing a step already used) is the caller's job: it has the storage.
 */
export function verifyTotp(options: VerifyTotpOptions): TotpMatch | null {
  const { window = 1, driftSteps = 0 } = options;
  const { code, current, algorithm, digits } = checkTotp(options);
  assertIntegerInRange('window', window, 0, MAX_SEARCH_STEPS);
  assertIntegerInRange('driftSteps', driftSteps, -MAX_SEARCH_STEPS, MAX_SEARCH_STEPS);
  if (!isWellFormedCode(code, digits)) return null;
  const step = findNearestStep(
    options.secret,
    code,
    current + driftSteps,
    window,
    algorithm,
    digits,
    options.hmac,
  );
  return step === null ? null : { step, offset: step - current };
}

/**
 * Searches ±maxOffsetSteps around the current step for a code, to measure a device's clock skew (RFC 6238 §6
 * resynchronisation). Returns the match nearest the current step (ties toward the past) or null. Use it only to
 * explain a failure ("your device clock is 3.5 minutes slow"), never to accept a code.
 */
export function findTotpOffset(options: FindTotpOffsetOptions): TotpMatch | null {
  const { code, current, algorithm, digits, period } = checkTotp(options);
  const maxOffsetSteps = options.maxOffsetSteps ?? Math.ceil(DEFAULT_SKEW_SEARCH_SECONDS / period);
  assertIntegerInRange('maxOffsetSteps', maxOffsetSteps, 0, MAX_SEARCH_STEPS);
  if (!isWellFormedCode(code, digits)) return null;
  const step = findNearestStep(
    options.secret,
    code,
    current,
    maxOffsetSteps,
    algorithm,
    digits,
    options.hmac,
  );
  return step === null ? null : { step, offset: step - current };
}

/**
 * Verifies an HOTP code against counters counter..counter+lookAhead, RFC 4226 §7.2 and §7.4. Returns the
 * matched counter (the server must then store matched + 1) or null; throws only for invalid parameters.
 */
export function verifyHotp(options: VerifyHotpOptions): bigint | null {
  const { secret, algorithm = 'SHA1', digits = 6, lookAhead = 0 } = options;
  assertSecret(secret);
  assertAlgorithm(algorithm);
  assertDigits(digits);
  assertIntegerInRange('lookAhead', lookAhead, 0, MAX_SEARCH_STEPS);
  const counter = normalizeCounter(options.counter);
  const code = normalizeCode(options.code);
  if (!isWellFormedCode(code, digits)) return null;
  let last = counter + BigInt(lookAhead);
  if (last > MAX_COUNTER) last = MAX_COUNTER;
  let match: bigint | null = null;
  for (let candidate = counter; candidate <= last; candidate++) {
    const expected = formatHotpValue(computeHotpValue(secret, candidate, algorithm, options.hmac), digits);
    if (equalsInConstantTime(expected, code) && match === null) match = candidate;
  }
  return match;
}
