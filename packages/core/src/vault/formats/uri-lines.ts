import {
  combineMigrationBatches,
  decodeMigrationUri,
  type MigrationBatch,
} from '../../otp/google-migration.js';
import { decodePercentEncoded } from '../../otp/percent-encoding.js';
import type { ImportResult, ImportSkip } from '../import-result.js';
import { entryFromAccount, reasonOf, type VaultEntry } from '../vault-entry.js';
import type { ImportProgress } from './collector.js';
import { EntryCollector } from './collector.js';

export const MIGRATION = /^otpauth-migration:\/\//i;
export const OTPAUTH = /^(otpauth|steam):\/\//i;

/** Non-empty lines that are not '#' comments, with their 1-based numbers. */
export function contentLines(text: string): { line: number; text: string }[] {
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

export interface UriSource {
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
  sources: readonly UriSource[],
  only?: 'otpauth' | 'google-migration',
  onProgress?: ImportProgress,
): ImportResult {
  const collector = new EntryCollector(sources.length, onProgress);
  const migrated: VaultEntry[] = [];
  const skipped: ImportSkip[] = [];
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
    const before = collector.skipped.length;
    collector.addUri(where, text);
    const failed = collector.skipped[before];
    if (failed !== undefined && OTPAUTH.test(text)) failed.name = labelOf(text);
  }
  for (const list of batches.values()) {
    try {
      combineMigrationBatches(list.map((item) => item.batch));
    } catch (error) {
      // A missing or repeated QR code: take what was scanned, and say what is missing.
      collector.note(`Google Authenticator export: ${reasonOf(error)}`);
    }
    const seen = new Set<number>();
    for (const { batch, where } of [...list].sort((a, b) => a.batch.batchIndex - b.batch.batchIndex)) {
      if (seen.has(batch.batchIndex)) continue; // the same QR code scanned twice
      seen.add(batch.batchIndex);
      for (const account of batch.accounts) migrated.push(entryFromAccount(account));
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
  const result = collector.result(format);
  return {
    format,
    entries: [...result.entries, ...migrated],
    skipped: [...skipped, ...result.skipped],
    warnings: result.warnings,
  };
}
