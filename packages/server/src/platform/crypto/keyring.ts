/**
 * The keyring of AES-256 keys that seal secrets at rest, and where those keys come from.
 *
 * Key ids are derived, never configured: a key's id is the first 8 hex characters of the SHA-256
 * of its 32 bytes. Every sealed value carries that id, so after a rotation the right key is found
 * without any bookkeeping. The id reveals nothing useful about the key (a 32-bit prefix of a hash
 * of 256 random bits); two distinct keys sharing an id is a 1-in-4-billion event and is refused.
 *
 * Sources, newest key first in both (the first key seals, every key opens):
 * - `TWOFOLD_SECRET_KEY`: one or more base64 (standard or url-safe) 32-byte keys, comma-separated;
 * - otherwise `<dataDir>/secret-keys`: one base64 key per line (`#` comments and blank lines are
 *   ignored), created once with mode 0600 and refused if group or others may access it.
 */
import { createHash, createSecretKey, type KeyObject, randomBytes as nodeRandomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TwofoldError } from '@twofold/core';

export const SECRET_KEY_BYTES = 32;
export const SECRET_KEY_ENV = 'TWOFOLD_SECRET_KEY';
export const SECRET_KEY_FILE_NAME = 'secret-keys';

/** Source of random bytes; injectable so tests can be deterministic. Defaults to the CSPRNG. */
export type RandomBytes = (size: number) => Uint8Array;

export interface Keyring {
  /** Id of the key used for sealing (the first key given). */
  readonly currentKeyId: string;
  /** Every key id, newest first. Safe to log. */
  readonly keyIds: readonly string[];
  /** The key with this id, or undefined when this instance does not have it. */
  keyFor(keyId: string): KeyObject | undefined;
}

export interface KeyFile {
  readonly path: string;
  /** Newest first. */
  readonly keys: Uint8Array[];
  /** True when this call generated the file. */
  readonly created: boolean;
  /** When `created`, the line to log at warn level; undefined otherwise. */
  readonly warning: string | undefined;
}

export interface LoadKeyFileOptions {
  /** When given, the warning about a newly generated key is logged here too. */
  readonly log?: { warn(message: string): void };
  readonly randomBytes?: RandomBytes;
}

export interface RotatedKeyFile {
  readonly path: string;
  /** Newest (the one just added) first. */
  readonly keys: Uint8Array[];
  readonly newKeyId: string;
}

/** The derived id of a key: first 8 hex characters of SHA-256 over the key bytes. */
export function deriveKeyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function generateSecretKey(random: RandomBytes = nodeRandomBytes): Uint8Array {
  const key = random(SECRET_KEY_BYTES);
  if (key.length !== SECRET_KEY_BYTES)
    throw new RangeError('random source returned the wrong number of bytes');
  return Uint8Array.from(key);
}

/** Builds a keyring; the first key is the current one. Throws config_invalid on a bad key list. */
export function createKeyring(keys: readonly Uint8Array[]): Keyring {
  if (keys.length === 0) throw configInvalid('secret keys: at least one key is required');
  const byId = new Map<string, KeyObject>();
  const ids: string[] = [];
  keys.forEach((key, index) => {
    if (key.length !== SECRET_KEY_BYTES) {
      throw configInvalid(
        `secret keys: key ${index + 1} is ${key.length} bytes, expected ${SECRET_KEY_BYTES}`,
      );
    }
    const id = deriveKeyId(key);
    if (byId.has(id))
      throw configInvalid(`secret keys: key ${index + 1} has the same key id (${id}) as an earlier key`);
    // A KeyObject copies the bytes and prints as `SecretKeyObject { type: 'secret' }`, so a
    // keyring that ends up in a log line does not leak its keys.
    byId.set(id, createSecretKey(key));
    ids.push(id);
  });
  return {
    currentKeyId: ids[0]!,
    keyIds: Object.freeze(ids),
    keyFor: (keyId) => byId.get(keyId),
  };
}

/**
 * Parses the value of TWOFOLD_SECRET_KEY: comma-separated base64 keys, newest first.
 * Throws config_invalid with one line naming the variable and the problem (never the key itself).
 */
