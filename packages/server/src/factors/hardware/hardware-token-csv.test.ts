import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { decodeBase32 } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import {
  type CsvEntry,
  type CsvSource,
  checkHardwareTokenRow,
  hardwareTokenLabel,
  normalizeLineEndings,
  readHardwareTokenCsv,
} from './hardware-token-csv.js';

const header = 'upn,serial number,secret key,time interval,manufacturer,model';
const secret = '2234567abcdef2234567abcdef';

async function read(source: CsvSource): Promise<CsvEntry[]> {
  const entries: CsvEntry[] = [];
  for await (const entry of readHardwareTokenCsv(source)) entries.push(entry);
  return entries;
}

/** The lines and kinds of what was read, with the serial of each row. */
function summary(entries: CsvEntry[]) {
  return entries.map((e) =>
    e.kind === 'row'
      ? { line: e.line, serial: e.values['serial number'] }
      : { line: e.line, [e.kind]: e.message },
  );
}

/** Splits text into chunks of `size` bytes, so that line endings and characters straddle chunks. */
function chunked(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

describe('normalizeLineEndings', () => {
  it('turns CRLF and lone CR into LF, also across chunk boundaries', async () => {
    for (const size of [1, 2, 3, 7, 100]) {
      const out: Buffer[] = [];
      for await (const c of normalizeLineEndings(chunked('a\r\nb\rc\n\r\r\nd\r', size))) out.push(c);
      expect(Buffer.concat(out).toString()).toBe('a\nb\nc\n\n\nd\n');
    }
  });
});

describe('reading the CSV', () => {
  it("reads Microsoft's sample with its header, in any chunking", async () => {
    const text = `${header}\r\nalice@example.com,1234567,${secret},60,Contoso,HardwareKey\r\n`;
    for (const size of [1, 5, 1000]) {
      const entries = await read(chunked(text, size));
      expect(entries).toEqual([
        {
          kind: 'row',
          line: 2,
          values: {
            upn: 'alice@example.com',
            'serial number': '1234567',
            'secret key': secret,
            'time interval': '60',
            manufacturer: 'Contoso',
            model: 'HardwareKey',
          },
        },
      ]);
    }
  });

  it('counts lines as the file has them: BOM, CRLF, blank lines, quoted fields over several lines', async () => {
    const text =
      `\uFEFF${header}\r\n` + // 1
      '\r\n' + // 2
      `a@example.com,S1,${secret},30,"Cöntoso, Inc.","Kéy ""2"""\r\n` + // 3
      `b@example.com,"S\r\n2",${secret},30,,\r\n` + // 4-5
      ' , ,,,, \r\n' + // 6: only blanks
      `c@example.com,S3,${secret},30\r\n` + // 7: too few fields
      `d@example.com,S4,${secret},30,X,Y` + // 8, no final newline
      '';
    const entries = await read(chunked(text, 1));
    expect(summary(entries)).toEqual([
      { line: 3, serial: 'S1' },
      { line: 4, serial: 'S\n2' },
      { line: 7, row_error: 'the row has 4 fields, the header 6' },
      { line: 8, serial: 'S4' },
    ]);
    const first = entries[0] as Extract<CsvEntry, { kind: 'row' }>;
    expect(first.values.manufacturer).toBe('Cöntoso, Inc.');
    expect(first.values.model).toBe('Kéy "2"');
  });

  it('accepts the columns in any order and any case, and refuses unknown, missing or repeated ones', async () => {
    const reordered = await read([
      `Model, SECRET KEY ,Time  Interval,UPN,Serial Number,Manufacturer\nK,${secret},30,a@example.com,S1,C\n`,
    ]);
    expect(reordered).toMatchObject([
      { kind: 'row', line: 2, values: { upn: 'a@example.com', 'serial number': 'S1', model: 'K' } },
    ]);
    expect(await read([`${header},colour\na@example.com,S1,${secret},30,C,K,red\n`])).toEqual([
      {
        kind: 'fatal',
        line: 1,
        message: `unknown column 'colour' in the header; the first line must name the columns ${header}`,
      },
    ]);
    expect(summary(await read(['upn,serial number,secret key,time interval\n']))).toEqual([
      { line: 1, fatal: expect.stringContaining("the header lacks 'manufacturer', 'model'") },
    ]);
    expect(summary(await read([`\n\n${header},upn\n`]))).toEqual([
      { line: 3, fatal: "the header names column 'upn' twice" },
    ]);
    // A file without its header: the first row is taken for one, and said to be wrong.
    expect(summary(await read([`a@example.com,S1,${secret},30,C,K\n`]))).toEqual([
      { line: 1, fatal: expect.stringMatching(/^unknown column 'a@example.com' in the header/) },
    ]);
  });

  it('says so when the file is empty', async () => {
    for (const text of ['', '\uFEFF', '\r\n\r\n']) {
      expect(summary(await read([text]))).toEqual([
        { line: 1, fatal: expect.stringContaining('the file is empty') },
      ]);
    }
  });

  it('stops at broken CSV with the line where it breaks, after the rows before it', async () => {
    const unclosed = await read([
      `${header}\na@example.com,S1,${secret},30,C,K\n\nb@example.com,"S2,x,30,C,K\nc,d\n`,
    ]);
    expect(summary(unclosed)).toEqual([
      { line: 2, serial: 'S1' },
      {
        line: 3,
        fatal: expect.stringContaining('a quoted field that starts on this line or after it is never closed'),
      },
    ]);
    const strayQuote = await read([
      `${header}\na@example.com,S1,${secret},30,C,K\nb@example.com,"S2"x,${secret},30,C,K\n`,
    ]);
    expect(summary(strayQuote)).toEqual([
      { line: 2, serial: 'S1' },
      { line: 3, fatal: expect.stringContaining('not valid CSV') },
    ]);
    const openingQuote = await read([`${header}\nb@example.com,S"2,${secret},30,C,K\n`]);
    expect(summary(openingQuote)).toEqual([
      { line: 2, fatal: expect.stringContaining('a quote may only open a field') },
    ]);
    expect(JSON.stringify(openingQuote)).not.toContain('S"2');
  });

  it('holds at most one record: an endless quoted field stops at the record limit', async () => {
    let produced = 0;
    async function* endless() {
      yield `${header}\na@example.com,"`;
      for (;;) {
        produced += 1;
        yield 'x'.repeat(1000);
      }
    }
    const entries = await read(endless());
    expect(summary(entries)).toEqual([
      { line: 2, fatal: expect.stringContaining('is longer than 10000 characters') },
    ]);
    expect(produced).toBeLessThan(100);
  });

  it('passes on errors of the source itself', async () => {
    await expect(read(createReadStream('/nonexistent/tokens.csv'))).rejects.toThrow(/ENOENT/);
    const failing = new Readable({
      read() {
        this.push(`${header}\n`);
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(read(failing)).rejects.toThrow('connection reset');
  });
});

describe('checking a row', () => {
  const good = {
    upn: 'alice@example.com',
    'serial number': '1234567',
    'secret key': secret,
    'time interval': '60',
    manufacturer: 'Contoso',
    model: 'HardwareKey',
  };

  function problem(changes: Partial<typeof good>): string | undefined {
    const checked = checkHardwareTokenRow({ ...good, ...changes });
    return checked.ok ? undefined : checked.message;
  }

  it('reads a good row: the secret decoded leniently, period, optional manufacturer and model', () => {
    const checked = checkHardwareTokenRow({ ...good, 'secret key': '2234 567a-bcde f223 4567 abcd ef' });
    expect(checked).toEqual({
      ok: true,
      row: {
        upn: 'alice@example.com',
        serial: '1234567',
        secret: decodeBase32(secret),
        period: 60,
        manufacturer: 'Contoso',
        model: 'HardwareKey',
      },
    });
    expect(checkHardwareTokenRow({ ...good, manufacturer: '', model: '' })).toMatchObject({
      ok: true,
      row: { manufacturer: null, model: null },
    });
  });

  it('names what is wrong, and never repeats the secret', () => {
    expect(problem({ upn: '' })).toBe('upn is missing');
    expect(problem({ 'serial number': '' })).toBe('serial number is missing');
    expect(problem({ 'secret key': '' })).toBe('secret key is missing');
    expect(problem({ 'time interval': '' })).toBe('time interval is missing');
    expect(problem({ 'time interval': '45' })).toBe("time interval must be 30 or 60 (seconds), not '45'");
    expect(problem({ 'time interval': '30s' })).toMatch(/^time interval must be 30 or 60/);
    expect(problem({ 'secret key': 'JBSWY3DPEHPK3PXP' })).toBe(
      'secret key is too short: 80 bits, at least 128 (26 base32 characters) are needed',
    );
    expect(problem({ 'secret key': `${secret.slice(0, 10)}1${secret.slice(11)}` })).toBe(
      'secret key is not base32: the character at position 11 is not A-Z or 2-7',
    );
    expect(problem({ 'secret key': `${secret}A` })).toMatch(/^secret key is not base32: its length/);
    expect(problem({ 'secret key': 'A'.repeat(136) })).toBe(
      'secret key is longer than 128 base32 characters (136)',
    );
    expect(problem({ 'secret key': 'A'.repeat(128) })).toBeUndefined();
    expect(problem({ 'serial number': 'S'.repeat(65) })).toBe('serial number is longer than 64 characters');
    expect(problem({ model: 'M'.repeat(65) })).toBe('model is longer than 64 characters');
    expect(problem({ manufacturer: 'a\u0007b' })).toBe('manufacturer contains control characters');
    expect(problem({ upn: `${'a'.repeat(250)}@example.com` })).toBe('upn is longer than 254 characters');
    for (const bad of [`${secret.slice(0, 10)}1${secret.slice(11)}`, 'JBSWY3DPEHPK3PXP']) {
      expect(problem({ 'secret key': bad })).not.toContain(bad.slice(0, 6));
    }
  });

  it('labels a token by maker, model and serial', () => {
    expect(hardwareTokenLabel({ serial: '1234567', manufacturer: 'Contoso', model: 'HardwareKey' })).toBe(
      'Contoso HardwareKey (1234567)',
    );
    expect(hardwareTokenLabel({ serial: '9', manufacturer: null, model: null })).toBe('Hardware token (9)');
  });
});
