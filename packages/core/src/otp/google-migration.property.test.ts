import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeError } from '../test-support/describe-error.js';
import {
  accountArbitrary,
  accountSecretArbitrary,
  expectOnlyTypedErrors,
  PROPERTY_RUNS,
  textArbitrary,
  utf16Arbitrary,
} from '../test-support/otp-arbitraries.js';
import { importQrTexts } from '../vault/import.js';
import {
  combineMigrationBatches,
  decodeMigrationUri,
  encodeMigrationUris,
  type MigrationBatch,
} from './google-migration.js';
import { type RawOtpParameters, writeMigrationPayload } from './migration-payload.js';
import { type OtpAccount, validateOtpAccount } from './otp-account.js';

const runs = { numRuns: PROPERTY_RUNS };
const MIGRATION_ERRORS = ['migration_payload_invalid'];
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const INT64_MAX = 2n ** 63n - 1n;

const uriOf = (bytes: Uint8Array): string =>
  `otpauth-migration://offline?data=${encodeURIComponent(Buffer.from(bytes).toString('base64'))}`;

const trimmed = textArbitrary.map((text) => text.trim());

/**
 * An account Google Authenticator can hold (SHA1, 6 digits, 30 s TOTP or HOTP with a signed 64-bit counter).
 * Left out: names the format cannot tell apart from "Issuer:account" written in the name field, which decoders
 * split (an issuer-less name containing ':', or a name that starts with "<issuer>:").
 */
const exportableArbitrary: fc.Arbitrary<OtpAccount> = fc
  .record({
    hotp: fc.boolean(),
    issuer: fc.option(
      trimmed.filter((text) => text !== ''),
      { nil: undefined },
    ),
    accountName: trimmed,
    secret: accountSecretArbitrary,
    counter: fc.oneof(fc.bigInt({ min: 0n, max: 100n }), fc.bigInt({ min: 0n, max: INT64_MAX })),
  })
  .filter(({ issuer, accountName }) =>
    issuer === undefined ? !accountName.includes(':') : !accountName.startsWith(`${issuer}:`),
  )
  .map(({ hotp, issuer, accountName, secret, counter }) => ({
    type: hotp ? ('hotp' as const) : ('totp' as const),
    ...(issuer === undefined ? {} : { issuer }),
    accountName,
    secret,
    algorithm: 'SHA1' as const,
    digits: 6,
    ...(hotp ? { counter } : { period: 30 }),
    extra: {},
  }));

/** Any OtpParameters message, including values Google never writes (unknown enums, negative counters). */
const rawEntryArbitrary: fc.Arbitrary<RawOtpParameters> = fc.record({
  secret: fc.uint8Array({ maxLength: 40 }),
  name: fc.oneof(textArbitrary, fc.constantFrom('Issuer:alice', ':', 'a:b:c')),
  issuer: fc.oneof(textArbitrary, fc.constantFrom('Issuer', ' ')),
  algorithm: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.integer(INT32)),
  digits: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.integer(INT32)),
  type: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.integer(INT32)),
  counter: fc.oneof(fc.bigInt({ min: -5n, max: 5n }), fc.bigInt({ min: -(2n ** 63n), max: INT64_MAX })),
});

const rawPayloadArbitrary = fc.record({
  otpParameters: fc.array(rawEntryArbitrary, { maxLength: 8 }),
  version: fc.integer(INT32),
  batchSize: fc.integer(INT32),
  batchIndex: fc.integer(INT32),
  batchId: fc.integer(INT32),
});

