import { sha256 } from '@noble/hashes/sha2.js';
import { TwofoldError } from '../errors/index.js';
import { decodeBase32, encodeBase32 } from '../otp/base32.js';
import type { OtpAlgorithm } from '../otp/otp-algorithm.js';
import { shortSecretWarning } from '../otp/otpauth-uri.js';
import { STEAM_DIGITS, STEAM_PERIOD } from '../otp/steam.js';
import { aesGcmDecrypt, aesGcmEncrypt, checkScryptParams, deriveScryptKey, importAesKey } from './aes-gcm.js';
import { fromBase64, fromHex, fromUtf8, randomBytes, randomUuid, toBase64, toHex, utf8 } from './bytes.js';
import type { ImportSkip } from './import-result.js';
import { describeEntry, reasonOf, type VaultEntry, validateVaultEntry } from './vault-entry.js';

/**
 * Aegis Authenticator vaults (file version 1, content version 3; Aegis docs/vault.md): scrypt password slots
 * wrapping a random master key, AES-256-GCM with the tag stored apart from the ciphertext, no associated data.
 */

const AEGIS_SCRYPT = { n: 2 ** 15, r: 8, p: 1 } as const;
const AEGIS_ALGORITHMS: readonly OtpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AegisImport {
  entries: VaultEntry[];
  skipped: ImportSkip[];
  warnings: string[];
  encrypted: boolean;
}

function invalid(message: string): never {
  throw new TwofoldError('import_invalid', `Aegis vault: ${message}`);
}

/** True when parsed JSON has the shape of an Aegis vault file. */
export function isAegisVault(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  return typeof file['version'] === 'number' && typeof file['header'] === 'object' && 'db' in file;
}

/** True when an Aegis vault file is encrypted (its header has slots). */
export function isEncryptedAegisVault(value: unknown): boolean {
  if (!isAegisVault(value)) return false;
  const header = (value as { header: unknown }).header as Record<string, unknown> | null;
  return header !== null && header['slots'] !== null && header['slots'] !== undefined;
}

function readParams(
  value: unknown,
  where: string,
): { nonce: Uint8Array<ArrayBuffer>; tag: Uint8Array<ArrayBuffer> } {
  const params = value as Record<string, unknown> | null;
  const nonce = fromHex(params?.['nonce']);
  const tag = fromHex(params?.['tag']);
  if (nonce?.length !== 12 || tag?.length !== 16)
    invalid(`${where} needs a 12-byte hex nonce and a 16-byte hex tag`);
  return { nonce, tag };
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const result = new Uint8Array(a.length + b.length);
  result.set(a);
  result.set(b, a.length);
  return result;
}

async function unlockMasterKey(slots: unknown, password: string): Promise<CryptoKey> {
  if (!Array.isArray(slots)) invalid('header.slots must be an array or null');
  const passwordSlots = slots.filter((slot) => (slot as Record<string, unknown> | null)?.['type'] === 1);
  if (passwordSlots.length === 0) {
    invalid('no password slot (only biometric or raw-key slots, which need the phone that made them)');
  }
  const passwordBytes = utf8(password);
  for (const [index, value] of passwordSlots.entries()) {
    const slot = value as Record<string, unknown>;
    const where = `password slot ${index + 1}`;
    const problem = checkScryptParams({ n: slot['n'], r: slot['r'], p: slot['p'] });
    if (problem !== null) invalid(`${where}: ${problem}`);
    const salt = fromHex(slot['salt']);
    const wrapped = fromHex(slot['key']);
    if (salt === undefined || wrapped?.length !== 32)
      invalid(`${where} needs a hex salt and a 32-byte hex key`);
    const { nonce, tag } = readParams(slot['key_params'], `${where} key_params`);
    const slotKey = await importAesKey(
      await deriveScryptKey(passwordBytes, salt, {
        n: slot['n'] as number,
        r: slot['r'] as number,
        p: slot['p'] as number,
      }),
    );
    const masterKey = await aesGcmDecrypt(slotKey, nonce, joined(wrapped, tag));
    if (masterKey !== undefined) return importAesKey(masterKey);
  }
  throw new TwofoldError(
    'import_password_wrong',
    'Aegis vault: the password opens none of its password slots (wrong password, or a file altered)',
  );
}

