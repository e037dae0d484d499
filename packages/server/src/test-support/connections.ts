import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../platform/db/database.js';
import type { TestDatabaseHandle } from './databases.js';

export interface MoreHandles {
  readonly handles: DatabaseHandle[];
  /** Opens every pool's connections again (pg closes idle ones after 10 s); call before a race. */
  warm(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `count` further handles on the same database as `base`, each standing for one more Twofold
 * instance: separate SQLite connections to the same file, or separate PostgreSQL pools with
 * `poolSize` connections each, opened beforehand so that a race is not decided by connect time.
 *
 * SQLite handles get busy_timeout 0. Inside one process every handle runs on the same thread,
 * and better-sqlite3 waits for a lock synchronously: a handle waiting for another handle's write
 * transaction would freeze the very thread that has to finish that transaction, stall for the
 * whole timeout (5 s) and fail anyway. With 0 the contention shows at once as SQLITE_BUSY, which
 * is a refusal; separate processes (the real multi-process SQLite case) do wait and then see the
 * winner's commit.
 */
export async function openMoreHandles(
  base: TestDatabaseHandle,
  count: number,
  options: { poolSize?: number } = {},
): Promise<MoreHandles> {
  const poolSize = options.poolSize ?? 5;
  const handles: DatabaseHandle[] = [];
  async function warm(): Promise<void> {
    const postgres = handles.filter((h) => h.dialect === 'postgres');
    await Promise.all(
      postgres.flatMap((h) => Array.from({ length: poolSize }, () => sql`select 1`.execute(h.db))),
    );
  }
  try {
    for (let i = 0; i < count; i++) {
      const handle = openDatabase({ ...base.location, poolSize });
      handles.push(handle);
      await failFastOnLocks(handle);
    }
    await warm();
  } catch (error) {
    await Promise.all(handles.map((h) => h.close()));
    throw error;
  }
  return {
    handles,
    warm,
    close: async () => {
      await Promise.all(handles.map((h) => h.close()));
    },
  };
}

/** Sets busy_timeout 0 on a SQLite handle (see openMoreHandles); does nothing on PostgreSQL. */
async function failFastOnLocks(handle: DatabaseHandle): Promise<void> {
  if (handle.dialect === 'sqlite') await sql`pragma busy_timeout = 0`.execute(handle.db);
}
