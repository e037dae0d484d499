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
import { csvErrorLine, csvHeaderIndex, describeCsvError, recordStartLine } from '../../../platform/csv.js';

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
    throw csvInvalid(
      csvErrorLine(error, lastLine),
      describeCsvError(error, userImportLimits.maxRecordCharacters),
    );
  }
  let index: Record<UserCsvColumn, number> | undefined;
  const rows: UserCsvRow[] = [];
  const shapeErrors: UserCsvShapeError[] = [];
  for (const { record: fields, info, raw } of records) {
    if (fields.every((field) => field.trim() === '')) continue;
    const line = recordStartLine(raw, info.lines);
    if (!index) {
      const header = csvHeaderIndex(fields, userCsvColumns);
      if (!header.ok) throw csvInvalid(1, header.message);
      index = header.index;
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
