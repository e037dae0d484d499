import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, generateNumericCode, generateToken, hashToken } from './tokens.js';

describe('generateToken', () => {
  it('is the prefix then base64url of 32 random bytes by default', () => {
    const token = generateToken('tfk_');
    expect(token).toMatch(/^tfk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(generateToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken('', 16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateToken()));
    expect(tokens.size).toBe(1000);
  });

  it('uses the injected random source', () => {
    expect(generateToken('x_', 16, (n) => new Uint8Array(n))).toBe(`x_${'A'.repeat(22)}`);
  });

  it('refuses fewer than 16 bytes', () => {
    expect(() => generateToken('', 8)).toThrow(RangeError);
    expect(() => generateToken('', 20.5)).toThrow(RangeError);
  });
});

describe('hashToken', () => {
  it('is SHA-256 in hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('tfk_x')).toBe(createHash('sha256').update('tfk_x').digest('hex'));
  });
});

describe('constantTimeEqual', () => {
  it('compares strings of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
  });
});

describe('generateNumericCode', () => {
  it('returns exactly the requested digits, leading zeros kept', () => {
    for (const digits of [1, 6, 8, 20])
      expect(generateNumericCode(digits)).toMatch(new RegExp(`^\\d{${digits}}$`));
    expect(generateNumericCode(6, (n) => new Uint8Array(n))).toBe('000000');
  });

  it('rejects the bytes that would bias the result', () => {
    // 250-255 must be skipped; 249 -> 9, 10 -> 0, 255 skipped, 3 -> 3 ...
    const feed = [250, 251, 252, 253, 254, 255, 249, 10, 255, 3, 123, 7, 99, 0, 0, 0, 0, 0];
    let offset = 0;
    const random = (n: number) => {
      const out = Uint8Array.from(feed.slice(offset, offset + n));
      offset += n;
      return out;
    };
    expect(generateNumericCode(6, random)).toBe('903379');
  });

  it('refuses impossible lengths', () => {
    expect(() => generateNumericCode(0)).toThrow(RangeError);
    expect(() => generateNumericCode(1.5)).toThrow(RangeError);
  });

  it('is roughly uniform over 10,000 draws, leading digit included', () => {
    const draws = 10_000;
    const leading = new Array<number>(10).fill(0);
    const all = new Array<number>(10).fill(0);
    for (let i = 0; i < draws; i += 1) {
      const code = generateNumericCode(6);
      leading[Number(code[0])]! += 1;
      for (const ch of code) all[Number(ch)]! += 1;
    }
    // Expected 1,000 per leading digit (sd about 30); modulo bias would push 0-5 up by ~2%,
    // a broken generator much further. The bounds are loose to stay free of flakiness.
    for (const count of leading) {
      expect(count).toBeGreaterThan(850);
      expect(count).toBeLessThan(1150);
    }
    // Chi-square over all 60,000 digits, 9 degrees of freedom: p < 1e-6 above 45.
    const expected = (draws * 6) / 10;
    const chiSquare = all.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(45);
  });
});
