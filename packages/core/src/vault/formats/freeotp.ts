import { EntryCollector } from './collector.js';
import { invalidFile, openAesGcm, passwordRequired, pbkdf2Key, utf8, wrongPassword } from './crypto.js';
import type { FormatReader } from './format.js';
import { freeOtpAccount, freeOtpNames, javaBytes } from './freeotp-plus.js';
import { asObject } from './source.js';

/**
 * FreeOTP 2 backups (`externalBackup.xml` is a Java-serialized HashMap<String, String>; freeotp-android
 * TokenPersistence/MasterKey): "masterKey" is JSON {mAlgorithm PBKDF2withHmacSHA1|SHA512, mIterations, mSalt,
 * mEncryptedKey {mCipher AES/GCM/NoPadding, mCipherText, mParameters (DER: the GCM nonce), mToken}}; each token
 * has "<uuid>" = {"key": JSON of an encrypted key, sealed by the master key} and "<uuid>-token" = its settings.
 * AES-GCM's associated data is the key's mToken ("AES" for the master key, "HmacSHA1"... for token keys).
 */
const WHAT = 'FreeOTP backup';
const STREAM_MAGIC = 0xaced;
const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_LONGSTRING = 0x7c;
const BASE_HANDLE = 0x7e0000;
const MAX_MAP_SIZE = 100_000;

class Reader {
  at = 0;
  readonly handles: unknown[] = [];
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.at >= this.bytes.length) invalidFile(WHAT, 'the serialized map ends too soon');
    return this.bytes[this.at++]!;
  }
  u16(): number {
    return (this.byte() << 8) | this.byte();
  }
  u32(): number {
    return ((this.byte() << 24) | (this.byte() << 16) | (this.byte() << 8) | this.byte()) >>> 0;
  }
  take(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) invalidFile(WHAT, 'the serialized map ends too soon');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }
  utf(length: number): string {
    // Java's modified UTF-8 equals UTF-8 for text without NUL or supplementary characters (all FreeOTP writes).
    return new TextDecoder().decode(this.take(length));
  }
}

/** A String object of the stream (new, long, or a back-reference to one read before). */
function readString(reader: Reader): string {
  const tag = reader.byte();
  if (tag === TC_STRING || tag === TC_LONGSTRING) {
    let length: number;
    if (tag === TC_STRING) length = reader.u16();
    else {
      if (reader.u32() !== 0) invalidFile(WHAT, 'a string longer than 4 GiB');
      length = reader.u32();
    }
    const value = reader.utf(length);
    reader.handles.push(value);
    return value;
  }
  if (tag === TC_REFERENCE) {
    const value = reader.handles[reader.u32() - BASE_HANDLE];
    if (typeof value !== 'string') invalidFile(WHAT, 'a reference to something other than a string');
    return value;
  }
  return invalidFile(WHAT, `expected a string in the serialized map, found type 0x${tag.toString(16)}`);
}

/** The entries of a Java-serialized java.util.HashMap<String, String> (Java Object Serialization §6.4). */
export function readJavaStringMap(bytes: Uint8Array): Map<string, string> {
  const reader = new Reader(bytes);
  if (reader.u16() !== STREAM_MAGIC || reader.u16() !== 5)
    invalidFile(WHAT, 'not a Java serialization stream');
  if (reader.byte() !== TC_OBJECT || reader.byte() !== TC_CLASSDESC)
    invalidFile(WHAT, 'not a serialized object');
  const className = reader.utf(reader.u16());
  if (className !== 'java.util.HashMap')
    invalidFile(WHAT, `a serialized ${className}, not a java.util.HashMap`);
  reader.take(8); // serialVersionUID
  reader.handles.push(className); // the class descriptor
  reader.byte(); // flags
  const fields = reader.u16();
  for (let i = 0; i < fields; i++) {
    reader.byte();
    reader.utf(reader.u16());
  }
  if (reader.byte() !== TC_ENDBLOCKDATA || reader.byte() !== TC_NULL)
    invalidFile(WHAT, 'unexpected class annotation');
  reader.handles.push('map');
  reader.take(8); // loadFactor (float) and threshold (int)
  if (reader.byte() !== TC_BLOCKDATA) invalidFile(WHAT, 'the map has no block data');
  reader.take(reader.byte() - 4); // capacity (and anything before the size)
  const size = reader.u32();
  if (size > MAX_MAP_SIZE) invalidFile(WHAT, `the map claims ${size} entries`);
  const map = new Map<string, string>();
  for (let i = 0; i < size; i++) map.set(readString(reader), readString(reader));
  return map;
}

