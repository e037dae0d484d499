import { expand } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, fromUtf8 } from '../bytes.js';
import { EntryCollector } from './collector.js';
import {
  argon2idKey,
  bytesEqual,
  hmacSha256,
  invalidFile,
  openAesCbc,
  passwordRequired,
  pbkdf2Key,
  sha256Of,
  utf8,
  wrongPassword,
} from './crypto.js';
import { parseCsv } from './csv.js';
import type { FormatReader } from './format.js';
import { asObject, type ImportSource, stringAt } from './source.js';

/**
 * Bitwarden exports. JSON: {encrypted, folders [{id, name}], items [{type 1 (login), name, folderId, favorite,
 * login {username, totp}, fields [{name, value}]}]}; `login.totp` is an otpauth URI, a steam:// URI or a bare
 * base32 secret, and a custom field may hold an otpauth URI too. A password-protected JSON export holds
 * {passwordProtected, salt, kdfType 0 (PBKDF2-SHA256) or 1 (Argon2id over SHA-256(salt)), kdfIterations,
 * kdfMemory (MiB), kdfParallelism, encKeyValidation_DO_NOT_EDIT, data}: the key is stretched by HKDF-Expand
 * into an AES-256-CBC key ("enc") and an HMAC-SHA256 key ("mac"), and data is an EncString "2.iv|data|mac".
 * CSV: folder, favorite, type, name, notes, fields ("name: value" lines), ..., login_username, login_totp.
 */
const WHAT = 'Bitwarden export';
const CSV_COLUMNS = ['name', 'login_totp'];

function csvHeader(source: ImportSource): string[] | undefined {
  const firstLine = source.text?.split(/\r?\n/, 1)[0];
  if (firstLine === undefined) return undefined;
  const header = firstLine.split(',').map((column) => column.trim().replace(/^"|"$/g, ''));
  return CSV_COLUMNS.every((column) => header.includes(column)) ? header : undefined;
}

async function openEncString(
  text: unknown,
  enc: Uint8Array,
  mac: Uint8Array,
): Promise<Uint8Array | undefined> {
  const match = typeof text === 'string' ? /^2\.([^|]+)\|([^|]+)\|([^|]+)$/.exec(text) : null;
  if (match === null)
    invalidFile(WHAT, 'the encrypted data is not an EncString of type 2 (AES-CBC, HMAC-SHA256)');
  const [iv, data, tag] = [fromBase64(match[1]), fromBase64(match[2]), fromBase64(match[3])];
  if (iv?.length !== 16 || data === undefined || tag === undefined)
    invalidFile(WHAT, 'the EncString is not base64');
  const expected = hmacSha256(mac, new Uint8Array([...iv, ...data]));
  if (!bytesEqual(expected, tag)) return undefined;
  return openAesCbc(new Uint8Array(enc), iv, data);
}

async function decryptJson(
  file: Record<string, unknown>,
  password: string,
): Promise<Record<string, unknown>> {
  const salt = typeof file['salt'] === 'string' ? file['salt'] : invalidFile(WHAT, 'the export has no salt');
  const kdfType = file['kdfType'];
  const iterations = Number(file['kdfIterations']);
  let key: Uint8Array;
  if (kdfType === 0) {
    key = await pbkdf2Key('SHA256', utf8(password), utf8(salt), iterations, 32, WHAT);
  } else if (kdfType === 1) {
    key = await argon2idKey(
      utf8(password),
      sha256Of(utf8(salt)),
      {
        passes: iterations,
        memoryBytes: Number(file['kdfMemory']) * 1024 * 1024,
        parallelism: Number(file['kdfParallelism']),
      },
      WHAT,
    );
  } else {
    return invalidFile(WHAT, `key derivation ${String(kdfType)} is not supported (0 PBKDF2, 1 Argon2id)`);
  }
  const enc = hkdfExpand(key, 'enc');
  const mac = hkdfExpand(key, 'mac');
  const check = await openEncString(file['encKeyValidation_DO_NOT_EDIT'], enc, mac);
  if (check === undefined) throw wrongPassword(WHAT);
  const plain = await openEncString(file['data'], enc, mac);
  if (plain === undefined) throw wrongPassword(WHAT);
  try {
    return asObject(JSON.parse(fromUtf8(plain))) ?? invalidFile(WHAT, 'the decrypted data is not an object');
  } catch {
    return invalidFile(WHAT, 'the decrypted data is not JSON');
  }
}

