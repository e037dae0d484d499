import { decodeBase32 } from '../../otp/base32.js';
import { ACCEPTED_SECRET_BYTES } from '../../otp/otp-account.js';
import { parseOtpAlgorithm } from '../../otp/otp-algorithm.js';
import { parseOtpauthUri, shortSecretWarning } from '../../otp/otpauth-uri.js';
import { STEAM_DIGITS, STEAM_PERIOD } from '../../otp/steam.js';
import { DEFAULT_PERIOD } from '../../otp/totp.js';
import type { ImportFormat, ImportResult, ImportSkip } from '../import-result.js';
import { describeEntry, entryFromAccount, reasonOf, type VaultEntry } from '../vault-entry.js';

/** An account as an export file describes it; absent, null or empty values mean the usual defaults. */
export interface RawAccount {
  /** 'totp', 'hotp' or 'steam' in any case; default totp. */
  type?: unknown;
  issuer?: unknown;
  name?: unknown;
  /** Raw bytes, or base32 text. */
  secret: Uint8Array | string;
  algorithm?: unknown;
  digits?: unknown;
  period?: unknown;
  counter?: unknown;
  groups?: readonly string[];
  favorite?: boolean;
  note?: unknown;
  icon?: string;
}

/**
 * Ente Auth keeps its own settings in a `codeDisplay` parameter (JSON: pinned, trashed, tags); they are read
 * and the parameter dropped, so an export does not carry it on.
 */
function enteCodeDisplay(extra: Record<string, string>): {
  trashed: boolean;
  pinned: boolean;
  tags: string[];
} {
  const key = Object.keys(extra).find((name) => name.toLowerCase() === 'codedisplay');
  if (key === undefined) return { trashed: false, pinned: false, tags: [] };
  const raw = extra[key]!;
  delete extra[key];
  try {
    const display = JSON.parse(raw) as Record<string, unknown>;
    const tags = Array.isArray(display['tags'])
      ? display['tags'].filter((t): t is string => typeof t === 'string')
      : [];
    return { trashed: display['trashed'] === true, pinned: display['pinned'] === true, tags };
  } catch {
    return { trashed: false, pinned: false, tags: [] };
  }
}

/** Reports progress while entries are read: done of total. */
export type ImportProgress = (done: number, total: number) => void;

function isDefault(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === 'null';
}

function whole(value: unknown, what: string): number {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw new Error(`${what} must be a whole number, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return number;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** The vault entry a raw account describes; throws the reason it cannot be one. */
export function entryFromRaw(raw: RawAccount): VaultEntry {
  const typeText = isDefault(raw.type) ? 'totp' : text(raw.type).toLowerCase();
  if (typeText !== 'totp' && typeText !== 'hotp' && typeText !== 'steam') {
    throw new Error(
      `type '${text(raw.type) || String(raw.type)}' is not supported (totp, hotp and steam are)`,
    );
  }
  const type = typeText;
  const secret = typeof raw.secret === 'string' ? decodeBase32(raw.secret, { name: 'secret' }) : raw.secret;
  const algorithm = isDefault(raw.algorithm) ? 'SHA1' : parseOtpAlgorithm(text(raw.algorithm));
  if (algorithm === undefined) throw new Error(`algorithm '${text(raw.algorithm)}' is not supported`);
  const note = text(raw.note);
  return entryFromAccount(
    {
      type,
      ...(text(raw.issuer) === '' ? {} : { issuer: text(raw.issuer) }),
      accountName: text(raw.name),
      secret,
      algorithm: type === 'steam' ? 'SHA1' : algorithm,
      digits: type === 'steam' ? STEAM_DIGITS : isDefault(raw.digits) ? 6 : whole(raw.digits, 'digits'),
      ...(type === 'hotp'
        ? { counter: BigInt(isDefault(raw.counter) ? 0 : whole(raw.counter, 'counter')) }
        : {
            period:
              type === 'steam'
                ? STEAM_PERIOD
                : isDefault(raw.period)
                  ? DEFAULT_PERIOD
                  : whole(raw.period, 'period'),
          }),
      extra: {},
    },
    {
      ...(raw.groups !== undefined && raw.groups.length > 0 ? { groups: [...raw.groups] } : {}),
      ...(raw.favorite === true ? { favorite: true } : {}),
      ...(note === '' ? {} : { note }),
      ...(raw.icon === undefined ? {} : { icon: raw.icon }),
    },
  );
}

/**
 * Gathers what a format reads: each entry taken, or skipped with its reason (never its secret), and the
 * warnings. A secret shorter than 80 bits is taken with a warning: other apps hold them.
 */
export class EntryCollector {
  readonly entries: VaultEntry[] = [];
  readonly skipped: ImportSkip[] = [];
  readonly warnings: string[] = [];
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly onProgress?: ImportProgress,
  ) {}

  private step(): void {
    this.done += 1;
    this.onProgress?.(this.done, this.total);
  }

  private take(entry: VaultEntry, where: string, warnings: readonly string[] = []): void {
    this.entries.push(entry);
    for (const warning of warnings) this.warnings.push(`${where} (${describeEntry(entry)}): ${warning}`);
  }

  /** One account described by fields. */
  add(where: string, name: string, build: () => RawAccount): void {
    try {
      const entry = entryFromRaw(build());
      const short = shortSecretWarning(entry.secret);
      this.take(entry, where, short === undefined ? [] : [short]);
    } catch (error) {
      this.skip(where, name, reasonOf(error));
    }
    this.step();
  }

  /**
   * One account given as an otpauth (or steam://) URI; `details` adds what the file keeps beside it, and
   * `fallback` names the account when the URI has no label (a bare secret in a password manager).
   */
  addUri(
    where: string,
    uri: string,
    details: Pick<RawAccount, 'groups' | 'favorite' | 'note'> = {},
    fallback: { issuer?: string; name?: string } = {},
  ): void {
    try {
      const parsed = parseOtpauthUri(uri, { minSecretBytes: ACCEPTED_SECRET_BYTES });
      const account = { ...parsed.account, extra: { ...parsed.account.extra } };
      const display = enteCodeDisplay(account.extra);
      if (display.trashed) {
        this.trashed += 1;
        this.step();
        return;
      }
      if ((account.issuer ?? '') === '' && fallback.issuer) account.issuer = fallback.issuer;
      if (account.accountName === '' && fallback.name) account.accountName = fallback.name;
      const note = text(details.note);
      const groups = [...(details.groups ?? []), ...display.tags];
      const entry = entryFromAccount(account, {
        ...(groups.length > 0 ? { groups } : {}),
        ...(details.favorite === true || display.pinned ? { favorite: true } : {}),
        ...(note === '' ? {} : { note }),
      });
      this.take(entry, where, parsed.warnings);
    } catch (error) {
      this.skip(where, fallback.issuer ?? '', reasonOf(error));
    }
    this.step();
  }

  /** Entries the app keeps in its trash (Ente): not imported, and said so. */
  trashed = 0;

  skip(where: string, name: string, reason: string): void {
    this.skipped.push({ where, name, reason });
  }

  /** A note for the whole import ("2 entries in the trash were not imported"). */
  note(message: string): void {
    this.warnings.push(message);
  }

  result(format: ImportFormat): ImportResult {
    if (this.trashed > 0) {
      this.warnings.push(
        `${this.trashed} entr${this.trashed === 1 ? 'y' : 'ies'} in the trash of the app that exported the file ${this.trashed === 1 ? 'was' : 'were'} not imported`,
      );
    }
    return { format, entries: this.entries, skipped: this.skipped, warnings: this.warnings };
  }
}
