import { fromUtf8 } from '../bytes.js';
import { EntryCollector } from './collector.js';
import {
  invalidFile,
  openAesGcm,
  passwordRequired,
  pbkdf2Key,
  sha256Of,
  utf8,
  wrongPassword,
} from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject, stringAt } from './source.js';

/**
 * andOTP backups: a JSON array of {secret (base32), issuer, label, digits, type TOTP/HOTP/STEAM, algorithm,
 * period, counter, tags}. Encrypted ones (`.json.aes`) are binary: the current format is iterations (4 bytes,
 * big-endian) || salt (12) || nonce (12) || AES-256-GCM ciphertext || tag (16), key = PBKDF2-HMAC-SHA1; the old
 * format is nonce || ciphertext || tag with key = SHA-256(password). Both are tried.
 */
const WHAT = 'andOTP backup';

function isAndOtpArray(value: unknown): value is unknown[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  const first = asObject(value[0]);
  return first !== undefined && typeof first['secret'] === 'string' && 'label' in first && 'type' in first;
}

/**
 * A binary file with no other shape: an encrypted andOTP backup has no magic number (the current format opens
 * with its iteration count, the old one with a random nonce), so this is tried after every binary format that
 * has one.
 */
function looksEncrypted(bytes: Uint8Array): boolean {
  return bytes.length >= 12 + 16 + 2;
}

/** The iteration counts an andOTP backup may open with (andOTP writes 140,000 to 160,000). */
const andOtpIterations = { min: 1_000, max: 1_000_000 } as const;

async function decrypt(bytes: Uint8Array, password: string): Promise<Uint8Array> {
  const copy = new Uint8Array(bytes);
  const iterations = ((copy[0]! << 24) | (copy[1]! << 16) | (copy[2]! << 8) | copy[3]!) >>> 0;
  // andOTP draws its count from 140,000 to 160,000; anything far outside is another file's bytes (or
  // a crafted one), and must not cost seconds of PBKDF2 before the old format is tried.
  if (iterations >= andOtpIterations.min && iterations <= andOtpIterations.max) {
    const key = await pbkdf2Key('SHA1', utf8(password), copy.subarray(4, 16), iterations, 32, WHAT);
    const plain = await openAesGcm(key, copy.slice(16, 28), copy.slice(28));
    if (plain !== undefined) return plain;
  }
  // Backups from andOTP before 0.6.3: the key is the SHA-256 of the password, no salt.
  const old = await openAesGcm(sha256Of(utf8(password)), copy.slice(0, 12), copy.slice(12));
  if (old !== undefined) return old;
  throw wrongPassword(WHAT);
}

export const andOtpFormat: FormatReader = {
  name: 'andotp',
  title: 'an andOTP backup',
  detect(source) {
    return (
      isAndOtpArray(source.json) ||
      (source.text === undefined && source.zip === undefined && looksEncrypted(source.bytes))
    );
  },
  async read(source, options) {
    let list: unknown = source.json;
    if (list === undefined) {
      const password = passwordRequired(`this ${WHAT}`, options.password);
      const plain = await decrypt(source.bytes, password);
      try {
        list = JSON.parse(fromUtf8(plain));
      } catch {
        invalidFile(WHAT, 'the decrypted backup is not JSON');
      }
    }
    if (!Array.isArray(list)) invalidFile(WHAT, 'not a JSON array of entries');
    const collector = new EntryCollector(list.length, options.onProgress);
    list.forEach((value, index) => {
      const entry = asObject(value);
      let issuer = stringAt(entry, 'issuer');
      let name = stringAt(entry, 'label');
      // Before issuers had their own field, andOTP labels read "Issuer - account".
      if (entry !== undefined && !('issuer' in entry)) {
        const parts = name.split(' - ');
        if (parts.length > 1) [issuer, name] = [parts[0]!.trim(), parts.slice(1).join(' - ').trim()];
      }
      collector.add(`entry ${index + 1}`, [issuer, name].filter(Boolean).join(' / '), () => {
        if (typeof entry?.['secret'] !== 'string') throw new Error('the entry has no secret');
        const tags = Array.isArray(entry['tags'])
          ? entry['tags'].filter((t): t is string => typeof t === 'string')
          : [];
        return {
          type: entry['type'],
          issuer,
          name,
          secret: entry['secret'],
          algorithm: entry['algorithm'],
          digits: entry['digits'],
          period: entry['period'],
          counter: entry['counter'],
          groups: tags,
        };
      });
    });
    return collector.result('andotp');
  },
};
