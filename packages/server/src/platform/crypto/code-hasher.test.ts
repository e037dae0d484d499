import { describe, expect, it } from 'vitest';
import { createCodeHasher } from './code-hasher.js';
import { createKeyring } from './keyring.js';

const keyA = new Uint8Array(32).fill(1);
const keyB = new Uint8Array(32).fill(2);

describe('code hasher', () => {
  it('verifies the code it hashed, in its context, and nothing else', () => {
    const hasher = createCodeHasher(createKeyring([keyA]));
    const stored = hasher.hash('123456', 'challenge-1');
    expect(stored).toMatch(/^h1\.[0-9a-f]{8}\.[0-9a-f]{64}$/);
    expect(stored).not.toContain('123456');
    expect(hasher.verify(stored, '123456', 'challenge-1')).toBe(true);
    expect(hasher.verify(stored, '123457', 'challenge-1')).toBe(false);
    expect(hasher.verify(stored, '123456', 'challenge-2')).toBe(false);
    expect(hasher.verify('nonsense', '123456', 'challenge-1')).toBe(false);
  });

  it('is keyed: the same code hashes differently under another key, and the key id is kept for rotation', () => {
    const old = createCodeHasher(createKeyring([keyA]));
    const stored = old.hash('123456', 'c');
    expect(createCodeHasher(createKeyring([keyB])).verify(stored, '123456', 'c')).toBe(false);
    // After a rotation (new key first, old key kept), a code sent before still checks.
    expect(createCodeHasher(createKeyring([keyB, keyA])).verify(stored, '123456', 'c')).toBe(true);
  });
});
