import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements } from './database.js';

const require = createRequire(import.meta.url);
const SqliteDatabase = require('better-sqlite3') as typeof BetterSqlite3;

interface Tables {
  items: { id: number; name: string };
}

describe('SQLite prepared-statement cache', () => {
  const open: BetterSqlite3.Database[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
  });

  function counting(size?: number) {
    const sqlite = new SqliteDatabase(':memory:');
    open.push(sqlite);
    const prepared: string[] = [];
    const original = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((text: string) => {
      prepared.push(text);
      return original(text);
    }) as typeof sqlite.prepare;
    return { sqlite, prepared, cached: cachingStatements(sqlite, size) };
  }

  it('prepares each SQL text once and gives the same results through Kysely', async () => {
    const { prepared, cached } = counting();
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: cached }) });
    await sql`create table items (id integer primary key, name text not null)`.execute(db);
    for (let id = 1; id <= 5; id++)
      await db
        .insertInto('items')
        .values({ id, name: `n${id}` })
        .execute();
    const names = [];
    for (let id = 1; id <= 5; id++) {
      const row = await db.selectFrom('items').select('name').where('id', '=', id).executeTakeFirst();
      names.push(row?.name);
    }
    expect(names).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    const updated = await db.updateTable('items').set({ name: 'x' }).where('id', '>', 3).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const inserts = prepared.filter((text) => text.startsWith('insert'));
    const selects = prepared.filter((text) => text.startsWith('select'));
    expect(inserts).toHaveLength(1);
    expect(selects).toHaveLength(1);
    await db.destroy();
  });

  it('sees schema changes made after a statement was cached', async () => {
    const { cached } = counting();
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: cached }) });
    await sql`create table items (id integer primary key, name text not null)`.execute(db);
    await db.insertInto('items').values({ id: 1, name: 'a' }).execute();
    const all = () => sql<Record<string, unknown>>`select * from items`.execute(db);
    expect((await all()).rows).toEqual([{ id: 1, name: 'a' }]);
    await sql`alter table items add column extra text`.execute(db);
    expect((await all()).rows).toEqual([{ id: 1, name: 'a', extra: null }]);
    await db.destroy();
  });

  it('keeps at most `size` statements, dropping the least recently used', () => {
    const { prepared, cached } = counting(2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // now 2 is the least recently used
    cached.prepare('select 3'); // drops 2
    cached.prepare('select 1');
    cached.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
  });

  it('gives a new statement while the cached one is still being iterated', () => {
    const { sqlite, cached } = counting();
    sqlite.exec('create table items (id integer primary key, name text not null)');
    sqlite.exec("insert into items values (1, 'a'), (2, 'b')");
    const text = 'select id from items order by id';
    const outer = cached.prepare(text);
    const seen: unknown[] = [];
    for (const row of outer.iterate([])) {
      const inner = cached.prepare(text);
      expect(inner).not.toBe(outer);
      seen.push(row, inner.all([]));
    }
    expect(seen).toEqual([{ id: 1 }, [{ id: 1 }, { id: 2 }], { id: 2 }, [{ id: 1 }, { id: 2 }]]);
  });
});
