/**
 * Hardware OATH token files in Microsoft Entra's CSV format (spec section 2):
 *
 *     upn,serial number,secret key,time interval,manufacturer,model
 *     alice@example.com,1234567,2234567abcdef2234567abcdef,60,Contoso,HardwareKey
 *
 * The first line is the header: those six columns, in any order, names compared without regard
 * to case or extra spaces; an unknown, missing or repeated column is an error of line 1 and
 * nothing is read after it. The file has no columns for algorithm and digits: tokens of this
 * format are SHA1 with 6 digits. The secret is base32 (read leniently: any case, spaces and '-'
 * ignored), at least 128 bits and at most 128 base32 characters; the time interval is 30 or 60.
 *
 * Parsing is csv-parse, streamed: quoted fields, doubled quotes, CRLF or LF, a UTF-8 byte order
 * mark and blank lines are handled, and only one record (at most `maxRecordCharacters`) is held
 * at a time. Line numbers are the 1-based lines of the file where a row starts (the header is
 * line 1); line endings are normalised to LF before parsing so that they count right.
 */
import type { Readable } from 'node:stream';
import { decodeBase32, isTwofoldError } from '@twofold/core';
import { CsvError, parse } from 'csv-parse';
import {
  csvErrorLine,
  csvHeaderIndex,
  describeCsvError,
  quote,
  recordStartLine,
} from '../../platform/csv.js';

/** The columns of the format, in Microsoft's order. */
export const hardwareTokenCsvColumns = [
  'upn',
  'serial number',
  'secret key',
  'time interval',
  'manufacturer',
  'model',
] as const;
export type HardwareTokenCsvColumn = (typeof hardwareTokenCsvColumns)[number];

/** Columns that must have a value in every row (manufacturer and model may be empty). */
const requiredColumns: readonly HardwareTokenCsvColumn[] = [
  'upn',
  'serial number',
  'secret key',
  'time interval',
];

export const hardwareTokenLimits = {
  upn: 254,
  serial: 64,
  manufacturer: 64,
  model: 64,
  /** Microsoft: "up to 128 characters" of base32, i.e. 640 bits. */
  secretCharacters: 128,
  /** 128 bits: RFC 4226 section 4's minimum. */
  minSecretBytes: 16,
  /** A record longer than this stops the parse (an unclosed quote would otherwise read the whole file). */
  maxRecordCharacters: 10_000,
} as const;

export const hardwareTokenPeriods = [30, 60] as const;

type CsvChunk = Buffer | Uint8Array | string;
/** A stream, an async iterable of chunks, or the chunks in an array (a whole small file: `[text]`). */
export type CsvSource = AsyncIterable<CsvChunk> | readonly CsvChunk[] | Readable;

/** One entry read from the file: a data row, or an error that stops the reading (`fatal`). */
export type CsvEntry =
  | { readonly kind: 'row'; readonly line: number; readonly values: Record<HardwareTokenCsvColumn, string> }
  | { readonly kind: 'row_error'; readonly line: number; readonly message: string }
  | { readonly kind: 'fatal'; readonly line: number; readonly message: string };

/** A row whose fields are all well-formed (whether its user and serial fit is the importer's to check). */
export interface HardwareTokenRow {
  readonly upn: string;
  readonly serial: string;
  readonly secret: Uint8Array;
  readonly period: 30 | 60;
  readonly manufacturer: string | null;
  readonly model: string | null;
}

const carriageReturn = 0x0d;
const maxPiece = 64 * 1024;
const lineFeed = 0x0a;

