import { ecb } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { inflateSync } from 'fflate';
import { TwofoldError } from '../../errors/index.js';
import { bytesEqual } from '../bytes.js';

/**
 * A small ZIP reader (PKWARE APPNOTE 6.3.10): the central directory, stored and deflated entries (fflate
 * inflates), and WinZip AES encryption (AE-1/AE-2: PBKDF2-HMAC-SHA1, AES-CTR with a little-endian counter,
 * HMAC-SHA1), which Raivo's encrypted exports use. Sizes are bounded so a crafted archive cannot exhaust memory.
 */

/** Largest uncompressed entry read: an authenticator export is far smaller. */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

export interface ZipEntry {
  name: string;
  encrypted: boolean;
  /** The entry's bytes; `password` is needed when it is encrypted. Throws `import_*` errors. */
  read(password?: string): Uint8Array;
}

export type ZipArchive = ZipEntry[];

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function invalid(message: string): never {
  throw new TwofoldError('import_invalid', `ZIP archive: ${message}`);
}

/** The entries of a ZIP archive, or undefined when the bytes are not one. */
export function readZip(bytes: Uint8Array): ZipArchive | undefined {
  if (bytes.length < 22 || u32(bytes, 0) !== 0x04034b50) return undefined;
  // The end of central directory record is in the last 22 + 65535 bytes.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
    if (u32(bytes, at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = u16(bytes, end + 10);
  let at = u32(bytes, end + 16);
  if (count > MAX_ENTRIES) return undefined;
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (at + 46 > bytes.length || u32(bytes, at) !== 0x02014b50) return undefined;
    const flags = u16(bytes, at + 8);
    const method = u16(bytes, at + 10);
    const compressedSize = u32(bytes, at + 20);
    const size = u32(bytes, at + 24);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    const localAt = u32(bytes, at + 42);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const extra = bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    at += 46 + nameLength + extraLength + commentLength;
    entries.push({
      name,
      encrypted: (flags & 1) === 1,
      read: (password) => readEntry(bytes, { flags, method, compressedSize, size, localAt, extra }, password),
    });
  }
  return entries;
}

interface EntryHeader {
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localAt: number;
  extra: Uint8Array;
}

function readEntry(bytes: Uint8Array, header: EntryHeader, password: string | undefined): Uint8Array {
  const { localAt } = header;
  if (localAt + 30 > bytes.length || u32(bytes, localAt) !== 0x04034b50)
    invalid('an entry has no local header');
  const dataAt = localAt + 30 + u16(bytes, localAt + 26) + u16(bytes, localAt + 28);
  if (dataAt + header.compressedSize > bytes.length) invalid('an entry runs past the end of the file');
  if (header.size > MAX_ENTRY_BYTES) invalid('an entry is larger than 64 MiB');
  let data = bytes.subarray(dataAt, dataAt + header.compressedSize);
  let method = header.method;
  if ((header.flags & 1) === 1) {
    if (method !== 99) invalid('the archive uses ZipCrypto, which is not supported (only WinZip AES)');
    const aes = aesExtra(header.extra);
    if (password === undefined || password === '') {
      throw new TwofoldError('import_password_required', 'this ZIP archive is encrypted: give its password');
    }
    data = decryptWinZipAes(data, aes.strength, password);
    method = aes.method;
  }
  if (method === 0) return data.slice();
  if (method !== 8) invalid(`compression method ${method} is not supported`);
  try {
    const out = inflateSync(data, { out: new Uint8Array(header.size) });
    if (out.length !== header.size) invalid('an entry inflates to another size than its header says');
    return out;
  } catch (error) {
    if (error instanceof TwofoldError) throw error;
    return invalid('an entry does not inflate');
  }
}

/** The WinZip AES extra field (0x9901): key strength (1-3) and the real compression method. */
function aesExtra(extra: Uint8Array): { strength: number; method: number } {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = u16(extra, at);
    const length = u16(extra, at + 2);
    if (id === 0x9901 && length >= 7) {
      const strength = extra[at + 8]!;
      if (strength < 1 || strength > 3) break;
      return { strength, method: u16(extra, at + 9) };
    }
    at += 4 + length;
  }
  return invalid('an encrypted entry has no WinZip AES field');
}

function decryptWinZipAes(data: Uint8Array, strength: number, password: string): Uint8Array {
  const keyLength = 8 + strength * 8; // 16, 24 or 32 bytes
  const saltLength = keyLength / 2;
  if (data.length < saltLength + 2 + 10) invalid('an encrypted entry is too short');
  const salt = data.subarray(0, saltLength);
  const verifier = data.subarray(saltLength, saltLength + 2);
  const body = data.subarray(saltLength + 2, data.length - 10);
  const mac = data.subarray(data.length - 10);
  const derived = pbkdf2(sha1, new TextEncoder().encode(password), salt, {
    c: 1000,
    dkLen: keyLength * 2 + 2,
  });
  const wrong = () =>
    new TwofoldError('import_password_wrong', 'ZIP archive: the password does not open it (wrong password)');
  if (!bytesEqual(derived.subarray(keyLength * 2), verifier)) throw wrong();
  const macKey = derived.subarray(keyLength, keyLength * 2);
  if (!bytesEqual(hmac(sha1, macKey, body).subarray(0, 10), mac)) throw wrong();
  // AES-CTR whose counter is a little-endian integer from 1 in the first bytes of the block.
  const cipher = ecb(derived.subarray(0, keyLength), { disablePadding: true });
  const blocks = Math.ceil(body.length / 16);
  const counters = new Uint8Array(blocks * 16);
  for (let block = 0; block < blocks; block++) {
    let value = block + 1;
    for (let i = 0; i < 8 && value > 0; i++) {
      counters[block * 16 + i] = value & 0xff;
      value = Math.floor(value / 256);
    }
  }
  const stream = cipher.encrypt(counters);
  const out = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) out[i] = body[i]! ^ stream[i]!;
  return out;
}
