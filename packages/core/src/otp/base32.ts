import { TwofoldError } from '../errors/index.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export interface DecodeBase32Options {
  /** What the text is, for error messages ("secret: character '1' at position 5 ..."). Default 'secret'. */
  name?: string;
}

export interface EncodeBase32Options {
  /** Append '=' up to a multiple of 8 characters (RFC 4648 §6). Default false: otpauth URIs omit it. */
  padding?: boolean;
}

/** Lengths modulo 8 that a whole number of bytes can produce (RFC 4648 §6: 8, 2, 4, 5, 7 characters). */
const VALID_REMAINDERS = new Set([0, 2, 4, 5, 7]);

function describeCharacter(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  if (codePoint >= 0x21 && codePoint <= 0x7e) return `'${character}'`;
  return /\p{L}|\p{N}|\p{P}|\p{S}/u.test(character) ? `'${character}' (${hex})` : hex;
}

function readBase32Digit(codePoint: number): number {
  if (codePoint >= 0x41 && codePoint <= 0x5a) return codePoint - 0x41; // A-Z
  if (codePoint >= 0x61 && codePoint <= 0x7a) return codePoint - 0x61; // a-z
  if (codePoint >= 0x32 && codePoint <= 0x37) return codePoint - 0x32 + 26; // 2-7
  return -1;
}

/**
 * Decodes base32 (RFC 4648 §6) leniently, as authenticator apps do: case-insensitive; white-space and '-'
 * ignored (grouped secrets such as "jbsw y3dp" or "JBSW-Y3DP"); trailing '=' padding optional and its count
 * not checked; non-zero bits after the last byte ignored (RFC 4648 §3.5 allows either). '+' is NOT accepted
 * here: it only appears in secrets inside otpauth URIs, where the URI parser already reads it as a space.
 * Throws `base32_invalid` naming the first offending character and its 1-based position.
 */
export function decodeBase32(text: string, options: DecodeBase32Options = {}): Uint8Array {
  const name = options.name ?? 'secret';
  if (typeof text !== 'string') {
    throw new TwofoldError('base32_invalid', `${name}: expected base32 text, got ${typeof text}`);
  }
  const values: number[] = [];
  let position = 0;
  let paddingAt = 0;
  for (const character of text) {
    position += 1;
    if (character === '-' || /\s/u.test(character)) continue;
    if (character === '=') {
      if (paddingAt === 0) paddingAt = position;
      continue;
    }
    const value = readBase32Digit(character.codePointAt(0) ?? 0);
    if (value < 0) {
      throw new TwofoldError(
        'base32_invalid',
        `${name}: character ${describeCharacter(character)} at position ${position} is not base32 (A-Z, 2-7)`,
        { position },
      );
    }
    if (paddingAt !== 0) {
      throw new TwofoldError(
        'base32_invalid',
        `${name}: padding '=' at position ${paddingAt} is followed by more data at position ${position}`,
        { position },
      );
    }
    values.push(value);
  }
  if (!VALID_REMAINDERS.has(values.length % 8)) {
    throw new TwofoldError(
      'base32_invalid',
      `${name}: ${values.length} base32 characters do not make whole bytes (after each group of 8 only 0, 2, 4, 5 ` +
        'or 7 may remain); a character is probably missing or extra',
      { length: values.length },
    );
  }
  const bytes = new Uint8Array(Math.floor((values.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const value of values) {
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}

/** Encodes bytes as upper-case base32 (RFC 4648 §6), without '=' padding unless `padding: true`. */
export function encodeBase32(bytes: Uint8Array, options: EncodeBase32Options = {}): string {
  let output = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      output += ALPHABET[(buffer >> bits) & 0x1f];
    }
  }
  if (bits > 0) output += ALPHABET[(buffer << (5 - bits)) & 0x1f];
  if (options.padding === true) output += '='.repeat((8 - (output.length % 8)) % 8);
  return output;
}