/** CRLF and lone CR become LF, byte by byte (neither byte ever occurs inside a UTF-8 sequence). */
export async function* normalizeLineEndings(source: CsvSource): AsyncGenerator<Buffer> {
  let pendingCr = false;
  for await (const chunk of source as AsyncIterable<CsvChunk>) {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.length === 0) continue;
    let start = 0;
    const parts: Buffer[] = [];
    if (pendingCr) {
      parts.push(Buffer.from([lineFeed]));
      if (bytes[0] === lineFeed) start = 1;
      pendingCr = false;
    }
    for (
      let cr = bytes.indexOf(carriageReturn, start);
      cr !== -1;
      cr = bytes.indexOf(carriageReturn, start)
    ) {
      parts.push(bytes.subarray(start, cr));
      if (cr + 1 === bytes.length) {
        pendingCr = true;
        start = bytes.length;
        break;
      }
      parts.push(Buffer.from([lineFeed]));
      start = bytes[cr + 1] === lineFeed ? cr + 2 : cr + 1;
    }
    if (start < bytes.length) parts.push(bytes.subarray(start));
    const out = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    // Pieces of at most 64 KiB, so that one large chunk does not become one large batch of records.
    for (let i = 0; i < out.length; i += maxPiece) yield out.subarray(i, i + maxPiece);
  }
  if (pendingCr) yield Buffer.from([lineFeed]);
}

interface ParsedRecord {
  readonly fields: string[];
  /** The line where the record ends (csv-parse's count). */
  readonly endLine: number;
  /** The record's text as read, with the blank lines before it and its line ending. */
  readonly raw: string;
}

/**
 * Reads the file as entries, one at a time: data rows (the header checked and removed), rows of
 * the wrong shape, and at most one fatal error (a bad header or broken CSV) after which nothing
 * more is read. Errors of the source itself (a file that cannot be read) are thrown.
 *
 * The parser is fed one chunk at a time and hands over each chunk's records at once (`on_record`),
 * so the rows before a CSV error are still read, and the next chunk is only read when the caller
 * has taken the rows of this one.
 */
export async function* readHardwareTokenCsv(source: CsvSource): AsyncGenerator<CsvEntry> {
  const queue: ParsedRecord[] = [];
  let failure: unknown;
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    raw: true,
    max_record_size: hardwareTokenLimits.maxRecordCharacters,
    // Records go to the queue, none to the stream's readable side.
    on_record: (record, context) => {
      const { record: fields, raw } = record as unknown as { record: string[]; raw: string };
      queue.push({ fields, endLine: context.lines, raw });
      return null;
    },
  });
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.resume();
  const feed = (chunk: Buffer) =>
    new Promise<void>((resolve) => {
      parser.write(chunk, (error) => {
        if (error) failure ??= error;
        resolve();
      });
    });
  const finish = () =>
    new Promise<void>((resolve) => {
      parser.end((error?: Error | null) => {
        if (error) failure ??= error;
        resolve();
      });
    });

  let index: Record<HardwareTokenCsvColumn, number> | undefined;
  let lastLine = 0;
  /** The entries of the records parsed so far; sets `index` from the header. */
  function* drain(): Generator<CsvEntry, boolean> {
    while (queue.length > 0) {
      const { fields, endLine, raw } = queue.shift() as ParsedRecord;
      lastLine = endLine;
      const line = recordStartLine(raw, endLine);
      if (fields.every((field) => field.trim() === '')) continue;
      if (!index) {
        const header = csvHeaderIndex(fields, hardwareTokenCsvColumns);
        if (!header.ok) {
          yield { kind: 'fatal', line, message: header.message };
          return false;
        }
        index = header.index;
        continue;
      }
      if (fields.length !== hardwareTokenCsvColumns.length) {
        yield {
          kind: 'row_error',
          line,
          message: `the row has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header ${hardwareTokenCsvColumns.length}`,
        };
        continue;
      }
      const values = {} as Record<HardwareTokenCsvColumn, string>;
      for (const column of hardwareTokenCsvColumns) values[column] = (fields[index[column]] ?? '').trim();
      yield { kind: 'row', line, values };
    }
    return true;
  }
  function fatal(error: unknown): CsvEntry {
    if (!(error instanceof CsvError)) throw error;
    return {
      kind: 'fatal',
      line: csvErrorLine(error, lastLine),
      message: `not valid CSV: ${describeCsvError(error, hardwareTokenLimits.maxRecordCharacters)}; nothing after it was read`,
    };
  }

  try {
    for await (const chunk of normalizeLineEndings(source)) {
      await feed(chunk);
      if (!(yield* drain())) return;
      if (failure !== undefined) {
        yield fatal(failure);
        return;
      }
    }
    await finish();
    if (!(yield* drain())) return;
    if (failure !== undefined) {
      yield fatal(failure);
      return;
    }
  } finally {
    parser.destroy();
  }
  if (!index) {
    yield {
      kind: 'fatal',
      line: 1,
      message: `the file is empty; its first line must name the columns ${hardwareTokenCsvColumns.join(',')}`,
    };
  }
}

