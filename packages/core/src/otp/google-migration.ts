import { base64Decode, base64Encode } from '@bufbuild/protobuf/wire';
import { isTwofoldError, TwofoldError } from '../errors/index.js';
import { type RawOtpParameters, readMigrationPayload, writeMigrationPayload } from './migration-payload.js';
import { checkSecretLength, type OtpAccount, validateOtpAccount } from './otp-account.js';
import type { OtpAlgorithm } from './otp-algorithm.js';
import { assertIntegerInRange } from './otp-parameters.js';
import { decodePercentEncoded } from './percent-encoding.js';

/** Google Authenticator has no period field: every TOTP entry is 30 s. */
const MIGRATION_PERIOD = 30;
const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2n ** 63n - 1n;
/** Entries per QR code when exporting; Google Authenticator itself splits by tens. */
export const DEFAULT_MIGRATION_BATCH_SIZE = 10;

/** An entry that was not imported or exported, and why. */
export interface MigrationSkip {
  /** Position of the entry in its payload (decode) or in the accounts given (encode). */
  index: number;
  /** The entry's name as shown to the user ("Issuer:account"); never the secret. */
  name: string;
  reason: string;
}

/** One decoded `otpauth-migration://` QR code. Absent batch fields read as 0 (proto3 defaults). */
export interface MigrationBatch {
  accounts: OtpAccount[];
  skipped: MigrationSkip[];
  version: number;
  batchSize: number;
  batchIndex: number;
  batchId: number;
}

/** All QR codes of one export, in batch order. */
export interface CombinedMigration {
  accounts: OtpAccount[];
  skipped: (MigrationSkip & { batchIndex: number })[];
  batchId: number;
  batchSize: number;
}

export interface EncodeMigrationOptions {
  /** Accounts per QR code. Default 10. */
  batchSize?: number;
  /** batch_id shared by all QR codes. Default: random, from globalThis.crypto. */
  batchId?: number;
}

export interface EncodedMigration {
  /** One `otpauth-migration://offline?data=...` URI per QR code, batch_index 0..n-1. */
  uris: string[];
  /** Accounts Google Authenticator could not represent faithfully. */
  skipped: MigrationSkip[];
}

function fail(message: string): never {
  throw new TwofoldError('migration_payload_invalid', `otpauth-migration: ${message}`);
}

function decodeBase64Data(data: string): Uint8Array {
  // A '+' turned into ' ' by a form decoder is the only way base64 gets a space; line breaks are copy-paste.
  const text = data.replace(/[\r\n\t]/g, '').replace(/ /g, '+');
  const invalid = /[^A-Za-z0-9+/_=-]|=[^=]/.exec(text);
  if (invalid !== null) {
    const character = invalid[0][0] === '=' ? invalid[0][1] : invalid[0][0];
    const position = invalid.index + (invalid[0][0] === '=' ? 2 : 1);
    fail(`data: character '${character}' at position ${position} is not base64`);
  }
  if (text.replace(/=+$/, '').length % 4 === 1)
    fail('data: base64 length is impossible (truncated or extra character)');
  return base64Decode(text);
}

function readDataParameter(uri: string): string {
  if (typeof uri !== 'string') fail(`expected a string, got ${typeof uri}`);
  const text = uri.trim();
  const prefix = /^otpauth-migration:\/\//i.exec(text);
  if (prefix === null) fail("URI must start with 'otpauth-migration://offline?data='");
  const rest = text.slice(prefix[0].length);
  const questionMark = rest.indexOf('?');
  const host = (questionMark === -1 ? rest : rest.slice(0, questionMark)).replace(/\/$/, '');
  if (host.toLowerCase() !== 'offline') fail(`host must be 'offline', got '${host}'`);
  const values: string[] = [];
  for (const segment of questionMark === -1 ? [] : rest.slice(questionMark + 1).split('&')) {
    const equals = segment.indexOf('=');
    if (equals === -1 || segment.slice(0, equals).toLowerCase() !== 'data') continue;
    // Not form-decoded: '+' is a base64 character here (Google writes it as %2B, other tools do not).
    const value = decodePercentEncoded(segment.slice(equals + 1), false);
    if (value === undefined) fail("parameter 'data' is not valid percent-encoded text");
    values.push(value);
  }
  if (values.length === 0) fail("missing required parameter 'data'");
  if (values.length > 1) fail("parameter 'data' appears more than once");
  if (values[0] === '') fail("parameter 'data' is empty");
  return values[0]!;
}

