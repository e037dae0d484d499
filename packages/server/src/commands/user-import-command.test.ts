import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from '../test-support/cli.js';
import { testBackends } from '../test-support/databases.js';

for (const backend of testBackends) {
  describe(`twofold user import on ${backend.name}`, () => {
    const cli = useCliEnvironment(backend, { prefix: 'twofold-user-import-cli-' });
    const { run } = cli;

    function file(name: string, text: string): string {
      const path = join(cli.dataDir(), name);
      writeFileSync(path, text);
      return path;
    }

    it('imports a file with progress on stderr and a summary on stdout', async () => {
      expect((await run(['tenant', 'create', 'acme'])).code).toBe(0);
      const lines = ['email,name,role'];
      for (let i = 0; i < 1200; i++)
        lines.push(`u${i}@example.com,User ${i},${i === 0 ? 'global-admin' : ''}`);
      const result = await run([
        'user',
        'import',
        file('users.csv', `${lines.join('\n')}\n`),
        '--tenant',
        'acme',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('Imported 1200 users.');
      expect(result.stderr).toContain('importing [');
      expect(result.stderr).toContain('1200/1200');
      const listed = await cli.withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        return runtime.services.users.findByEmail(tenant.id, 'u0@example.com');
      });
      expect(listed?.roles).toEqual(['global-admin']);
    });

    it('refuses the whole file, prints every refused line safely, writes a CSV report without formulas, exits 1', async () => {
      expect((await run(['tenant', 'create', 'acme'])).code).toBe(0);
      const csv = [
        'email,name,role',
        'fine@example.com,Fine,',
        '=cmd|calc!A1,Formula,',
        '"esc\u001b[31m@example.com",Escape,',
        'fine@example.com,Again,',
        'who@example.com,Who,root',
      ].join('\n');
      const report = join(cli.dataDir(), 'refused.csv');
      const result = await run([
        'user',
        'import',
        file('bad.csv', csv),
        '--tenant',
        'acme',
        '--report',
        report,
      ]);
      expect(result.code).toBe(1);
      const out = result.stdout.split('\n');
      expect(out[0]).toBe(
        "line 3: =cmd|calc!A1: email '=cmd|calc!A1': must look like name@example.com (email_invalid)",
      );
      // The escape sequence is shown, not sent to the terminal.
      expect(result.stdout).not.toContain('\u001b');
      expect(out[1]).toContain('line 4: esc\\x1b[31m@example.com');
      expect(out[2]).toBe(
        "line 5: fine@example.com: the email 'fine@example.com' is on line 2 already (user_exists)",
      );
      expect(out[3]).toContain('line 6: who@example.com:');
      expect(out[3]).toContain('(role_invalid)');
      expect(out[4]).toBe('4 of 5 lines refused; nothing was imported.');
      expect(result.stderr.trim().split('\n').at(-1)).toBe(
        'twofold: 4 of 5 lines refused; nothing was imported (import_refused)',
      );
      const written = readFileSync(report, 'utf8').split('\r\n');
      expect(written[0]).toBe('line,email,code,message');
      // A spreadsheet would run =cmd|... as a formula: the cell is defused with a leading quote.
      expect(written[1]).toMatch(/^3,'=cmd\|calc!A1,email_invalid,/);
      const json = await run(['user', 'import', file('bad.csv', csv), '--tenant', 'acme', '--json']);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ rows: 5, imported: 0, dryRun: false });
      expect(JSON.parse(json.stdout).refused).toHaveLength(4);
      expect(JSON.parse(json.stderr).error.code).toBe('import_refused');
      const users = await cli.withRuntime(async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug('acme');
        return runtime.services.users.search(tenant.id, {});
      });
      expect(users.users).toEqual([]);
    });

    it('a file that cannot be read or is not this CSV is one line on stderr', async () => {
      expect((await run(['tenant', 'create', 'acme'])).code).toBe(0);
      const missing = await run(['user', 'import', join(cli.dataDir(), 'nope.csv'), '--tenant', 'acme']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain("cannot read '");
      const wrong = await run(['user', 'import', file('x.csv', 'upn,serial\n'), '--tenant', 'acme']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr.trim().split('\n').at(-1)).toBe(
        "twofold: line 1: unknown column 'upn' in the header; the first line must name the columns email,name,role (csv_invalid)",
      );
    });
  });
}
