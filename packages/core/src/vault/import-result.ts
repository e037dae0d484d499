import type { VaultEntry } from './vault-entry.js';

/** Formats an import reads, by their `--format` names (twofold, aegis and otpauth an export writes too). */
export const IMPORT_FORMATS = [
  'otpauth',
  'google-migration',
  'aegis',
  'twofold',
  '2fas',
  'bitwarden',
  'ente',
  'proton-authenticator',
  'proton-pass',
  'freeotp-plus',
  'freeotp',
  'andotp',
  'raivo',
  'lastpass',
  'steam',
] as const;

export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** An entry that an import (or export) could not take, and why. Never carries the secret. */
export interface ImportSkip {
  /** Where it was: "line 3", "entry 2", "QR code 1 (batch 2 of 3), entry 4". */
  where: string;
  /** The entry's name as people know it ("Issuer (account)"), or '' when unknown. */
  name: string;
  reason: string;
}

export interface ImportResult {
  format: ImportFormat;
  /** Entries read, ready for addEntries. */
  entries: VaultEntry[];
  skipped: ImportSkip[];
  /** Things tolerated (an issuer that differed from the label, a missing migration batch, ...). */
  warnings: string[];
}