export function parseSecretKeys(value: string): Uint8Array[] {
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) {
    throw configInvalid(
      `${SECRET_KEY_ENV}: is empty; set it to a base64 32-byte key (${GENERATE_HINT}) or unset it`,
    );
  }
  const keys: Uint8Array[] = [];
  entries.forEach((entry, index) => {
    const where =
      entries.length === 1 ? SECRET_KEY_ENV : `${SECRET_KEY_ENV}: key ${index + 1} of ${entries.length}`;
    const decoded = decodeKey(entry);
    if (typeof decoded === 'string')
      throw configInvalid(`${where}${entries.length === 1 ? ':' : ''} ${decoded}`);
    keys.push(decoded);
  });
  const duplicate = findDuplicate(keys);
  if (duplicate) {
    throw configInvalid(`${SECRET_KEY_ENV}: key ${duplicate.later + 1} repeats key ${duplicate.earlier + 1}`);
  }
  return keys;
}

export function keyFilePath(dataDir: string): string {
  return join(dataDir, SECRET_KEY_FILE_NAME);
}

/**
 * Reads `<dataDir>/secret-keys`, creating it with one fresh key when it does not exist (the
 * directory too). Creation is atomic and exclusive: the complete file is written under a temporary
 * name, fsynced, then hard-linked into place, which fails if the name exists; so two processes
 * starting at once agree on one key (the loser reads the winner's file). A rename would silently
 * replace the winner's key, which is why `link` is used here.
 */
export async function loadOrCreateKeyFile(
  dataDir: string,
  options: LoadKeyFileOptions = {},
): Promise<KeyFile> {
  const path = keyFilePath(dataDir);
  const existing = await readKeyFile(path);
  if (existing) return { path, keys: existing.keys, created: false, warning: undefined };

  await fsStep(path, 'cannot create the data directory', () =>
    mkdir(dirname(path), { recursive: true, mode: 0o700 }),
  );
  const key = generateSecretKey(options.randomBytes);
  const won = await writeFileAtomically(path, formatKeyFile([key]), 'create');
  if (!won) {
    const theirs = await readKeyFile(path);
    if (!theirs) throw configInvalid(`${path}: disappeared while being created; start again`);
    return { path, keys: theirs.keys, created: false, warning: undefined };
  }
  const warning = `generated a new secret key in ${path}; back it up, losing it makes every stored secret unreadable`;
  options.log?.warn(warning);
  return { path, keys: [key], created: true, warning };
}

/**
 * Prepends a fresh key to `<dataDir>/secret-keys` (for `twofold rotate-key`), keeping the old keys
 * so existing sealed values still open. The file is replaced atomically (temporary file, fsync,
 * rename). Running servers keep their keyring until restarted.
 */
export async function addKeyToFile(
  dataDir: string,
  options: { readonly randomBytes?: RandomBytes } = {},
): Promise<RotatedKeyFile> {
  const path = keyFilePath(dataDir);
  const existing = await readKeyFile(path);
  if (!existing) {
    throw configInvalid(
      `${path}: does not exist; nothing to rotate (start the server once, or check the data directory)`,
    );
  }
  const key = generateSecretKey(options.randomBytes);
  if (existing.keys.some((old) => deriveKeyId(old) === deriveKeyId(key))) {
    // Only a broken random source gets here (a 32-bit id collision is a 1-in-4-billion event).
    throw new Error('the new secret key has the same key id as an existing one; run the rotation again');
  }
  const keys = [key, ...existing.keys];
  await writeFileAtomically(path, formatKeyFile(keys), 'replace', existing.owner);
  return { path, keys, newKeyId: deriveKeyId(key) };
}

const GENERATE_HINT = 'generate one with: openssl rand -base64 32';
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Decodes one base64 key, or returns what is wrong with it. */
function decodeKey(text: string): Uint8Array | string {
  if (text === '') return 'is empty';
  if (!BASE64.test(text) || (text.includes('=') && text.length % 4 !== 0)) {
    return `is not base64 (standard or url-safe); ${GENERATE_HINT}`;
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== SECRET_KEY_BYTES) {
    return `decodes to ${bytes.length} bytes, expected ${SECRET_KEY_BYTES}; ${GENERATE_HINT}`;
  }
  return Uint8Array.from(bytes);
}

