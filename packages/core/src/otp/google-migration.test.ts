import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { describeError } from '../test-support/describe-error.js';
import { decodeBase32 } from './base32.js';
import {
  combineMigrationBatches,
  decodeMigrationUri,
  encodeMigrationUris,
  type MigrationBatch,
} from './google-migration.js';
import { type RawOtpParameters, readMigrationPayload, writeMigrationPayload } from './migration-payload.js';
import type { OtpAccount } from './otp-account.js';
import { formatOtpauthUri } from './otpauth-uri.js';

// Reference §6, example 1 (digitalduke/otpauth-migration-decoder, dim13/otpauth READMEs).
const EXAMPLE_1 =
  'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC';
const EXAMPLE_1_HEX =
  '0a310a0a48656c6c6f21deadbeef12184578616d706c653a616c69636540676f6f676c652e636f6d1a074578616d706c653002';
// Reference §6, example 2 (jens-duttke/otp-migration-parser README); note the %3D%3D padding.
const EXAMPLE_2 =
  'otpauth-migration://offline?data=CkoKDZePmX7z8qHgFlH9yVcSIlRoaXNfaXNfYW5fRXhhbXBsZTplbWFpbEBlbWFpbC5jb20aD0V4YW1wbGVfV2Vic2l0ZSABKAEwAhABGAEgAA%3D%3D';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const uriOf = (bytes: Uint8Array): string =>
  `otpauth-migration://offline?data=${encodeURIComponent(Buffer.from(bytes).toString('base64'))}`;
const dataOf = (uri: string): Uint8Array =>
  new Uint8Array(Buffer.from(decodeURIComponent(uri.slice(uri.indexOf('data=') + 5)), 'base64'));
const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

const SECRET = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
const entry = (fields: Partial<RawOtpParameters>): RawOtpParameters => ({
  secret: SECRET,
  name: 'alice',
  issuer: 'Example',
  algorithm: 1,
  digits: 1,
  type: 2,
  counter: 0n,
  ...fields,
});
const payloadUri = (
  otpParameters: RawOtpParameters[],
  batch = { version: 1, batchSize: 1, batchIndex: 0, batchId: 7 },
) => uriOf(writeMigrationPayload({ otpParameters, ...batch }));