function entryName(raw: Record<string, unknown>): string {
  const issuer = typeof raw['issuer'] === 'string' ? raw['issuer'] : '';
  const name = typeof raw['name'] === 'string' ? raw['name'] : '';
  return describeEntry({ issuer, name });
}

function iconDataUrl(raw: Record<string, unknown>): string | undefined {
  const icon = raw['icon'];
  if (typeof icon !== 'string' || icon === '') return undefined;
  const mime = typeof raw['icon_mime'] === 'string' ? raw['icon_mime'] : 'image/png';
  if (!['image/svg+xml', 'image/png', 'image/jpeg'].includes(mime) || fromBase64(icon) === undefined)
    return undefined;
  return `data:${mime};base64,${icon}`;
}

/** One Aegis entry as a vault entry, or the reason it cannot be one. */
function toEntry(
  raw: Record<string, unknown>,
  groups: Map<string, string>,
  usedIds: Set<string>,
): VaultEntry | string {
  const type = raw['type'];
  if (type !== 'totp' && type !== 'hotp' && type !== 'steam') {
    return typeof type === 'string' ? `type '${type}' is not supported` : 'the entry has no type';
  }
  const info = raw['info'] as Record<string, unknown> | null | undefined;
  if (typeof info !== 'object' || info === null) return 'the entry has no info';
  if (typeof info['secret'] !== 'string') return 'the entry has no secret';
  const secret = decodeBase32(info['secret']);
  const algorithm = typeof info['algo'] === 'string' ? info['algo'].toUpperCase() : 'SHA1';
  if (!AEGIS_ALGORITHMS.includes(algorithm as OtpAlgorithm))
    return `algorithm '${String(info['algo'])}' is not supported`;
  const groupNames: string[] = [];
  if (Array.isArray(raw['groups'])) {
    for (const uuid of raw['groups']) {
      const name = typeof uuid === 'string' ? groups.get(uuid) : undefined;
      if (name !== undefined) groupNames.push(name);
    }
  } else if (typeof raw['group'] === 'string' && raw['group'] !== '') {
    groupNames.push(raw['group']); // content versions 1 and 2: a group name on the entry
  }
  let id =
    typeof raw['uuid'] === 'string' && UUID.test(raw['uuid']) ? raw['uuid'].toLowerCase() : randomUuid();
  if (usedIds.has(id)) id = randomUuid();
  const icon = iconDataUrl(raw);
  const note = typeof raw['note'] === 'string' && raw['note'] !== '' ? raw['note'] : undefined;
  let counter: bigint | undefined;
  if (type === 'hotp') {
    const value = info['counter'];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      return 'the hotp counter is invalid';
    counter = BigInt(value);
  }
  const entry: VaultEntry = {
    id,
    type,
    issuer: typeof raw['issuer'] === 'string' ? raw['issuer'].trim() : '',
    name: typeof raw['name'] === 'string' ? raw['name'].trim() : '',
    secret,
    algorithm: type === 'steam' ? 'SHA1' : (algorithm as OtpAlgorithm),
    digits: type === 'steam' ? STEAM_DIGITS : (info['digits'] as number),
    ...(type === 'hotp'
      ? { counter }
      : { period: type === 'steam' ? STEAM_PERIOD : (info['period'] as number) }),
    ...(icon === undefined ? {} : { icon }),
    ...(groupNames.length === 0 ? {} : { groups: groupNames }),
    ...(raw['favorite'] === true ? { favorite: true } : {}),
    ...(note === undefined ? {} : { note }),
    extra: {},
  };
  validateVaultEntry(entry);
  return entry;
}

