import { AsyncLocalStorage } from 'node:async_hooks';
import { TwofoldError } from '@twofold/core';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Driver,
  type Kysely,
  PostgresDialect,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { Mutex } from './mutex.js';
import { CurrentSchemaIntrospector } from './schema-introspector.js';

/**
 * One request's statements on one PostgreSQL connection, in one transaction that commits when the
 * request's work is done, so a request that writes five times waits for one WAL flush instead of
 * five. The statements keep the meaning they have without it: the unit commits whether the work
 * returned or threw (a wrong code's counted attempt is kept), and Kysely transactions inside it
 * become savepoints. What changes is only that nothing is answered before everything is stored: if
 * any statement failed outside a savepoint (PostgreSQL then refuses the rest of the transaction) or
 * the commit fails, the whole unit is rolled back and the request fails with `service_unavailable`,
 * whatever it was about to answer, so no outcome is ever given for work that was not stored.
 */
class Unit {
  open = true;
  /** A statement failed outside a savepoint: the transaction can only be rolled back. */
  failed = false;
  depth = 0;
  /** The unit's statements run one at a time (they share one connection). */
  readonly statements = new Mutex();

  constructor(readonly connection: DatabaseConnection) {}
}

/** The unit's connection as one holder sees it: statements that fail outside a savepoint mark the unit failed. */
class UnitLease implements DatabaseConnection {
  constructor(readonly unit: Unit) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.unit.connection.executeQuery<R>(compiledQuery);
    } catch (error) {
      if (this.unit.depth === 0) this.unit.failed = true;
      throw error;
    }
  }

  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.unit.connection.streamQuery<R>(compiledQuery, chunkSize);
  }
}

/** Kysely's PostgreSQL driver, with the connection of the unit of work in progress (if any) used for every query. */
class UnitOfWorkDriver implements Driver {
  readonly #inner: Driver;
  readonly #units: AsyncLocalStorage<Unit>;
  #initialized: Promise<void> | undefined;

  constructor(inner: Driver, units: AsyncLocalStorage<Unit>) {
    this.#inner = inner;
    this.#units = units;
  }

  init(): Promise<void> {
    this.#initialized ??= this.#inner.init();
    return this.#initialized;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const unit = this.#units.getStore();
    // A task the request started and left running (it outlives the unit) gets its own connection.
    if (!unit?.open) return this.#inner.acquireConnection();
    await unit.statements.lock();
    return new UnitLease(unit);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (!(connection instanceof UnitLease)) return this.#inner.beginTransaction(connection, settings);
    const { unit } = connection;
    await unit.connection.executeQuery(CompiledQuery.raw(`savepoint twofold_unit_${unit.depth}`));
    unit.depth++;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (!(connection instanceof UnitLease)) return this.#inner.commitTransaction(connection);
    const { unit } = connection;
    unit.depth--;
    await this.#inUnit(unit, `release twofold_unit_${unit.depth}`);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!(connection instanceof UnitLease)) return this.#inner.rollbackTransaction(connection);
    const { unit } = connection;
    unit.depth--;
    await this.#inUnit(unit, `rollback to twofold_unit_${unit.depth}`);
    await this.#inUnit(unit, `release twofold_unit_${unit.depth}`);
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#inner.savepoint?.(this.#raw(connection), name, compileQuery);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#inner.rollbackToSavepoint?.(this.#raw(connection), name, compileQuery);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#inner.releaseSavepoint?.(this.#raw(connection), name, compileQuery);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof UnitLease) connection.unit.statements.unlock();
    else await this.#inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }

  /** Runs `work` as one unit of work (see Unit); joins the unit already in progress, if any. */
  async unitOfWork<T>(work: () => Promise<T>): Promise<T> {
    if (this.#units.getStore()?.open) return work();
    await this.init();
    const connection = await this.#inner.acquireConnection();
    try {
      await this.#inner.beginTransaction(connection, {});
    } catch (error) {
      await this.#inner.releaseConnection(connection);
      throw error;
    }
    const unit = new Unit(connection);
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await this.#units.run(unit, work) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    unit.open = false;
    await unit.statements.idle();
    try {
      if (unit.failed) throw new Error('a statement of the unit of work failed');
      await this.#inner.commitTransaction(connection);
    } catch (cause) {
      await this.#inner.rollbackTransaction(connection).catch(() => {});
      await this.#inner.releaseConnection(connection);
      // An error the work raised itself about the database says more than ours.
      if (!outcome.ok && !(outcome.error instanceof TwofoldError)) throw outcome.error;
      throw new TwofoldError('service_unavailable', 'the change could not be stored; try again', undefined, {
        cause,
      });
    }
    await this.#inner.releaseConnection(connection);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  #raw(connection: DatabaseConnection): DatabaseConnection {
    return connection instanceof UnitLease ? connection.unit.connection : connection;
  }

  async #inUnit(unit: Unit, text: string): Promise<void> {
    try {
      await unit.connection.executeQuery(CompiledQuery.raw(text));
    } catch (error) {
      unit.failed = true;
      throw error;
    }
  }
}

/** Kysely's PostgreSQL dialect with units of work (see Unit). */
export class UnitOfWorkPostgresDialect extends PostgresDialect {
  readonly #units = new AsyncLocalStorage<Unit>();
  #driver: UnitOfWorkDriver | undefined;

  override createDriver(): Driver {
    this.#driver ??= new UnitOfWorkDriver(super.createDriver(), this.#units);
    return this.#driver;
  }

  /** Introspection of the connection's own schema only (see CurrentSchemaIntrospector). */
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }

  /** Runs `work` as one unit of work on this dialect's database. */
  unitOfWork<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#driver) throw new Error('the database is not open yet');
    return this.#driver.unitOfWork(work);
  }
}
