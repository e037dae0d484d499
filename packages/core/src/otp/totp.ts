import { TwofoldError } from '../errors/index.js';
import { computeHotpValue, formatHotpValue } from './hotp.js';
import type { OtpAlgorithm } from './otp-algorithm.js';
import {
  assertAlgorithm,
  assertDigits,
  assertPeriod,
  assertSeconds,
  assertSecret,
} from './otp-parameters.js';

/** The time step every authenticator defaults to (RFC 6238 §5.2 recommends 30 seconds). */
export const DEFAULT_PERIOD = 30;

export interface GenerateTotpOptions {
  /** The shared secret K, raw bytes. */
  secret: Uint8Array;
  /** Current Unix time in seconds (fractions allowed). Injected: core never reads the clock. */
  time: number;
  /** Time step X in seconds, any positive integer. Default 30. */
  period?: number;
  /** Unix time T0 at which counting starts. Default 0. */
  t0?: number;
  /** HMAC hash. Default 'SHA1'. */
  algorithm?: OtpAlgorithm;
  /** Code length, 6 to 10. Default 6. */
  digits?: number;
}

/** Computes the time step T = floor((time - T0) / X), RFC 6238 §4.2. */
export function computeTotpStep(time: number, period = DEFAULT_PERIOD, t0 = 0): number {
  assertSeconds('time', time);
  assertSeconds('t0', t0);
  assertPeriod(period);
  if (time < t0) {
    throw new TwofoldError('otp_parameters_invalid', `time ${time} is before t0 ${t0}`, {
      parameter: 'time',
    });
  }
  const step = Math.floor((time - t0) / period);
  if (!Number.isSafeInteger(step)) {
    throw new TwofoldError('otp_parameters_invalid', `time ${time} is too far in the future`, {
      parameter: 'time',
    });
  }
  return step;
}

/** Generates a TOTP code, RFC 6238 §4.2 (TOTP = HOTP(K, T) with a 64-bit T). */
export function generateTotp(options: GenerateTotpOptions): string {
  const { secret, time, period = DEFAULT_PERIOD, t0 = 0, algorithm = 'SHA1', digits = 6 } = options;
  assertSecret(secret);
  assertAlgorithm(algorithm);
  assertDigits(digits);
  const step = computeTotpStep(time, period, t0);
  return formatHotpValue(computeHotpValue(secret, BigInt(step), algorithm), digits);
}
