/** The import fixtures (vault/fixtures/import, made by scripts/make-import-fixtures.mjs) and their formats. */
import { readFileSync } from 'node:fs';
import { encodeBase32 } from '../otp/base32.js';
import type { ImportFormat } from '../vault/import-result.js';
import type { VaultEntry } from '../vault/vault-entry.js';

export const IMPORT_FIXTURE_DIR = new URL('../vault/fixtures/import/', import.meta.url);

export interface ExpectedImport {
  password?: string;
  warnings?: number;
  accounts: Record<string, unknown>[];
}

export const IMPORT_FIXTURES: { file: string; format: ImportFormat }[] = [
  { file: '2fas-schema1.2fas', format: '2fas' },
  { file: '2fas-schema2.2fas', format: '2fas' },
  { file: '2fas-schema3.2fas', format: '2fas' },
  { file: '2fas-schema4.2fas', format: '2fas' },
  { file: '2fas-encrypted.2fas', format: '2fas' },
  { file: 'andotp.json', format: 'andotp' },
  { file: 'andotp.json.aes', format: 'andotp' },
  { file: 'andotp-old.json.aes', format: 'andotp' },
  { file: 'bitwarden.json', format: 'bitwarden' },
  { file: 'bitwarden-encrypted-pbkdf2.json', format: 'bitwarden' },
  { file: 'bitwarden-encrypted-argon2id.json', format: 'bitwarden' },
  { file: 'bitwarden.csv', format: 'bitwarden' },
  { file: 'ente-auth-export.txt', format: 'ente' },
  { file: 'freeotp-backup.xml', format: 'freeotp' },
  { file: 'freeotp-plus.json', format: 'freeotp-plus' },
  { file: 'lastpass-authenticator.json', format: 'lastpass' },
  { file: 'proton-authenticator.json', format: 'proton-authenticator' },
  { file: 'proton-pass.zip', format: 'proton-pass' },
  { file: 'raivo-otp-export.zip', format: 'raivo' },
  { file: 'steam.maFile', format: 'steam' },
];

export function fixture(file: string): { bytes: Uint8Array; expected: ExpectedImport } {
  return {
    bytes: new Uint8Array(readFileSync(new URL(file, IMPORT_FIXTURE_DIR))),
    expected: JSON.parse(
      readFileSync(new URL(`${file}.expected.json`, IMPORT_FIXTURE_DIR), 'utf8'),
    ) as ExpectedImport,
  };
}

/** What an entry is, in the fixtures' terms (what their expected files list). */
export function entryShape(entry: VaultEntry): Record<string, unknown> {
  return {
    type: entry.type,
    issuer: entry.issuer,
    name: entry.name,
    secret: encodeBase32(entry.secret),
    algorithm: entry.algorithm,
    digits: entry.digits,
    ...(entry.type === 'hotp' ? { counter: String(entry.counter) } : { period: entry.period }),
    ...(entry.groups === undefined ? {} : { groups: entry.groups }),
    ...(entry.favorite === true ? { favorite: true } : {}),
  };
}