describe('Google Authenticator otpauth-migration properties', () => {
  it('encode → decode → combine gives back any batch of exportable accounts, split by batchSize', () => {
    fc.assert(
      fc.property(
        fc.array(exportableArbitrary, { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: INT32.max }),
        (accounts, batchSize, batchId) => {
          const { uris, skipped } = encodeMigrationUris(accounts, { batchSize, batchId });
          expect(skipped).toEqual([]);
          expect(uris).toHaveLength(Math.ceil(accounts.length / batchSize));
          const batches = uris.map((uri) => decodeMigrationUri(uri));
          batches.forEach((batch, index) => {
            expect(batch).toMatchObject({ version: 1, batchSize: uris.length, batchIndex: index, batchId });
            expect(batch.skipped).toEqual([]);
          });
          // QR codes may be scanned in any order.
          const combined = combineMigrationBatches([...batches].reverse());
          expect(combined.accounts).toEqual(accounts);
          expect(combined.skipped).toEqual([]);
        },
      ),
      runs,
    );
  });

  it('encoding any accounts writes the exportable ones and skips the rest by index, never throwing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(accountArbitrary, exportableArbitrary), { maxLength: 12 }),
        (accounts) => {
          const { uris, skipped } = encodeMigrationUris(accounts, { batchSize: 5, batchId: 1 });
          const decoded = uris.flatMap((uri) => decodeMigrationUri(uri).accounts);
          expect(decoded.length + skipped.length).toBe(accounts.length);
          const skippedIndexes = new Set(skipped.map((skip) => skip.index));
          for (const skip of skipped) expect(skip.reason).not.toBe('');
          const written = accounts.filter((_, index) => !skippedIndexes.has(index));
          expect(decoded.map((account) => account.secret)).toEqual(written.map((account) => account.secret));
        },
      ),
      runs,
    );
  });

  it('any MigrationPayload message decodes without throwing: every entry is an importable account or a skip', () => {
    fc.assert(
      fc.property(rawPayloadArbitrary, (payload) => {
        const batch = decodeMigrationUri(uriOf(writeMigrationPayload(payload)));
        const { otpParameters, ...fields } = payload;
        expect(batch).toMatchObject(fields);
        expect(batch.accounts.length + batch.skipped.length).toBe(otpParameters.length);
        for (const account of batch.accounts) validateOtpAccount(account);
        const indexes = batch.skipped.map((skip) => skip.index);
        expect(indexes).toEqual([...new Set(indexes)].sort((a, b) => a - b));
      }),
      runs,
    );
  });

  it('arbitrary or corrupted data throws only migration_payload_invalid', () => {
    const corrupted = fc
      .tuple(
        rawPayloadArbitrary,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
      )
      .map(([payload, flips, cut]) => {
        const bytes = writeMigrationPayload(payload);
        for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
        return bytes.slice(0, bytes.length === 0 ? 0 : cut % (bytes.length + 1));
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), corrupted), (bytes) => {
        expectOnlyTypedErrors(() => {
          const batch = decodeMigrationUri(uriOf(bytes));
          for (const account of batch.accounts) validateOtpAccount(account);
        }, MIGRATION_ERRORS);
      }),
      runs,
    );
  });

  it('any string throws only migration_payload_invalid, never TypeError/RangeError/URIError', () => {
    const prefixed = fc
      .tuple(
        fc.constantFrom(
          'otpauth-migration://',
          'otpauth-migration://offline?data=',
          'OTPAUTH-MIGRATION://offline/?',
        ),
        fc.oneof(utf16Arbitrary, fc.base64String({ maxLength: 60 })),
      )
      .map(([prefix, rest]) => prefix + rest);
    fc.assert(
      fc.property(fc.oneof(utf16Arbitrary, prefixed), (text) => {
        expectOnlyTypedErrors(() => decodeMigrationUri(text), MIGRATION_ERRORS);
      }),
      runs,
    );
  });

  it('combining any decoded batches either joins them or throws migration_payload_invalid', () => {
    const batchArbitrary: fc.Arbitrary<MigrationBatch> = fc.record({
      accounts: fc.constant([]),
      skipped: fc.constant([]),
      version: fc.integer(INT32),
      batchSize: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.integer(INT32)),
      batchIndex: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.integer(INT32)),
      batchId: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(batchArbitrary, { maxLength: 6 }), (batches) => {
        expectOnlyTypedErrors(() => combineMigrationBatches(batches), MIGRATION_ERRORS);
      }),
      runs,
    );
  });

  it('importing any scanned QR texts never throws: each text is taken or reported as skipped', () => {
    const qrText = fc.oneof(
      utf16Arbitrary,
      rawPayloadArbitrary.map((payload) => uriOf(writeMigrationPayload(payload))),
      fc.uint8Array({ maxLength: 60 }).map(uriOf),
      fc
        .array(exportableArbitrary, { minLength: 1, maxLength: 3 })
        .map((accounts) => encodeMigrationUris(accounts, { batchId: 5 }).uris[0]!),
    );
    fc.assert(
      fc.property(fc.array(qrText, { minLength: 1, maxLength: 4 }), (texts) => {
        const result = importQrTexts(texts);
        for (const skip of result.skipped) expect(typeof skip.reason).toBe('string');
      }),
      runs,
    );
  });
});

describe('otpauth-migration: counterexamples the properties above found (fixed)', () => {
  // Listing every missing batch_index of batch_size 2^31-1 grew an array until V8 aborted the process
  // ("Fatal JavaScript invalid size error"): one crafted QR code could kill the importing app.
  const hugeBatch = uriOf(
    writeMigrationPayload({ otpParameters: [], version: 1, batchSize: INT32.max, batchIndex: 0, batchId: 1 }),
  );
  const message =
    'otpauth-migration: missing batch_index 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... of batch_size 2147483647: ' +
    'scan the remaining QR codes';

  it('names only the first missing batch indexes of a huge batch_size', () => {
    expect(describeError(() => combineMigrationBatches([decodeMigrationUri(hugeBatch)]))).toBe(
      `migration_payload_invalid: ${message}`,
    );
  });

  it('imports such a QR code with a warning instead of crashing', () => {
    expect(importQrTexts([hugeBatch]).warnings).toEqual([`Google Authenticator export: ${message}`]);
  });
});
