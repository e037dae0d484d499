import { describe, expect, it } from 'vitest';
import { isTwofoldError } from '../errors/index.js';
import { decodeBase32, encodeBase32 } from './base32.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

function errorOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isTwofoldError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a TwofoldError');
}

describe('base32 known answers', () => {
  it('JBSWY3DPEHPK3PXP is "Hello!" + DEADBEEF (Google Key Uri Format example)', () => {
    expect(hex(decodeBase32('JBSWY3DPEHPK3PXP'))).toBe('48656c6c6f21deadbeef');
    expect(encodeBase32(Buffer.from('48656c6c6f21deadbeef', 'hex'))).toBe('JBSWY3DPEHPK3PXP');
  });

  // RFC 4648 §10 test vectors.
  it.each([
    ['', '', ''],
    ['f', 'MY======', 'MY'],
    ['fo', 'MZXQ====', 'MZXQ'],
    ['foo', 'MZXW6===', 'MZXW6'],
    ['foob', 'MZXW6YQ=', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======', 'MZXW6YTBOI'],
  ])('RFC 4648 §10: %j <-> %s', (text, padded, unpadded) => {
    expect(encodeBase32(ascii(text), { padding: true })).toBe(padded);
    expect(encodeBase32(ascii(text))).toBe(unpadded);
    expect(decodeBase32(padded)).toEqual(ascii(text));
    expect(decodeBase32(unpadded)).toEqual(ascii(text));
  });

  // RFC 6238 Appendix A seeds, as base32 in the reference notes.
  it.each([
    ['12345678901234567890', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'],
    ['12345678901234567890123456789012', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA===='],
    [
      '1234567890123456789012345678901234567890123456789012345678901234',
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA=',
    ],
  ])('RFC 6238 seed %s', (seed, base32) => {
    expect(decodeBase32(base32)).toEqual(ascii(seed));
    expect(encodeBase32(ascii(seed), { padding: true })).toBe(base32);
    expect(encodeBase32(ascii(seed))).toBe(base32.replace(/=+$/, ''));
  });

  it('round-trips every length from 0 to 70 bytes', () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 151 + length * 7) & 0xff);
      expect(decodeBase32(encodeBase32(bytes))).toEqual(bytes);
      expect(decodeBase32(encodeBase32(bytes, { padding: true }))).toEqual(bytes);
      expect(encodeBase32(bytes, { padding: true }).length % 8).toBe(0);
    }
  });
});

describe('base32 leniency (what authenticator apps accept)', () => {
  const expected = '48656c6c6f21deadbeef';
  it.each([
    ['lower case', 'jbswy3dpehpk3pxp'],
    ['mixed case', 'JbSwY3dPeHpK3pXp'],
    ['spaces', 'JBSW Y3DP EHPK 3PXP'],
    ['dashes', 'JBSW-Y3DP-EHPK-3PXP'],
    ['tabs and line breaks', 'JBSW\tY3DP\r\nEHPK 3PXP\n'],
    ['no-break space', 'JBSW\u00a0Y3DP EHPK 3PXP'],
    ['superfluous padding', 'JBSWY3DPEHPK3PXP===='],
    ['one stray pad', 'JBSWY3DPEHPK3PXP='],
  ])('%s: %j', (_name, text) => {
    expect(hex(decodeBase32(text))).toBe(expected);
  });

  it('accepts short or missing padding (KeePassXC writes HXDMVJECJJWSRBY=)', () => {
    expect(hex(decodeBase32('HXDMVJECJJWSRBY='))).toBe(hex(decodeBase32('HXDMVJECJJWSRBY')));
    expect(decodeBase32('HXDMVJECJJWSRBY=').length).toBe(9);
    expect(decodeBase32('MZXW6===')).toEqual(ascii('foo'));
    expect(decodeBase32('MZXW6=')).toEqual(ascii('foo'));
  });

  it('ignores non-zero bits after the last byte (RFC 4648 §3.5 allows it)', () => {
    expect(decodeBase32('MZ')).toEqual(ascii('f'));
    expect(decodeBase32('MY')).toEqual(ascii('f'));
  });
});

describe('base32 errors', () => {
  it.each([
    ['JBSW1Y3DPEHPK3PXP', "secret: character '1' at position 5 is not base32 (A-Z, 2-7)"],
    ['0BSWY3DPEHPK3PXP', "secret: character '0' at position 1 is not base32 (A-Z, 2-7)"],
    ['JBSWY3DPEHPK3PX8', "secret: character '8' at position 16 is not base32 (A-Z, 2-7)"],
    ['JBSW+Y3DP', "secret: character '+' at position 5 is not base32 (A-Z, 2-7)"],
    ['JBSW\u200bY3DP', 'secret: character U+200B at position 5 is not base32 (A-Z, 2-7)'],
    ['JBSWé', "secret: character 'é' (U+00E9) at position 5 is not base32 (A-Z, 2-7)"],
    ['MZXW6===MZXW6', "secret: padding '=' at position 6 is followed by more data at position 9"],
  ])('%j -> %s', (text, message) => {
    expect(errorOf(() => decodeBase32(text))).toEqual({ code: 'base32_invalid', message });
  });

  it.each([
    ['A', 1],
    ['ABC', 3],
    ['ABCDEF', 6],
    ['JBSWY3DPE', 9],
  ])('rejects %j: %d characters cannot make whole bytes', (text, count) => {
    const error = errorOf(() => decodeBase32(text));
    expect(error.code).toBe('base32_invalid');
    expect(error.message).toContain(`secret: ${count} base32 characters do not make whole bytes`);
  });

  it('names the field given in options', () => {
    expect(errorOf(() => decodeBase32('AB!D', { name: 'pin' })).message).toBe(
      "pin: character '!' at position 3 is not base32 (A-Z, 2-7)",
    );
  });

  it('rejects a non-string', () => {
    expect(errorOf(() => decodeBase32(42 as unknown as string)).message).toBe(
      'secret: expected base32 text, got number',
    );
  });

  it('decodes empty and white-space-only input to no bytes (callers enforce a minimum length)', () => {
    expect(decodeBase32('')).toEqual(new Uint8Array(0));
    expect(decodeBase32(' - ')).toEqual(new Uint8Array(0));
  });
});
