/**
 * The user import file (spec section 6): CSV whose first line is the header `email,name,role` (the
 * three columns in any order, names compared without regard to case or spaces), then one user per
 * line. `name` may be empty (the part of the email before @), `role` is empty for an ordinary user or
 * one admin role. Parsed by csv-parse: quoted fields, doubled quotes, CRLF or LF, a byte order mark and
 * blank lines. Line numbers are the lines of the file where a row starts (the header is line 1).
 */
import { TwofoldError } from '@twofold/core';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';

export const userCsvColumns = ['email', 'name', 'role'] as const;
export type UserCsvColumn = (typeof userCsvColumns)[number];

export const userImportLimits = {
  /** Data rows in one file: one import is one transaction. */
  maxRows: 100_000,
  maxRecordCharacters: 2_000,
} as const;

export interface UserCsvRow {
  readonly line: number;
  readonly values: Record<UserCsvColumn, string>;
}

/** A row of the wrong shape: its line and why. */
export interface UserCsvShapeError {
  readonly line: number;
  readonly message: string;
  readonly email: string;
}

function csvInvalid(line: number, message: string): TwofoldError {
  return new TwofoldError('csv_invalid', `line ${line}: ${message}`, { line });
}

function headerIndex(fields: readonly string[]): Record<UserCsvColumn, number> {
  const expected = userCsvColumns.join(',');
  const index: Partial<Record<UserCsvColumn, number>> = {};
  for (const [position, raw] of fields.entries()) {
    const name = raw.trim().replace(/\s+/gu, ' ').toLowerCase();
    const column = userCsvColumns.find((c) => c === name);
    if (!column) throw csvInvalid(1, `unknown column in the header; the first line must be ${expected}`);
    if (index[column] !== undefined) throw csvInvalid(1, `the header names column '${column}' twice`);
    index[column] = position;
  }
  const missing = userCsvColumns.filter((c) => index[c] === undefined);
  if (missing.length > 0)
    throw csvInvalid(
      1,
      `the header lacks ${missing.map((c) => `'${c}'`).join(', ')}; the first line must be ${expected}`,
    );
  return index as Record<UserCsvColumn, number>;
}

function describeCsvError(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field that starts on this line or after it is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote must close its field (write a quote inside a field as two quotes)';
    case 'CSV_MAX_RECORD_SIZE':
      return `a row that starts on this line or after it is longer than ${userImportLimits.maxRecordCharacters} characters`;
    default:
      return 'the file is not CSV';
  }
}

/**
 * The rows of the file, and the rows of the wrong shape. A bad header, broken quoting or too many rows
 * refuse the whole file (csv_invalid, naming the line).
 */
export function parseUserCsv(text: string): { rows: UserCsvRow[]; shapeErrors: UserCsvShapeError[] } {
  const normalized = text.replace(/\r\n?/gu, '\n');
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  /** Where the last good record ends: a record that never closes its quote starts on the line after. */
  let lastLine = 0;
  try {
    records = parse(normalized, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // A quote inside a field that does not start with one is text (an address like a"b@example.com).
      relax_quotes: true,
      raw: true,
      info: true,
      max_record_size: userImportLimits.maxRecordCharacters,
      on_record: (record, context) => {
        lastLine = context.lines;
        return record;
      },
    }) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line =
      error.code === 'CSV_INVALID_CLOSING_QUOTE' && typeof error['lines'] === 'number'
        ? error['lines']
        : lastLine + 1;
    throw csvInvalid(line, describeCsvError(error));
  }
  let index: Record<UserCsvColumn, number> | undefined;
  const rows: UserCsvRow[] = [];
  const shapeErrors: UserCsvShapeError[] = [];
  for (const { record: fields, info, raw } of records) {
    if (fields.every((field) => field.trim() === '')) continue;
    const body = raw.replace(/^\n+/u, '').replace(/\n$/u, '');
    const line = info.lines - (body.match(/\n/gu)?.length ?? 0);
    if (!index) {
      index = headerIndex(fields);
      continue;
    }
    if (rows.length + shapeErrors.length >= userImportLimits.maxRows)
      throw csvInvalid(line, `a file holds at most ${userImportLimits.maxRows} users; split it`);
    const email = (fields[index.email] ?? '').trim();
    if (fields.length !== userCsvColumns.length) {
      shapeErrors.push({
        line,
        email,
        message: `the row has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header ${userCsvColumns.length}`,
      });
      continue;
    }
    const values = {} as Record<UserCsvColumn, string>;
    for (const column of userCsvColumns) values[column] = (fields[index[column]] ?? '').trim();
    rows.push({ line, values });
  }
  if (!index) throw csvInvalid(1, `the file is empty; the first line must be ${userCsvColumns.join(',')}`);
  return { rows, shapeErrors };
}
