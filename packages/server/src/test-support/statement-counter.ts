/**
 * Records every SQL statement a database handle runs (outside transactions, which get executors
 * of their own): the enumeration tests compare what two paths do, statement by statement, instead
 * of timing them.
 */
import type { CompiledQuery, Kysely, QueryResult } from 'kysely';

export interface StatementLog {
  /** The SQL of each statement since the last reset, in order. */
  readonly statements: string[];
  reset(): void;
  restore(): void;
}

export function recordStatements(db: Pick<Kysely<unknown>, 'getExecutor'>): StatementLog {
  const executor = db.getExecutor() as unknown as {
    executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
  };
  const original = executor.executeQuery;
  const statements: string[] = [];
  executor.executeQuery = function <R>(this: unknown, query: CompiledQuery<R>) {
    statements.push(query.sql);
    return original.call(executor, query) as Promise<QueryResult<R>>;
  };
  return {
    statements,
    reset: () => {
      statements.length = 0;
    },
    restore: () => {
      executor.executeQuery = original;
    },
  };
}

/** A statement's shape for comparing two paths: its verb and the table it names first. */
export function shapeOf(sql: string): string {
  const verb = sql.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const table = /(?:from|into|update)\s+"?([a-z_]+)"?/i.exec(sql)?.[1] ?? '';
  return `${verb} ${table}`;
}