describe('decodeMigrationUri: reference examples', () => {
  it('example 1: one TOTP entry, algorithm/digits unset, no batch fields', () => {
    expect(hex(dataOf(EXAMPLE_1))).toBe(EXAMPLE_1_HEX);
    expect(readMigrationPayload(dataOf(EXAMPLE_1))).toEqual({
      otpParameters: [
        {
          secret: bytesOf('48656c6c6f21deadbeef'),
          name: 'Example:alice@google.com',
          issuer: 'Example',
          algorithm: 0,
          digits: 0,
          type: 2,
          counter: 0n,
        },
      ],
      version: 0,
      batchSize: 0,
      batchIndex: 0,
      batchId: 0,
    });
    const decoded = decodeMigrationUri(EXAMPLE_1);
    expect(decoded).toEqual({
      accounts: [
        {
          type: 'totp',
          issuer: 'Example',
          accountName: 'alice@google.com',
          secret: decodeBase32('JBSWY3DPEHPK3PXP'),
          algorithm: 'SHA1',
          digits: 6,
          period: 30,
          extra: {},
        },
      ],
      skipped: [],
      version: 0,
      batchSize: 0,
      batchIndex: 0,
      batchId: 0,
    });
    expect(hex(decoded.accounts[0]!.secret)).toBe('48656c6c6f21deadbeef');
    expect(formatOtpauthUri(decoded.accounts[0]!)).toBe(
      'otpauth://totp/Example:alice%40google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('example 2: SHA1/6 set explicitly, version 1, batch 0 of 1, %3D%3D padding', () => {
    const raw = readMigrationPayload(dataOf(EXAMPLE_2));
    expect(raw.otpParameters).toEqual([
      {
        secret: bytesOf('978f997ef3f2a1e01651fdc957'),
        name: 'This_is_an_Example:email@email.com',
        issuer: 'Example_Website',
        algorithm: 1,
        digits: 1,
        type: 2,
        counter: 0n,
      },
    ]);
    expect(decodeMigrationUri(EXAMPLE_2)).toEqual({
      accounts: [
        {
          type: 'totp',
          issuer: 'Example_Website',
          // The name's prefix is not the issuer, so the name is kept whole rather than losing part of it.
          accountName: 'This_is_an_Example:email@email.com',
          secret: decodeBase32('S6HZS7XT6KQ6AFSR7XEVO'),
          algorithm: 'SHA1',
          digits: 6,
          period: 30,
          extra: {},
        },
      ],
      skipped: [],
      version: 1,
      batchSize: 1,
      batchIndex: 0,
      batchId: 0,
    });
  });

  it('writes example 2 back byte for byte', () => {
    const bytes = dataOf(EXAMPLE_2);
    expect(hex(writeMigrationPayload(readMigrationPayload(bytes)))).toBe(hex(bytes));
  });
});

describe('decodeMigrationUri: entries', () => {
  it('maps algorithms, digits and types; skips what cannot be imported', () => {
    const uri = payloadUri([
      entry({ name: 'ok' }),
      entry({ name: 'md5', algorithm: 4 }),
      entry({ name: 'type3', type: 3 }),
      entry({ name: 'algo9', algorithm: 9 }),
      entry({ name: 'digits3', digits: 3 }),
      entry({ name: 'short', secret: new Uint8Array(9) }),
      entry({ name: 'empty', secret: new Uint8Array(0) }),
      entry({ name: 'negative', type: 1, counter: -5n }),
      entry({ name: 'hotp', type: 1, counter: 2n ** 40n }),
      entry({ name: 'sha256-8', algorithm: 2, digits: 2 }),
      entry({ name: 'sha512', algorithm: 3 }),
      entry({ name: 'unspecified', algorithm: 0, digits: 0, type: 0 }),
    ]);
    const { accounts, skipped } = decodeMigrationUri(uri);
    expect(skipped).toEqual([
      { index: 1, name: 'Example:md5', reason: 'algorithm MD5 is not supported' },
      { index: 2, name: 'Example:type3', reason: 'unknown OTP type 3' },
      { index: 3, name: 'Example:algo9', reason: 'unknown algorithm 9' },
      { index: 4, name: 'Example:digits3', reason: 'unknown digit count 3' },
      {
        index: 5,
        name: 'Example:short',
        reason: 'secret is 72 bits (9 bytes); at least 80 bits (10 bytes, 16 base32 characters) are required',
      },
      { index: 6, name: 'Example:empty', reason: 'secret is empty' },
      { index: 7, name: 'Example:negative', reason: 'counter -5 is negative' },
    ]);
    expect(accounts.map((a) => [a.accountName, a.type, a.algorithm, a.digits, a.period, a.counter])).toEqual([
      ['ok', 'totp', 'SHA1', 6, 30, undefined],
      ['hotp', 'hotp', 'SHA1', 6, undefined, 2n ** 40n],
      ['sha256-8', 'totp', 'SHA256', 8, 30, undefined],
      ['sha512', 'totp', 'SHA512', 6, 30, undefined],
      ['unspecified', 'totp', 'SHA1', 6, 30, undefined],
    ]);
    expect(accounts[1]).toEqual({
      type: 'hotp',
      issuer: 'Example',
      accountName: 'hotp',
      secret: SECRET,
      algorithm: 'SHA1',
      digits: 6,
      counter: 2n ** 40n,
      extra: {},
    });
  });

  it.each([
    ['Issuer:account', '', 'Issuer', 'account'],
    ['Issuer: account', '', 'Issuer', 'account'],
    ['A:b:c', '', 'A', 'b:c'],
    ['plain', '', undefined, 'plain'],
    ['Example:alice', 'Example', 'Example', 'alice'],
    ['Other:alice', 'Example', 'Example', 'Other:alice'],
    ['alice', 'Example', 'Example', 'alice'],
    ['', '', undefined, ''],
  ])('name %j, issuer %j -> issuer %j, account %j', (name, issuer, expectedIssuer, accountName) => {
    const [account] = decodeMigrationUri(payloadUri([entry({ name, issuer })])).accounts;
    expect(account?.issuer).toBe(expectedIssuer);
    expect(account?.accountName).toBe(accountName);
  });

  it('skips unknown fields', () => {
    const writer = new BinaryWriter();
    writer.tag(1, WireType.LengthDelimited).fork();
    writer.tag(1, WireType.LengthDelimited).bytes(SECRET);
    writer.tag(2, WireType.LengthDelimited).string('alice');
    writer.tag(42, WireType.LengthDelimited).string('future field');
    writer.tag(43, WireType.Bit32).fixed32(7);
    writer.join();
    writer.tag(2, WireType.Varint).int32(1);
    writer.tag(99, WireType.Varint).int32(5);
    writer.tag(100, WireType.Bit64).fixed64(5n);
    const decoded = decodeMigrationUri(uriOf(writer.finish()));
    expect(decoded.accounts.map((a) => a.accountName)).toEqual(['alice']);
    expect(decoded.version).toBe(1);
  });

  it('reads base64 with raw "+", with "+" turned into spaces, and without padding', () => {
    // The entry header (0a 26 0a 0e) is 4 bytes; 2 more align fb ef be on a base64 group: '++++'.
    const secret = Uint8Array.from([
      0, 0, 0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe,
    ]);
    const base64 = Buffer.from(
      writeMigrationPayload({
        otpParameters: [entry({ secret })],
        version: 1,
        batchSize: 1,
        batchIndex: 0,
        batchId: 0,
      }),
    ).toString('base64');
    expect(base64).toContain('+');
    for (const data of [
      base64,
      encodeURIComponent(base64),
      base64.replace(/\+/g, ' '),
      base64.replace(/=+$/, ''),
    ]) {
      expect(decodeMigrationUri(`otpauth-migration://offline?data=${data}`).accounts[0]?.secret).toEqual(
        secret,
      );
    }
  });

  it('accepts an upper-case scheme and host and surrounding white-space', () => {
    expect(
      decodeMigrationUri(
        ` ${EXAMPLE_1.replace('otpauth-migration://offline', 'OTPAUTH-MIGRATION://OFFLINE')}\n`,
      ).accounts,
    ).toHaveLength(1);
  });
});

describe('decodeMigrationUri: errors', () => {
  const truncated = uriOf(dataOf(EXAMPLE_1).subarray(0, 20));
  const wrongWireType = uriOf(Uint8Array.from([0x12, 0x01, 0x00])); // field 2 (version) as length-delimited
  it.each([
    [
      'wrong scheme',
      'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP',
      "URI must start with 'otpauth-migration://offline?data='",
    ],
    ['wrong host', 'otpauth-migration://online?data=CgA%3D', "host must be 'offline', got 'online'"],
    ['missing data', 'otpauth-migration://offline?foo=bar', "missing required parameter 'data'"],
    ['no query', 'otpauth-migration://offline', "missing required parameter 'data'"],
    ['empty data', 'otpauth-migration://offline?data=', "parameter 'data' is empty"],
    ['two data', `${EXAMPLE_1}&data=CgA%3D`, "parameter 'data' appears more than once"],
    [
      'bad character',
      'otpauth-migration://offline?data=CjEK!Cg',
      "data: character '!' at position 5 is not base64",
    ],
    [
      'data after padding',
      'otpauth-migration://offline?data=Cg%3D%3DCg',
      "data: character 'C' at position 5 is not base64",
    ],
    [
      'impossible length',
      'otpauth-migration://offline?data=CjEKC',
      'data: base64 length is impossible (truncated or extra character)',
    ],
    ['truncated payload', truncated, 'data is not a valid MigrationPayload protobuf (premature EOF)'],
    ['wrong wire type', wrongWireType, 'field version is length-delimited, expected varint'],
    [
      'field number 0',
      uriOf(Uint8Array.from([0x00, 0x01])),
      'data is not a valid MigrationPayload protobuf (illegal tag: field no 0 wire type 0)',
    ],
  ])('%s', (_name, uri, message) => {
    expect(describeError(() => decodeMigrationUri(uri))).toBe(
      `migration_payload_invalid: otpauth-migration: ${message}`,
    );
  });

  it('skips entries without a secret', () => {
    // Two entries: one with only algorithm=0, one with an empty secret.
    const bytes = Uint8Array.from([0x0a, 0x02, 0x20, 0x00, 0x0a, 0x02, 0x0a, 0x00]);
    expect(decodeMigrationUri(uriOf(bytes)).skipped.map((s) => s.reason)).toEqual([
      'secret is empty',
      'secret is empty',
    ]);
  });

  it('rejects an entry that is cut short or has a field of the wrong wire type', () => {
    expect(describeError(() => decodeMigrationUri(uriOf(Uint8Array.from([0x0a, 0x02, 0x0a, 0x05]))))).toBe(
      'migration_payload_invalid: otpauth-migration: data is not a valid MigrationPayload protobuf (premature EOF)',
    );
    expect(describeError(() => decodeMigrationUri(uriOf(Uint8Array.from([0x0a, 0x02, 0x08, 0x01]))))).toBe(
      'migration_payload_invalid: otpauth-migration: field otp_parameters[0].1 is varint, expected length-delimited',
    );
  });
});

describe('encodeMigrationUris', () => {
  const account = (i: number, fields: Partial<OtpAccount> = {}): OtpAccount => ({
    type: 'totp',
    issuer: `Issuer ${i}`,
    accountName: `user${i}@example.com`,
    secret: Uint8Array.from({ length: 10 + (i % 20) }, (_, j) => (i * 31 + j * 7) & 0xff),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    extra: {},
    ...fields,
  });

  it('splits into batches sharing one batch_id and round-trips through decode + combine', () => {
    const exportable = Array.from({ length: 25 }, (_, i) =>
      i % 5 === 4
        ? {
            type: 'hotp' as const,
            accountName: `hotp${i}`,
            secret: account(i).secret,
            algorithm: 'SHA1' as const,
            digits: 6,
            counter: BigInt(i) * 1000n,
            extra: {},
          }
        : account(i),
    );
    const unexportable: OtpAccount[] = [
      account(100, { type: 'steam', digits: 5 }),
      account(101, { algorithm: 'SHA256' }),
      account(102, { digits: 8 }),
      account(103, { period: 60 }),
      { ...account(104), type: 'hotp', counter: 2n ** 63n, period: undefined },
      account(105, { secret: new Uint8Array(4) }),
    ];
    const input = [...exportable.slice(0, 3), ...unexportable, ...exportable.slice(3)];
    const { uris, skipped } = encodeMigrationUris(input, { batchId: 12345 });
    expect(uris).toHaveLength(3);
    for (const uri of uris) expect(uri).toMatch(/^otpauth-migration:\/\/offline\?data=[A-Za-z0-9%]+$/);
    const batches = uris.map(decodeMigrationUri);
    expect(batches.map((b) => [b.version, b.batchSize, b.batchIndex, b.batchId, b.accounts.length])).toEqual([
      [1, 3, 0, 12345, 10],
      [1, 3, 1, 12345, 10],
      [1, 3, 2, 12345, 5],
    ]);
    const combined = combineMigrationBatches([batches[2]!, batches[0]!, batches[1]!]);
    expect(combined.accounts).toEqual(exportable);
    expect(combined.batchId).toBe(12345);
    expect(skipped).toEqual([
      {
        index: 3,
        name: 'Issuer 100:user100@example.com',
        reason: 'Google Authenticator has no Steam accounts',
      },
      {
        index: 4,
        name: 'Issuer 101:user101@example.com',
        reason: 'Google Authenticator only uses SHA1, not SHA256',
      },
      {
        index: 5,
        name: 'Issuer 102:user102@example.com',
        reason: 'Google Authenticator only shows 6 digits, not 8',
      },
      {
        index: 6,
        name: 'Issuer 103:user103@example.com',
        reason: 'Google Authenticator only uses a 30 s period, not 60 s',
      },
      {
        index: 7,
        name: 'Issuer 104:user104@example.com',
        reason: "counter 9223372036854775808 does not fit Google Authenticator's signed 64-bit field",
      },
      {
        index: 8,
        name: 'Issuer 105:user105@example.com',
        reason: 'secret is 32 bits (4 bytes); at least 80 bits (10 bytes, 16 base32 characters) are required',
      },
    ]);
  });

  it('writes the fields Google Authenticator expects', () => {
    const { uris } = encodeMigrationUris([account(1)], { batchId: 9 });
    expect(readMigrationPayload(dataOf(uris[0]!))).toEqual({
      otpParameters: [
        {
          secret: account(1).secret,
          name: 'user1@example.com',
          issuer: 'Issuer 1',
          algorithm: 1,
          digits: 1,
          type: 2,
          counter: 0n,
        },
      ],
      version: 1,
      batchSize: 1,
      batchIndex: 0,
      batchId: 9,
    });
  });

  it('honours batchSize and picks a random positive batch_id by default', () => {
    const accounts = Array.from({ length: 7 }, (_, i) => account(i));
    const { uris } = encodeMigrationUris(accounts, { batchSize: 3 });
    const batches = uris.map(decodeMigrationUri);
    expect(batches.map((b) => b.accounts.length)).toEqual([3, 3, 1]);
    const id = batches[0]!.batchId;
    expect(Number.isInteger(id) && id > 0 && id < 2 ** 31).toBe(true);
    expect(new Set(batches.map((b) => b.batchId))).toEqual(new Set([id]));
  });

  it('returns no URI when nothing can be exported', () => {
    expect(encodeMigrationUris([])).toEqual({ uris: [], skipped: [] });
  });

  it('rejects bad options', () => {
    expect(describeError(() => encodeMigrationUris([], { batchSize: 0 }))).toBe(
      'otp_parameters_invalid: batchSize must be an integer from 1 to 1000, got 0',
    );
    expect(describeError(() => encodeMigrationUris([], { batchId: 2 ** 31 }))).toBe(
      'otp_parameters_invalid: batchId must be an integer from -2147483648 to 2147483647, got 2147483648',
    );
  });
});

describe('combineMigrationBatches', () => {
  const batch = (batchIndex: number, fields: Partial<MigrationBatch> = {}): MigrationBatch => ({
    ...decodeMigrationUri(
      payloadUri([entry({ name: `acc${batchIndex}` })], {
        version: 1,
        batchSize: 3,
        batchIndex,
        batchId: 77,
      }),
    ),
    ...fields,
  });

  it('orders batches by index', () => {
    const combined = combineMigrationBatches([batch(1), batch(2), batch(0)]);
    expect(combined.accounts.map((a) => a.accountName)).toEqual(['acc0', 'acc1', 'acc2']);
    expect(combined.batchSize).toBe(3);
  });

  it('carries skipped entries with their batch index', () => {
    const withSkip = batch(1, {
      skipped: [{ index: 0, name: 'x', reason: 'algorithm MD5 is not supported' }],
    });
    expect(combineMigrationBatches([batch(0), withSkip, batch(2)]).skipped).toEqual([
      { index: 0, name: 'x', reason: 'algorithm MD5 is not supported', batchIndex: 1 },
    ]);
  });

  it('accepts a single QR code without batch fields', () => {
    expect(combineMigrationBatches([decodeMigrationUri(EXAMPLE_1)]).accounts).toHaveLength(1);
  });

  it.each([
    ['no batches', [], 'no QR codes to combine'],
    [
      'missing one',
      [batch(0), batch(2)],
      'missing batch_index 1 of batch_size 3: scan the remaining QR codes',
    ],
    ['missing two', [batch(1)], 'missing batch_index 0, 2 of batch_size 3: scan the remaining QR codes'],
    [
      'mixed exports',
      [batch(0), batch(1, { batchId: 78 }), batch(2)],
      'QR code 2 has batch_id 78 but QR code 1 has 77: they come from different exports',
    ],
    [
      'duplicate',
      [batch(0), batch(1), batch(1), batch(2)],
      'batch_index 1 was given twice (QR codes 2 and 3)',
    ],
    [
      'size mismatch',
      [batch(0), batch(1, { batchSize: 4 })],
      'QR code 2 has batch_size 4 but QR code 1 has 3',
    ],
    ['index out of range', [batch(0), batch(3)], 'QR code 2 has batch_index 3, outside 0..2'],
  ])('rejects %s', (_name, batches, message) => {
    expect(describeError(() => combineMigrationBatches(batches))).toBe(
      `migration_payload_invalid: otpauth-migration: ${message}`,
    );
  });
});
