import { TwofoldError } from '../errors/index.js';
import type { OtpAlgorithm } from './otp-algorithm.js';
import {
  assertAlgorithm,
  assertDigits,
  assertPeriod,
  describeValue,
  MIN_SECRET_BYTES,
  normalizeCounter,
} from './otp-parameters.js';
import { STEAM_DIGITS, STEAM_PERIOD } from './steam.js';

export type OtpType = 'totp' | 'hotp' | 'steam';

export const OTP_TYPES: readonly OtpType[] = ['totp', 'hotp', 'steam'];

/** One authenticator entry, as read from an otpauth URI, a Google migration export or a vault. */
export interface OtpAccount {
  type: OtpType;
  /** Service name ("Example"); absent when neither the label prefix nor the issuer parameter gave one. */
  issuer?: string;
  /** Account at the service ("alice@example.com"); may be empty. */
  accountName: string;
  /** Raw secret bytes (at least MIN_SECRET_BYTES). */
  secret: Uint8Array;
  /** Always 'SHA1' for steam. */
  algorithm: OtpAlgorithm;
  /** 6 to 10 for totp/hotp; always 5 (characters) for steam. */
  digits: number;
  /** Seconds per step; set for totp and steam (always 30), absent for hotp. */
  period?: number;
  /** Next HOTP counter; set for hotp only. */
  counter?: bigint;
  /** Unknown otpauth parameters kept for round-trips (`image`, `color`, `twofold_push`, ...). */
  extra: Record<string, string>;
}

/** otpauth parameters with a meaning of their own; an `extra` entry may not reuse one of these names. */
export const RESERVED_OTPAUTH_PARAMETERS: readonly string[] = [
  'secret',
  'issuer',
  'algorithm',
  'digits',
  'period',
  'counter',
];

/**
 * Returns why a secret is too short to accept, or null if it is long enough. Rule: at least 80 bits (10 bytes,
 * 16 base32 characters). RFC 4226 §4 asks for 128 bits, but many sites issue 80-bit secrets.
 */
export function checkSecretLength(secret: Uint8Array, minBytes: number = MIN_SECRET_BYTES): string | null {
  if (secret.length >= minBytes && secret.length > 0) return null;
  if (secret.length === 0) return 'secret is empty';
  return (
    `secret is ${secret.length * 8} bits (${secret.length} bytes); at least ${minBytes * 8} bits ` +
    `(${minBytes} bytes${minBytes === MIN_SECRET_BYTES ? ', 16 base32 characters' : ''}) are required`
  );
}

/**
 * How strict validation is. Enrolment and new accounts keep MIN_SECRET_BYTES; a vault takes what real apps
 * hold (an import of a shorter secret is kept, with a warning), so it passes ACCEPTED_SECRET_BYTES.
 */
export interface OtpValidationOptions {
  minSecretBytes?: number;
}

/** Shortest secret a vault keeps (imported from another app, with a warning): any non-empty key. */
export const ACCEPTED_SECRET_BYTES = 1;

function fail(parameter: string, message: string): never {
  throw new TwofoldError('otp_parameters_invalid', message, { parameter });
}

/**
 * Checks that an account is complete and consistent (RFC 4226 §5.1/§5.3, RFC 6238 §4 parameters; Steam fixed
 * at SHA1/5/30): throws `otp_parameters_invalid` naming the first bad field.
 */
export function validateOtpAccount(account: OtpAccount, options: OtpValidationOptions = {}): void {
  if (typeof account !== 'object' || account === null) fail('account', 'account must be an object');
  const { type, issuer, accountName, secret, algorithm, digits, period, counter, extra } = account;
  if (!(OTP_TYPES as readonly unknown[]).includes(type)) {
    fail('type', `type must be totp, hotp or steam, got ${describeValue(type)}`);
  }
  if (issuer !== undefined && typeof issuer !== 'string') {
    fail('issuer', `issuer must be a string, got ${describeValue(issuer)}`);
  }
  if (typeof accountName !== 'string') {
    fail('accountName', `accountName must be a string, got ${describeValue(accountName)}`);
  }
  if (!(secret instanceof Uint8Array))
    fail('secret', `secret must be a Uint8Array, got ${describeValue(secret)}`);
  const secretProblem = checkSecretLength(secret, options.minSecretBytes);
  if (secretProblem !== null) fail('secret', secretProblem);
  assertAlgorithm(algorithm);
  if (type === 'steam') {
    if (algorithm !== 'SHA1') fail('algorithm', `steam accounts use SHA1, got '${algorithm}'`);
    if (digits !== STEAM_DIGITS)
      fail('digits', `steam accounts have ${STEAM_DIGITS} digits, got ${describeValue(digits)}`);
    if (period !== STEAM_PERIOD)
      fail('period', `steam accounts have period ${STEAM_PERIOD}, got ${describeValue(period)}`);
  } else {
    assertDigits(digits);
  }
  if (type === 'hotp') {
    if (counter === undefined) fail('counter', 'hotp accounts need a counter');
    normalizeCounter(counter);
    if (period !== undefined) fail('period', 'hotp accounts have no period');
  } else {
    if (type === 'totp') assertPeriod(period);
    if (counter !== undefined) fail('counter', `${type} accounts have no counter`);
  }
  if (typeof extra !== 'object' || extra === null) fail('extra', 'extra must be an object of strings');
  for (const [key, value] of Object.entries(extra)) {
    if (typeof value !== 'string')
      fail('extra', `extra parameter '${key}' must be a string, got ${describeValue(value)}`);
    const lower = key.toLowerCase();
    if (key === '' || RESERVED_OTPAUTH_PARAMETERS.includes(lower)) {
      fail('extra', `extra parameter '${key}' clashes with a standard otpauth parameter`);
    }
    if (lower === 'encoder' && (type === 'steam' || value.trim().toLowerCase() === 'steam')) {
      fail('extra', `extra parameter '${key}=${value}' clashes with the steam type`);
    }
  }
}
