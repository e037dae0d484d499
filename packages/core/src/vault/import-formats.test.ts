/**
 * Issue 18: every format imports its fixtures exactly. The fixtures (fixtures/import/) were made by
 * scripts/make-import-fixtures.mjs from each format's public documentation and source with independent code
 * (Node's crypto and zlib, libsodium); each has its expected accounts beside it.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TwofoldError } from '../errors/index.js';
import {
  IMPORT_FIXTURE_DIR as dir,
  entryShape,
  fixture,
  IMPORT_FIXTURES,
} from '../test-support/import-fixtures.js';
import { detectImportFormatOfBytes, importFromBytes } from './import.js';

describe('import: every format reads its fixtures exactly (issue 18)', () => {
  it('has a fixture for every file in fixtures/import', () => {
    const files = readdirSync(dir).filter((name) => !name.endsWith('.expected.json') && name.includes('.'));
    expect(files.sort()).toEqual(IMPORT_FIXTURES.map(({ file }) => file).sort());
  });

  for (const { file, format } of IMPORT_FIXTURES) {
    it(`${file}: detected as ${format}, every account exact`, async () => {
      const { bytes, expected } = fixture(file);
      expect(detectImportFormatOfBytes(bytes)).toBe(format);
      const result = await importFromBytes(bytes, expected.password ? { password: expected.password } : {});
      expect(result.format).toBe(format);
      expect(result.skipped).toEqual([]);
      expect(result.entries.map(entryShape)).toEqual(expected.accounts);
      // The same with --format named.
      const named = await importFromBytes(bytes, {
        format,
        ...(expected.password ? { password: expected.password } : {}),
      });
      expect(named.entries.map(entryShape)).toEqual(expected.accounts);
    });
  }

  for (const { file } of IMPORT_FIXTURES.filter(
    ({ file }) => fixture(file).expected.password !== undefined,
  )) {
    it(`${file}: no password asks for one; a wrong one fails clearly`, async () => {
      const { bytes } = fixture(file);
      await expect(importFromBytes(bytes)).rejects.toMatchObject({ code: 'import_password_required' });
      const wrong = await importFromBytes(bytes, { password: 'not the password' }).catch(
        (error: unknown) => error,
      );
      expect(wrong).toBeInstanceOf(TwofoldError);
      expect((wrong as TwofoldError).code).toBe('import_password_wrong');
    });
  }
});
