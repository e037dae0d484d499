import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Keyring } from '../platform/crypto/keyring.js';
import type { Sealer } from '../platform/crypto/sealer.js';
import { keyIdOf } from '../platform/crypto/sealer.js';
import type { Database } from '../platform/db/schema.js';
import { type SealedColumn, sealedColumns } from './sealed-columns.js';

export interface ResealProgress {
  readonly table: string;
  readonly done: number;
  readonly total: number;
}

export interface ResealReport {
  readonly currentKeyId: string;
  readonly resealed: number;
  readonly alreadyCurrent: number;
  /** Key ids no longer used by any value (their check rows were removed). */
  readonly retiredKeyIds: string[];
}

const batchSize = 500;

/**
 * Re-seals every sealed value under the keyring's current key (`twofold rotate-key`). Each row is
 * updated only if it still holds the value that was read (compare-and-set), so a value changed
 * concurrently by a running server is never overwritten with stale data; it is simply already
 * sealed under whatever key that server used and is picked up by the next run.
 */
export async function resealAll(
  deps: { db: Kysely<Database>; keyring: Keyring; sealer: Sealer },
  onProgress?: (progress: ResealProgress) => void,
): Promise<ResealReport> {
  const { db, keyring, sealer } = deps;
  let resealed = 0;
  let alreadyCurrent = 0;
  for (const column of sealedColumns) {
    const counts = await resealColumn(db, sealer, column, onProgress);
    resealed += counts.resealed;
    alreadyCurrent += counts.alreadyCurrent;
  }
  // Check rows of keys that no longer seal anything can go: an instance holding only an old key
  // must now be refused at start-up, which the check row of the new key already ensures.
  const retired = keyring.keyIds.filter((kid) => kid !== keyring.currentKeyId);
  if (retired.length > 0) {
    await db.deleteFrom('secret_key_checks').where('kid', 'in', retired).execute();
  }
  return { currentKeyId: keyring.currentKeyId, resealed, alreadyCurrent, retiredKeyIds: retired };
}

async function resealColumn(
  db: Kysely<Database>,
  sealer: Sealer,
  column: SealedColumn,
  onProgress?: (progress: ResealProgress) => void,
): Promise<{ resealed: number; alreadyCurrent: number }> {
  const table = sql.table(column.table);
  const idRef = sql.ref(column.idColumn);
  const valueRef = sql.ref(column.column);
  const totalRow = await sql<{
    n: number | string;
  }>`select count(*) as n from ${table} where ${valueRef} is not null`.execute(db);
  const total = Number(totalRow.rows[0]?.n ?? 0);
  let done = 0;
  let resealed = 0;
  let alreadyCurrent = 0;
  let after = '';
  for (;;) {
    const page = await sql<{
      id: string;
      value: string;
    }>`select ${idRef} as id, ${valueRef} as value from ${table}
      where ${valueRef} is not null and ${idRef} > ${after} order by ${idRef} limit ${batchSize}`.execute(db);
    if (page.rows.length === 0) break;
    for (const row of page.rows) {
      if (sealer.needsReseal(row.value)) {
        const next = sealer.reseal(row.value, column.aad(row.id));
        await sql`update ${table} set ${valueRef} = ${next} where ${idRef} = ${row.id} and ${valueRef} = ${row.value}`.execute(
          db,
        );
        resealed++;
      } else {
        alreadyCurrent++;
      }
      done++;
    }
    after = page.rows[page.rows.length - 1]?.id ?? after;
    onProgress?.({ table: column.table, done, total });
  }
  return { resealed, alreadyCurrent };
}

export { keyIdOf };
