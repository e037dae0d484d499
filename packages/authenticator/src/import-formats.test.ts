/**
 * Issue 18 on the command line: `import` takes every format's fixtures exactly (detected, and with --format),
 * --dry-run changes nothing, a second import says how many it skipped as already there, a wrong password leaves
 * the vault as it was, and a file of no known format is refused naming what it looks like.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, IMPORT_FIXTURE_DIR, IMPORT_FIXTURES } from '../../core/src/test-support/import-fixtures.js';
import { useAuthenticator } from './test-support/run.js';

const path = (file: string) => new URL(file, IMPORT_FIXTURE_DIR).pathname;

describe("twofold-authenticator import: other apps' exports (issue 18)", () => {
  const t = useAuthenticator();

  it.each(IMPORT_FIXTURES)(
    '$file ($format): imports exactly the expected accounts',
    async ({ file, format }) => {
      const { expected } = fixture(file);
      const args = [
        'import',
        path(file),
        '--format',
        format,
        ...(expected.password ? ['--password', expected.password] : []),
      ];
      const result = (await t.json(args)) as {
        format: string;
        added: Record<string, unknown>[];
        skipped: unknown[];
      };
      expect(result.format).toBe(format);
      expect(result.skipped).toEqual([]);
      const listed = (await t.json(['list'])) as Record<string, unknown>[];
      expect(
        listed.map((entry) => ({
          type: entry['type'],
          issuer: entry['issuer'],
          name: entry['name'],
          algorithm: entry['algorithm'],
          digits: entry['digits'],
          ...(entry['type'] === 'hotp' ? { counter: entry['counter'] } : { period: entry['period'] }),
        })),
      ).toEqual(
        expected.accounts.map((a) => ({
          type: a['type'],
          issuer: a['issuer'],
          name: a['name'],
          algorithm: a['algorithm'],
          digits: a['digits'],
          ...(a['type'] === 'hotp' ? { counter: a['counter'] } : { period: a['period'] }),
        })),
      );
    },
  );

  it('--dry-run adds nothing; a repeat import counts what it skipped; a wrong password changes nothing', async () => {
    const dry = await t.run(['import', path('2fas-schema4.2fas'), '--dry-run', '--vault', t.vault()]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Would add 4 accounts from 2fas.');
    expect((await t.run(['list', '--once', '--vault', t.vault()])).code).not.toBe(0); // no vault was made
    await t.json(['import', path('2fas-schema4.2fas')]);
    const again = await t.run(['import', path('2fas-schema1.2fas'), '--vault', t.vault()]);
    expect(again.stdout).toContain(
      'Added 0 accounts from 2fas; skipped 4: 4 already in the vault, 0 unreadable.',
    );
    const before = readFileSync(t.vault(), 'utf8');
    const wrong = await t.run([
      'import',
      path('2fas-encrypted.2fas'),
      '--password',
      'nope',
      '--vault',
      t.vault(),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('2FAS backup: the password does not open it');
    expect(wrong.stderr).toContain('(import_password_wrong)');
    expect(readFileSync(t.vault(), 'utf8')).toBe(before);
  });

  it('names what a file is when it is not the format asked for, or none at all', async () => {
    const asAegis = await t.run([
      'import',
      path('2fas-schema2.2fas'),
      '--format',
      'aegis',
      '--vault',
      t.vault(),
    ]);
    expect(asAegis.stderr).toContain('this is a 2FAS backup, not an Aegis vault');
    const other = join(t.dir(), 'other.json');
    writeFileSync(other, JSON.stringify({ passwords: [], version: 2 }));
    const unknown = await t.run(['import', other, '--vault', t.vault()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('a JSON object with keys passwords, version: none of the formats');
  });
});