function readContent(content: unknown): Omit<AegisImport, 'encrypted'> {
  if (typeof content !== 'object' || content === null) invalid('the content is not an object');
  const db = content as Record<string, unknown>;
  if (typeof db['version'] === 'number' && db['version'] > 3) {
    invalid(`content version ${db['version']} is newer than this importer knows (3)`);
  }
  if (!Array.isArray(db['entries'])) invalid('the content has no entries');
  const groups = new Map<string, string>();
  if (Array.isArray(db['groups'])) {
    for (const group of db['groups'] as Record<string, unknown>[]) {
      if (typeof group?.['uuid'] === 'string' && typeof group['name'] === 'string')
        groups.set(group['uuid'], group['name']);
    }
  }
  const entries: VaultEntry[] = [];
  const skipped: ImportSkip[] = [];
  const warnings: string[] = [];
  const usedIds = new Set<string>();
  db['entries'].forEach((value, index) => {
    const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    let result: VaultEntry | string;
    try {
      result = toEntry(raw, groups, usedIds);
    } catch (error) {
      result = reasonOf(error);
    }
    if (typeof result === 'string') {
      skipped.push({ where: `entry ${index + 1}`, name: entryName(raw), reason: result });
      return;
    }
    usedIds.add(result.id);
    const short = shortSecretWarning(result.secret);
    if (short !== undefined) warnings.push(`entry ${index + 1} (${describeEntry(result)}): ${short}`);
    entries.push(result);
  });
  return { entries, skipped, warnings };
}

/**
 * Reads an Aegis vault export, plain or encrypted (Aegis docs/vault.md). Entries Twofold cannot hold (motp,
 * yandex, MD5, bad secrets) are listed in `skipped`, the rest returned. Throws `import_password_required`,
 * `import_password_wrong` or `import_invalid`.
 */
export async function readAegisVault(text: string, password?: string): Promise<AegisImport> {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    invalid('not JSON');
  }
  if (!isAegisVault(file)) invalid('not an Aegis vault (needs version, header and db)');
  const vault = file as Record<string, unknown>;
  if (vault['version'] !== 1) invalid(`file version ${String(vault['version'])} is not supported (1)`);
  if (!isEncryptedAegisVault(file)) return { ...readContent(vault['db']), encrypted: false };
  if (password === undefined || password === '') {
    throw new TwofoldError('import_password_required', 'this Aegis vault is encrypted: give its password');
  }
  const header = vault['header'] as Record<string, unknown>;
  const { nonce, tag } = readParams(header['params'], 'header.params');
  const ciphertext = fromBase64(vault['db']);
  if (ciphertext === undefined) invalid('db must be base64 when the vault is encrypted');
  const masterKey = await unlockMasterKey(header['slots'], password);
  const plaintext = await aesGcmDecrypt(masterKey, nonce, joined(ciphertext, tag));
  if (plaintext === undefined) {
    throw new TwofoldError(
      'import_password_wrong',
      'Aegis vault: the content does not decrypt (the file was altered)',
    );
  }
  let content: unknown;
  try {
    content = JSON.parse(fromUtf8(plaintext));
  } catch {
    invalid('the decrypted content is not JSON');
  }
  return { ...readContent(content), encrypted: true };
}

/** Known values for a reproducible export (known-answer tests only). */
export interface AegisExportFixedValues {
  masterKey: Uint8Array<ArrayBuffer>;
  salt: Uint8Array<ArrayBuffer>;
  slotNonce: Uint8Array<ArrayBuffer>;
  dbNonce: Uint8Array<ArrayBuffer>;
  slotUuid: string;
}

function iconFields(icon: string | undefined): Record<string, unknown> {
  const match = icon === undefined ? null : /^data:(image\/(?:svg\+xml|png|jpeg));base64,(.*)$/.exec(icon);
  const bytes = match === null ? undefined : fromBase64(match[2]);
  if (match === null || bytes === undefined) return { icon: null, icon_mime: null, icon_hash: null };
  return { icon: match[2], icon_mime: match[1], icon_hash: toHex(sha256(bytes)) };
}

