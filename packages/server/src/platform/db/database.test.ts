import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { listMigrations, migrateToLatest, openDatabase } from './database.js';
import { isUniqueViolation } from './errors.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

const migrationNames = Object.keys(migrations).sort();
const tables: (keyof Database)[] = [
  'tenants',
  'users',
  'user_roles',
  'api_keys',
  'setup_tokens',
  'temporary_access_passes',
  'audit_events',
  'secret_key_checks',
];

for (const backend of testBackends) {
  describe(`database (${backend.name})`, () => {
    const opened: TestDatabaseHandle[] = [];
    async function create(options: { migrate: boolean }): Promise<TestDatabaseHandle> {
      const handle = await backend.create(options);
      opened.push(handle);
      return handle;
    }
    afterEach(async () => {
      for (const handle of opened.splice(0)) await handle.cleanup();
    });

    it('applies every migration, in order, to an empty database', async () => {
      const handle = await create({ migrate: false });
      expect(await listMigrations(handle)).toEqual(migrationNames.map((name) => ({ name })));

      const progress: [string, number, number][] = [];
      const report = await migrateToLatest(handle, (name, index, total) =>
        progress.push([name, index, total]),
      );
      expect(report).toEqual({ applied: migrationNames, pending: migrationNames.length });
      expect(progress).toEqual(migrationNames.map((name, i) => [name, i + 1, migrationNames.length]));

      const listed = await listMigrations(handle);
      expect(listed.map((m) => m.name)).toEqual(migrationNames);
      for (const migration of listed) expect(migration.appliedAt).toBeInstanceOf(Date);
      for (const table of tables) {
        expect(await handle.db.selectFrom(table).selectAll().execute(), table).toEqual([]);
      }
    });

    it('is idempotent: a second run applies nothing and changes nothing', async () => {
      const handle = await create({ migrate: false });
      await migrateToLatest(handle);
      const before = await listMigrations(handle);
      const progress: string[] = [];
      expect(await migrateToLatest(handle, (name) => progress.push(name))).toEqual({
        applied: [],
        pending: 0,
      });
      expect(progress).toEqual([]);
      expect(await listMigrations(handle)).toEqual(before);
    });

    it('a new handle on an already migrated database finds nothing to do', async () => {
      const handle = await create({ migrate: true });
      const again = openDatabase(handle.location);
      try {
        expect(await migrateToLatest(again)).toEqual({ applied: [], pending: 0 });
        expect((await listMigrations(again)).every((m) => m.appliedAt instanceof Date)).toBe(true);
      } finally {
        await again.close();
      }
    });

    // Each test database on PostgreSQL is a schema of one shared database, like a Twofold
    // reached through search_path beside other applications: migrations must see only their own.
    it('migration bookkeeping of another database (schema) does not leak into this one', async () => {
      const first = await create({ migrate: true });
      const second = await create({ migrate: false });
      expect(await listMigrations(second)).toEqual(migrationNames.map((name) => ({ name })));
      expect((await migrateToLatest(second)).applied).toEqual(migrationNames);
      expect((await listMigrations(first)).every((m) => m.appliedAt instanceof Date)).toBe(true);
    });

    it.runIf(backend.name === 'postgres')(
      'two instances migrating the same empty database at once apply each migration exactly once',
      async () => {
        const handle = await create({ migrate: false });
        const instances = [openDatabase(handle.location), openDatabase(handle.location)];
        try {
          const reports = await Promise.all(instances.map((instance) => migrateToLatest(instance)));
          // Kysely takes an advisory lock: one instance applies everything, the other nothing.
          expect(reports.flatMap((r) => r.applied).sort()).toEqual(migrationNames);
          const listed = await listMigrations(handle);
          expect(listed.map((m) => m.name)).toEqual(migrationNames);
          expect(listed.every((m) => m.appliedAt instanceof Date)).toBe(true);
          await handle.db
            .insertInto('tenants')
            .values({ id: 't1', slug: 'acme', name: 'Acme', policy: '{}', created_at: 1 })
            .execute();
        } finally {
          await Promise.all(instances.map((instance) => instance.close()));
        }
      },
    );

    it.runIf(backend.name === 'postgres')(
      'looks only at its own schema: another schema dropped while it reads the catalog is none of its business',
      async () => {
        const handle = await create({ migrate: true });
        const url = handle.location.databaseUrl ?? '';
        const other = `gone_${Math.random().toString(36).slice(2, 10)}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        try {
          await admin.query(`CREATE SCHEMA ${other}`);
          await admin.query(`CREATE TABLE ${other}.t (id serial PRIMARY KEY)`);
          // The race another test run's clean-up makes, made certain: the catalog is read under a snapshot
          // taken before the other schema is dropped, and looked up by name after.
          const tables = await handle.db
            .transaction()
            .setIsolationLevel('repeatable read')
            .execute(async (trx) => {
              await sql`select 1`.execute(trx);
              await admin.query(`DROP SCHEMA ${other} CASCADE`);
              return trx.introspection.getTables({ withInternalKyselyTables: true });
            });
          const names = tables.map((table) => table.name);
          expect(names).toEqual(expect.arrayContaining(['users', 'tenants', 'kysely_migration']));
          expect(names).not.toContain('t');
          expect(new Set(tables.map((table) => table.schema)).size).toBe(1);
          expect((await migrateToLatest(handle)).applied).toEqual([]);
        } finally {
          await admin.query(`DROP SCHEMA IF EXISTS ${other} CASCADE`);
          await admin.end();
        }
      },
    );

    it('stores millisecond times as numbers and reports unique violations portably', async () => {
      const handle = await create({ migrate: true });
      const createdAt = Date.UTC(2100, 0, 1, 0, 0, 0, 123); // beyond 32 bits, as every time we store
      await handle.db
        .insertInto('tenants')
        .values({ id: 't1', slug: 'acme', name: 'Acme', policy: '{}', created_at: createdAt })
        .execute();
      const row = await handle.db.selectFrom('tenants').select('created_at').executeTakeFirstOrThrow();
      expect(row.created_at).toBe(createdAt);
      const duplicate = await handle.db
        .insertInto('tenants')
        .values({ id: 't2', slug: 'acme', name: 'Acme', policy: '{}', created_at: createdAt })
        .execute()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(isUniqueViolation(duplicate)).toBe(true);
      expect(isUniqueViolation(new Error('other'))).toBe(false);
    });

    it('enforces foreign keys (a user of a tenant that does not exist is refused)', async () => {
      const handle = await create({ migrate: true });
      await expect(
        handle.db
          .insertInto('users')
          .values({
            id: 'u1',
            tenant_id: 'missing',
            email: 'a@example.com',
            email_normalized: 'a@example.com',
            display_name: 'a',
            password_hash: null,
            disabled: 0,
            created_at: 1,
            updated_at: 1,
          })
          .execute(),
      ).rejects.toThrow();
      const count = await sql<{ n: number | string }>`select count(*) as n from users`.execute(handle.db);
      expect(Number(count.rows[0]?.n)).toBe(0);
    });
  });
}

describe('openDatabase', () => {
  it('describes a PostgreSQL database for logs without its credentials', async () => {
    const handle = openDatabase({ databaseUrl: 'postgres://alice:s3cret@db.example.com:6543/twofold' });
    try {
      expect(handle.dialect).toBe('postgres');
      expect(handle.description).toBe('PostgreSQL db.example.com:6543/twofold');
    } finally {
      await handle.close(); // never connected
    }
  });
});
