import { computeHmac, type HmacFunction, type OtpAlgorithm } from './otp-algorithm.js';
import { assertAlgorithm, assertDigits, assertSecret, normalizeCounter } from './otp-parameters.js';

export interface GenerateHotpOptions {
  /** The shared secret K, raw bytes (decode base32 first). */
  secret: Uint8Array;
  /** The moving factor C, 0 to 2^64-1; a bigint above 2^53. */
  counter: bigint | number;
  /** HMAC hash. Default 'SHA1' (RFC 4226). */
  algorithm?: OtpAlgorithm;
  /** Code length, 6 to 10. Default 6. */
  digits?: number;
}

/**
 * Computes the 31-bit value of RFC 4226 §5.3 steps 1-2: HMAC over the 8-byte big-endian counter, then dynamic
 * truncation (§5.4). Parameters must already be valid; Steam codes and HOTP/TOTP digits are derived from it.
 * `hmac` computes the HMAC (default: core's own, pure JavaScript).
 */
export function computeHotpValue(
  secret: Uint8Array,
  counter: bigint,
  algorithm: OtpAlgorithm,
  hmac: HmacFunction = computeHmac,
): number {
  const message = new Uint8Array(8);
  // setBigUint64 writes all 64 bits; setUint32 alone would drop counters beyond 2^32 (RFC 6238 T > 2^32).
  new DataView(message.buffer).setBigUint64(0, counter, false);
  const mac = hmac(algorithm, secret, message);
  const offset = mac[mac.length - 1]! & 0x0f;
  return (
    ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!
  );
}

/**
 * Renders a truncated value as a code of `digits` digits (RFC 4226 §5.3 step 3), keeping leading zeros. The value
 * is below 2^31, so for 10 digits the modulo is the value itself and doubles compute it exactly.
 */
export function formatHotpValue(value: number, digits: number): string {
  return (value % 10 ** digits).toString().padStart(digits, '0');
}

/** Generates an HOTP code, RFC 4226 §5.3 (HOTP(K, C) = Truncate(HMAC(K, C)) mod 10^Digit). */
export function generateHotp(options: GenerateHotpOptions): string {
  const { secret, algorithm = 'SHA1', digits = 6 } = options;
  assertSecret(secret);
  assertAlgorithm(algorithm);
  assertDigits(digits);
  const counter = normalizeCounter(options.counter);
  return formatHotpValue(computeHotpValue(secret, counter, algorithm), digits);
}
