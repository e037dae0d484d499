import { isTwofoldError, TwofoldError } from '../errors/index.js';
import { generateAccountCode } from '../otp/account-code.js';
import {
  ACCEPTED_SECRET_BYTES,
  type OtpAccount,
  type OtpType,
  validateOtpAccount,
} from '../otp/otp-account.js';
import type { OtpAlgorithm } from '../otp/otp-algorithm.js';
import { bytesEqual, randomUuid } from './bytes.js';

/** An ECDSA P-256 private key as a JWK (RFC 7517/7518 §6.2): what a push device signs with. */
export interface EcPrivateJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  d: string;
}

/**
 * Push approvals of a Twofold account, set once the device was activated (docs/vault-format.md). The private
 * key is kept only inside the encrypted vault and never exported.
 */
export interface VaultPush {
  /** The server's public URL, without a trailing '/' ("https://mfa.example.com"). */
  server: string;
  /** Tenant slug ("acme"). */
  tenant: string;
  tenantName?: string;
  /** Device id given by the server at activation; sent as X-Twofold-Device. */
  deviceId: string;
  /** The user's e-mail as the server shows it at activation (may be masked: "a•••@example.com"). */
  userEmail?: string;
  privateKey: EcPrivateJwk;
  /** ISO 8601 time of the activation. */
  activatedAt: string;
}

/** One account of the vault. */
export interface VaultEntry {
  /** Stable id (a UUID), used to find, remove and export the entry. */
  id: string;
  type: OtpType;
  /** Service name ("Example"); '' when unknown. */
  issuer: string;
  /** Account at the service ("alice@example.com"); may be ''. */
  name: string;
  /** Raw secret bytes. */
  secret: Uint8Array;
  algorithm: OtpAlgorithm;
  digits: number;
  /** Seconds per step: totp and steam. */
  period?: number;
  /** Counter of the next code: hotp only. */
  counter?: bigint;
  /** A `data:` URL (image/svg+xml, image/png or image/jpeg). */
  icon?: string;
  /** The groups the account is in, in the order the user gave them (Aegis and 2FAS allow several). */
  groups?: string[];
  /** Pinned at the top by the user (Aegis, LastPass, Raivo, Bitwarden keep this). */
  favorite?: boolean;
  note?: string;
  /** otpauth parameters with no meaning here, kept for round trips (`image`, `color`, `twofold_push`, ...). */
  extra: Record<string, string>;
  push?: VaultPush;
}

/** The decrypted vault: its accounts, in the order the user sees them. */
export interface Vault {
  entries: VaultEntry[];
}

/** Extra fields an entry may carry besides what an otpauth URI gives. */
export interface EntryDetails {
  id?: string;
  icon?: string;
  groups?: string[];
  favorite?: boolean;
  note?: string;
  push?: VaultPush;
}

export function createVault(): Vault {
  return { entries: [] };
}

/** A vault entry for an account (from an otpauth URI, a migration export, a QR code). */
export function entryFromAccount(account: OtpAccount, details: EntryDetails = {}): VaultEntry {
  validateOtpAccount(account, { minSecretBytes: ACCEPTED_SECRET_BYTES });
  return {
    id: details.id ?? randomUuid(),
    type: account.type,
    issuer: account.issuer ?? '',
    name: account.accountName,
    secret: account.secret,
    algorithm: account.algorithm,
    digits: account.digits,
    ...(account.period === undefined ? {} : { period: account.period }),
    ...(account.counter === undefined ? {} : { counter: account.counter }),
    ...(details.icon === undefined ? {} : { icon: details.icon }),
    ...(details.groups === undefined || details.groups.length === 0 ? {} : { groups: [...details.groups] }),
    ...(details.favorite === true ? { favorite: true } : {}),
    ...(details.note === undefined ? {} : { note: details.note }),
    extra: { ...account.extra },
    ...(details.push === undefined ? {} : { push: details.push }),
  };
}

/** The OTP account of an entry (for codes and otpauth URIs). */
export function entryToAccount(entry: VaultEntry): OtpAccount {
  return {
    type: entry.type,
    ...(entry.issuer === '' ? {} : { issuer: entry.issuer }),
    accountName: entry.name,
    secret: entry.secret,
    algorithm: entry.algorithm,
    digits: entry.digits,
    ...(entry.period === undefined ? {} : { period: entry.period }),
    ...(entry.counter === undefined ? {} : { counter: entry.counter }),
    extra: entry.extra,
  };
}

/**
 * Throws `otp_parameters_invalid` when the entry cannot give codes (wrong digits, no secret, ...). A vault keeps
 * secrets shorter than the 80 bits asked of new accounts: other apps hold them, and the import warns.
 */
export function validateVaultEntry(entry: VaultEntry): void {
  validateOtpAccount(entryToAccount(entry), { minSecretBytes: ACCEPTED_SECRET_BYTES });
}

/** How an entry is named to people: "Issuer (name)", "Issuer" or "name". */
export function describeEntry(entry: Pick<VaultEntry, 'issuer' | 'name'>): string {
  if (entry.issuer !== '' && entry.name !== '') return `${entry.issuer} (${entry.name})`;
  return entry.issuer !== '' ? entry.issuer : entry.name === '' ? '(no name)' : entry.name;
}

