import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, type Migration, type MigrationResultSet, Migrator, type SqliteDatabase, sql } from 'kysely';
import type PgModule from 'pg';
import { type ChangeFeed, sqliteChangeFeed } from './change-feed.js';
import { type DatabaseCounters, newDatabaseCounters } from './database-counters.js';
import { GroupCommitSqliteDialect, type PrepareSync } from './group-commit.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';
import { UnitOfWorkPostgresDialect } from './unit-of-work.js';

export type Dialect = 'sqlite' | 'postgres';

// Each deployment uses one of the two drivers: load only that one (both are CommonJS, so a
// synchronous require keeps openDatabase synchronous).
const require = createRequire(import.meta.url);

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Human description without credentials, for logs. */
  readonly description: string;
  /** Statements and round trips sent so far (database-counters.ts). */
  readonly counters: DatabaseCounters;
  /**
   * SQLite's changes made by other connections to the file (change-feed.ts); on PostgreSQL other
   * instances announce theirs over LISTEN/NOTIFY instead (the push notifier's `changeFeed`).
   */
  readonly changes?: ChangeFeed;
  /**
   * Runs one request's work so that its writes are stored together before it answers: on
   * PostgreSQL one transaction on one connection, committed whether the work returned or threw
   * (unit-of-work.ts); on SQLite the work as it is, group commit already sharing its commits.
   */
  unitOfWork<T>(work: () => Promise<T>): Promise<T>;
  /**
   * SQLite only: runs `work`'s prepared statements synchronously, with no await between them,
   * inside the current turn's group-commit transaction, and resolves after its COMMIT
   * (group-commit.ts `runSync`). Undefined on PostgreSQL.
   */
  readonly runSync?: <T>(work: (prepare: PrepareSync) => T) => Promise<T>;
  /** One round trip to the database (readiness checks); throws when it is not reachable. */
  ping(): Promise<void>;
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
  const SqliteDatabase = require('better-sqlite3') as typeof BetterSqlite3;
  const sqlite = new SqliteDatabase(path);
  // WAL lets readers run beside the writer; NORMAL sync is durable against process crashes (a
  // power loss may drop the last commits, never corrupt); busy_timeout makes concurrent
  // processes (server + CLI) wait for the write lock instead of failing. It comes first: turning
  // a new file to WAL takes an exclusive lock that another process opening the same new file may
  // hold for a moment.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const counters = newDatabaseCounters();
  // Group commit: the writes of one event-loop turn share one transaction, each answered after its
  // commit (group-commit.ts).
  const dialect = new GroupCommitSqliteDialect(
    sqlite,
    cachingStatements(sqlite, sqliteStatementCacheSize, counters),
  );
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    dialect: 'sqlite',
    description: `SQLite ${path}`,
    counters,
    changes: sqliteChangeFeed(sqlite, counters),
    unitOfWork: (work) => work(),
    runSync: (work) => dialect.driver.runSync(work),
    ping: () => pingDatabase(db),
    close: () => db.destroy(),
  };
}

/** How many prepared statements an SQLite connection keeps (the least recently used go first). */
export const sqliteStatementCacheSize = 500;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning the SQL)
 * costs more than running the small queries of a sign-in. Kysely compiles the same query shape to
 * the same SQL text with its values as parameters, so statements are kept by SQL text and reused:
 * better-sqlite3 resets a statement after `all`/`run`, and SQLite prepares it again by itself when
 * the schema changes. A statement still being iterated (a stream) is busy: that SQL gets a new one.
 * Every statement the connection runs is taken from here just before it runs, so `counters`
 * counts them here.
 */
export function cachingStatements(
  sqlite: BetterSqlite3.Database,
  size: number = sqliteStatementCacheSize,
  counters: DatabaseCounters = newDatabaseCounters(),
): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(text) {
      counters.statements++;
      const cached = cache.get(text);
      if (cached && !cached.busy) {
        // Map keeps insertion order: delete and set again make it the most recently used.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      cache.delete(text);
      cache.set(text, statement);
      if (cache.size > size) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      return statement;
    },
  };
}

