import { fromUtf8 } from '../bytes.js';
import { EntryCollector } from './collector.js';
import { invalidFile } from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject, type ImportSource } from './source.js';

/**
 * Raivo OTP exports: a ZIP archive encrypted with the export password (WinZip AES) holding
 * raivo-otp-export.json, an array of {issuer, account, secret (base32), algorithm, digits, timer, kind TOTP/HOTP,
 * counter, pinned, iconType, iconValue}; every value is a string.
 */
const WHAT = 'Raivo OTP export';

function exportEntry(source: ImportSource) {
  return source.zip?.find((entry) => /(^|\/)raivo-otp-export\.json$/.test(entry.name));
}

export const raivoFormat: FormatReader = {
  name: 'raivo',
  title: 'a Raivo OTP export',
  detect(source) {
    return exportEntry(source) !== undefined;
  },
  async read(source, options) {
    const entry = exportEntry(source) ?? invalidFile(WHAT, 'the archive has no raivo-otp-export.json');
    const bytes = entry.read(options.password);
    let list: unknown;
    try {
      list = JSON.parse(fromUtf8(bytes));
    } catch {
      invalidFile(WHAT, 'raivo-otp-export.json is not JSON');
    }
    if (!Array.isArray(list)) invalidFile(WHAT, 'raivo-otp-export.json must be an array');
    const collector = new EntryCollector(list.length, options.onProgress);
    list.forEach((value, index) => {
      const item = asObject(value);
      const issuer = typeof item?.['issuer'] === 'string' ? item['issuer'] : '';
      const name = typeof item?.['account'] === 'string' ? item['account'] : '';
      collector.add(`entry ${index + 1}`, [issuer, name].filter(Boolean).join(' / '), () => {
        if (typeof item?.['secret'] !== 'string') throw new Error('the entry has no secret');
        return {
          type: item['kind'],
          issuer,
          name,
          secret: item['secret'],
          algorithm: item['algorithm'],
          digits: item['digits'],
          period: item['timer'],
          counter: item['counter'],
          favorite: item['pinned'] === true || item['pinned'] === 'true',
        };
      });
    });
    return collector.result('raivo');
  },
};
