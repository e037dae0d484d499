import { TwofoldError } from '../../errors/index.js';
import { describeEntry, type VaultEntry } from '../vault-entry.js';
import { isVaultFile, openVault } from '../vault-file.js';
import type { FormatReader } from './format.js';

/** A Twofold vault file (docs/vault-format.md): always encrypted with its passphrase; push keys stay behind. */
export const twofoldFormat: FormatReader = {
  name: 'twofold',
  title: 'a Twofold vault',
  detect(source) {
    return isVaultFile(source.json);
  },
  async read(source, options) {
    const { password } = options;
    if (password === undefined || password === '') {
      throw new TwofoldError(
        'import_password_required',
        'this Twofold vault is encrypted: give its passphrase',
      );
    }
    let entries: VaultEntry[];
    try {
      entries = (await openVault(source.text ?? '', password)).vault.entries;
    } catch (error) {
      if (error instanceof TwofoldError && error.code === 'vault_passphrase_wrong') {
        throw new TwofoldError('import_password_wrong', `Twofold vault: ${error.message}`);
      }
      if (error instanceof TwofoldError && error.code === 'vault_invalid') {
        throw new TwofoldError('import_invalid', error.message);
      }
      throw error;
    }
    const warnings: string[] = [];
    const withoutPush = entries.map((entry) => {
      if (entry.push === undefined) return entry;
      warnings.push(
        `${describeEntry(entry)}: push approvals stay with the device that activated them; add the account again from a new QR code to use push here`,
      );
      const { push: _push, ...rest } = entry;
      return rest;
    });
    return { format: 'twofold', entries: withoutPush, skipped: [], warnings };
  },
};