/**
 * The code an entry shows at `time` (Unix seconds): TOTP (RFC 6238), Steam, or for hotp the code of the
 * stored counter (RFC 4226); call `advanceHotpCounter` after using a hotp code.
 */
export function generateEntryCode(entry: VaultEntry, time: number): string {
  return generateAccountCode(entryToAccount(entry), time);
}

/** Seconds until the code of a totp/steam entry changes at `time`, with its period; undefined for hotp. */
export function entryCountdown(
  entry: VaultEntry,
  time: number,
): { period: number; remaining: number } | undefined {
  if (entry.type === 'hotp' || entry.period === undefined) return undefined;
  const period = entry.period;
  const elapsed = ((Math.floor(time) % period) + period) % period;
  return { period, remaining: period - elapsed };
}

/** The entry with its hotp counter moved to the next code. */
export function advanceHotpCounter(vault: Vault, id: string): Vault {
  return {
    entries: vault.entries.map((entry) =>
      entry.id === id && entry.type === 'hotp' ? { ...entry, counter: (entry.counter ?? 0n) + 1n } : entry,
    ),
  };
}

/**
 * True when two entries are the same account: same type, secret, issuer, name, algorithm, digits, and period
 * (totp, steam) or counter (hotp). Anything else differing makes them two accounts, both kept.
 */
export function isSameAccount(a: VaultEntry, b: VaultEntry): boolean {
  return (
    a.type === b.type &&
    bytesEqual(a.secret, b.secret) &&
    a.issuer === b.issuer &&
    a.name === b.name &&
    a.algorithm === b.algorithm &&
    a.digits === b.digits &&
    a.period === b.period &&
    a.counter === b.counter
  );
}

export interface AddEntriesResult {
  vault: Vault;
  added: VaultEntry[];
  /** Entries already in the vault (same account), not added again. */
  duplicates: VaultEntry[];
}

/** Adds entries after the existing ones; an account already present is not added twice. */
export function addEntries(vault: Vault, entries: readonly VaultEntry[]): AddEntriesResult {
  const result: VaultEntry[] = [...vault.entries];
  const added: VaultEntry[] = [];
  const duplicates: VaultEntry[] = [];
  for (const entry of entries) {
    validateVaultEntry(entry);
    if (result.some((existing) => isSameAccount(existing, entry))) {
      duplicates.push(entry);
      continue;
    }
    const fresh = result.some((existing) => existing.id === entry.id)
      ? { ...entry, id: randomUuid() }
      : entry;
    result.push(fresh);
    added.push(fresh);
  }
  return { vault: { entries: result }, added, duplicates };
}

/** Replaces the entry with the same id. Throws `vault_entry_not_found` when there is none. */
export function replaceEntry(vault: Vault, entry: VaultEntry): Vault {
  if (!vault.entries.some((existing) => existing.id === entry.id)) {
    throw new TwofoldError('vault_entry_not_found', `no account with id '${entry.id}'`);
  }
  validateVaultEntry(entry);
  return { entries: vault.entries.map((existing) => (existing.id === entry.id ? entry : existing)) };
}

/**
 * Entries matching `query`: the one whose id is `query`, else those whose issuer, name, "issuer:name" or
 * "issuer (name)" contains it (case-insensitive). An empty query matches everything.
 */
export function findEntries(vault: Vault, query: string): VaultEntry[] {
  const byId = vault.entries.filter((entry) => entry.id === query);
  if (byId.length > 0) return byId;
  const needle = query.trim().toLowerCase();
  if (needle === '') return [...vault.entries];
  return vault.entries.filter((entry) =>
    labelsOf(entry).some((label) => label.toLowerCase().includes(needle)),
  );
}

function labelsOf(entry: VaultEntry): string[] {
  return [entry.issuer, entry.name, `${entry.issuer}:${entry.name}`, describeEntry(entry)];
}

/**
 * The one entry `query` names (see findEntries). When several contain it, one whose issuer, name or label is
 * exactly `query` (case-insensitive) wins. Throws `vault_entry_not_found` or `vault_entry_ambiguous` (with
 * `details.matches`: id and label of each candidate).
 */
export function findEntry(vault: Vault, query: string): VaultEntry {
  const matches = findEntries(vault, query);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw new TwofoldError('vault_entry_not_found', `no account matches '${query}'`, { query });
  }
  const needle = query.trim().toLowerCase();
  const exact = matches.filter((entry) => labelsOf(entry).some((label) => label.toLowerCase() === needle));
  if (exact.length === 1) return exact[0]!;
  const candidates = (exact.length > 1 ? exact : matches).map((entry) => ({
    id: entry.id,
    label: describeEntry(entry),
  }));
  throw new TwofoldError(
    'vault_entry_ambiguous',
    `${candidates.length} accounts match '${query}': ${candidates.map((c) => `${c.label} [${c.id}]`).join(', ')}`,
    { query, matches: candidates },
  );
}

/** Removes the one entry `query` names (see findEntry). */
export function removeEntry(vault: Vault, query: string): { vault: Vault; removed: VaultEntry } {
  const removed = findEntry(vault, query);
  return { vault: { entries: vault.entries.filter((entry) => entry.id !== removed.id) }, removed };
}

/** The message of an error, for import reports (the entry is skipped with it); rethrows what is not an Error. */
export function reasonOf(error: unknown): string {
  if (isTwofoldError(error)) return error.message;
  if (error instanceof Error) return error.message;
  throw error;
}