function describeEntry(raw: RawOtpParameters): string {
  return raw.issuer !== '' && !raw.name.startsWith(`${raw.issuer}:`) ? `${raw.issuer}:${raw.name}` : raw.name;
}

/** Maps one stored entry to an account, or returns why it cannot be imported. */
function toAccount(raw: RawOtpParameters): OtpAccount | string {
  const algorithms: Record<number, OtpAlgorithm> = { 0: 'SHA1', 1: 'SHA1', 2: 'SHA256', 3: 'SHA512' };
  const algorithm = algorithms[raw.algorithm];
  if (algorithm === undefined) {
    return raw.algorithm === 4 ? 'algorithm MD5 is not supported' : `unknown algorithm ${raw.algorithm}`;
  }
  const digits = raw.digits === 0 || raw.digits === 1 ? 6 : raw.digits === 2 ? 8 : undefined;
  if (digits === undefined) return `unknown digit count ${raw.digits}`;
  if (raw.type !== 0 && raw.type !== 1 && raw.type !== 2) return `unknown OTP type ${raw.type}`;
  const secretProblem = checkSecretLength(raw.secret);
  if (secretProblem !== null) return secretProblem;
  if (raw.type === 1 && raw.counter < 0n) return `counter ${raw.counter} is negative`;

  // Google writes name "Issuer:account" and, in newer versions, issuer separately: split or de-duplicate.
  let issuer = raw.issuer.trim();
  let name = raw.name;
  if (issuer === '') {
    const colon = name.indexOf(':');
    if (colon !== -1) {
      issuer = name.slice(0, colon).trim();
      name = name.slice(colon + 1);
    }
  } else if (name.startsWith(`${issuer}:`)) {
    name = name.slice(issuer.length + 1);
  }
  const type = raw.type === 1 ? 'hotp' : 'totp';
  return {
    type,
    ...(issuer === '' ? {} : { issuer }),
    accountName: name.trim(),
    secret: raw.secret,
    algorithm,
    digits,
    ...(type === 'hotp' ? { counter: raw.counter } : { period: MIGRATION_PERIOD }),
    extra: {},
  };
}

/**
 * Decodes one Google Authenticator export QR code, `otpauth-migration://offline?data=<base64 protobuf>` (Google
 * Authenticator migration format, no RFC; base64 per RFC 4648 §4). Unusable entries (MD5, unknown types, short
 * secrets) are listed in `skipped`; only a malformed URI or payload throws `migration_payload_invalid`.
 */
export function decodeMigrationUri(uri: string): MigrationBatch {
  const payload = readMigrationPayload(decodeBase64Data(readDataParameter(uri)));
  const accounts: OtpAccount[] = [];
  const skipped: MigrationSkip[] = [];
  payload.otpParameters.forEach((raw, index) => {
    const result = toAccount(raw);
    if (typeof result === 'string') skipped.push({ index, name: describeEntry(raw), reason: result });
    else accounts.push(result);
  });
  const { version, batchSize, batchIndex, batchId } = payload;
  return { accounts, skipped, version, batchSize, batchIndex, batchId };
}

function describeAccount(account: OtpAccount): string {
  const name = typeof account?.accountName === 'string' ? account.accountName : '';
  return account?.issuer ? `${account.issuer}:${name}` : name;
}

/** Returns why Google Authenticator cannot hold this account faithfully, or null (Aegis's export rule). */
function findExportProblem(account: OtpAccount): string | null {
  try {
    validateOtpAccount(account);
  } catch (error) {
    if (isTwofoldError(error)) return error.message;
    throw error;
  }
  if (account.type === 'steam') return 'Google Authenticator has no Steam accounts';
  if (account.algorithm !== 'SHA1') return `Google Authenticator only uses SHA1, not ${account.algorithm}`;
  if (account.digits !== 6) return `Google Authenticator only shows 6 digits, not ${account.digits}`;
  if (account.type === 'totp' && account.period !== MIGRATION_PERIOD) {
    return `Google Authenticator only uses a ${MIGRATION_PERIOD} s period, not ${account.period} s`;
  }
  if (account.type === 'hotp' && (account.counter ?? 0n) > INT64_MAX) {
    return `counter ${account.counter} does not fit Google Authenticator's signed 64-bit field`;
  }
  return null;
}

function createBatchId(): number {
  const [random] = globalThis.crypto.getRandomValues(new Uint32Array(1));
  return ((random ?? 0) % INT32_MAX) + 1; // 1..2^31-1: positive, and never 0 (= field absent)
}

