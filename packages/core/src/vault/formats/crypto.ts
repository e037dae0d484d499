import { poly1305 } from '@noble/ciphers/_poly1305.js';
import { chacha20, hchacha } from '@noble/ciphers/chacha.js';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { TwofoldError } from '../../errors/index.js';
import { aesGcmDecrypt, importAesKey } from '../aes-gcm.js';
import { bytesEqual, utf8 } from '../bytes.js';

/**
 * The key derivations and ciphers other apps' exports use, from @noble (pure JS, so they run in browsers too)
 * and WebCrypto. Every cost parameter read from a file is bounded: a crafted file cannot make the import hang
 * or exhaust memory.
 */

/** Largest PBKDF2 count taken from a file: Bitwarden's own maximum (its default is 600,000). */
export const MAX_PBKDF2_ITERATIONS = 2_000_000;
/** Largest Argon2 memory taken from a file: 1 GiB (Ente's "sensitive" limit). */
export const MAX_ARGON2_MEMORY_BYTES = 1024 * 1024 * 1024;
export const MAX_ARGON2_PASSES = 64;

export function invalidFile(what: string, message: string): never {
  throw new TwofoldError('import_invalid', `${what}: ${message}`);
}

export function wrongPassword(
  what: string,
  detail = 'wrong password, or the file was altered',
): TwofoldError {
  return new TwofoldError('import_password_wrong', `${what}: the password does not open it (${detail})`);
}

export function passwordRequired(what: string, password: string | undefined): string {
  if (password === undefined || password === '') {
    throw new TwofoldError('import_password_required', `${what} is encrypted: give its password`);
  }
  return password;
}

export async function pbkdf2Key(
  hash: 'SHA1' | 'SHA256' | 'SHA512',
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
  what: string,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    invalidFile(what, `PBKDF2 iterations ${iterations} out of range (1 to ${MAX_PBKDF2_ITERATIONS})`);
  }
  const h = hash === 'SHA1' ? sha1 : hash === 'SHA256' ? sha256 : sha512;
  const key = await pbkdf2Async(h, password, salt, { c: iterations, dkLen: length });
  return new Uint8Array(key);
}

export async function argon2idKey(
  password: Uint8Array,
  salt: Uint8Array,
  params: { passes: number; memoryBytes: number; parallelism: number },
  what: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const { passes, memoryBytes, parallelism } = params;
  if (!Number.isSafeInteger(passes) || passes < 1 || passes > MAX_ARGON2_PASSES)
    invalidFile(what, `Argon2 passes ${passes} out of range (1 to ${MAX_ARGON2_PASSES})`);
  if (!Number.isSafeInteger(memoryBytes) || memoryBytes < 8192 || memoryBytes > MAX_ARGON2_MEMORY_BYTES)
    invalidFile(what, `Argon2 memory ${memoryBytes} bytes out of range (8 KiB to 1 GiB)`);
  if (!Number.isSafeInteger(parallelism) || parallelism < 1 || parallelism > 16)
    invalidFile(what, `Argon2 parallelism ${parallelism} out of range (1 to 16)`);
  const key = await argon2idAsync(password, salt, {
    t: passes,
    m: Math.floor(memoryBytes / 1024),
    p: parallelism,
    dkLen: 32,
  });
  return new Uint8Array(key);
}

/** AES-GCM (WebCrypto) of ciphertext || tag; undefined when it does not verify. */
export async function openAesGcm(
  key: Uint8Array<ArrayBuffer>,
  nonce: Uint8Array<ArrayBuffer>,
  sealed: Uint8Array<ArrayBuffer>,
  additionalData?: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (key.length !== 32 && key.length !== 16) return undefined;
  const cryptoKey =
    key.length === 32
      ? await importAesKey(new Uint8Array(key))
      : await globalThis.crypto.subtle.importKey('raw', key, { name: 'AES-GCM' }, false, ['decrypt']);
  return aesGcmDecrypt(cryptoKey, nonce, sealed, additionalData);
}

/** AES-CBC with PKCS#7 padding (WebCrypto); undefined when the padding is wrong. */
export async function openAesCbc(
  key: Uint8Array<ArrayBuffer>,
  iv: Uint8Array<ArrayBuffer>,
  ciphertext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    const cryptoKey = await globalThis.crypto.subtle.importKey('raw', key, { name: 'AES-CBC' }, false, [
      'decrypt',
    ]);
    return new Uint8Array(
      await globalThis.crypto.subtle.decrypt({ name: 'AES-CBC', iv }, cryptoKey, ciphertext),
    );
  } catch {
    return undefined;
  }
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(sha256, key, data);
}

export function sha256Of(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(sha256(data));
}

export { bytesEqual, utf8 };

const SECRETSTREAM_TAG_FINAL = 3;

function le64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  let rest = value;
  for (let i = 0; i < 8; i++) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/**
 * The first message of libsodium's crypto_secretstream_xchacha20poly1305 (what Ente Auth encrypts its export
 * with): subkey = HChaCha20(key, header[0..16]); nonce = counter 1 || header[16..24]; ChaCha20 block 0 keys
 * Poly1305, block 1 carries the tag byte, the message starts at block 2; the MAC covers the tag block, the
 * ciphertext and the lengths. Returns the message and its tag, or undefined when the MAC does not verify.
 */
export function openSecretstreamMessage(
  key: Uint8Array,
  header: Uint8Array,
  sealed: Uint8Array,
): { message: Uint8Array; final: boolean } | undefined {
  if (key.length !== 32 || header.length !== 24 || sealed.length < 17) return undefined;
  const toWords = (bytes: Uint8Array) => new Uint32Array(bytes.slice().buffer);
  const subkeyWords = new Uint32Array(8);
  const sigma = toWords(utf8('expand 32-byte k'));
  hchacha(sigma, toWords(key), toWords(header.subarray(0, 16)), subkeyWords);
  const subkey = new Uint8Array(subkeyWords.buffer);
  const nonce = new Uint8Array(12);
  nonce.set([1, 0, 0, 0]);
  nonce.set(header.subarray(16, 24), 4);
  const polyKey = chacha20(subkey, nonce, new Uint8Array(64), undefined, 0).subarray(0, 32);
  const block = new Uint8Array(64);
  block[0] = sealed[0]!;
  const tag = chacha20(subkey, nonce, block, undefined, 1)[0]!;
  const encryptedBlock = new Uint8Array(64);
  encryptedBlock[0] = sealed[0]!;
  // Keystream bytes 1-63 of block 1 are what the zero bytes of the tag block encrypt to.
  encryptedBlock.set(chacha20(subkey, nonce, new Uint8Array(64), undefined, 1).subarray(1), 1);
  const ciphertext = sealed.subarray(1, sealed.length - 16);
  const mac = sealed.subarray(sealed.length - 16);
  // libsodium pads with (0x10 - 64 + mlen) & 0xf zero bytes: mlen mod 16, not the usual 16 - mlen mod 16.
  const padding = ciphertext.length % 16;
  const macInput = new Uint8Array(64 + ciphertext.length + padding + 16);
  macInput.set(encryptedBlock, 0);
  macInput.set(ciphertext, 64);
  macInput.set(le64(0), 64 + ciphertext.length + padding);
  macInput.set(le64(64 + ciphertext.length), 64 + ciphertext.length + padding + 8);
  if (!bytesEqual(poly1305(macInput, polyKey), mac)) return undefined;
  const message = chacha20(subkey, nonce, ciphertext, undefined, 2);
  return { message, final: (tag & SECRETSTREAM_TAG_FINAL) === SECRETSTREAM_TAG_FINAL };
}
