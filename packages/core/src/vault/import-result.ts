import type { VaultEntry } from './vault-entry.js';

/** Formats an import reads (and, except google-migration, an export writes). */
export type ImportFormat = 'otpauth' | 'google-migration' | 'aegis' | 'twofold';

export const IMPORT_FORMATS: readonly ImportFormat[] = ['otpauth', 'google-migration', 'aegis', 'twofold'];

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
