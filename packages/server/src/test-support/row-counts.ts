import { type Kysely, sql } from 'kysely';
import type { Database } from '../platform/db/schema.js';

/**
 * Rows in each table of this database's own schema (on PostgreSQL, the schema the test's
 * connection works in: other tests' schemas on the same server are none of its business),
 * Kysely's migration tables and `skip` left out.
 */
export async function rowCounts(
  db: Kysely<Database>,
  skip: ReadonlySet<string> = new Set(),
): Promise<Record<string, number>> {
  const tables = await db.introspection.getTables();
  const schema = tables.some((table) => table.schema !== undefined)
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined;
  const names = [
    ...new Set(tables.filter((table) => schema === undefined || table.schema === schema).map((t) => t.name)),
  ]
    .filter((name) => !name.startsWith('kysely_') && !skip.has(name))
    .sort();
  const counts: Record<string, number> = {};
  for (const name of names) {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(
      db,
    );
    counts[name] = Number(rows[0]?.n);
  }
  return counts;
}
