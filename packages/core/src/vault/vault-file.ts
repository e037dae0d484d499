import { TwofoldError } from '../errors/index.js';
import { aesGcmDecrypt, aesGcmEncrypt, checkScryptParams, deriveScryptKey, importAesKey } from './aes-gcm.js';
import { fromBase64, fromUtf8, randomBytes, toBase64, utf8 } from './bytes.js';
import { parseVaultContent, serializeVaultContent } from './vault-content.js';
import type { Vault } from './vault-entry.js';

/** `format` member of every vault file. */
export const VAULT_FORMAT = 'twofold-vault';
/** Version of the file layout (docs/vault-format.md); a newer one is refused with `vault_invalid`. */
export const VAULT_FILE_VERSION = 1;
/** scrypt cost of new vaults: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1-0.3 s), as Aegis. */
export const DEFAULT_VAULT_SCRYPT = { n: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 32;
const NONCE_BYTES = 12;

/** The key derivation recorded in a vault file. */
export interface VaultKdf {
  name: 'scrypt';
  n: number;
  r: number;
  p: number;
  salt: Uint8Array<ArrayBuffer>;
}

/**
 * The key that seals a vault: AES-256-GCM, derived from the passphrase with scrypt and held as a
 * non-extractable WebCrypto key, with the parameters that derived it. Keep it while the vault is unlocked so
 * each save needs no new derivation (every save still uses a fresh random nonce).
 */
export interface VaultKey {
  readonly kdf: VaultKdf;
  readonly cryptoKey: CryptoKey;
}

export interface DeriveVaultKeyOptions {
  /** 32 bytes; default random. */
  salt?: Uint8Array<ArrayBuffer>;
  /** scrypt cost; default DEFAULT_VAULT_SCRYPT. */
  n?: number;
  r?: number;
  p?: number;
}

function invalid(message: string): never {
  throw new TwofoldError('vault_invalid', `vault file: ${message}`);
}

/** The passphrase as bytes: Unicode NFC (so the same passphrase typed on any system gives the same key), UTF-8. */
function passphraseBytes(passphrase: string): Uint8Array<ArrayBuffer> {
  if (typeof passphrase !== 'string' || passphrase === '') {
    throw new TwofoldError('vault_passphrase_missing', 'the vault passphrase is empty');
  }
  return utf8(passphrase.normalize('NFC'));
}

/** Derives the key of a vault from its passphrase (scrypt N=2^15, r=8, p=1, 32-byte salt by default). */
export async function deriveVaultKey(
  passphrase: string,
  options: DeriveVaultKeyOptions = {},
): Promise<VaultKey> {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const params = {
    n: options.n ?? DEFAULT_VAULT_SCRYPT.n,
    r: options.r ?? DEFAULT_VAULT_SCRYPT.r,
    p: options.p ?? DEFAULT_VAULT_SCRYPT.p,
  };
  const problem = checkScryptParams(params);
  if (problem !== null) throw new TwofoldError('validation_failed', problem);
  if (salt.length < 16) throw new TwofoldError('validation_failed', 'the salt must be at least 16 bytes');
  const raw = await deriveScryptKey(passphraseBytes(passphrase), salt, params);
  return { kdf: { name: 'scrypt', ...params, salt }, cryptoKey: await importAesKey(raw) };
}

interface VaultFileHeader {
  kdf: VaultKdf;
  nonce: Uint8Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
}

/**
 * The associated data authenticated with the content: the file's header members in a fixed order, so a changed
 * KDF parameter, salt or nonce is detected like a changed ciphertext (docs/vault-format.md).
 */
function associatedData(kdf: VaultKdf, nonce: Uint8Array): Uint8Array<ArrayBuffer> {
  return utf8(
    JSON.stringify({
      format: VAULT_FORMAT,
      version: VAULT_FILE_VERSION,
      kdf: { name: kdf.name, n: kdf.n, r: kdf.r, p: kdf.p, salt: toBase64(kdf.salt) },
      cipher: { name: 'AES-256-GCM', nonce: toBase64(nonce) },
    }),
  );
}

/** True when parsed JSON looks like a Twofold vault file (for import detection). */
export function isVaultFile(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)['format'] === VAULT_FORMAT
  );
}

