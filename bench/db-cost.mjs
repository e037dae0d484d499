// The database's share of a phase: the server's statement and round-trip counters on /metrics,
// read before and after the phase (the bench is on loopback, where /metrics needs no token).

const counterNames = {
  statements: 'twofold_db_statements_total',
  roundTrips: 'twofold_db_round_trips_total',
};

/** The server's database counters now. */
export async function readDatabaseCounters(serverUrl) {
  const response = await fetch(new URL('/metrics', serverUrl));
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  return parseDatabaseCounters(await response.text());
}

/** The counters out of a Prometheus text exposition (labels ignored). */
export function parseDatabaseCounters(text) {
  const counters = {};
  for (const [key, name] of Object.entries(counterNames)) {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    counters[key] = line === undefined ? undefined : Number(line.trim().split(/\s+/).at(-1));
  }
  return counters;
}

/**
 * Statements and round trips per answer between two readings. The readings themselves (two GET
 * /metrics) run no statement, so the difference is the phase's.
 */
export function databaseCostPerAnswer(before, after, answers) {
  const per = (key) =>
    typeof before[key] === 'number' && typeof after[key] === 'number' && answers > 0
      ? (after[key] - before[key]) / answers
      : undefined;
  return { statementsPerAnswer: per('statements'), roundTripsPerAnswer: per('roundTrips') };
}
