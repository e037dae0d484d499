import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../platform/db/database.js';
import { useCliEnvironment } from '../test-support/cli.js';
import { testBackends } from '../test-support/databases.js';

for (const backend of testBackends) {
  describe(`twofold audit verify on ${backend.name}`, () => {
    const { dataDir, database, run } = useCliEnvironment(backend, { prefix: 'twofold-audit-cli-' });
    let direct: DatabaseHandle | undefined;

    afterEach(async () => {
      await direct?.close();
      direct = undefined;
    });

    /** The database the command uses, opened beside it, as someone with write access would. */
    function db() {
      direct ??= database() ?? openDatabase({ sqlitePath: join(dataDir(), 'twofold.db') });
      return direct.db;
    }

    async function acmeRows() {
      return db()
        .selectFrom('audit_events')
        .innerJoin('tenants', 'tenants.id', 'audit_events.tenant_id')
        .select(['audit_events.id', 'audit_events.seq'])
        .where('tenants.slug', '=', 'acme')
        .orderBy('seq')
        .execute();
    }

    async function seed() {
      for (const args of [
        ['tenant', 'create', 'acme', '--admin', 'boss@acme.test'],
        ['tenant', 'create', 'beta'],
        ['api-key', 'create', '--tenant', 'acme', '--role', 'helpdesk'],
        ['user', 'create', 'ann@acme.test', '--tenant', 'acme'],
      ]) {
        expect((await run([...args, '--json'])).code).toBe(0);
      }
    }

    it('reports intact chains with progress on stderr, and exits 0', async () => {
      await seed();
      const human = await run(['audit', 'verify']);
      expect(human.code).toBe(0);
      expect(human.stderr).toMatch(/verifying \[#{24}\] (\d+)\/\1/);
      expect(human.stdout).toMatch(/^ok +acme: \d+ rows, head seq \d+ [0-9a-f]{64}$/m);
      expect(human.stdout).toMatch(/^ok +beta: 1 rows/m);
      expect(human.stdout).toMatch(/^All 2 chain\(s\) intact: \d+ rows checked\.$/m);

      const json = await run(['audit', 'verify', '--json']);
      expect(json.code).toBe(0);
      expect(json.stderr).toBe('');
      const report = JSON.parse(json.stdout);
      expect(report.ok).toBe(true);
      expect(report.chains.map((c: { name: string }) => c.name)).toEqual(
        expect.arrayContaining(['acme', 'beta']),
      );
      const acme = report.chains.find((c: { name: string }) => c.name === 'acme');
      expect(acme.rows).toBe((await acmeRows()).length);
    });

    it('names a changed row and exits 1 with audit_chain_broken', async () => {
      await seed();
      const rows = await acmeRows();
      const victim = rows[2]!;
      await db()
        .updateTable('audit_events')
        .set({ reason: 'edited later' })
        .where('id', '=', victim.id)
        .execute();

      const human = await run(['audit', 'verify']);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/^BROKEN +acme: .*1 problem/m);
      expect(human.stdout).toContain(`row_changed: seq 3 (row ${victim.id}) was changed`);
      expect(human.stdout).toMatch(/^ok +beta/m);
      expect(human.stderr).toMatch(
        new RegExp(
          `twofold: the audit log was tampered with: acme \\(1 problem\\); first: seq 3 \\(row ${victim.id}\\).* \\(audit_chain_broken\\)\\n$`,
        ),
      );

      const json = await run(['audit', 'verify', '--json']);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout);
      expect(report.ok).toBe(false);
      const acme = report.chains.find((c: { name: string }) => c.name === 'acme');
      expect(acme.problems[0]).toMatchObject({ kind: 'row_changed', seq: 3, id: victim.id });
      expect(JSON.parse(json.stderr).error.code).toBe('audit_chain_broken');

      // Another tenant's chain still verifies on its own.
      expect((await run(['audit', 'verify', '--tenant', 'beta'])).code).toBe(0);
    });

    it('names the row after a deleted one', async () => {
      await seed();
      const rows = await acmeRows();
      await db().deleteFrom('audit_events').where('id', '=', rows[1]!.id).execute();
      const result = await run(['audit', 'verify', '--tenant', 'acme', '--json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout);
      expect(report.chains).toHaveLength(1);
      expect(report.chains[0].problems[0]).toMatchObject({ kind: 'rows_missing', seq: 3, id: rows[2]!.id });
    });

    it('refuses an unknown tenant', async () => {
      await seed();
      const result = await run(['audit', 'verify', '--tenant', 'nope']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/\(tenant_not_found\)/);
    });
  });
}
