import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachingStatements } from './database.js';
import { GroupCommitSqliteDialect } from './group-commit.js';

const require = createRequire(import.meta.url);
const SqliteDatabase = require('better-sqlite3') as typeof BetterSqlite3;

interface Tables {
  items: { id: number; name: string };
  parents: { id: number };
  children: { id: number; parent_id: number };
}

/** Resolves once every microtask queued so far (a whole Kysely query chain) has run, before any timer or immediate. */
const afterMicrotasks = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe('SQLite group commit', () => {
  let dir: string;
  let path: string;
  const closers: (() => Promise<void> | void)[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twofold-group-commit-'));
    path = join(dir, 'test.db');
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open() {
    const sqlite = new SqliteDatabase(path);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    const dialect = new GroupCommitSqliteDialect(sqlite, cachingStatements(sqlite));
    const db = new Kysely<Tables>({ dialect });
    closers.push(() => db.destroy());
    await sql`create table if not exists items (id integer primary key, name text not null unique)`.execute(
      db,
    );
    await sql`create table if not exists parents (id integer primary key)`.execute(db);
    await sql`create table if not exists children (id integer primary key, parent_id integer not null references parents (id) deferrable initially deferred)`.execute(
      db,
    );
    return { db, stats: dialect.driver.connection.stats, driver: dialect.driver };
  }

  /** A second, plain connection: it sees only what has been committed. */
  function reader() {
    const sqlite = new SqliteDatabase(path, { readonly: true });
    closers.push(() => {
      sqlite.close();
    });
    return {
      names: () =>
        (sqlite.prepare('select name from items order by id').all() as { name: string }[]).map((r) => r.name),
    };
  }

  it('a write resolves only once it is committed: another connection sees it then, and not before', async () => {
    const { db, stats } = await open();
    const other = reader();
    const writes = stats.writes;
    let resolved = false;
    const write = db
      .insertInto('items')
      .values({ id: 1, name: 'a' })
      .execute()
      .then(() => {
        resolved = true;
      });
    await afterMicrotasks();
    expect(stats.writes).toBe(writes + 1); // the statement has run...
    expect(resolved).toBe(false); // ...but its caller has not heard back
    expect(other.names()).toEqual([]); // and nobody else sees it yet
    await write;
    expect(other.names()).toEqual(['a']);
  });

  it('the writes of one turn share one commit, and all of them are answered after it', async () => {
    const { db, stats } = await open();
    const other = reader();
    const commits = stats.commits;
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        db
          .insertInto('items')
          .values({ id: i + 1, name: `n${i + 1}` })
          .execute()
          .then(() => seen.push(other.names().length)),
      ),
    );
    expect(stats.commits).toBe(commits + 1);
    expect(seen).toEqual(Array.from({ length: 50 }, () => 50));
  });

  it('a transaction is a unit inside the batch: its rollback undoes its own writes only', async () => {
    const { db, stats } = await open();
    const commits = stats.commits;
    const results = await Promise.allSettled([
      db.insertInto('items').values({ id: 1, name: 'before' }).execute(),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 2, name: 'undone' }).execute();
        throw new Error('changed my mind');
      }),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 3, name: 'kept' }).execute();
      }),
      db.insertInto('items').values({ id: 4, name: 'after' }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(stats.commits).toBe(commits + 1);
    expect(reader().names()).toEqual(['before', 'kept', 'after']);
  });

  it('a statement that fails fails alone: the rest of the batch commits', async () => {
    const { db } = await open();
    const results = await Promise.allSettled([
      db.insertInto('items').values({ id: 1, name: 'same' }).execute(),
      db.insertInto('items').values({ id: 2, name: 'same' }).execute(), // unique violation
      db.insertInto('items').values({ id: 3, name: 'other' }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(reader().names()).toEqual(['same', 'other']);
  });

  it('a commit that fails reaches every writer of its batch, and nothing of the batch is stored', async () => {
    const { db, stats } = await open();
    const failed = stats.failedBatches;
    // A deferred foreign key is checked at COMMIT: the orphan makes the whole batch's commit fail.
    const results = await Promise.allSettled([
      db.insertInto('items').values({ id: 1, name: 'innocent' }).execute(),
      db.insertInto('children').values({ id: 1, parent_id: 42 }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(stats.failedBatches).toBe(failed + 1);
    expect(reader().names()).toEqual([]);
    // The next turn starts a new batch.
    await db.insertInto('items').values({ id: 2, name: 'later' }).execute();
    expect(reader().names()).toEqual(['later']);
  });

  it('a transaction open across turns (raw BEGIN ... COMMIT) holds the commit back until it ends', async () => {
    const { db } = await open();
    const other = reader();
    await sql`begin immediate`.execute(db);
    await db.insertInto('items').values({ id: 1, name: 'inside' }).execute();
    await new Promise((resolve) => setTimeout(resolve, 20)); // several turns pass
    expect(other.names()).toEqual([]);
    await sql`commit`.execute(db);
    expect(other.names()).toEqual(['inside']);
  });

  it('savepoints of a controlled transaction work inside the batch', async () => {
    const { db } = await open();
    const trx = await db.startTransaction().execute();
    await trx.insertInto('items').values({ id: 1, name: 'kept' }).execute();
    const inner = await trx.savepoint('inner').execute();
    await inner.insertInto('items').values({ id: 2, name: 'undone' }).execute();
    await inner.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    expect(reader().names()).toEqual(['kept']);
  });

  it('two connections of one process on one file both write in the same turn', async () => {
    const first = await open();
    const second = await open();
    const results = await Promise.allSettled([
      first.db.insertInto('items').values({ id: 1, name: 'first' }).execute(),
      second.db.insertInto('items').values({ id: 2, name: 'second' }).execute(),
      first.db.insertInto('items').values({ id: 3, name: 'first again' }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(reader().names()).toEqual(['first', 'second', 'first again']);
  });

  it("synchronous work runs in the turn's transaction and is answered after its commit", async () => {
    const { db, stats, driver } = await open();
    const other = reader();
    const commits = stats.commits;
    const writes = stats.writes;
    let answered = false;
    const kysely = db.insertInto('items').values({ id: 1, name: 'awaited' }).execute();
    const work = driver
      .runSync((prepare) => {
        prepare('insert into items (id, name) values (?, ?)').run(2, 'sync');
        return (prepare('select count(*) as n from items').get() as { n: number }).n;
      })
      .then((n) => {
        answered = true;
        return n;
      });
    await afterMicrotasks();
    expect(stats.writes).toBe(writes + 2); // both have run, the synchronous one counted as a write...
    expect(answered).toBe(false); // ...nobody has heard back
    expect(other.names()).toEqual([]); // and nothing is visible outside yet
    await kysely;
    expect(await work).toBe(2); // the work saw the turn's earlier write
    expect(stats.commits).toBe(commits + 1); // one commit for the turn
    expect(other.names()).toEqual(['awaited', 'sync']);
  });

  it('synchronous work waits for a transaction that holds the connection, and runs outside it', async () => {
    const { db, driver } = await open();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, name: 'undone' }).execute();
      await held;
      throw new Error('changed my mind');
    });
    await afterMicrotasks();
    let ran = false;
    const work = driver.runSync((prepare) => {
      ran = true;
      prepare('insert into items (id, name) values (?, ?)').run(2, 'kept');
    });
    await afterMicrotasks();
    expect(ran).toBe(false);
    release();
    await expect(transaction).rejects.toThrow('changed my mind');
    await work;
    expect(reader().names()).toEqual(['kept']);
  });

  it('a synchronous statement that fails rejects its work; the batch commits the rest', async () => {
    const { db, driver } = await open();
    const results = await Promise.allSettled([
      db.insertInto('items').values({ id: 1, name: 'same' }).execute(),
      driver.runSync((prepare) => {
        prepare('insert into items (id, name) values (?, ?)').run(2, 'same');
      }),
      db.insertInto('items').values({ id: 3, name: 'other' }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(reader().names()).toEqual(['same', 'other']);
  });

  it('a failed commit rejects synchronous work too, and none of it is stored', async () => {
    const { db, driver } = await open();
    const results = await Promise.allSettled([
      driver.runSync((prepare) => prepare('insert into items (id, name) values (?, ?)').run(1, 'innocent')),
      db.insertInto('children').values({ id: 1, parent_id: 42 }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(reader().names()).toEqual([]);
  });

  it('closing commits what is pending', async () => {
    const { db } = await open();
    const write = db.insertInto('items').values({ id: 1, name: 'last' }).execute();
    await afterMicrotasks();
    await db.destroy();
    await write;
    expect(reader().names()).toEqual(['last']);
  });
});
