import { TwofoldError } from '../errors/index.js';
import { combineMigrationBatches, decodeMigrationUri, type MigrationBatch } from '../otp/google-migration.js';
import { parseOtpauthUri } from '../otp/otpauth-uri.js';
import { decodePercentEncoded } from '../otp/percent-encoding.js';
import { isAegisVault, readAegisVault } from './aegis.js';
import type { ImportFormat, ImportResult, ImportSkip } from './import-result.js';
import { describeEntry, entryFromAccount, reasonOf, type VaultEntry } from './vault-entry.js';
import { isVaultFile, openVault } from './vault-file.js';

export interface ImportOptions {
  /** Default: detected from the text (detectImportFormat). */
  format?: ImportFormat;
  /** Password of an encrypted Aegis vault or of a Twofold vault file. */
  password?: string;
}

const MIGRATION = /^otpauth-migration:\/\//i;
const OTPAUTH = /^(otpauth|steam):\/\//i;

function invalid(message: string): never {
  throw new TwofoldError('import_invalid', message);
}

/**
 * Detects the format of an import file: a Twofold vault file, an Aegis vault (JSON), otpauth-migration URIs
 * (every line), or otpauth URIs (one per line, migration lines allowed among them). Throws `import_invalid`.
 */
export function detectImportFormat(text: string): ImportFormat {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      invalid('the file looks like JSON but does not parse');
    }
    if (isVaultFile(parsed)) return 'twofold';
    if (isAegisVault(parsed)) return 'aegis';
    invalid('a JSON file that is neither a Twofold vault nor an Aegis vault');
  }
  const lines = contentLines(trimmed);
  if (lines.length === 0) invalid('the file is empty');
  if (lines.every(({ text: line }) => MIGRATION.test(line))) return 'google-migration';
  if (lines.some(({ text: line }) => OTPAUTH.test(line) || MIGRATION.test(line))) return 'otpauth';
  invalid('no otpauth:// or otpauth-migration:// URI, and not a JSON vault');
}

/** Non-empty lines that are not '#' comments, with their 1-based numbers. */
function contentLines(text: string): { line: number; text: string }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, index) => ({ line: index + 1, text: line.trim() }))
    .filter(({ text: line }) => line !== '' && !line.startsWith('#'));
}

/** The label of an otpauth URI, for naming a line that failed (the secret is in the query, never shown). */
function labelOf(uri: string): string {
  const match = /^otpauth:\/\/[^/?]*\/([^?]*)/i.exec(uri);
  if (match === null) return '';
  return decodePercentEncoded(match[1] ?? '', false) ?? '';
}

interface Source {
  /** "line 3" or "QR code 2". */
  where: string;
  text: string;
}

function describeBatch(batch: MigrationBatch): string {
  return batch.batchSize > 1 ? ` (batch ${batch.batchIndex + 1} of ${batch.batchSize})` : '';
}

/**
 * Reads otpauth URIs and Google `otpauth-migration` URIs (any mix; several migration batches are joined by
 * batch id). Each source that fails is reported in `skipped`; the rest are taken. `only` restricts the kind.
 */
export function importUriSources(
  sources: readonly Source[],
  only?: 'otpauth' | 'google-migration',
): ImportResult {
  const entries: VaultEntry[] = [];
  const skipped: ImportSkip[] = [];
  const warnings: string[] = [];
  const batches = new Map<number, { batch: MigrationBatch; where: string }[]>();
  for (const { where, text } of sources) {
    if (MIGRATION.test(text)) {
      if (only === 'otpauth') {
        skipped.push({
          where,
          name: '',
          reason: 'an otpauth-migration URI where otpauth URIs were asked for',
        });
        continue;
      }
      try {
        const batch = decodeMigrationUri(text);
        const list = batches.get(batch.batchId) ?? [];
        list.push({ batch, where });
        batches.set(batch.batchId, list);
      } catch (error) {
        skipped.push({ where, name: '', reason: reasonOf(error) });
      }
      continue;
    }
    if (only === 'google-migration') {
      skipped.push({ where, name: '', reason: 'not an otpauth-migration:// URI' });
      continue;
    }
    try {
      const parsed = parseOtpauthUri(text);
      const entry = entryFromAccount(parsed.account);
      entries.push(entry);
      for (const warning of parsed.warnings) warnings.push(`${where} (${describeEntry(entry)}): ${warning}`);
    } catch (error) {
      skipped.push({ where, name: OTPAUTH.test(text) ? labelOf(text) : '', reason: reasonOf(error) });
    }
  }
  for (const list of batches.values()) {
    try {
      combineMigrationBatches(list.map((item) => item.batch));
    } catch (error) {
      // A missing or repeated QR code: take what was scanned, and say what is missing.
      warnings.push(`Google Authenticator export: ${reasonOf(error)}`);
    }
    const seen = new Set<number>();
    for (const { batch, where } of [...list].sort((a, b) => a.batch.batchIndex - b.batch.batchIndex)) {
      if (seen.has(batch.batchIndex)) continue; // the same QR code scanned twice
      seen.add(batch.batchIndex);
      for (const account of batch.accounts) entries.push(entryFromAccount(account));
      for (const skip of batch.skipped) {
        skipped.push({
          where: `${where}${describeBatch(batch)}, entry ${skip.index + 1}`,
          name: skip.name,
          reason: skip.reason,
        });
      }
    }
  }
  const format = only ?? (sources.every(({ text }) => MIGRATION.test(text)) ? 'google-migration' : 'otpauth');
  return { format, entries, skipped, warnings };
}

/** Reads the texts of QR codes (otpauth or otpauth-migration URIs). */
export function importQrTexts(texts: readonly string[]): ImportResult {
  return importUriSources(texts.map((text, index) => ({ where: `QR code ${index + 1}`, text: text.trim() })));
}

async function importTwofold(text: string, password: string | undefined): Promise<ImportResult> {
  if (password === undefined || password === '') {
    throw new TwofoldError(
      'import_password_required',
      'this Twofold vault is encrypted: give its passphrase',
    );
  }
  let entries: VaultEntry[];
  try {
    entries = (await openVault(text, password)).vault.entries;
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
}

/**
 * Imports accounts from the text of a file in any supported format (detected unless `format` is given). Every
 * entry that cannot be taken is reported in `skipped` with the reason; the rest are returned. Throws only when
 * the file as a whole is unusable (`import_invalid`, `import_password_required`, `import_password_wrong`).
 */
export async function importFromText(text: string, options: ImportOptions = {}): Promise<ImportResult> {
  const format = options.format ?? detectImportFormat(text);
  const body = text.replace(/^\uFEFF/, '');
  switch (format) {
    case 'twofold':
      return importTwofold(body, options.password);
    case 'aegis': {
      const result = await readAegisVault(body, options.password);
      return { format: 'aegis', entries: result.entries, skipped: result.skipped, warnings: result.warnings };
    }
    case 'otpauth':
    case 'google-migration': {
      const lines = contentLines(body);
      if (lines.length === 0) invalid('the file has no URI');
      return importUriSources(
        lines.map(({ line, text: uri }) => ({ where: `line ${line}`, text: uri })),
        format,
      );
    }
    default:
      return invalid(`unknown format '${String(format)}'`);
  }
}
