import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../platform/db/database.js';

/** A database for one test: migrated, empty, and removed again by `cleanup`. */
export interface TestDatabaseHandle extends DatabaseHandle {
  /** The URL (PostgreSQL) or file path (SQLite), for opening further connections to the same database. */
  readonly location: { databaseUrl?: string; sqlitePath?: string };
  cleanup(): Promise<void>;
}

export interface TestBackend {
  readonly name: 'sqlite' | 'postgres';
  create(options?: { migrate?: boolean }): Promise<TestDatabaseHandle>;
}

const sqliteBackend: TestBackend = {
  name: 'sqlite',
  async create({ migrate = true } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-test-'));
    const sqlitePath = join(dir, 'twofold.db');
    const handle = openDatabase({ sqlitePath });
    if (migrate) await migrateToLatest(handle);
    return {
      ...handle,
      location: { sqlitePath },
      async cleanup() {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

function postgresBackend(baseUrl: string): TestBackend {
  return {
    name: 'postgres',
    async create({ migrate = true } = {}) {
      // Each test gets its own schema in the one test database, reached through search_path.
      const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const url = new URL(baseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const databaseUrl = url.toString();
      const handle = openDatabase({ databaseUrl, poolSize: 8 });
      if (migrate) await migrateToLatest(handle);
      return {
        ...handle,
        location: { databaseUrl },
        async cleanup() {
          await handle.close();
          const client = new pg.Client({ connectionString: baseUrl });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        },
      };
    },
  };
}

/**
 * The backends every store test runs on: SQLite always, PostgreSQL too when
 * TWOFOLD_TEST_DATABASE_URL is set (`.ci/run` sets it).
 */
export const testBackends: TestBackend[] = [
  sqliteBackend,
  ...(process.env['TWOFOLD_TEST_DATABASE_URL']
    ? [postgresBackend(process.env['TWOFOLD_TEST_DATABASE_URL'])]
    : []),
];
