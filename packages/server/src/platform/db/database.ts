import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  type Migration,
  type MigrationResultSet,
  Migrator,
  PostgresDialect,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Human description without credentials, for logs. */
  readonly description: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL, or undefined for SQLite. */
  readonly databaseUrl?: string | undefined;
  /** SQLite file path (used when databaseUrl is unset); ':memory:' is allowed for tests. */
  readonly sqlitePath?: string;
  readonly poolSize?: number;
}

/** Default SQLite file inside the data directory. */
export function sqlitePathFor(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return join(dataDir, 'twofold.db');
}

/** Opens the one query layer over SQLite (embedded default, WAL) or PostgreSQL. */
export function openDatabase(options: OpenDatabaseOptions): DatabaseHandle {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  const path = options.sqlitePath ?? ':memory:';
  return openSqlite(path);
}

function openSqlite(path: string): DatabaseHandle {
  const sqlite = new SqliteDatabase(path);
  // WAL lets readers run beside the writer; NORMAL sync is durable against process crashes (a
  // power loss may drop the last commits, never corrupt); busy_timeout makes concurrent
  // processes (server + CLI) wait for the write lock instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    dialect: 'sqlite',
    description: `SQLite ${path}`,
    close: () => db.destroy(),
  };
}

function openPostgres(url: string, poolSize: number): DatabaseHandle {
  // bigint columns hold millisecond times, which fit in a double exactly; parse them as numbers
  // for this pool only instead of changing pg's global parsers.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      if (oid === pg.types.builtins.INT8 && format !== 'binary') return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    db,
    dialect: 'postgres',
    description: `PostgreSQL ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`,
    close: () => db.destroy(),
  };
}

function createMigrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async (): Promise<Record<string, Migration>> => migrations },
  });
}

export interface MigrationReport {
  readonly applied: string[];
  readonly pending: number;
}

/** Applies every pending migration (safe to run from several instances at once: Kysely takes a lock). */
export async function migrateToLatest(
  handle: DatabaseHandle,
  onProgress?: (name: string, index: number, total: number) => void,
): Promise<MigrationReport> {
  const migrator = createMigrator(handle.db);
  const before = await migrator.getMigrations();
  const pending = before.filter((m) => !m.executedAt).length;
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  applied.forEach((name, index) => {
    onProgress?.(name, index + 1, applied.length);
  });
  return { applied, pending };
}

/** Lists migrations and whether each has run. */
export async function listMigrations(handle: DatabaseHandle): Promise<{ name: string; appliedAt?: Date }[]> {
  const all = await createMigrator(handle.db).getMigrations();
  return all.map((m) => (m.executedAt ? { name: m.name, appliedAt: m.executedAt } : { name: m.name }));
}
