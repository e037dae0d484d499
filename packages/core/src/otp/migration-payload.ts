import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { TwofoldError } from '../errors/index.js';

/** One `OtpParameters` message as stored, enums as numbers (Google Authenticator's google_auth.proto). */
export interface RawOtpParameters {
  secret: Uint8Array;
  name: string;
  issuer: string;
  /** 0 unspecified, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5. */
  algorithm: number;
  /** 0 unspecified, 1 six, 2 eight. */
  digits: number;
  /** 0 unspecified, 1 HOTP, 2 TOTP. */
  type: number;
  counter: bigint;
}

/** A `MigrationPayload` message; absent scalar fields read as 0 (proto3). */
export interface RawMigrationPayload {
  otpParameters: RawOtpParameters[];
  version: number;
  batchSize: number;
  batchIndex: number;
  batchId: number;
}

const WIRE_TYPE_NAMES: Record<number, string> = {
  [WireType.Varint]: 'varint',
  [WireType.Bit64]: '64-bit',
  [WireType.LengthDelimited]: 'length-delimited',
  [WireType.StartGroup]: 'group start',
  [WireType.EndGroup]: 'group end',
  [WireType.Bit32]: '32-bit',
};

function fail(message: string, cause?: unknown): never {
  throw new TwofoldError('migration_payload_invalid', `otpauth-migration: ${message}`, undefined, { cause });
}

function expectWireType(field: string, actual: WireType, expected: WireType): void {
  if (actual !== expected) {
    fail(`field ${field} is ${WIRE_TYPE_NAMES[actual] ?? actual}, expected ${WIRE_TYPE_NAMES[expected]}`);
  }
}

function readOtpParameters(bytes: Uint8Array, index: number): RawOtpParameters {
  const reader = new BinaryReader(bytes);
  const parameters: RawOtpParameters = {
    secret: new Uint8Array(0),
    name: '',
    issuer: '',
    algorithm: 0,
    digits: 0,
    type: 0,
    counter: 0n,
  };
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    const where = `otp_parameters[${index}].${field}`;
    switch (field) {
      case 1:
        expectWireType(where, wireType, WireType.LengthDelimited);
        // Copy: bytes() is a view into the payload (and Buffer#slice would be a view too).
        parameters.secret = new Uint8Array(reader.bytes());
        break;
      case 2:
        expectWireType(where, wireType, WireType.LengthDelimited);
        parameters.name = reader.string(true);
        break;
      case 3:
        expectWireType(where, wireType, WireType.LengthDelimited);
        parameters.issuer = reader.string(true);
        break;
      case 4:
      case 5:
      case 6: {
        expectWireType(where, wireType, WireType.Varint);
        const value = reader.int32();
        if (field === 4) parameters.algorithm = value;
        else if (field === 5) parameters.digits = value;
        else parameters.type = value;
        break;
      }
      case 7:
        expectWireType(where, wireType, WireType.Varint);
        parameters.counter = BigInt(reader.int64());
        break;
      default:
        reader.skip(wireType, field);
    }
  }
  return parameters;
}

/** Reads a protobuf `MigrationPayload` (protobuf binary wire format; Google Authenticator export schema). */
export function readMigrationPayload(bytes: Uint8Array): RawMigrationPayload {
  const payload: RawMigrationPayload = {
    otpParameters: [],
    version: 0,
    batchSize: 0,
    batchIndex: 0,
    batchId: 0,
  };
  try {
    const reader = new BinaryReader(bytes);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1) {
        expectWireType('otp_parameters', wireType, WireType.LengthDelimited);
        payload.otpParameters.push(readOtpParameters(reader.bytes(), payload.otpParameters.length));
      } else if (field >= 2 && field <= 5) {
        const name = ['version', 'batch_size', 'batch_index', 'batch_id'][field - 2]!;
        expectWireType(name, wireType, WireType.Varint);
        const value = reader.int32();
        if (field === 2) payload.version = value;
        else if (field === 3) payload.batchSize = value;
        else if (field === 4) payload.batchIndex = value;
        else payload.batchId = value;
      } else {
        reader.skip(wireType, field);
      }
    }
    if (reader.pos !== reader.len) fail('data ends in the middle of a field');
  } catch (error) {
    if (error instanceof TwofoldError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    fail(`data is not a valid MigrationPayload protobuf (${reason})`, error);
  }
  return payload;
}

/** Writes a protobuf `MigrationPayload`, omitting proto3 defaults except batch_index (explicitly optional). */
export function writeMigrationPayload(payload: RawMigrationPayload): Uint8Array {
  const writer = new BinaryWriter();
  for (const entry of payload.otpParameters) {
    writer.tag(1, WireType.LengthDelimited).fork();
    writer.tag(1, WireType.LengthDelimited).bytes(entry.secret);
    if (entry.name !== '') writer.tag(2, WireType.LengthDelimited).string(entry.name);
    if (entry.issuer !== '') writer.tag(3, WireType.LengthDelimited).string(entry.issuer);
    if (entry.algorithm !== 0) writer.tag(4, WireType.Varint).int32(entry.algorithm);
    if (entry.digits !== 0) writer.tag(5, WireType.Varint).int32(entry.digits);
    if (entry.type !== 0) writer.tag(6, WireType.Varint).int32(entry.type);
    if (entry.counter !== 0n) writer.tag(7, WireType.Varint).int64(entry.counter);
    writer.join();
  }
  if (payload.version !== 0) writer.tag(2, WireType.Varint).int32(payload.version);
  if (payload.batchSize !== 0) writer.tag(3, WireType.Varint).int32(payload.batchSize);
  writer.tag(4, WireType.Varint).int32(payload.batchIndex);
  if (payload.batchId !== 0) writer.tag(5, WireType.Varint).int32(payload.batchId);
  return writer.finish();
}
