export {
  type AegisExportFixedValues,
  type AegisImport,
  isAegisVault,
  isEncryptedAegisVault,
  readAegisVault,
  toAegisContent,
  writeAegisVault,
} from './aegis.js';
export { randomUuid } from './bytes.js';
export {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
  exportVault,
} from './export.js';
export type { ImportProgress } from './formats/collector.js';
export { FORMAT_READERS } from './formats/registry.js';
export {
  detectImportFormat,
  detectImportFormatOfBytes,
  type ImportOptions,
  importFromBytes,
  importFromText,
  importQrTexts,
  importUriSources,
} from './import.js';
export { IMPORT_FORMATS, type ImportFormat, type ImportResult, type ImportSkip } from './import-result.js';
export { inertJson, inertText } from './inert-text.js';
export { decodeQrCodes, type RgbaImage } from './qr.js';
export { parseVaultContent, serializeVaultContent, VAULT_CONTENT_VERSION } from './vault-content.js';
export {
  type AddEntriesResult,
  addEntries,
  advanceHotpCounter,
  createVault,
  describeEntry,
  type EcPrivateJwk,
  type EntryDetails,
  entryCountdown,
  entryFromAccount,
  entryToAccount,
  findEntries,
  findEntry,
  generateEntryCode,
  isSameAccount,
  removeEntry,
  replaceEntry,
  type Vault,
  type VaultEntry,
  type VaultPush,
  validateVaultEntry,
} from './vault-entry.js';
export {
  DEFAULT_VAULT_SCRYPT,
  type DeriveVaultKeyOptions,
  deriveVaultKey,
  isVaultFile,
  openVault,
  openVaultWithKey,
  sealVault,
  VAULT_FILE_VERSION,
  VAULT_FORMAT,
  type VaultKdf,
  type VaultKey,
} from './vault-file.js';
