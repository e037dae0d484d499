import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type QueryResult } from 'kysely';
import type { PrepareSync } from './group-commit.js';
import type { Database } from './schema.js';

/** Stands, in a query built once, for a value given on each run. */
class Slot {
  constructor(readonly name: string) {}
}

/** The values a prepared query takes, each usable where its builder wants a value of that type. */
export type Slots<Args> = { readonly [K in keyof Args]: Args[K] };

export interface PreparedQuery<Args, Row> {
  /** Runs the query with these values on `db` (the database or a transaction). */
  run(db: Kysely<Database>, args: Args): Promise<QueryResult<Row>>;
  /** The first row, as `executeTakeFirst` gives it. */
  first(db: Kysely<Database>, args: Args): Promise<Row | undefined>;
  /** Every row. */
  rows(db: Kysely<Database>, args: Args): Promise<Row[]>;
  /**
   * Runs the query now, synchronously, through `prepare` (SQLite: a unit of work inside the group
   * commit's transaction, `DatabaseHandle.runSync`); `db` gives the dialect its SQL is compiled for.
   */
  runSync(prepare: PrepareSync, db: Kysely<Database>, args: Args): { rows: Row[]; changes: number };
  /** The first row of `runSync`. */
  firstSync(prepare: PrepareSync, db: Kysely<Database>, args: Args): Row | undefined;
}

interface Compiled<Row> {
  readonly template: CompiledQuery<Row>;
  /** For each parameter, the name of the value it takes, or undefined for a constant of the query. */
  readonly slots: readonly (string | undefined)[];
}

/**
 * A query of fixed shape, built and compiled once per dialect instead of on every request: the hot
 * paths (a session's lookup, a code's check) spend as long building Kysely queries as running them.
 * `build` gets stand-ins for the values (use each only as a single value: never as a list for `in`),
 * and the compiled SQL is the one Kysely would give for real values, with the values as parameters.
 */
export function preparedQuery<Args extends Record<string, unknown>, Row>(
  build: (db: Kysely<Database>, values: Slots<Args>) => Compilable<Row>,
): PreparedQuery<Args, Row> {
  const byDialect = new Map<unknown, Compiled<Row>>();
  const stand = new Proxy({} as Slots<Args>, {
    get: (_target, name) => new Slot(String(name)),
  });

  function compiled(db: Kysely<Database>): Compiled<Row> {
    // The SQL depends only on the dialect (the adapter's class), not on the instance.
    const dialect = db.getExecutor().adapter.constructor;
    let entry = byDialect.get(dialect);
    if (!entry) {
      const template = build(db, stand).compile();
      const slots = template.parameters.map((p) => (p instanceof Slot ? p.name : undefined));
      entry = { template, slots };
      byDialect.set(dialect, entry);
    }
    return entry;
  }

  function bind(db: Kysely<Database>, args: Args): CompiledQuery<Row> {
    const { template, slots } = compiled(db);
    const parameters = template.parameters.map((constant, i) => {
      const name = slots[i];
      if (name === undefined) return constant;
      const value = args[name];
      if (value === undefined) throw new TypeError(`prepared query: no value for ${name}`);
      return value;
    });
    return { ...template, parameters, queryId: createQueryId() };
  }

  function run(db: Kysely<Database>, args: Args): Promise<QueryResult<Row>> {
    return db.executeQuery<Row>(bind(db, args));
  }

  function runSync(prepare: PrepareSync, db: Kysely<Database>, args: Args) {
    const { sql, parameters } = bind(db, args);
    const statement = prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters as unknown[]) as Row[], changes: 0 };
    return { rows: [] as Row[], changes: statement.run(parameters as unknown[]).changes };
  }

  return {
    run,
    first: async (db, args) => (await run(db, args)).rows[0],
    rows: async (db, args) => (await run(db, args)).rows,
    runSync,
    firstSync: (prepare, db, args) => runSync(prepare, db, args).rows[0],
  };
}
