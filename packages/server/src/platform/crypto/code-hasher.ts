/**
 * Short codes sent by SMS or email (6 digits: a million values) are stored as an HMAC, not a plain
 * hash: with a plain hash, anyone who reads the database could try every code in milliseconds.
 * The HMAC key is derived (HKDF-SHA-256) from the secret key, whose id is kept with the value so
 * that a code sent just before a key rotation still checks. The context (the challenge id) binds a
 * value to its row.
 */
import { createHmac, hkdfSync, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring.js';

const FORMAT = /^h1\.([0-9a-f]{8})\.([0-9a-f]{64})$/;

export interface CodeHasher {
  /** `h1.<kid>.<hex>`: HMAC-SHA-256 of `<context>:<code>` under the current key. */
  hash(code: string, context: string): string;
  /** Constant-time; false for a malformed value or a key this instance does not have. */
  verify(stored: string, code: string, context: string): boolean;
}

export function createCodeHasher(keyring: Keyring): CodeHasher {
  const derived = new Map<string, Buffer>();

  function macKey(kid: string): Buffer | undefined {
    const cached = derived.get(kid);
    if (cached) return cached;
    const key: KeyObject | undefined = keyring.keyFor(kid);
    if (!key) return undefined;
    const bytes = Buffer.from(hkdfSync('sha256', key.export(), Buffer.alloc(0), 'twofold code-hash v1', 32));
    derived.set(kid, bytes);
    return bytes;
  }

  function mac(kid: string, code: string, context: string): Buffer | undefined {
    const key = macKey(kid);
    return key ? createHmac('sha256', key).update(`${context}:${code}`).digest() : undefined;
  }

  return {
    hash(code, context) {
      const kid = keyring.currentKeyId;
      return `h1.${kid}.${(mac(kid, code, context) as Buffer).toString('hex')}`;
    },
    verify(stored, code, context) {
      const match = FORMAT.exec(stored);
      if (!match) return false;
      const expected = mac(match[1] as string, code, context);
      if (!expected) return false;
      return timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'));
    },
  };
}
