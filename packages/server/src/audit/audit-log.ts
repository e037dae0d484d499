import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Dialect } from '../platform/db/database.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';
import { auditChainFor, auditRowHash, type ChainedAuditFields, genesisHash } from './audit-chain.js';

export type Executor = Kysely<Database> | Transaction<Database>;

export type ActorType = 'operator' | 'user' | 'api_key' | 'system';

export interface Actor {
  readonly type: ActorType;
  /** User or API key id; undefined for the operator's shell and the system. */
  readonly id?: string;
  readonly ip?: string;
}

export const operatorActor: Actor = { type: 'operator' };
export const systemActor: Actor = { type: 'system' };

export interface AuditEvent {
  readonly tenantId: string | null;
  readonly actor: Actor;
  readonly action: string;
  readonly target?: { type: string; id: string };
  readonly reason?: string;
  readonly details?: Record<string, unknown>;
}

export interface AuditLog {
  /** Appends one event, inside the caller's transaction when one is given so it commits or rolls back with the change. */
  record(event: AuditEvent, executor?: Executor): Promise<void>;
  /**
   * Appends many events in order inside the caller's transaction: one lock and one read of each chain's
   * tail, then the rows in multi-row inserts (a bulk import's thousands of events).
   */
  recordMany(events: readonly AuditEvent[], executor: Executor): Promise<void>;
}

/** Rows per multi-row insert of `recordMany` (16 columns each: far below every database's parameter limit). */
const rowsPerInsert = 200;

/**
 * First key of the two-key PostgreSQL advisory locks that serialise appends to one chain (the
 * second is hashtext(chain)); 'tfAu' in ASCII, to stay clear of locks other code may take.
 */
export const auditChainLockSpace = 0x74664175;

/** Other connections appending to the same chain at once, each taking our place again: give up after this. */
const maxSqliteAttempts = 20;

/** better-sqlite3's error for a UNIQUE conflict (here: another connection took the seq first). */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The audit log: every row is appended to its tenant's hash chain (see audit-chain.ts).
 *
 * Two writers must never take the same place in a chain, even on different instances. On
 * PostgreSQL each append takes a transaction-scoped advisory lock on its chain before reading the
 * chain's tail, so the second writer waits until the first commits (or rolls back) and then sees
 * its row. On SQLite a caller's transaction that already wrote holds the database's write lock,
 * and one that read a tail another connection has since extended cannot write at all
 * (SQLITE_BUSY_SNAPSHOT): an error, never a fork. An append without a caller's transaction is a
 * compare-and-set on the UNIQUE (chain, seq) index: read the tail, insert at seq + 1, and on a
 * conflict read the tail again. Appends through one instance take turns first, so conflicts only
 * come from other connections; and no write lock is held across an await, so writers on other
 * connections are never kept waiting by the audit log. The UNIQUE index is also the last line of
 * defence on PostgreSQL.
 */
export function createAuditLog({
  db,
  clock,
  dialect,
}: {
  db: Kysely<Database>;
  clock: Clock;
  /** Read from the Kysely instance when not given. */
  dialect?: Dialect;
}): AuditLog {
  const postgres = dialect === undefined ? isPostgres(db) : dialect === 'postgres';
  /** The end of the queue of this instance's SQLite appends outside a transaction. */
  let queue: Promise<unknown> = Promise.resolve();
  function inTurn<T>(run: () => Promise<T>): Promise<T> {
    const result = queue.then(run);
    queue = result.catch(() => undefined);
    return result;
  }

  /** Appends events of one chain, in order, inside a transaction the caller holds. */
  async function appendAll(
    chain: string,
    events: readonly AuditEvent[],
    trx: Kysely<Database>,
  ): Promise<void> {
    if (postgres) {
      await sql`select pg_advisory_xact_lock(${sql.lit(auditChainLockSpace)}, hashtext(${chain}))`.execute(
        trx,
      );
    }
    const tail = await trx
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('chain', '=', chain)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    let prevHash = tail ? (tail.hash ?? genesisHash) : genesisHash;
    let seq = tail?.seq ?? 0;
    const rows = events.map((event) => {
      const at = clock.now();
      seq += 1;
      const fields: ChainedAuditFields = {
        id: generateId(at),
        tenant_id: event.tenantId,
        at,
        actor_type: event.actor.type,
        actor_id: event.actor.id ?? null,
        action: event.action,
        target_type: event.target?.type ?? null,
        target_id: event.target?.id ?? null,
        reason: event.reason ?? null,
        ip: event.actor.ip ?? null,
        details: event.details ? JSON.stringify(event.details) : null,
        chain,
        seq,
      };
      const hash = auditRowHash(prevHash, fields);
      const row = { ...fields, prev_hash: prevHash, hash };
      prevHash = hash;
      return row;
    });
    for (let i = 0; i < rows.length; i += rowsPerInsert) {
      await trx
        .insertInto('audit_events')
        .values(rows.slice(i, i + rowsPerInsert))
        .execute();
    }
  }

  /** Appends inside a transaction (or SQLite's write lock) that the caller holds. */
  function append(event: AuditEvent, trx: Kysely<Database>): Promise<void> {
    return appendAll(auditChainFor(event.tenantId), [event], trx);
  }

  return {
    async recordMany(events, executor) {
      if (!executor.isTransaction)
        throw new Error('audit recordMany: pass the transaction the events belong to');
      const chains = new Map<string, AuditEvent[]>();
      for (const event of events) {
        const chain = auditChainFor(event.tenantId);
        const list = chains.get(chain);
        if (list) list.push(event);
        else chains.set(chain, [event]);
      }
      for (const [chain, inChain] of chains) await appendAll(chain, inChain, executor);
    },

    async record(event, executor = db) {
      if (executor.isTransaction) {
        await append(event, executor);
      } else if (postgres) {
        await executor.transaction().execute((trx) => append(event, trx));
      } else {
        await inTurn(async () => {
          for (let attempt = 1; ; attempt++) {
            try {
              return await append(event, executor);
            } catch (error) {
              if (!isUniqueViolation(error) || attempt >= maxSqliteAttempts) throw error;
            }
          }
        });
      }
    },
  };
}
