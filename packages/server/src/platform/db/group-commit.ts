import type BetterSqlite3 from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SelectQueryNode,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';
import { Mutex } from './mutex.js';

/** Counters of a group-committing SQLite connection, for tests and the bench's diagnosis. */
export interface GroupCommitStats {
  /** Write statements run (outside and inside transactions). */
  writes: number;
  /** Batches committed: one per event-loop turn that wrote. */
  commits: number;
  /** Batches that failed to commit (or that SQLite rolled back after an error); their writers got the error. */
  failedBatches: number;
}

/** Prepares (or takes from the cache) one statement of a synchronous unit of work; it is counted as run. */
export type PrepareSync = (sql: string) => BetterSqlite3.Statement;

interface Batch {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody waits for (its writers were all inside a transaction that rolled back) must not
  // become an unhandled rejection; the writers that do wait still get the error.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

const beginText = /^\s*begin\b/i;
const commitText = /^\s*(commit|end)\b/i;
const rollbackText = /^\s*rollback\s*(transaction\s*)?;?\s*$/i;
// Statements SQLite refuses inside a transaction, or that must see every earlier write committed.
const outsideTransactionText = /^\s*(vacuum|pragma\s+(journal_mode|wal_checkpoint|synchronous))\b/i;

/** The group-committing connections of this process (tests open several on one file). */
const openConnections = new Set<GroupCommitConnection>();

/**
 * Group commit for the one SQLite connection: every write of one event-loop turn goes into one
 * transaction (`BEGIN IMMEDIATE` at the turn's first write, `COMMIT` in a `setImmediate` after it),
 * and each writer's query resolves only once that commit has happened, so nothing is answered
 * before it is on disk, as with a commit per statement, at a fraction of the cost: one WAL append
 * for the turn instead of one per statement.
 *
 * Kysely transactions become savepoints inside the turn's transaction (so a rollback undoes only
 * that unit of work), and the turn's commit waits until none is open. A statement that fails
 * rolls back alone (SQLite's statement atomicity); an error after which SQLite rolled back the whole
 * transaction (I/O error, disk full) fails every writer of the batch, as does a failed commit.
 * Reads do not wait: a read in the same turn sees the batch's writes, which commit before any
 * answer that depends on them is given by their writers.
 */
export class GroupCommitConnection implements DatabaseConnection {
  readonly stats: GroupCommitStats = { writes: 0, commits: 0, failedBatches: 0 };
  #batch: Batch | undefined;
  /** Open transactions (savepoints) of the connection's current holder. */
  #depth = 0;
  /** The batch the open transaction wrote into, for its holder to wait on once it ends. */
  #scopeBatch: Batch | undefined;
  /** The batch the current holder's writes went into (outside transactions). */
  #holderBatch: Batch | undefined;
  #flushScheduled = false;
  #flushWhenIdle = false;
  readonly #sqlite: BetterSqlite3.Database;
  readonly #statements: SqliteDatabase;

  constructor(sqlite: BetterSqlite3.Database, statements: SqliteDatabase) {
    this.#sqlite = sqlite;
    this.#statements = statements;
    openConnections.add(this);
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.#execute<R>(compiledQuery));
    } catch (error) {
      this.#checkBatchAlive(error);
      return Promise.reject(error);
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { sql, parameters, query } = compiledQuery;
    if (!SelectQueryNode.is(query))
      throw new Error('Sqlite driver only supports streaming of select queries');
    const statement = this.#statements.prepare(sql);
    for (const row of statement.iterate(parameters as unknown[])) yield { rows: [row as R] };
  }

  /** Starts a transaction of the current holder: a savepoint in the turn's transaction. */
  begin(): void {
    this.#ensureBatch();
    this.#statements.prepare(`savepoint twofold_${this.#depth}`).run([]);
    this.#depth++;
  }