function openPostgres(url: string, poolSize: number): DatabaseHandle {
  const pg = require('pg') as typeof PgModule;
  // bigint columns hold millisecond times, which fit in a double exactly; parse them as numbers
  // for this pool only instead of changing pg's global parsers.
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      if (oid === pg.types.builtins.INT8 && format !== 'binary') return (value: string) => Number(value);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const counters = newDatabaseCounters();
  // Every query of the pool's connections is one statement and one round trip (pipelining is not used).
  class CountingClient extends pg.Client {
    override query(...args: unknown[]): never {
      counters.statements++;
      counters.roundTrips++;
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types, Client: CountingClient });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const dialect = new UnitOfWorkPostgresDialect({ pool });
  const db = new Kysely<Database>({ dialect });
  const parsed = new URL(url);
  return {
    db,
    dialect: 'postgres',
    counters,
    unitOfWork: (work) => dialect.unitOfWork(work),
    ping: () => pingDatabase(db),
    description: `PostgreSQL ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`,
    close: () => db.destroy(),
  };
}

async function createMigrator(handle: DatabaseHandle): Promise<Migrator> {
  // Kysely's PostgreSQL introspection lists every schema of the database, so unless the migration
  // tables are pinned to ours, a kysely_migration table in another schema (another application, or
  // another Twofold reached through search_path) is taken for ours and ours is never created.
  const migrationTableSchema = handle.dialect === 'postgres' ? await currentSchema(handle.db) : undefined;
  return new Migrator({
    db: migrationTableSchema ? withOwnSchemaIntrospection(handle.db, migrationTableSchema) : handle.db,
    provider: { getMigrations: async (): Promise<Record<string, Migration>> => migrations },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
}

/**
 * The migrator asks whether its tables exist through Kysely's introspection, which on PostgreSQL
 * reads every schema of the database and calls has_schema_privilege() on each by name: a schema
 * that another process drops meanwhile (tests each make and drop one; other applications share a
 * database) fails the migration with "schema ... does not exist". The migrator gets the same
 * database with an introspection of our schema alone, by its OID.
 */
function withOwnSchemaIntrospection(db: Kysely<Database>, schema: string): Kysely<Database> {
  const introspection = {
    async getSchemas() {
      return [{ name: schema }];
    },
    async getTables() {
      const result = await sql<{ name: string }>`
        select c.relname as name from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p')`.execute(db);
      return result.rows.map((row) => ({ name: row.name, schema, isView: false, columns: [] }));
    },
    async getMetadata() {
      return { tables: await introspection.getTables() };
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      // Kysely keeps its state in private fields: its methods run on the real instance.
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function currentSchema(db: Kysely<Database>): Promise<string | undefined> {
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return result.rows[0]?.schema ?? undefined;
}

/**
 * Kysely neither locks nor wraps SQLite migrations in a transaction. SQLite's DDL is
 * transactional, and the dialect has one connection, so an outer BEGIN IMMEDIATE makes the whole
 * run atomic (a crash leaves the old schema, not half a new one) and makes a second process
 * (`twofold migrate` beside a starting server) wait for the write lock instead of colliding.
 */
async function inSqliteWriteTransaction(
  db: Kysely<Database>,
  run: () => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  await sql`begin immediate`.execute(db);
  try {
    const result = await run();
    await sql.raw(result.error ? 'rollback' : 'commit').execute(db);
    return result;
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
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
  const migrator = await createMigrator(handle);
  const before = await migrator.getMigrations();
  const pending = before.filter((m) => !m.executedAt).length;
  const result: MigrationResultSet =
    handle.dialect === 'sqlite' && pending > 0
      ? await inSqliteWriteTransaction(handle.db, () => migrator.migrateToLatest())
      : await migrator.migrateToLatest();
  if (result.error) throw result.error;
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  applied.forEach((name, index) => {
    onProgress?.(name, index + 1, applied.length);
  });
  return { applied, pending };
}

/** Lists migrations and whether each has run. */
export async function listMigrations(handle: DatabaseHandle): Promise<{ name: string; appliedAt?: Date }[]> {
  const all = await (await createMigrator(handle)).getMigrations();
  return all.map((m) => (m.executedAt ? { name: m.name, appliedAt: m.executedAt } : { name: m.name }));
}

async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