function hasControlCharacters(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return /[\u0000-\u001f\u007f-\u009f]/u.test(value);
}

/** Checks one row's fields; the message names the field and never repeats the secret. */
export function checkHardwareTokenRow(
  values: Record<HardwareTokenCsvColumn, string>,
): { ok: true; row: HardwareTokenRow } | { ok: false; message: string } {
  for (const column of requiredColumns) {
    if (values[column] === '') return { ok: false, message: `${column} is missing` };
  }
  const fail = (message: string) => ({ ok: false as const, message });
  const upn = values.upn;
  if (upn.length > hardwareTokenLimits.upn)
    return fail(`upn is longer than ${hardwareTokenLimits.upn} characters`);
  if (hasControlCharacters(upn)) return fail('upn contains control characters');

  const serial = values['serial number'];
  if (serial.length > hardwareTokenLimits.serial)
    return fail(`serial number is longer than ${hardwareTokenLimits.serial} characters`);
  if (hasControlCharacters(serial)) return fail('serial number contains control characters');

  for (const column of ['manufacturer', 'model'] as const) {
    const limit = hardwareTokenLimits[column];
    if (values[column].length > limit) return fail(`${column} is longer than ${limit} characters`);
    if (hasControlCharacters(values[column])) return fail(`${column} contains control characters`);
  }

  const interval = values['time interval'];
  const period = hardwareTokenPeriods.find((p) => String(p) === interval);
  if (period === undefined) return fail(`time interval must be 30 or 60 (seconds), not ${quote(interval)}`);

  const secretText = values['secret key'];
  const characters = secretText.replace(/[\s\-=]/gu, '').length;
  if (characters > hardwareTokenLimits.secretCharacters)
    return fail(
      `secret key is longer than ${hardwareTokenLimits.secretCharacters} base32 characters (${characters})`,
    );
  let secret: Uint8Array;
  try {
    secret = decodeBase32(secretText, { name: 'secret key' });
  } catch (error) {
    if (!isTwofoldError(error)) throw error;
    // The decoder's own message quotes the offending character; a secret is never repeated.
    const position = (error.details as { position?: unknown } | undefined)?.position;
    return fail(
      typeof position === 'number'
        ? `secret key is not base32: the character at position ${position} is not A-Z or 2-7`
        : 'secret key is not base32: its length does not make whole bytes (a character missing or extra?)',
    );
  }
  if (secret.length < hardwareTokenLimits.minSecretBytes) {
    const bits = secret.length * 8;
    secret.fill(0);
    return fail(
      `secret key is too short: ${bits} bits, at least ${hardwareTokenLimits.minSecretBytes * 8} (26 base32 characters) are needed`,
    );
  }
  return {
    ok: true,
    row: {
      upn,
      serial,
      secret,
      period,
      manufacturer: values.manufacturer === '' ? null : values.manufacturer,
      model: values.model === '' ? null : values.model,
    },
  };
}

/** "Contoso HardwareKey (1234567)": how a token is named in method lists. */
export function hardwareTokenLabel(row: Pick<HardwareTokenRow, 'serial' | 'manufacturer' | 'model'>): string {
  const name = [row.manufacturer, row.model].filter((part) => part !== null && part !== '').join(' ');
  return `${name === '' ? 'Hardware token' : name} (${row.serial})`;
}
