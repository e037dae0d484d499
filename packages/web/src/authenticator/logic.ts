import {
  decodeBase32,
  entryFromAccount,
  isOtpAlgorithm,
  type OtpType,
  type PushActivationParams,
  pushActivationOf,
  TwofoldError,
  type VaultEntry,
} from '@twofold/core';

/** The vault locks itself after this long without a key press, click or touch. */
export const IDLE_LOCK_MS = 5 * 60_000;
/** Clock offsets past this get a visible warning: codes start to fail near half a 30 s period. */
export const CLOCK_WARNING_MS = 5_000;
/** A reminder appears when no backup was downloaded for this long. */
export const BACKUP_REMINDER_MS = 30 * 24 * 60 * 60_000;

/** True when the vault has been idle long enough to lock. */
export function isIdle(lastActivity: number, now: number, limit = IDLE_LOCK_MS): boolean {
  return now - lastActivity >= limit;
}

/** True when a backup reminder is due: never backed up, or the last backup is older than the limit. */
export function backupDue(lastBackup: number | undefined, now: number, limit = BACKUP_REMINDER_MS): boolean {
  return lastBackup === undefined || now - lastBackup >= limit;
}

/** One time sample: local clock before and after the request, and the server's time. */
export interface TimeSample {
  t0: number;
  t1: number;
  serverNow: number;
}

export interface ClockOffset {
  /** Server time minus local time in ms (positive: this device is behind). */
  offsetMs: number;
  roundTripMs: number;
}

/**
 * The offset of the local clock against the server: each sample's server time is compared with the middle of its
 * round trip, and the sample with the shortest round trip wins. Undefined without samples.
 */
export function clockOffset(samples: readonly TimeSample[]): ClockOffset | undefined {
  let best: ClockOffset | undefined;
  for (const { t0, t1, serverNow } of samples) {
    const sample = { offsetMs: Math.round(serverNow - (t0 + t1) / 2), roundTripMs: t1 - t0 };
    if (best === undefined || sample.roundTripMs < best.roundTripMs) best = sample;
  }
  return best;
}

/** A clock far enough off to warn about: by how many seconds, and which way (the page says it in its language). */
export interface ClockWarning {
  seconds: number;
  direction: 'behind' | 'ahead';
}

/** The warning to show for an offset, or undefined when the clock is close enough (the CLI's threshold). */
export function clockWarning(offset: ClockOffset | undefined): ClockWarning | undefined {
  if (offset === undefined || Math.abs(offset.offsetMs) <= CLOCK_WARNING_MS) return undefined;
  return {
    seconds: Math.round(Math.abs(offset.offsetMs) / 1000),
    direction: offset.offsetMs > 0 ? 'behind' : 'ahead',
  };
}

/** The stroke-dashoffset of a countdown ring of circumference `circumference` with `remaining` of `period` s left. */
export function ringOffset(remaining: number, period: number, circumference: number): number {
  const fraction = Math.min(1, Math.max(0, remaining / period));
  return Number((circumference * (1 - fraction)).toFixed(2));
}

/** A code as people read it: "123 456", "1234 5678"; Steam codes (letters) unchanged. */
export function formatCode(code: string): string {
  if (!/^\d+$/.test(code) || code.length < 6) return code;
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)} ${code.slice(half)}`;
}

/** The file name of a backup made at `now`: twofold-backup-YYYY-MM-DD.json. */
export function backupFileName(now: Date): string {
  return `twofold-backup-${now.toISOString().slice(0, 10)}.json`;
}

/** What the "add by hand" form holds. */
export interface ManualEntryForm {
  type: OtpType;
  issuer: string;
  name: string;
  secret: string;
  algorithm: string;
  digits: string;
  period: string;
  counter: string;
}

/** What is wrong with the "add by hand" form, for the page to say in its language. */
export type ManualEntryProblem =
  | { reason: 'nameMissing' }
  | { reason: 'algorithmInvalid' }
  | { reason: 'notWhole'; field: 'digits' | 'period' | 'counter' };

function refuse(problem: ManualEntryProblem, message: string): never {
  throw new TwofoldError('validation_failed', message, { manualEntry: problem });
}

/** The problem a manualEntry error describes, when it is one. */
export function manualEntryProblem(error: unknown): ManualEntryProblem | undefined {
  if (!(error instanceof TwofoldError)) return undefined;
  return error.details?.['manualEntry'] as ManualEntryProblem | undefined;
}

function integer(text: string, field: 'digits' | 'period' | 'counter'): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) refuse({ reason: 'notWhole', field }, `${field} must be a whole number`);
  return Number(trimmed);
}

/**
 * The vault entry the "add by hand" form describes. The secret is base32 (spaces and dashes ignored, either
 * case); throws a TwofoldError naming what is wrong (an empty name, a bad secret, digits out of range, ...),
 * with the form's own problems in `details.manualEntry` (manualEntryProblem).
 */
export function manualEntry(form: ManualEntryForm): VaultEntry {
  const issuer = form.issuer.trim();
  const name = form.name.trim();
  if (issuer === '' && name === '') refuse({ reason: 'nameMissing' }, 'give the service or the account name');
  const secret = decodeBase32(form.secret.replace(/[\s-]/g, '').toUpperCase());
  const algorithm = form.type === 'steam' ? 'SHA1' : form.algorithm;
  if (!isOtpAlgorithm(algorithm))
    refuse({ reason: 'algorithmInvalid' }, 'the algorithm must be SHA1, SHA256 or SHA512');
  return entryFromAccount({
    type: form.type,
    ...(issuer === '' ? {} : { issuer }),
    accountName: name,
    secret,
    algorithm,
    digits: form.type === 'steam' ? 5 : integer(form.digits, 'digits'),
    ...(form.type === 'hotp'
      ? { counter: BigInt(integer(form.counter || '0', 'counter')) }
      : { period: form.type === 'steam' ? 30 : integer(form.period, 'period') }),
    extra: {},
  });
}

/** The push parameters of an entry's otpauth URI, when it can be activated for Twofold push approvals. */
export function pushActivation(entry: Pick<VaultEntry, 'extra' | 'push'>): PushActivationParams | undefined {
  return entry.push === undefined ? pushActivationOf(entry.extra) : undefined;
}
