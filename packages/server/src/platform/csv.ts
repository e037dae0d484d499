/**
 * What the CSV imports (hardware tokens, users) share around csv-parse: a header that names the
 * columns in any order (names compared without regard to case or extra spaces), the line where a
 * record starts, and a parse error said in words. Line numbers are 1-based lines of the file with
 * line endings normalised to LF; the header is line 1.
 */
import type { CsvError } from 'csv-parse';

/** A value from the file, safe to put in a message: control characters removed, at most 40 characters. */
export function quote(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/gu, '');
  return `'${clean.length > 40 ? `${clean.slice(0, 40)}...` : clean}'`;
}

/** Where each column stands in the header, or why the header is not `columns` in some order. */
export function csvHeaderIndex<C extends string>(
  fields: readonly string[],
  columns: readonly C[],
): { ok: true; index: Record<C, number> } | { ok: false; message: string } {
  const expected = columns.join(',');
  const index: Partial<Record<C, number>> = {};
  for (const [position, raw] of fields.entries()) {
    const name = raw.trim().replace(/\s+/gu, ' ').toLowerCase();
    const column = columns.find((c) => c === name);
    if (!column) {
      return {
        ok: false,
        message: `unknown column ${quote(raw)} in the header; the first line must name the columns ${expected}`,
      };
    }
    if (index[column] !== undefined)
      return { ok: false, message: `the header names column '${column}' twice` };
    index[column] = position;
  }
  const missing = columns.filter((c) => index[c] === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      message: `the header lacks ${missing.map((c) => `'${c}'`).join(', ')}; the first line must name the columns ${expected}`,
    };
  }
  return { ok: true, index: index as Record<C, number> };
}

/** The line where a record starts: its end (csv-parse's line count) less the line breaks inside it. */
export function recordStartLine(raw: string, endLine: number): number {
  const text = raw.replace(/^\n+/u, '').replace(/\n$/u, '');
  return endLine - (text.match(/\n/gu)?.length ?? 0);
}

/** The line a parse error is of: a bad closing quote's own, else the line after the last good record. */
export function csvErrorLine(error: CsvError, lastLine: number): number {
  return error.code === 'CSV_INVALID_CLOSING_QUOTE' && typeof error['lines'] === 'number'
    ? error['lines']
    : lastLine + 1;
}

/** A parse error in words (never the field's text, which may be a secret). */
export function describeCsvError(error: CsvError, maxRecordCharacters: number): string {
  // csv-parse names a stray opening quote INVALID_OPENING_QUOTE, outside its typed codes; its message quotes the field.
  switch (error.code as string) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field that starts on this line or after it is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote must close its field (write a quote inside a field as two quotes)';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote may only open a field (write a quote inside a field as two quotes)';
    case 'CSV_MAX_RECORD_SIZE':
      return `a row that starts on this line or after it is longer than ${maxRecordCharacters} characters`;
    default:
      return 'the file is not CSV';
  }
}
