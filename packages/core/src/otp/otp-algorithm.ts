import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';

/**
 * HMAC hash functions an OTP account may use. RFC 4226 defines SHA1, RFC 6238 adds SHA256 and SHA512;
 * SHA224 and SHA384 are accepted because FreeOTP and 2FAS issue them.
 */
export type OtpAlgorithm = 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512';

export const OTP_ALGORITHMS: readonly OtpAlgorithm[] = ['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512'];

const HASHES = { SHA1: sha1, SHA224: sha224, SHA256: sha256, SHA384: sha384, SHA512: sha512 } as const;

/** True when `value` names a supported algorithm exactly (RFC 6238 §1.2 HMAC-SHA-1/256/512, plus 224/384). */
export function isOtpAlgorithm(value: unknown): value is OtpAlgorithm {
  return typeof value === 'string' && Object.hasOwn(HASHES, value);
}

/**
 * Reads an algorithm name leniently (RFC 6238 §1.2 names): case-insensitive, '-' and '_' ignored, so
 * 'sha256', 'SHA-256' and 'Sha_256' all give 'SHA256'. Returns undefined for anything else.
 */
export function parseOtpAlgorithm(text: string): OtpAlgorithm | undefined {
  const normalized = text.trim().toUpperCase().replace(/[-_]/g, '');
  return isOtpAlgorithm(normalized) ? normalized : undefined;
}

/**
 * An HMAC (RFC 2104) of `message` under `key` with the named hash. Core's own (`computeHmac`) is pure
 * JavaScript, so it runs in browsers; a server may pass its platform's (node:crypto is several times
 * faster) wherever a check takes `hmac`.
 */
export type HmacFunction = (algorithm: OtpAlgorithm, key: Uint8Array, message: Uint8Array) => Uint8Array;

/** Computes HMAC-<algorithm>(key, message) (RFC 2104), the first step of RFC 4226 §5.3. */
export function computeHmac(algorithm: OtpAlgorithm, key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(HASHES[algorithm], key, message);
}
