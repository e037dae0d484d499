/**
 * What a settled call came to, for race tests: 'ok', the TwofoldError code, or the driver's
 * error code (SQLITE_BUSY, a PostgreSQL SQLSTATE). Anything else is rethrown: a race test must
 * not pass because every contender crashed.
 */
export function outcomeOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'ok';
  const code = (result.reason as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  throw result.reason;
}

/** Counts outcomes: `{ ok: 1, setup_token_invalid: 19 }`. */
export function tally(results: readonly PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const outcome = outcomeOf(result);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

/** SQLite's answer to a writer that found another handle's write transaction open (see connections.ts). */
export const sqliteBusy = 'SQLITE_BUSY';
