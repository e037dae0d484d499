import { scryptAsync } from '@noble/hashes/scrypt.js';

/** scrypt cost parameters (RFC 7914 §2). */
export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/** Largest scrypt memory (128·N·r·p bytes) accepted from a file: 256 MiB, so a hostile file cannot exhaust memory. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

/** Returns why scrypt parameters read from a file are unusable, or null. */
export function checkScryptParams(params: { n: unknown; r: unknown; p: unknown }): string | null {
  const { n, r, p } = params;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 2 || (n & (n - 1)) !== 0)
    return 'scrypt n must be a power of two';
  if (n < 2 ** 10) return 'scrypt n is below 2^10';
  if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 1 || r > 64) return 'scrypt r must be 1 to 64';
  if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 1 || p > 16) return 'scrypt p must be 1 to 16';
  if (128 * n * r * p > MAX_SCRYPT_MEMORY) return 'scrypt parameters need more than 256 MiB of memory';
  return null;
}

/** scrypt (RFC 7914) of a password, 32 bytes; @noble/hashes, so it runs in browsers too. */
export async function deriveScryptKey(
  password: Uint8Array,
  salt: Uint8Array,
  params: ScryptParams,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await scryptAsync(password, salt, { N: params.n, r: params.r, p: params.p, dkLen: 32 });
  const copy = new Uint8Array(32);
  copy.set(key);
  key.fill(0);
  return copy;
}

/** A non-extractable AES-256-GCM key (WebCrypto) from 32 raw bytes; the bytes are zeroed after import. */
export async function importAesKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  try {
    return await globalThis.crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, [
      'encrypt',
      'decrypt',
    ]);
  } finally {
    raw.fill(0);
  }
}

/** AES-256-GCM encryption with a 96-bit nonce and 128-bit tag: returns ciphertext || tag. */
export async function aesGcmEncrypt(
  key: CryptoKey,
  nonce: Uint8Array<ArrayBuffer>,
  plaintext: Uint8Array<ArrayBuffer>,
  additionalData?: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const result = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, tagLength: 128, ...(additionalData ? { additionalData } : {}) },
    key,
    plaintext,
  );
  return new Uint8Array(result);
}

/** AES-256-GCM decryption of ciphertext || tag; undefined when the tag does not verify (wrong key or altered data). */
export async function aesGcmDecrypt(
  key: CryptoKey,
  nonce: Uint8Array<ArrayBuffer>,
  sealed: Uint8Array<ArrayBuffer>,
  additionalData?: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    const result = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce, tagLength: 128, ...(additionalData ? { additionalData } : {}) },
      key,
      sealed,
    );
    return new Uint8Array(result);
  } catch {
    return undefined;
  }
}
