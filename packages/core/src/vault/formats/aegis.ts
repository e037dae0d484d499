import { isAegisVault, readAegisVault } from '../aegis.js';
import type { FormatReader } from './format.js';

/** Aegis vaults, plain or encrypted (../aegis.ts reads them; Aegis docs/vault.md). */
export const aegisFormat: FormatReader = {
  name: 'aegis',
  title: 'an Aegis vault',
  detect(source) {
    return isAegisVault(source.json);
  },
  async read(source, options) {
    const result = await readAegisVault(source.text ?? '', options.password);
    return { format: 'aegis', entries: result.entries, skipped: result.skipped, warnings: result.warnings };
  },
};
