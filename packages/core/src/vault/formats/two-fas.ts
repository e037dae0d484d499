import { fromBase64, fromUtf8 } from '../bytes.js';
import { EntryCollector } from './collector.js';
import { invalidFile, openAesGcm, passwordRequired, pbkdf2Key, utf8, wrongPassword } from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject, stringAt } from './source.js';

/**
 * 2FAS Authenticator backups (`.2fas`, schema versions 1 to 4; 2fas-android BackupContent): `services` with
 * `secret` (base32), `name` and `otp` {account, issuer, digits, period, algorithm, tokenType, counter}, and
 * `groups` referenced by `groupId`. Encrypted ones hold `servicesEncrypted` = base64 "data:salt:iv" (AES-256-GCM
 * with the tag after the data, key = PBKDF2-HMAC-SHA256(password, salt, 10,000 iterations)); the plain text is
 * the JSON array of services.
 */
const WHAT = '2FAS backup';
const ITERATIONS = 10_000;

export const twoFasFormat: FormatReader = {
  name: '2fas',
  title: 'a 2FAS backup',
  detect(source) {
    const file = asObject(source.json);
    return (
      file !== undefined &&
      typeof file['schemaVersion'] === 'number' &&
      ('services' in file || 'servicesEncrypted' in file)
    );
  },
  async read(source, options) {
    const file = asObject(source.json) ?? invalidFile(WHAT, 'not a JSON object');
    const version = file['schemaVersion'];
    if (typeof version !== 'number' || version < 1 || version > 4) {
      invalidFile(WHAT, `schema version ${String(version)} is not one this importer knows (1 to 4)`);
    }
    let services: unknown = file['services'];
    const sealed = file['servicesEncrypted'];
    if (typeof sealed === 'string' && sealed !== '') {
      const password = passwordRequired(`this ${WHAT}`, options.password);
      const [data, salt, iv] = sealed.split(':').map((part) => fromBase64(part));
      if (data === undefined || salt === undefined || iv === undefined || data.length < 16) {
        invalidFile(WHAT, 'servicesEncrypted is not base64 "data:salt:iv"');
      }
      const key = await pbkdf2Key('SHA256', utf8(password), salt, ITERATIONS, 32, WHAT);
      const plain = await openAesGcm(key, iv, data);
      if (plain === undefined) throw wrongPassword(WHAT);
      try {
        services = JSON.parse(fromUtf8(plain));
      } catch {
        invalidFile(WHAT, 'the decrypted services are not JSON');
      }
    }
    if (!Array.isArray(services)) invalidFile(WHAT, 'services must be an array');
    const groups = new Map<string, string>();
    if (Array.isArray(file['groups'])) {
      for (const group of file['groups']) {
        const g = asObject(group);
        if (typeof g?.['id'] === 'string' && typeof g['name'] === 'string') groups.set(g['id'], g['name']);
      }
    }
    const collector = new EntryCollector(services.length, options.onProgress);
    services.forEach((value, index) => {
      const service = asObject(value);
      const otp = asObject(service?.['otp']);
      const issuer = stringAt(service, 'name') || stringAt(otp, 'issuer');
      const account = stringAt(otp, 'account');
      collector.add(`service ${index + 1}`, [issuer, account].filter(Boolean).join(' / '), () => {
        const secret = service?.['secret'];
        if (typeof secret !== 'string') throw new Error('the service has no secret');
        const groupId = service?.['groupId'];
        const group = typeof groupId === 'string' ? groups.get(groupId) : undefined;
        return {
          type: otp?.['tokenType'] ?? 'TOTP',
          issuer,
          name: account,
          secret,
          algorithm: otp?.['algorithm'],
          digits: otp?.['digits'],
          period: otp?.['period'],
          counter: otp?.['counter'],
          ...(group === undefined ? {} : { groups: [group] }),
        };
      });
    });
    return collector.result('2fas');
  },
};
