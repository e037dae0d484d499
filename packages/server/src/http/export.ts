/**
 * Downloads of admin listings: CSV (RFC 4180) and JSON arrays, streamed a page at a time so that
 * an export of many rows never sits in memory whole.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** Exports hold at most this many rows (the newest); a header says when more matched. */
export const exportMaxRows = 100_000;

/** Set on an export that was cut at the row limit; its value is the limit. */
export const exportTruncatedHeader = 'twofold-export-truncated';

export type ExportFormat = 'json' | 'csv';

/**
 * Cells that a spreadsheet would read as a formula (or that begin with a control character that
 * some spreadsheets strip before doing so) get a leading single quote (OWASP "CSV injection").
 */
const formulaStart = /^[=+\-@\t\r]/;

/** One CSV cell: null and undefined are empty, objects become JSON, text is defused and quoted as needed. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = formulaStart.test(value) ? `'${value}` : value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else {
    const json = JSON.stringify(value);
    text = formulaStart.test(json) ? `'${json}` : json;
  }
  // RFC 4180 section 2: fields with a comma, a double quote or a line break are enclosed in double
  // quotes, and a double quote inside is written twice.
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record with its CRLF line break. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** A column of an export: its header and how to read it from a row. */
export interface ExportColumn<T> {
  readonly header: string;
  readonly value: (row: T) => unknown;
}

/** CSV text: a header row, then one record per row. */
export async function* csvChunks<T>(
  columns: readonly ExportColumn<T>[],
  pages: AsyncIterable<readonly T[]>,
): AsyncGenerator<string> {
  yield csvRecord(columns.map((c) => c.header));
  for await (const page of pages)
    yield page.map((row) => csvRecord(columns.map((c) => c.value(row)))).join('');
}

/** A JSON array of the rows, written as they come. */
export async function* jsonArrayChunks<T>(
  toJson: (row: T) => unknown,
  pages: AsyncIterable<readonly T[]>,
): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const page of pages) {
    for (const row of page) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(toJson(row))}`;
      first = false;
    }
  }
  yield first ? ']\n' : '\n]\n';
}

/** Follows a keyset-paged listing from the start until it ends or `maxRows` rows were read. */
export async function* allPages<T>(
  fetchPage: (
    cursor: string | undefined,
    limit: number,
  ) => Promise<{ items: T[]; nextCursor: string | null }>,
  options: { maxRows: number; pageSize?: number },
): AsyncGenerator<T[]> {
  const pageSize = options.pageSize ?? 500;
  let cursor: string | undefined;
  let left = options.maxRows;
  while (left > 0) {
    const page = await fetchPage(cursor, Math.min(pageSize, left));
    if (page.items.length > 0) yield page.items;
    left -= page.items.length;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** `sign-ins-acme-2026-06-09.csv`: what, whose, when. */
export function exportFilename(what: string, tenantSlug: string, now: number, format: ExportFormat): string {
  const date = new Date(now).toISOString().slice(0, 10);
  return `${what}-${tenantSlug}-${date}.${format}`;
}

/** Sends a download: the right type, an attachment name, and the body as a stream. */
export function sendExport(
  reply: FastifyReply,
  options: { format: ExportFormat; filename: string; truncatedAt?: number | undefined },
  chunks: AsyncIterable<string>,
): FastifyReply {
  reply
    .type(options.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    // The name is built from a slug, letters, digits and dashes only: nothing to escape.
    .header('content-disposition', `attachment; filename="${options.filename}"`);
  if (options.truncatedAt !== undefined) reply.header(exportTruncatedHeader, String(options.truncatedAt));
  return reply.send(Readable.from(chunks));
}
