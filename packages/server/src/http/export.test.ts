import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { allPages, csvCell, csvChunks, csvRecord, exportFilename, jsonArrayChunks } from './export.js';

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

async function* pagesOf<T>(...pages: T[][]): AsyncGenerator<T[]> {
  for (const page of pages) yield page;
}

describe('CSV cells (RFC 4180, defused)', () => {
  it('quotes commas, quotes and line breaks, and doubles inner quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('')).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell({ a: 'x,y' })).toBe('"{""a"":""x,y""}"');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('prefixes %j with a quote', (value) => {
    const cell = csvCell(value);
    const rows = parse(`${cell}\r\n`) as string[][];
    expect(rows).toEqual([[`'${value}`]]);
  });

  it('leaves numbers alone, and formulas in the middle of a cell', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes records that a CSV parser reads back', () => {
    const values = ['id-1', 'with, comma', 'multi\r\nline "quoted"', null, 3];
    const [row] = parse(csvRecord(values)) as string[][];
    expect(row).toEqual(['id-1', 'with, comma', 'multi\r\nline "quoted"', '', '3']);
    expect(csvRecord(['a', 'b'])).toBe('a,b\r\n');
  });
});

describe('streamed exports', () => {
  const columns = [
    { header: 'name', value: (r: { name: string }) => r.name },
    { header: 'len', value: (r: { name: string }) => r.name.length },
  ];

  it('CSV: a header row, then every row of every page', async () => {
    const csv = await text(csvChunks(columns, pagesOf([{ name: 'a' }, { name: '=b' }], [{ name: 'c,d' }])));
    expect(csv).toBe('name,len\r\na,1\r\n\'=b,2\r\n"c,d",3\r\n');
  });

  it('JSON: an array, empty or not', async () => {
    expect(JSON.parse(await text(jsonArrayChunks((r) => r, pagesOf([1, 2], [], [3]))))).toEqual([1, 2, 3]);
    expect(await text(jsonArrayChunks((r) => r, pagesOf<number>()))).toBe('[]\n');
  });

  it('follows cursors until the end or the row limit', async () => {
    const data = Array.from({ length: 7 }, (_, i) => i);
    const fetchPage = async (cursor: string | undefined, limit: number) => {
      const from = cursor ? Number(cursor) : 0;
      const items = data.slice(from, from + limit);
      return { items, nextCursor: from + limit < data.length ? String(from + limit) : null };
    };
    const collect = async (maxRows: number) => {
      const rows: number[] = [];
      for await (const page of allPages(fetchPage, { maxRows, pageSize: 3 })) rows.push(...page);
      return rows;
    };
    expect(await collect(100)).toEqual(data);
    expect(await collect(5)).toEqual([0, 1, 2, 3, 4]);
    expect(await collect(6)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('names files after what, whose and when', () => {
    expect(exportFilename('sign-ins', 'acme', Date.UTC(2026, 5, 9, 23, 59), 'csv')).toBe(
      'sign-ins-acme-2026-06-09.csv',
    );
  });
});
