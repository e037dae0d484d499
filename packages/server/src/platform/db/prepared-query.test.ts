import { describe, expect, it } from 'vitest';
import { testBackends } from '../../test-support/databases.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import { preparedQuery, type Slots } from './prepared-query.js';

for (const backend of testBackends) {
  describe(`prepared queries (${backend.name})`, () => {
    const database = useTestDatabase(backend);

    async function tenants() {
      const { db } = database();
      for (const [i, slug] of ['acme', 'globex', 'initech'].entries())
        await db
          .insertInto('tenants')
          .values({ id: `t${i}`, slug, name: slug.toUpperCase(), policy: '{}', created_at: 1000 + i })
          .execute();
      return db;
    }

    it('compiles once to the SQL Kysely builds for real values, and binds each run its own values', async () => {
      const db = await tenants();
      let builds = 0;
      const query = preparedQuery((kysely, v: Slots<{ slug: string; after: number }>) => {
        builds++;
        return kysely
          .selectFrom('tenants')
          .select(['id', 'name'])
          .where('slug', '=', v.slug)
          .where('created_at', '>', v.after)
          .where('name', '!=', 'constant stays');
      });
      expect(await query.first(db, { slug: 'globex', after: 0 })).toEqual({ id: 't1', name: 'GLOBEX' });
      expect(await query.first(db, { slug: 'globex', after: 1001 })).toBeUndefined();
      expect(await query.rows(db, { slug: 'acme', after: 999 })).toEqual([{ id: 't0', name: 'ACME' }]);
      expect(builds).toBe(1);
      const direct = db
        .selectFrom('tenants')
        .select(['id', 'name'])
        .where('slug', '=', 'x')
        .where('created_at', '>', 1)
        .where('name', '!=', 'constant stays')
        .compile();
      let sqlText = '';
      const spy = preparedQuery((kysely, v: Slots<{ slug: string; after: number }>) => {
        const built = kysely
          .selectFrom('tenants')
          .select(['id', 'name'])
          .where('slug', '=', v.slug)
          .where('created_at', '>', v.after)
          .where('name', '!=', 'constant stays');
        sqlText = built.compile().sql;
        return built;
      });
      await spy.rows(db, { slug: 'acme', after: 0 });
      expect(sqlText).toBe(direct.sql);
    });

    it('writes, and runs inside a transaction on its connection', async () => {
      const db = await tenants();
      const rename = preparedQuery((kysely, v: Slots<{ id: string; name: string }>) =>
        kysely.updateTable('tenants').set({ name: v.name }).where('id', '=', v.id),
      );
      const result = await rename.run(db, { id: 't2', name: 'Initrode' });
      expect(result.numAffectedRows).toBe(1n);
      await expect(
        db.transaction().execute(async (trx) => {
          await rename.run(trx, { id: 't0', name: 'rolled back' });
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      const names = await db.selectFrom('tenants').select('name').orderBy('id').execute();
      expect(names.map((r) => r.name)).toEqual(['ACME', 'GLOBEX', 'Initrode']);
    });

    it('refuses a run that lacks a value instead of binding undefined', async () => {
      const db = await tenants();
      const query = preparedQuery((kysely, v: Slots<{ slug: string }>) =>
        kysely.selectFrom('tenants').selectAll().where('slug', '=', v.slug),
      );
      expect(() => query.run(db, {} as { slug: string })).toThrow('no value for slug');
    });
  });
}
