import { EntryCollector, type RawAccount } from './collector.js';
import { invalidFile } from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject, stringAt } from './source.js';

/**
 * FreeOTP+ exports (JSON): {tokens: [{type TOTP/HOTP, algo, digits, period, counter, issuerExt, label, secret}],
 * tokenOrder}. The secret is an array of signed bytes (Java's byte[] as JSON).
 */
const WHAT = 'FreeOTP+ export';

/** Java's signed bytes (-128..127) as bytes. */
export function javaBytes(value: unknown): Uint8Array {
  if (!Array.isArray(value) || value.length === 0) throw new Error('the secret is not an array of bytes');
  return Uint8Array.from(value, (byte) => {
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < -128 || byte > 255)
      throw new Error('the secret is not an array of bytes');
    return byte & 0xff;
  });
}

/** A FreeOTP or FreeOTP+ token's names: its issuer (issuerExt, else issuerInt), its label, both as one line. */
export function freeOtpNames(token: Record<string, unknown> | undefined) {
  const issuer = stringAt(token, 'issuerExt') || stringAt(token, 'issuerInt');
  const name = stringAt(token, 'label');
  return { issuer, name, title: [issuer, name].filter(Boolean).join(' / ') };
}

/** A FreeOTP or FreeOTP+ token with its secret, as an account. */
export function freeOtpAccount(token: Record<string, unknown> | undefined, secret: Uint8Array): RawAccount {
  const { issuer, name } = freeOtpNames(token);
  return {
    // FreeOTP has no Steam type: Aegis reads a TOTP issued by "Steam" as Steam, and so does this.
    type:
      String(token?.['type'] ?? 'TOTP').toUpperCase() === 'TOTP' && issuer === 'Steam'
        ? 'steam'
        : token?.['type'],
    issuer,
    name,
    secret,
    algorithm: token?.['algo'],
    digits: token?.['digits'],
    period: token?.['period'],
    counter: token?.['counter'],
  };
}

export const freeOtpPlusFormat: FormatReader = {
  name: 'freeotp-plus',
  title: 'a FreeOTP+ export',
  detect(source) {
    const file = asObject(source.json);
    return file !== undefined && Array.isArray(file['tokens']);
  },
  async read(source, options) {
    const tokens = asObject(source.json)?.['tokens'];
    if (!Array.isArray(tokens)) invalidFile(WHAT, 'tokens must be an array');
    const collector = new EntryCollector(tokens.length, options.onProgress);
    tokens.forEach((value, index) => {
      const token = asObject(value);
      collector.add(`token ${index + 1}`, freeOtpNames(token).title, () =>
        freeOtpAccount(token, javaBytes(token?.['secret'])),
      );
    });
    return collector.result('freeotp-plus');
  },
};