/**
 * Encodes accounts as Google Authenticator export QR codes (Google Authenticator migration format, no RFC):
 * version 1, `batchSize` accounts per URI, one shared batch_id, batch_index 0..n-1. Only SHA1, 6-digit,
 * 30 s TOTP and SHA1 6-digit HOTP accounts are written; the rest are returned in `skipped`.
 */
export function encodeMigrationUris(
  accounts: readonly OtpAccount[],
  options: EncodeMigrationOptions = {},
): EncodedMigration {
  const { batchSize = DEFAULT_MIGRATION_BATCH_SIZE } = options;
  assertIntegerInRange('batchSize', batchSize, 1, 1000);
  const batchId = options.batchId ?? createBatchId();
  assertIntegerInRange('batchId', batchId, -(2 ** 31), INT32_MAX);
  const exportable: RawOtpParameters[] = [];
  const skipped: MigrationSkip[] = [];
  accounts.forEach((account, index) => {
    const problem = findExportProblem(account);
    if (problem !== null) {
      skipped.push({ index, name: describeAccount(account), reason: problem });
      return;
    }
    exportable.push({
      secret: account.secret,
      // Name and issuer go in separate fields: decoders split "Issuer:account" only when issuer is empty.
      name: account.accountName,
      issuer: account.issuer ?? '',
      algorithm: 1,
      digits: 1,
      type: account.type === 'hotp' ? 1 : 2,
      counter: account.type === 'hotp' ? (account.counter ?? 0n) : 0n,
    });
  });
  const count = Math.ceil(exportable.length / batchSize);
  const uris: string[] = [];
  for (let batchIndex = 0; batchIndex < count; batchIndex++) {
    const bytes = writeMigrationPayload({
      otpParameters: exportable.slice(batchIndex * batchSize, (batchIndex + 1) * batchSize),
      version: 1,
      batchSize: count,
      batchIndex,
      batchId,
    });
    uris.push(`otpauth-migration://offline?data=${encodeURIComponent(base64Encode(bytes, 'std'))}`);
  }
  return { uris, skipped };
}

/**
 * Joins the decoded QR codes of one export (Google Authenticator migration batches): all must share batch_id
 * and batch_size, and every batch_index 0..batch_size-1 must be present exactly once, in any order.
 */
export function combineMigrationBatches(batches: readonly MigrationBatch[]): CombinedMigration {
  const first = batches[0];
  if (first === undefined) fail('no QR codes to combine');
  const batchSize = Math.max(1, first.batchSize);
  const byIndex = new Map<number, { batch: MigrationBatch; position: number }>();
  batches.forEach((batch, position) => {
    if (batch.batchId !== first.batchId) {
      fail(
        `QR code ${position + 1} has batch_id ${batch.batchId} but QR code 1 has ${first.batchId}: ` +
          'they come from different exports',
      );
    }
    if (Math.max(1, batch.batchSize) !== batchSize) {
      fail(`QR code ${position + 1} has batch_size ${batch.batchSize} but QR code 1 has ${first.batchSize}`);
    }
    if (batch.batchIndex < 0 || batch.batchIndex >= batchSize) {
      fail(`QR code ${position + 1} has batch_index ${batch.batchIndex}, outside 0..${batchSize - 1}`);
    }
    const duplicate = byIndex.get(batch.batchIndex);
    if (duplicate !== undefined) {
      fail(
        `batch_index ${batch.batchIndex} was given twice (QR codes ${duplicate.position + 1} and ${position + 1})`,
      );
    }
    byIndex.set(batch.batchIndex, { batch, position });
  });
  if (byIndex.size < batchSize) {
    // batch_size comes from the payload (up to 2^31-1): name only the first few gaps, never list them all.
    const missing: number[] = [];
    for (let index = 0; index < batchSize && missing.length < 10; index++)
      if (!byIndex.has(index)) missing.push(index);
    const more = batchSize - byIndex.size > missing.length ? ', ...' : '';
    fail(
      `missing batch_index ${missing.join(', ')}${more} of batch_size ${batchSize}: scan the remaining QR codes`,
    );
  }
  const combined: CombinedMigration = { accounts: [], skipped: [], batchId: first.batchId, batchSize };
  for (let index = 0; index < batchSize; index++) {
    const { batch } = byIndex.get(index)!;
    combined.accounts.push(...batch.accounts);
    combined.skipped.push(...batch.skipped.map((skip) => ({ ...skip, batchIndex: index })));
  }
  return combined;
}
