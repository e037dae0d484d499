/**
 * What a database handle has sent to its database since it opened, for /metrics and the bench:
 * statements run (every statement, the transaction's own `BEGIN`/`COMMIT`/savepoints included,
 * whether it went through Kysely or was prepared by hand), and round trips to a database server
 * (PostgreSQL: one per query sent; SQLite runs in the process, so it makes none).
 */
export interface DatabaseCounters {
  statements: number;
  roundTrips: number;
}

export function newDatabaseCounters(): DatabaseCounters {
  return { statements: 0, roundTrips: 0 };
}