function findDuplicate(keys: readonly Uint8Array[]): { earlier: number; later: number } | undefined {
  const seen = new Map<string, number>();
  for (const [index, key] of keys.entries()) {
    const id = deriveKeyId(key);
    const earlier = seen.get(id);
    if (earlier !== undefined) return { earlier, later: index };
    seen.set(id, index);
  }
  return undefined;
}

function formatKeyFile(keys: readonly Uint8Array[]): string {
  return [
    '# Twofold secret keys for secrets at rest (AES-256-GCM), one base64 key per line, newest first.',
    '# The first key seals new values; every key opens. Keep this file at mode 0600 and back it up:',
    '# losing it makes every stored secret unreadable.',
    ...keys.map((key) => Buffer.from(key).toString('base64')),
    '',
  ].join('\n');
}

function parseKeyFile(path: string, text: string): Uint8Array[] {
  const keys: Uint8Array[] = [];
  const lineOf: number[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const decoded = decodeKey(line);
    if (typeof decoded === 'string') throw configInvalid(`${path}: line ${index + 1} ${decoded}`);
    keys.push(decoded);
    lineOf.push(index + 1);
  }
  if (keys.length === 0) throw configInvalid(`${path}: contains no key; restore it from a backup`);
  const duplicate = findDuplicate(keys);
  if (duplicate) {
    throw configInvalid(
      `${path}: line ${lineOf[duplicate.later]} repeats the key on line ${lineOf[duplicate.earlier]}`,
    );
  }
  return keys;
}

interface FileOwner {
  readonly uid: number;
  readonly gid: number;
}

/** Reads and checks the key file; undefined when it does not exist. */
async function readKeyFile(path: string): Promise<{ keys: Uint8Array[]; owner: FileOwner } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw configInvalid(`${path}: cannot be read (${errorCode(error) ?? String(error)})`, error);
  }
  try {
    // Checked on the open handle, so the file judged is the file read.
    const stat = await handle.stat();
    if (!stat.isFile()) throw configInvalid(`${path}: is not a regular file`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw configInvalid(`${path}: has mode ${mode}, open to group or others; run: chmod 600 ${path}`);
    }
    const keys = parseKeyFile(path, await handle.readFile('utf8'));
    return { keys, owner: { uid: stat.uid, gid: stat.gid } };
  } finally {
    await handle.close();
  }
}

/**
 * Writes `content` under a temporary name (mode 0600, fsynced), then either links it into place
 * only if `path` does not exist yet ('create'; returns false if it does) or renames it over
 * `path` ('replace'). The directory is fsynced afterwards so the new name survives a crash.
 * When root replaces a file owned by someone else (a service account), ownership is kept so the
 * server can still read its keys after `sudo twofold rotate-key`.
 */
async function writeFileAtomically(
  path: string,
  content: string,
  mode: 'create' | 'replace',
  owner?: FileOwner,
): Promise<boolean> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${nodeRandomBytes(6).toString('hex')}.tmp`);
  await fsStep(path, 'cannot write', async () => {
    const handle = await open(temp, 'wx', 0o600);
    let written = false;
    try {
      await handle.writeFile(content, 'utf8');
      if (owner && process.getuid?.() === 0) await handle.chown(owner.uid, owner.gid);
      await handle.sync();
      written = true;
    } finally {
      await handle.close();
      if (!written) await unlink(temp).catch(() => {});
    }
  });
  let placed = true;
  try {
    if (mode === 'create') {
      try {
        await link(temp, path);
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
        placed = false;
      }
    } else {
      await rename(temp, path);
    }
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw configInvalid(
      `${path}: cannot ${mode} (${errorCode(error) ?? String(error)}); set ${SECRET_KEY_ENV} instead`,
      error,
    );
  }
  if (mode === 'create') await unlink(temp).catch(() => {});
  if (placed) await syncDirectory(dir);
  return placed;
}

async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  await fsStep(dir, 'cannot fsync the directory', async () => {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

async function fsStep<T>(path: string, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof TwofoldError) throw error;
    throw configInvalid(`${path}: ${what} (${errorCode(error) ?? String(error)})`, error);
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

function configInvalid(message: string, cause?: unknown): TwofoldError {
  return new TwofoldError('config_invalid', message, undefined, cause === undefined ? undefined : { cause });
}
