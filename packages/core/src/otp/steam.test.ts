import { describe, expect, it } from 'vitest';
import { decodeBase32 } from './base32.js';
import { generateSteamCode, STEAM_ALPHABET } from './steam.js';

// Captured from the real Steam app (KeePassXC tests/TestTotp.cpp), recomputed in the reference notes.
const SECRET = decodeBase32('63BEDWCQZKTQWPESARIERL5DTTQFCJTK');

describe('Steam Guard codes', () => {
  it.each([
    [1511200518, 'FR8RV'],
    [1511200714, '9P3VP'],
  ])('time %i -> %s', (time, code) => {
    expect(generateSteamCode(SECRET, time)).toBe(code);
  });

  it('stays the same within a 30 s step', () => {
    const start = Math.floor(1511200518 / 30) * 30;
    expect(generateSteamCode(SECRET, start)).toBe('FR8RV');
    expect(generateSteamCode(SECRET, start + 29.9)).toBe('FR8RV');
    expect(generateSteamCode(SECRET, start + 30)).not.toBe('FR8RV');
  });

  it('always gives 5 characters of the Steam alphabet', () => {
    for (let time = 0; time < 3000 * 30; time += 30) {
      expect(generateSteamCode(SECRET, time)).toMatch(new RegExp(`^[${STEAM_ALPHABET}]{5}$`));
    }
  });

  it('rejects an empty secret and bad time', () => {
    expect(() => generateSteamCode(new Uint8Array(0), 0)).toThrow('secret is empty');
    expect(() => generateSteamCode(SECRET, Number.NaN)).toThrow(
      'time must be a finite number of seconds, got NaN',
    );
  });
});
