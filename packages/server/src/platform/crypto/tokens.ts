/**
 * Random tokens (API keys, setup links, session tokens), their storage hashes, constant-time
 * comparison and numeric one-time codes.
 */
import { createHash, randomBytes as nodeRandomBytes, timingSafeEqual } from 'node:crypto';
import type { RandomBytes } from './keyring.js';

/** Below 128 bits a fast hash of the token would no longer be safe to store (see hashToken). */
export const MIN_TOKEN_BYTES = 16;

/**
 * A CSPRNG token: `prefix` followed by `bytes` random bytes in base64url (43 characters for the
 * default 32 bytes). The prefix is taken as is, e.g. `generateToken('tfk_')` for API keys.
 */
export function generateToken(prefix = '', bytes = 32, random: RandomBytes = nodeRandomBytes): string {
  if (!Number.isInteger(bytes) || bytes < MIN_TOKEN_BYTES) {
    throw new RangeError(`tokens need at least ${MIN_TOKEN_BYTES} random bytes, got ${bytes}`);
  }
  const data = random(bytes);
  if (data.length !== bytes) throw new RangeError('random source returned the wrong number of bytes');
  return `${prefix}${Buffer.from(data).toString('base64url')}`;
}

/**
 * The value to store for a token: SHA-256, hex. A fast hash is right here, unlike for passwords:
 * tokens carry at least 128 random bits, so there is nothing to guess from the hash, and a slow
 * hash would only make every authenticated request slow. Low-entropy secrets (passwords, and
 * short codes when an attacker may read the database) need the password hasher instead.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Compares two strings in time independent of where they differ. Both sides are hashed first so
 * the comparison is always over 32 equal-length digests and their lengths do not leak either.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}

/**
 * A uniformly random string of `digits` decimal digits (leading zeros kept), for codes sent by
 * SMS or email. Each digit comes from one random byte by rejection sampling: bytes 250-255 are
 * discarded, because 256 is not a multiple of 10 and `byte % 10` would favour 0-5.
 */
export function generateNumericCode(digits: number, random: RandomBytes = nodeRandomBytes): string {
  if (!Number.isInteger(digits) || digits < 1 || digits > 64) {
    throw new RangeError(`a numeric code has 1 to 64 digits, got ${digits}`);
  }
  let code = '';
  while (code.length < digits) {
    // A few spare bytes per batch make a second draw rare (each byte is rejected with p = 6/256).
    for (const byte of random(digits - code.length + 4)) {
      if (byte >= 250) continue;
      code += String(byte % 10);
      if (code.length === digits) break;
    }
  }
  return code;
}