/** Reads and checks the unencrypted header of a vault file; throws `vault_invalid` naming the problem. */
function readHeader(fileText: string): VaultFileHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fileText);
  } catch {
    invalid('not JSON');
  }
  if (!isVaultFile(parsed)) invalid(`not a Twofold vault (no "format": "${VAULT_FORMAT}")`);
  const file = parsed as Record<string, unknown>;
  const version = file['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) invalid('version is missing');
  if (version > VAULT_FILE_VERSION)
    invalid(`version ${version} was written by a newer Twofold; update to open it`);
  const kdf = file['kdf'] as Record<string, unknown> | undefined;
  if (typeof kdf !== 'object' || kdf === null || kdf['name'] !== 'scrypt') invalid('kdf must be scrypt');
  const problem = checkScryptParams({ n: kdf['n'], r: kdf['r'], p: kdf['p'] });
  if (problem !== null) invalid(problem);
  const salt = fromBase64(kdf['salt']);
  if (salt === undefined || salt.length < 16) invalid('kdf.salt must be base64 of at least 16 bytes');
  const cipher = file['cipher'] as Record<string, unknown> | undefined;
  if (typeof cipher !== 'object' || cipher === null || cipher['name'] !== 'AES-256-GCM')
    invalid('cipher must be AES-256-GCM');
  const nonce = fromBase64(cipher['nonce']);
  if (nonce === undefined || nonce.length !== NONCE_BYTES) invalid('cipher.nonce must be base64 of 12 bytes');
  const data = fromBase64(file['data']);
  if (data === undefined || data.length < 16) invalid('data must be base64 of the ciphertext and its tag');
  return {
    kdf: { name: 'scrypt', n: kdf['n'] as number, r: kdf['r'] as number, p: kdf['p'] as number, salt },
    nonce,
    data,
  };
}

/**
 * Encrypts a vault with its key: AES-256-GCM over the JSON content with a fresh random 96-bit nonce. Returns the
 * file text (docs/vault-format.md). `nonce` is for known-answer tests only.
 */
export async function sealVault(
  vault: Vault,
  key: VaultKey,
  options: { nonce?: Uint8Array<ArrayBuffer> } = {},
): Promise<string> {
  const nonce = options.nonce ?? randomBytes(NONCE_BYTES);
  const plaintext = utf8(JSON.stringify(serializeVaultContent(vault)));
  try {
    const sealed = await aesGcmEncrypt(key.cryptoKey, nonce, plaintext, associatedData(key.kdf, nonce));
    const file = {
      format: VAULT_FORMAT,
      version: VAULT_FILE_VERSION,
      kdf: { name: 'scrypt', n: key.kdf.n, r: key.kdf.r, p: key.kdf.p, salt: toBase64(key.kdf.salt) },
      cipher: { name: 'AES-256-GCM', nonce: toBase64(nonce) },
      data: toBase64(sealed),
    };
    return `${JSON.stringify(file, null, 2)}\n`;
  } finally {
    plaintext.fill(0);
  }
}

async function decryptWith(header: VaultFileHeader, key: VaultKey): Promise<Vault> {
  const plaintext = await aesGcmDecrypt(
    key.cryptoKey,
    header.nonce,
    header.data,
    associatedData(header.kdf, header.nonce),
  );
  if (plaintext === undefined) {
    throw new TwofoldError(
      'vault_passphrase_wrong',
      'the vault could not be decrypted: wrong passphrase (or the file was altered)',
    );
  }
  try {
    let content: unknown;
    try {
      content = JSON.parse(fromUtf8(plaintext));
    } catch {
      invalid('the decrypted content is not JSON');
    }
    return parseVaultContent(content);
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Decrypts a vault file with its passphrase. Returns the vault and the key (to seal it again without a new
 * derivation). Throws `vault_passphrase_wrong` when the passphrase is wrong, `vault_invalid` when the file is
 * not a vault, is damaged or newer. Never writes anything.
 */
export async function openVault(
  fileText: string,
  passphrase: string,
): Promise<{ vault: Vault; key: VaultKey }> {
  const header = readHeader(fileText);
  const key = await deriveVaultKey(passphrase, {
    salt: header.kdf.salt,
    n: header.kdf.n,
    r: header.kdf.r,
    p: header.kdf.p,
  });
  return { vault: await decryptWith(header, key), key };
}

/** Decrypts a vault file with a key kept from an earlier open (same salt and parameters). */
export async function openVaultWithKey(fileText: string, key: VaultKey): Promise<Vault> {
  return decryptWith(readHeader(fileText), key);
}