/** HKDF-Expand only (RFC 5869 §2.3): Bitwarden stretches a derived key without the extract step. */
function hkdfExpand(prk: Uint8Array, info: string): Uint8Array {
  return expand(sha256, prk, utf8(info), 32);
}

function addTotp(
  collector: EntryCollector,
  where: string,
  totp: string,
  context: { title: string; user: string; favorite: boolean; folder?: string },
): void {
  const uri = /^[a-z]+:\/\//i.test(totp)
    ? totp
    : `otpauth://totp/?secret=${encodeURIComponent(totp.replace(/\s/g, ''))}`;
  collector.addUri(
    where,
    uri,
    { favorite: context.favorite, ...(context.folder ? { groups: [context.folder] } : {}) },
    { issuer: context.title, name: context.user },
  );
}

function readItems(collector: EntryCollector, file: Record<string, unknown>): void {
  const folders = new Map<string, string>();
  for (const value of Array.isArray(file['folders']) ? file['folders'] : []) {
    const folder = asObject(value);
    if (typeof folder?.['id'] === 'string' && typeof folder['name'] === 'string')
      folders.set(folder['id'], folder['name']);
  }
  const items = Array.isArray(file['items']) ? file['items'] : [];
  items.forEach((value, index) => {
    const item = asObject(value);
    const login = asObject(item?.['login']);
    const title = stringAt(item, 'name');
    const folderId = item?.['folderId'];
    const context = {
      title,
      user: stringAt(login, 'username'),
      favorite: item?.['favorite'] === true,
      ...(typeof folderId === 'string' && folders.has(folderId) ? { folder: folders.get(folderId)! } : {}),
    };
    const totp = stringAt(login, 'totp');
    if (totp !== '') addTotp(collector, `item ${index + 1}`, totp, context);
    const fields = Array.isArray(item?.['fields']) ? item['fields'] : [];
    fields.forEach((field, n) => {
      const text = stringAt(asObject(field), 'value');
      if (/^otpauth:\/\//i.test(text)) addTotp(collector, `item ${index + 1}, field ${n + 1}`, text, context);
    });
  });
}

function readCsv(collector: EntryCollector, text: string): void {
  const rows = parseCsv(text);
  const header = rows[0] ?? [];
  const column = (row: string[], name: string) => (row[header.indexOf(name)] ?? '').trim();
  rows.slice(1).forEach((row, index) => {
    const where = `row ${index + 2}`;
    const context = {
      title: column(row, 'name'),
      user: column(row, 'login_username'),
      favorite: column(row, 'favorite') === '1',
      ...(column(row, 'folder') ? { folder: column(row, 'folder') } : {}),
    };
    const totp = column(row, 'login_totp');
    if (totp !== '') addTotp(collector, where, totp, context);
    for (const line of column(row, 'fields').split(/\r?\n/)) {
      const value = line.slice(line.indexOf(':') + 1).trim();
      if (/^otpauth:\/\//i.test(value)) addTotp(collector, `${where}, field`, value, context);
    }
  });
}

export const bitwardenFormat: FormatReader = {
  name: 'bitwarden',
  title: 'a Bitwarden export',
  detect(source) {
    const file = asObject(source.json);
    if (file !== undefined)
      return typeof file['encrypted'] === 'boolean' && ('items' in file || 'data' in file);
    return source.json === undefined && csvHeader(source) !== undefined;
  },
  async read(source, options) {
    let file = asObject(source.json);
    if (file === undefined) {
      const collector = new EntryCollector(0, options.onProgress);
      readCsv(collector, source.text ?? '');
      return collector.result('bitwarden');
    }
    if (file['encrypted'] === true) {
      if (file['passwordProtected'] !== true) {
        invalidFile(
          WHAT,
          'an "account restricted" encrypted export opens only in that Bitwarden account: export again with a password, or unencrypted',
        );
      }
      file = await decryptJson(file, passwordRequired(`this ${WHAT}`, options.password));
    }
    const collector = new EntryCollector(
      Array.isArray(file['items']) ? file['items'].length : 0,
      options.onProgress,
    );
    readItems(collector, file);
    return collector.result('bitwarden');
  },
};
