import { copyFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useCliEnvironment } from '../test-support/cli.js';
import { testBackends } from '../test-support/databases.js';

const header = 'upn,serial number,secret key,time interval,manufacturer,model';
const secret = '2234567abcdef2234567abcdef';
const fixture = new URL('../factors/hardware/fixtures/microsoft-sample.csv', import.meta.url);

for (const backend of testBackends) {
  describe(`twofold hardware-tokens import on ${backend.name}`, () => {
    const { dataDir, run, withRuntime } = useCliEnvironment(backend, {
      prefix: 'twofold-hw-cli-',
      env: { TWOFOLD_LOG_LEVEL: 'silent' },
    });

    beforeEach(async () => {
      expect((await run(['tenant', 'create', 'acme', '--json'])).code).toBe(0);
      expect((await run(['user', 'create', 'alice@example.com', '--tenant', 'acme', '--json'])).code).toBe(0);
    });

    function file(name: string, text: string): string {
      const path = join(dataDir(), name);
      writeFileSync(path, text);
      return path;
    }

    it('imports a file with a progress bar by bytes on stderr, and lists each bad row', async () => {
      const path = join(dataDir(), 'tokens.csv');
      copyFileSync(fixture, path);
      writeFileSync(
        path,
        `nobody@example.com,2,${secret},30,C,K\r\nalice@example.com,3,${secret},45,C,K\r\n`,
        {
          flag: 'a',
        },
      );
      const size = statSync(path).size;
      const result = await run(['hardware-tokens', 'import', path, '--tenant', 'acme']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          "Imported 1 hardware token into 'acme' (pending: each is activated by one code from it).",
          '2 rows not imported:',
          "line 3: unknown user 'nobody@example.com' in this tenant",
          "line 4: time interval must be 30 or 60 (seconds), not '45'",
          '',
        ].join('\n'),
      );
      expect(result.stderr.trim().split('\n').at(-1)).toBe(`importing [${'#'.repeat(24)}] ${size}/${size}`);
      const rows = await withRuntime((runtime) =>
        runtime.database.db.selectFrom('methods').select(['serial', 'status', 'type']).execute(),
      );
      expect(rows).toEqual([{ serial: '1234567', status: 'pending', type: 'hardware_oath' }]);
    });

    it('--json prints the result on stdout and nothing on stderr', async () => {
      const path = file(
        'tokens.csv',
        `${header}\nalice@example.com,1,${secret},30,C,K\nbob@example.com,2,${secret},30,C,K\n`,
      );
      const result = await run(['hardware-tokens', 'import', path, '--tenant', 'acme', '--json']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({
        imported: 1,
        errors: [{ line: 3, message: "unknown user 'bob@example.com' in this tenant" }],
        errorsOmitted: 0,
      });
    });

    it('streams a large file, the bar moving by bytes read', async () => {
      const lines = [header];
      for (let i = 0; i < 3000; i++) lines.push(`alice@example.com,N${i},${secret},30,C,K`);
      const path = file('many.csv', lines.join('\n'));
      const result = await run(['hardware-tokens', 'import', path, '--tenant', 'acme']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        "Imported 3000 hardware tokens into 'acme' (pending: each is activated by one code from it).\n",
      );
      const bars = result.stderr.split('\n').filter((l) => l.startsWith('importing ['));
      expect(bars.length).toBeGreaterThan(1);
      const done = bars.map((l) => Number(/ (\d+)\/\d+$/.exec(l)?.[1]));
      expect(done).toEqual([...done].sort((a, b) => a - b));
    });

    it('exits non-zero when the file cannot be read, or when nothing was imported and there were errors', async () => {
      const missing = await run([
        'hardware-tokens',
        'import',
        join(dataDir(), 'nope.csv'),
        '--tenant',
        'acme',
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`cannot read '${join(dataDir(), 'nope.csv')}': ENOENT`);
      const directory = await run(['hardware-tokens', 'import', dataDir(), '--tenant', 'acme', '--json']);
      expect(directory.code).toBe(1);
      expect(JSON.parse(directory.stderr).error.code).toBe('bad_request');

      const wrong = file('wrong.csv', `${header}\nnobody@example.com,1,${secret},30,C,K\n`);
      const none = await run(['hardware-tokens', 'import', wrong, '--tenant', 'acme']);
      expect(none.code).toBe(1);
      expect(none.stdout).toContain("line 2: unknown user 'nobody@example.com' in this tenant");
      expect(none.stderr).toContain('no hardware token was imported');
      const noTenant = await run(['hardware-tokens', 'import', wrong, '--tenant', 'nope']);
      expect(noTenant.code).toBe(1);
      expect(noTenant.stderr).toContain('(tenant_not_found)');
      // A file with only its header has nothing wrong in it.
      expect(
        (await run(['hardware-tokens', 'import', file('empty.csv', `${header}\n`), '--tenant', 'acme'])).code,
      ).toBe(0);
    });
  });
}
