import { TwofoldError } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { createKeyring, deriveKeyId } from './keyring.js';
import { createSealer, isSealedValue, keyIdOf } from './sealer.js';

const oldKey = new Uint8Array(32).fill(1);
const newKey = new Uint8Array(32).fill(2);
const otherKey = new Uint8Array(32).fill(3);

function errorOf(fn: () => unknown): TwofoldError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TwofoldError) return error;
    throw error;
  }
  throw new Error('expected a TwofoldError');
}

/** Flips one bit of the decoded body at `index` (negative counts from the end). */
function tamperBody(sealed: string, index: number): string {
  const [prefix, kid, data] = sealed.split('.') as [string, string, string];
  const body = Buffer.from(data, 'base64url');
  const at = index < 0 ? body.length + index : index;
  body[at] = body[at]! ^ 0x01;
  return `${prefix}.${kid}.${body.toString('base64url')}`;
}

describe('createSealer', () => {
  const sealer = createSealer(createKeyring([oldKey]));

  it('round-trips bytes and strings, with and without associated data', () => {
    const bytes = Uint8Array.from([0, 1, 2, 255]);
    expect(sealer.open(sealer.seal(bytes))).toEqual(Buffer.from(bytes));
    expect(sealer.openString(sealer.seal('JBSWY3DPEHPK3PXP ✓', 'method:m1:secret'), 'method:m1:secret')).toBe(
      'JBSWY3DPEHPK3PXP ✓',
    );
    expect(sealer.openString(sealer.seal(''))).toBe('');
  });

  it('produces tf1.<kid>.<base64url> with a 12-byte nonce and a 16-byte tag', () => {
    const sealed = sealer.seal('abc');
    expect(sealed).toMatch(/^tf1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
    const [, kid, data] = sealed.split('.');
    expect(kid).toBe(deriveKeyId(oldKey));
    expect(Buffer.from(data!, 'base64url')).toHaveLength(12 + 3 + 16);
    expect(keyIdOf(sealed)).toBe(deriveKeyId(oldKey));
    expect(isSealedValue(sealed)).toBe(true);
    expect(isSealedValue('JBSWY3DPEHPK3PXP')).toBe(false);
  });

  it('uses a fresh nonce for every seal', () => {
    const a = sealer.seal('same plaintext');
    const b = sealer.seal('same plaintext');
    expect(a).not.toBe(b);
    const nonce = (s: string) => Buffer.from(s.split('.')[2]!, 'base64url').subarray(0, 12).toString('hex');
    expect(nonce(a)).not.toBe(nonce(b));
  });

  it('refuses a tampered nonce, ciphertext or tag', () => {
    const sealed = sealer.seal('totp secret', 'method:m1:secret');
    for (const index of [0, 11, 12, 22, -16, -1]) {
      const error = errorOf(() => sealer.open(tamperBody(sealed, index), 'method:m1:secret'));
      expect(error.code).toBe('sealed_value_invalid');
    }
  });

  it('refuses a value whose key id was swapped for another known key', () => {
    const ring = createSealer(createKeyring([newKey, oldKey]));
    const sealed = ring.seal('x', 'a');
    const swapped = sealed.replace(deriveKeyId(newKey), deriveKeyId(oldKey));
    expect(errorOf(() => ring.open(swapped, 'a')).code).toBe('sealed_value_invalid');
  });

  it('refuses truncated, re-spelled or foreign values', () => {
    const sealed = sealer.seal('abc');
    const [prefix, kid, data] = sealed.split('.') as [string, string, string];
    const cases = [
      sealed.slice(0, -4),
      `tf2.${kid}.${data}`,
      `${prefix}.${kid.toUpperCase()}.${data}`,
      `${prefix}.${kid}.${Buffer.from(data, 'base64url').toString('base64')}`,
      `${prefix}.${kid}.${data}=`,
      `${prefix}.${kid}.${Buffer.alloc(27).toString('base64url')}`,
      '',
      'plain text',
    ];
    for (const value of cases) expect(errorOf(() => sealer.open(value)).code).toBe('sealed_value_invalid');
  });

  it('refuses non-canonical base64url that would decode to the same bytes', () => {
    // 31 body bytes encode to 42 characters; the last one carries 4 unused bits.
    const sealed = sealer.seal('abc');
    const last = sealed.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 0x01]!;
    const respelled = sealed.slice(0, -1) + sibling;
    expect(Buffer.from(respelled.split('.')[2]!, 'base64url')).toEqual(
      Buffer.from(sealed.split('.')[2]!, 'base64url'),
    );
    expect(errorOf(() => sealer.open(respelled)).code).toBe('sealed_value_invalid');
  });

  it('binds the value to its associated data', () => {
    const sealed = sealer.seal('secret', 'method:m1:secret');
    expect(errorOf(() => sealer.open(sealed, 'method:m2:secret')).code).toBe('sealed_value_invalid');
    expect(errorOf(() => sealer.open(sealed)).code).toBe('sealed_value_invalid');
    expect(errorOf(() => sealer.open(sealer.seal('secret'), 'method:m1:secret')).code).toBe(
      'sealed_value_invalid',
    );
  });

  it('names the missing key id when the keyring lacks it', () => {
    const sealed = createSealer(createKeyring([otherKey])).seal('x');
    const error = errorOf(() => sealer.open(sealed));
    expect(error.code).toBe('secret_key_missing');
    expect(error.message).toContain(deriveKeyId(otherKey));
    expect(error.details).toEqual({ keyId: deriveKeyId(otherKey) });
  });
});

describe('key rotation', () => {
  const before = createSealer(createKeyring([oldKey]));
  const after = createSealer(createKeyring([newKey, oldKey]));

  it('still opens values sealed with the old key after a new key is added', () => {
    const sealed = before.seal('kept', 'row:1');
    expect(after.openString(sealed, 'row:1')).toBe('kept');
  });

  it('seals new values with the newest key and flags old ones for resealing', () => {
    const old = before.seal('kept', 'row:1');
    const fresh = after.seal('new', 'row:2');
    expect(keyIdOf(fresh)).toBe(deriveKeyId(newKey));
    expect(after.needsReseal(old)).toBe(true);
    expect(after.needsReseal(fresh)).toBe(false);

    const resealed = after.reseal(old, 'row:1');
    expect(keyIdOf(resealed)).toBe(deriveKeyId(newKey));
    expect(after.openString(resealed, 'row:1')).toBe('kept');
    expect(errorOf(() => before.open(resealed, 'row:1')).code).toBe('secret_key_missing');
  });

  it('keyIdOf refuses a value that is not sealed', () => {
    expect(errorOf(() => keyIdOf('tf1.zz.abc')).code).toBe('sealed_value_invalid');
  });
});
