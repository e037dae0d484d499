import { computeHotpValue } from './hotp.js';
import { assertSecret } from './otp-parameters.js';
import { computeTotpStep } from './totp.js';

/** Steam Guard's 26 code characters (no vowels, no look-alikes such as 0/O or 1/I). */
export const STEAM_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';
/** Steam codes are 5 characters, from TOTP with SHA-1 and a 30 s step. */
export const STEAM_DIGITS = 5;
export const STEAM_PERIOD = 30;

/**
 * Generates a Steam Guard code: RFC 6238 §4.2 TOTP (SHA-1, 30 s) whose RFC 4226 §5.3 31-bit value is written
 * as 5 base-26 characters, least significant first (vendor format, no RFC; as Aegis and KeePassXC).
 */
export function generateSteamCode(secret: Uint8Array, time: number): string {
  assertSecret(secret);
  let value = computeHotpValue(secret, BigInt(computeTotpStep(time, STEAM_PERIOD, 0)), 'SHA1');
  let code = '';
  for (let i = 0; i < STEAM_DIGITS; i++) {
    code += STEAM_ALPHABET[value % STEAM_ALPHABET.length];
    value = Math.floor(value / STEAM_ALPHABET.length);
  }
  return code;
}
