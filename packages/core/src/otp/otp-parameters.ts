import { TwofoldError } from '../errors/index.js';
import { isOtpAlgorithm, OTP_ALGORITHMS, type OtpAlgorithm } from './otp-algorithm.js';

/** Fewest digits a code may have (RFC 4226 §5.3 requires at least 6). */
export const MIN_DIGITS = 6;
/** Most digits a code may have: a 31-bit truncated value has at most 10 decimal digits (Aegis's limit). */
export const MAX_DIGITS = 10;
/** Largest HOTP counter: the moving factor is an 8-byte unsigned integer (RFC 4226 §5.1). */
export const MAX_COUNTER = 2n ** 64n - 1n;
/**
 * Shortest secret accepted for an account: 80 bits (10 bytes, 16 base32 characters). RFC 4226 §4 asks for
 * 128 bits and recommends 160, but many sites still issue 80-bit secrets, so 80 is the floor.
 */
export const MIN_SECRET_BYTES = 10;

/** Renders a caller-supplied value for an error message: strings quoted, everything else as text. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return typeof value;
}

function fail(parameter: string, message: string): never {
  throw new TwofoldError('otp_parameters_invalid', message, { parameter });
}

/** Asserts a usable HMAC key: a non-empty Uint8Array (RFC 4226 §5.1 K). */
export function assertSecret(secret: unknown): asserts secret is Uint8Array {
  if (!(secret instanceof Uint8Array))
    fail('secret', `secret must be a Uint8Array, got ${describeValue(secret)}`);
  if (secret.length === 0) fail('secret', 'secret is empty');
}

/** Asserts a supported algorithm name (RFC 6238 §1.2). */
export function assertAlgorithm(algorithm: unknown): asserts algorithm is OtpAlgorithm {
  if (!isOtpAlgorithm(algorithm)) {
    fail(
      'algorithm',
      `algorithm must be one of ${OTP_ALGORITHMS.join(', ')}, got ${describeValue(algorithm)}`,
    );
  }
}

/** Asserts a digit count from 6 to 10 (RFC 4226 §5.3 Digit). */
export function assertDigits(digits: unknown): asserts digits is number {
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < MIN_DIGITS || digits > MAX_DIGITS) {
    fail(
      'digits',
      `digits must be an integer from ${MIN_DIGITS} to ${MAX_DIGITS}, got ${describeValue(digits)}`,
    );
  }
}

/** Asserts a time step X: a positive whole number of seconds (RFC 6238 §4.1). */
export function assertPeriod(period: unknown): asserts period is number {
  if (typeof period !== 'number' || !Number.isSafeInteger(period) || period < 1) {
    fail('period', `period must be a positive integer number of seconds, got ${describeValue(period)}`);
  }
}

/** Asserts a finite number of seconds (Unix time or T0 of RFC 6238 §4.1). */
export function assertSeconds(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(name, `${name} must be a finite number of seconds, got ${describeValue(value)}`);
  }
}

/** Asserts a safe integer within [min, max] (window sizes, drift, batch sizes). */
export function assertIntegerInRange(
  name: string,
  value: unknown,
  min: number,
  max: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(name, `${name} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
}

/**
 * Normalises an RFC 4226 §5.1 counter C (8-byte unsigned) to a bigint. Numbers must be safe integers, so a
 * counter that lost precision in a double is refused rather than silently rounded.
 */
export function normalizeCounter(counter: unknown, name = 'counter'): bigint {
  if (typeof counter === 'number') {
    if (!Number.isSafeInteger(counter) || counter < 0) {
      fail(
        name,
        `${name} must be a non-negative safe integer (use a bigint above 2^53), got ${describeValue(counter)}`,
      );
    }
    return BigInt(counter);
  }
  if (typeof counter === 'bigint') {
    if (counter < 0n || counter > MAX_COUNTER) {
      fail(name, `${name} must be from 0 to ${MAX_COUNTER} (8 bytes unsigned), got ${counter}`);
    }
    return counter;
  }
  return fail(name, `${name} must be a bigint or a number, got ${describeValue(counter)}`);
}
