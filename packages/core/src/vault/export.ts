import { TwofoldError } from '../errors/index.js';
import { formatOtpauthUri } from '../otp/otpauth-uri.js';
import { writeAegisVault } from './aegis.js';
import type { ImportSkip } from './import-result.js';
import { describeEntry, entryToAccount, reasonOf, type Vault, type VaultEntry } from './vault-entry.js';
import { deriveVaultKey, sealVault, type VaultKey } from './vault-file.js';

export type ExportFormat = 'twofold' | 'aegis' | 'otpauth';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['twofold', 'aegis', 'otpauth'];

export interface ExportOptions {
  format: ExportFormat;
  /** Password of the export (twofold, aegis). For twofold, `key` may be given instead (the vault's own key). */
  password?: string;
  key?: VaultKey;
}

export interface ExportResult {
  format: ExportFormat;
  /** The file's text. otpauth exports are NOT encrypted: they hold every secret in the clear. */
  text: string;
  /** How many entries were written. */
  count: number;
  /** Entries the format cannot hold. */
  skipped: ImportSkip[];
  warnings: string[];
}

/**
 * Exports a vault as a Twofold vault file (encrypted), an encrypted Aegis vault, or otpauth URIs (one per line,
 * plain text). Push activations (device private keys) are never exported: they stay with the device.
 */
export async function exportVault(vault: Vault, options: ExportOptions): Promise<ExportResult> {
  const warnings: string[] = [];
  const entries: VaultEntry[] = vault.entries.map((entry) => {
    if (entry.push === undefined) return entry;
    warnings.push(`${describeEntry(entry)}: its push activation is not exported (it stays with this device)`);
    const { push: _push, ...rest } = entry;
    return rest;
  });
  switch (options.format) {
    case 'twofold': {
      let key = options.key;
      if (options.password !== undefined && options.password !== '')
        key = await deriveVaultKey(options.password);
      if (key === undefined) {
        throw new TwofoldError('import_password_required', 'a Twofold export needs a passphrase');
      }
      return {
        format: 'twofold',
        text: await sealVault({ entries }, key),
        count: entries.length,
        skipped: [],
        warnings,
      };
    }
    case 'aegis': {
      const { text, skipped } = await writeAegisVault(entries, options.password ?? '');
      return { format: 'aegis', text, count: entries.length - skipped.length, skipped, warnings };
    }
    case 'otpauth': {
      const lines: string[] = [];
      const skipped: ImportSkip[] = [];
      entries.forEach((entry, index) => {
        try {
          lines.push(formatOtpauthUri(entryToAccount(entry)));
        } catch (error) {
          skipped.push({ where: `entry ${index + 1}`, name: describeEntry(entry), reason: reasonOf(error) });
        }
      });
      return {
        format: 'otpauth',
        text: lines.length === 0 ? '' : `${lines.join('\n')}\n`,
        count: lines.length,
        skipped,
        warnings,
      };
    }
    default:
      throw new TwofoldError('validation_failed', `unknown export format '${String(options.format)}'`);
  }
}