/** The Aegis content (version 3) for entries, and the entries Aegis cannot hold. */
export function toAegisContent(entries: readonly VaultEntry[]): {
  content: Record<string, unknown>;
  skipped: ImportSkip[];
} {
  const groups = new Map<string, string>();
  const skipped: ImportSkip[] = [];
  const out: Record<string, unknown>[] = [];
  entries.forEach((entry, index) => {
    const skip = (reason: string) =>
      skipped.push({ where: `entry ${index + 1}`, name: describeEntry(entry), reason });
    if (!AEGIS_ALGORITHMS.includes(entry.algorithm)) {
      skip(`Aegis has no ${entry.algorithm}`);
      return;
    }
    if (entry.type === 'hotp' && (entry.counter ?? 0n) > BigInt(Number.MAX_SAFE_INTEGER)) {
      skip('the hotp counter is too large for Aegis');
      return;
    }
    const groupIds: string[] = [];
    for (const name of entry.groups ?? []) {
      if (name === '') continue;
      let uuid = groups.get(name);
      if (uuid === undefined) {
        uuid = randomUuid();
        groups.set(name, uuid);
      }
      groupIds.push(uuid);
    }
    out.push({
      type: entry.type,
      uuid: UUID.test(entry.id) ? entry.id : randomUuid(),
      name: entry.name,
      issuer: entry.issuer,
      note: entry.note ?? '',
      favorite: entry.favorite === true,
      ...iconFields(entry.icon),
      info: {
        secret: encodeBase32(entry.secret),
        algo: entry.algorithm,
        digits: entry.digits,
        ...(entry.type === 'hotp' ? { counter: Number(entry.counter ?? 0n) } : { period: entry.period }),
      },
      groups: groupIds,
    });
  });
  return {
    content: { version: 3, entries: out, groups: [...groups].map(([name, uuid]) => ({ uuid, name })) },
    skipped,
  };
}

/**
 * Writes entries as an encrypted Aegis vault (file version 1, content version 3) that Aegis can import: a random
 * master key wrapped in one password slot (scrypt N=2^15, r=8, p=1, 32-byte salt). Push keys are never written.
 */
export async function writeAegisVault(
  entries: readonly VaultEntry[],
  password: string,
  fixed?: AegisExportFixedValues,
): Promise<{ text: string; skipped: ImportSkip[] }> {
  if (typeof password !== 'string' || password === '') {
    throw new TwofoldError('import_password_required', 'an Aegis export needs a password');
  }
  const { content, skipped } = toAegisContent(entries);
  const masterKeyBytes = fixed?.masterKey ?? randomBytes(32);
  const salt = fixed?.salt ?? randomBytes(32);
  const slotNonce = fixed?.slotNonce ?? randomBytes(12);
  const dbNonce = fixed?.dbNonce ?? randomBytes(12);
  const slotKey = await importAesKey(await deriveScryptKey(utf8(password), salt, AEGIS_SCRYPT));
  const wrapped = await aesGcmEncrypt(slotKey, slotNonce, masterKeyBytes);
  const masterKey = await importAesKey(new Uint8Array(masterKeyBytes));
  const plaintext = utf8(JSON.stringify(content));
  const sealed = await aesGcmEncrypt(masterKey, dbNonce, plaintext);
  plaintext.fill(0);
  if (fixed === undefined) masterKeyBytes.fill(0);
  const file = {
    version: 1,
    header: {
      slots: [
        {
          type: 1,
          uuid: fixed?.slotUuid ?? randomUuid(),
          key: toHex(wrapped.subarray(0, 32)),
          key_params: { nonce: toHex(slotNonce), tag: toHex(wrapped.subarray(32)) },
          n: AEGIS_SCRYPT.n,
          r: AEGIS_SCRYPT.r,
          p: AEGIS_SCRYPT.p,
          salt: toHex(salt),
          repaired: true,
          is_backup: false,
        },
      ],
      params: { nonce: toHex(dbNonce), tag: toHex(sealed.subarray(sealed.length - 16)) },
    },
    db: toBase64(sealed.subarray(0, sealed.length - 16)),
  };
  return { text: `${JSON.stringify(file, null, 4)}\n`, skipped };
}
