/**
 * Seals secrets at rest (TOTP secrets, SMTP passwords, ...) with AES-256-GCM.
 *
 * Format: `tf1.<kid>.<base64url(nonce || ciphertext || tag)>`, where `kid` is the 8-hex key id
 * (see keyring.ts), the nonce is 12 random bytes per seal and the tag is 16 bytes. The header
 * `tf1.<kid>.` is authenticated together with the caller's associated data, so neither the
 * version nor the key id can be swapped without the value failing to open.
 *
 * Callers should pass associated data naming the value's place, for example
 * `method:<id>:secret`: a sealed value copied into another row (or column) then fails to open
 * instead of silently becoming that row's secret. Opening must pass the same string.
 *
 * Random 96-bit nonces are safe for about 2^32 seals per key (NIST SP 800-38D); rotate long
 * before that, which for an MFA server means "rotate whenever you like".
 */
import { createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes } from 'node:crypto';
import { TwofoldError } from '@twofold/core';
import type { Keyring, RandomBytes } from './keyring.js';

export const SEALED_VALUE_PREFIX = 'tf1';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_FORMAT = /^tf1\.([0-9a-f]{8})\.([A-Za-z0-9_-]+)$/;

export interface Sealer {
  /** Encrypts with the current key; `aad` binds the value to its place (pass it). */
  seal(plaintext: Uint8Array | string, aad?: string): string;
  /**
   * Decrypts a sealed value. Throws `secret_key_missing` when its key id is not in the keyring,
   * `sealed_value_invalid` when it is malformed, tampered with, or `aad` differs.
   */
  open(sealed: string, aad?: string): Uint8Array;
  /** `open`, decoded as UTF-8. */
  openString(sealed: string, aad?: string): string;
  /** True when the value was sealed with a key other than the current one (rotation pending). */
  needsReseal(sealed: string): boolean;
  /** Opens and seals again with the current key (same `aad`). */
  reseal(sealed: string, aad?: string): string;
}

export interface SealerOptions {
  /** Nonce source; defaults to the CSPRNG. Only tests should pass this. */
  readonly randomBytes?: RandomBytes;
}

export function createSealer(keyring: Keyring, options: SealerOptions = {}): Sealer {
  const random = options.randomBytes ?? nodeRandomBytes;

  function seal(plaintext: Uint8Array | string, aad = ''): string {
    const kid = keyring.currentKeyId;
    const key = keyring.keyFor(kid)!;
    const nonce = random(NONCE_BYTES);
    if (nonce.length !== NONCE_BYTES)
      throw new RangeError('random source returned the wrong number of bytes');
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(kid, aad));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const body = Buffer.concat([nonce, cipher.update(data), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_VALUE_PREFIX}.${kid}.${body.toString('base64url')}`;
  }

  function open(sealed: string, aad = ''): Uint8Array {
    const { kid, body } = parseSealed(sealed);
    const key = keyring.keyFor(kid);
    if (!key) {
      throw new TwofoldError(
        'secret_key_missing',
        `sealed value uses key ${kid}, which this instance does not have (keys: ${keyring.keyIds.join(', ')}); ` +
          'add it back to TWOFOLD_SECRET_KEY or the secret-keys file',
        { keyId: kid },
      );
    }
    const nonce = body.subarray(0, NONCE_BYTES);
    const tag = body.subarray(body.length - TAG_BYTES);
    const ciphertext = body.subarray(NONCE_BYTES, body.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(kid, aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new TwofoldError(
        'sealed_value_invalid',
        `sealed value (key ${kid}) failed authentication: tampered, corrupted, or opened with the wrong associated data`,
        { keyId: kid },
      );
    }
  }

  return {
    seal,
    open,
    openString: (sealed, aad) => Buffer.from(open(sealed, aad)).toString('utf8'),
    needsReseal: (sealed) => keyIdOf(sealed) !== keyring.currentKeyId,
    reseal: (sealed, aad) => seal(open(sealed, aad), aad),
  };
}

/** The key id a sealed value names. Throws `sealed_value_invalid` when it is not a sealed value. */
export function keyIdOf(sealed: string): string {
  return parseSealed(sealed).kid;
}

/** Cheap format check (does not authenticate): looks like `tf1.<kid>.<data>`. */
export function isSealedValue(value: string): boolean {
  try {
    parseSealed(value);
    return true;
  } catch {
    return false;
  }
}

function parseSealed(sealed: string): { kid: string; body: Buffer } {
  const match = SEALED_FORMAT.exec(sealed);
  const body = match ? Buffer.from(match[2]!, 'base64url') : undefined;
  // Re-encoding must give the same text: base64 decoders ignore stray trailing bits, and a sealed
  // value with two spellings would make tampering with its last character go unnoticed.
  if (!match || !body || body.length < NONCE_BYTES + TAG_BYTES || body.toString('base64url') !== match[2]) {
    throw new TwofoldError(
      'sealed_value_invalid',
      'not a sealed value (expected tf1.<key id>.<base64url data>)',
    );
  }
  return { kid: match[1]!, body };
}

function associatedData(kid: string, aad: string): Buffer {
  // The header has a fixed shape, so header + aad cannot be read two ways.
  return Buffer.from(`${SEALED_VALUE_PREFIX}.${kid}.${aad}`, 'utf8');
}