/** The nonce of Java's DER-encoded GCMParameters: SEQUENCE { OCTET STRING iv, INTEGER tLen }. */
function gcmNonce(parameters: Uint8Array): Uint8Array<ArrayBuffer> {
  let at = 0;
  if (parameters[at] === 0x30) at += 2;
  if (parameters[at] !== 0x04) invalidFile(WHAT, 'the GCM parameters hold no nonce');
  const length = parameters[at + 1]!;
  return new Uint8Array(parameters.subarray(at + 2, at + 2 + length));
}

interface EncryptedKey {
  cipherText: Uint8Array<ArrayBuffer>;
  nonce: Uint8Array<ArrayBuffer>;
  token: string;
}

function encryptedKey(value: unknown): EncryptedKey {
  const key = asObject(value);
  if (key?.['mCipher'] !== 'AES/GCM/NoPadding')
    throw new Error(`cipher ${String(key?.['mCipher'])} is not supported`);
  return {
    cipherText: new Uint8Array(javaBytes(key['mCipherText'])),
    nonce: gcmNonce(javaBytes(key['mParameters'])),
    token: typeof key['mToken'] === 'string' ? key['mToken'] : '',
  };
}

function parseJson(text: string | undefined, what: string): Record<string, unknown> {
  try {
    const value = asObject(JSON.parse(text ?? ''));
    if (value !== undefined) return value;
  } catch {
    // reported below
  }
  return invalidFile(WHAT, `${what} is not a JSON object`);
}

export const freeOtpFormat: FormatReader = {
  name: 'freeotp',
  title: 'a FreeOTP backup',
  detect(source) {
    return source.bytes.length > 4 && source.bytes[0] === 0xac && source.bytes[1] === 0xed;
  },
  async read(source, options) {
    const map = readJavaStringMap(source.bytes);
    const master = parseJson(map.get('masterKey'), 'masterKey');
    const password = passwordRequired(`this ${WHAT}`, options.password);
    const algorithm = master['mAlgorithm'];
    const hash =
      algorithm === 'PBKDF2withHmacSHA512'
        ? 'SHA512'
        : algorithm === 'PBKDF2withHmacSHA1'
          ? 'SHA1'
          : undefined;
    if (hash === undefined) invalidFile(WHAT, `master key derivation ${String(algorithm)} is not supported`);
    let sealedMaster: EncryptedKey;
    let salt: Uint8Array;
    try {
      sealedMaster = encryptedKey(master['mEncryptedKey']);
      salt = javaBytes(master['mSalt']);
    } catch (error) {
      return invalidFile(WHAT, `masterKey: ${(error as Error).message}`);
    }
    const passKey = await pbkdf2Key(hash, utf8(password), salt, Number(master['mIterations']), 32, WHAT);
    const masterKey = await openAesGcm(
      passKey,
      sealedMaster.nonce,
      sealedMaster.cipherText,
      utf8(sealedMaster.token),
    );
    if (masterKey === undefined) throw wrongPassword(WHAT);
    const uuids = [...map.keys()].filter((key) => key !== 'masterKey' && map.has(`${key}-token`));
    const collector = new EntryCollector(uuids.length, options.onProgress);
    for (const [index, uuid] of uuids.entries()) {
      let token: Record<string, unknown> | undefined;
      try {
        token = JSON.parse(map.get(`${uuid}-token`) ?? 'null') ?? undefined;
      } catch {
        token = undefined;
      }
      const { title } = freeOtpNames(token);
      let secret: Uint8Array | undefined;
      let reason = 'the token has no settings';
      if (token !== undefined) {
        try {
          const sealed = encryptedKey(JSON.parse(String(asObject(JSON.parse(map.get(uuid) ?? ''))?.['key'])));
          secret = await openAesGcm(
            new Uint8Array(masterKey),
            sealed.nonce,
            sealed.cipherText,
            utf8(sealed.token),
          );
          reason = 'its key does not decrypt with the master key';
        } catch (error) {
          reason = (error as Error).message;
        }
      }
      if (secret === undefined) {
        collector.skip(`token ${index + 1}`, title, reason);
        continue;
      }
      const plainSecret = secret;
      collector.add(`token ${index + 1}`, title, () => freeOtpAccount(token, plainSecret));
    }
    return collector.result('freeotp');
  },
};