  commit(): void {
    if (this.#depth === 0) throw new Error('cannot commit: no transaction is active');
    this.#depth--;
    this.#statements.prepare(`release twofold_${this.#depth}`).run([]);
    this.#endScope();
  }

  rollback(): void {
    if (this.#depth === 0) throw new Error('cannot rollback: no transaction is active');
    this.#depth--;
    if (this.#sqlite.inTransaction) {
      this.#statements.prepare(`rollback to twofold_${this.#depth}`).run([]);
      this.#statements.prepare(`release twofold_${this.#depth}`).run([]);
    } else {
      this.#checkBatchAlive(new Error('the transaction was rolled back by SQLite'));
    }
    this.#endScope();
  }

  /**
   * Runs `work` now, synchronously, inside the turn's transaction (started if none is open), and
   * returns its result with the batch it wrote into: the caller answers only once that has
   * committed. The caller holds the connection with no transaction of its own open. The work's
   * statements are not one unit: each is atomic, as awaited ones are, and a work that needs all or
   * nothing opens a savepoint itself. If it throws, the error goes to the caller (and, if SQLite
   * rolled the whole transaction back, to every writer of the batch).
   */
  runSync<T>(work: (prepare: PrepareSync) => T): { result: T; durable: Promise<void> } {
    if (this.#depth > 0) throw new Error('cannot run synchronous work inside an open transaction');
    const batch = this.#ensureBatch();
    const prepare: PrepareSync = (text) => {
      const statement = this.#statements.prepare(text) as unknown as BetterSqlite3.Statement;
      if (!statement.readonly) this.stats.writes++;
      return statement;
    };
    try {
      return { result: work(prepare), durable: batch.promise };
    } catch (error) {
      this.#checkBatchAlive(error);
      throw error;
    }
  }

  /** Open transactions (savepoints) of the current holder. */
  get depth(): number {
    return this.#depth;
  }

  /** Called when the holder lets go of the connection: the batch its writes must see committed. */
  takeDurability(): Promise<void> | undefined {
    const batch = this.#holderBatch;
    this.#holderBatch = undefined;
    return batch?.promise;
  }

  /** Commits the open batch now (before closing, or before a statement that cannot run inside it). */
  flushNow(): void {
    this.#flush();
  }

  /** Ends every open transaction without committing it (the database is being closed under it). */
  abandon(): void {
    openConnections.delete(this);
    if (this.#depth > 0 && this.#sqlite.inTransaction) {
      this.#statements.prepare('rollback to twofold_0').run([]);
      this.#statements.prepare('release twofold_0').run([]);
    }
    this.#depth = 0;
    this.#scopeBatch = undefined;
  }

  #execute<R>(compiledQuery: CompiledQuery): QueryResult<R> {
    const { sql, parameters } = compiledQuery;
    if (beginText.test(sql)) {
      this.begin();
      return { rows: [] };
    }
    if (commitText.test(sql)) {
      this.commit();
      return { rows: [] };
    }
    if (rollbackText.test(sql)) {
      this.rollback();
      return { rows: [] };
    }
    const outside = outsideTransactionText.test(sql);
    if (outside && this.#depth === 0) this.#flush();
    const statement = this.#statements.prepare(sql) as unknown as BetterSqlite3.Statement;
    if (!statement.readonly && !outside) this.#noteWrite();
    if (statement.reader) return { rows: statement.all(parameters as unknown[]) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters as unknown[]);
    return {
      numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
      insertId:
        lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
      rows: [],
    };
  }

  #noteWrite(): void {
    const batch = this.#ensureBatch();
    this.stats.writes++;
    if (this.#depth > 0) this.#scopeBatch = batch;
    else this.#holderBatch = batch;
  }

  #endScope(): void {
    if (this.#depth > 0) return;
    if (this.#scopeBatch) this.#holderBatch = this.#scopeBatch;
    this.#scopeBatch = undefined;
    if (this.#flushWhenIdle) {
      this.#flushWhenIdle = false;
      this.#scheduleFlush();
    }
  }

  #ensureBatch(): Batch {
    if (this.#batch && !this.#sqlite.inTransaction) {
      this.#failBatch(new Error('the write batch was rolled back by SQLite'));
    }
    if (!this.#batch) {
      // Another connection of this process with a batch open holds the write lock, and it could
      // only let go in a later turn of this very thread: commit its batch now instead of waiting.
      for (const other of openConnections) if (other !== this && other.#depth === 0) other.#flush();
      this.#statements.prepare('begin immediate').run([]);
      this.#batch = newBatch();
      this.#scheduleFlush();
    }
    return this.#batch;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    const batch = this.#batch;
    if (!batch) return;
    if (this.#depth > 0) {
      // A transaction is open (its holder is awaiting something): commit when it ends.
      this.#flushWhenIdle = true;
      return;
    }
    this.#batch = undefined;
    if (!this.#sqlite.inTransaction) {
      this.stats.failedBatches++;
      batch.reject(new Error('the write batch was rolled back by SQLite'));
      return;
    }
    try {
      this.#statements.prepare('commit').run([]);
      this.stats.commits++;
      batch.resolve();
    } catch (error) {
      if (this.#sqlite.inTransaction) this.#statements.prepare('rollback').run([]);
      this.stats.failedBatches++;
      batch.reject(error);
    }
  }

  /** After an error: if SQLite ended the batch's transaction by itself, its writers must hear of it. */
  #checkBatchAlive(error: unknown): void {
    if (this.#batch && !this.#sqlite.inTransaction) this.#failBatch(error);
  }

  #failBatch(error: unknown): void {
    const batch = this.#batch;
    this.#batch = undefined;
    this.#depth = 0;
    this.#scopeBatch = undefined;
    if (!batch) return;
    this.stats.failedBatches++;
    batch.reject(error);
  }
}

/** One holder's use of the connection: it lets go of the connection once (at commit or at release). */
class Lease implements DatabaseConnection {
  released = false;
  constructor(readonly connection: GroupCommitConnection) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.connection.executeQuery<R>(compiledQuery);
  }

  streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.connection.streamQuery<R>(compiledQuery);
  }
}

/** Kysely's SQLite driver with group commit (see GroupCommitConnection). */
export class GroupCommitSqliteDriver implements Driver {
  readonly #mutex = new Mutex();
  readonly #connection: GroupCommitConnection;
  readonly #close: () => void;
  // Savepoint commands (controlled transactions) are Kysely's own driver's: they run on the lease like any statement.
  readonly savepoint: Driver['savepoint'];
  readonly rollbackToSavepoint: Driver['rollbackToSavepoint'];
  readonly releaseSavepoint: Driver['releaseSavepoint'];

  constructor(sqlite: BetterSqlite3.Database, statements: SqliteDatabase) {
    this.#connection = new GroupCommitConnection(sqlite, statements);
    this.#close = () => statements.close();
    const kysely = new SqliteDriver({ database: statements });
    this.savepoint = kysely.savepoint.bind(kysely);
    this.rollbackToSavepoint = kysely.rollbackToSavepoint.bind(kysely);
    this.releaseSavepoint = kysely.releaseSavepoint.bind(kysely);
  }

  get connection(): GroupCommitConnection {
    return this.#connection;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return new Lease(this.#connection);
  }

  async beginTransaction(_connection: DatabaseConnection): Promise<void> {
    this.#connection.begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    this.#connection.commit();
    // The transaction is over: let the others in, and answer once its batch has committed. (A
    // controlled transaction's commit does not wait for the release of its connection.)
    if (this.#connection.depth === 0) await this.#letGo(connection as Lease);
  }

  async rollbackTransaction(_connection: DatabaseConnection): Promise<void> {
    this.#connection.rollback();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.#letGo(connection as Lease);
  }

  /**
   * Runs `work` synchronously (no await between its statements) inside the current turn's
   * transaction, once no other holder has the connection (at once when nobody does), and resolves
   * with its result after that transaction's COMMIT: nothing is answered before it is stored. A
   * failed commit rejects, as it does for every writer of the batch.
   */
  async runSync<T>(work: (prepare: PrepareSync) => T): Promise<T> {
    if (!this.#mutex.tryLock()) await this.#mutex.lock();
    let ran: { result: T; durable: Promise<void> };
    try {
      ran = this.#connection.runSync(work);
    } finally {
      this.#mutex.unlock();
    }
    await ran.durable;
    return ran.result;
  }

  /** Unlocks the connection for the next holder (once per lease), then waits for the holder's writes to commit. */
  async #letGo(lease: Lease): Promise<void> {
    if (lease.released) return; // at its commit already; another holder may have the connection now
    lease.released = true;
    const durable = this.#connection.takeDurability();
    this.#mutex.unlock();
    if (durable) await durable;
  }

  async destroy(): Promise<void> {
    this.#connection.abandon();
    this.#connection.flushNow();
    this.#close();
  }
}

/** Kysely's SQLite dialect over one better-sqlite3 connection, with group commit. */
export class GroupCommitSqliteDialect extends SqliteDialect {
  readonly driver: GroupCommitSqliteDriver;

  constructor(sqlite: BetterSqlite3.Database, statements: SqliteDatabase) {
    super({ database: statements });
    this.driver = new GroupCommitSqliteDriver(sqlite, statements);
  }

  override createDriver(): Driver {
    return this.driver;
  }
}
