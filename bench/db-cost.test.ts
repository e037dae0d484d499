import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM without type declarations (the bench is not compiled)
import * as dbCost from './db-cost.mjs';

const { databaseCostPerAnswer, parseDatabaseCounters } = dbCost as {
  parseDatabaseCounters(text: string): { statements?: number; roundTrips?: number };
  databaseCostPerAnswer(
    before: { statements?: number; roundTrips?: number },
    after: { statements?: number; roundTrips?: number },
    answers: number,
  ): { statementsPerAnswer?: number; roundTripsPerAnswer?: number };
};

const exposition = (statements: number, roundTrips: number) =>
  [
    '# HELP twofold_db_statements_total Database statements run (transaction control included).',
    '# TYPE twofold_db_statements_total counter',
    `twofold_db_statements_total{service="twofold"} ${statements}`,
    '# TYPE twofold_db_round_trips_total counter',
    `twofold_db_round_trips_total{service="twofold"} ${roundTrips}`,
    'twofold_http_requests_total{method="GET",route="/metrics",status="200"} 3',
  ].join('\n');

describe('the verification database cost in the bench', () => {
  it('reads the counters out of /metrics and divides their growth by the answers', () => {
    const before = parseDatabaseCounters(exposition(100, 40));
    expect(before).toEqual({ statements: 100, roundTrips: 40 });
    const after = parseDatabaseCounters(exposition(1300, 340));
    expect(databaseCostPerAnswer(before, after, 100)).toEqual({
      statementsPerAnswer: 12,
      roundTripsPerAnswer: 3,
    });
  });

  it('gives no figure for a server without the counters, or a phase without answers', () => {
    const none = parseDatabaseCounters('twofold_http_requests_total 3');
    expect(none).toEqual({ statements: undefined, roundTrips: undefined });
    expect(databaseCostPerAnswer(none, none, 10)).toEqual({
      statementsPerAnswer: undefined,
      roundTripsPerAnswer: undefined,
    });
    const some = parseDatabaseCounters(exposition(1, 1));
    expect(databaseCostPerAnswer(some, some, 0).statementsPerAnswer).toBeUndefined();
  });
});
