/**
 * The steps a TOTP-like method has accepted, one row each (owner of `accepted_steps`). Inserting a
 * step is the compare-and-set of its single use (RFC 6238 section 5.2, spec section 2): the
 * primary key (method_id, step) lets exactly one of two racing inserts, on one instance or several,
 * return its row; ON CONFLICT DO NOTHING keeps the loser's transaction usable on PostgreSQL. A code
 * is a replay only if its own step was accepted before (spec section 6), so a clock that was
 * corrected after a resync works at its next code.
 */
import { type Kysely, sql } from 'kysely';
import type { Executor } from '../../audit/audit-log.js';
import type { PrepareSync } from '../../platform/db/group-commit.js';
import { preparedQuery, type Slots } from '../../platform/db/prepared-query.js';
import type { Database } from '../../platform/db/schema.js';

/**
 * How long an accepted step is kept: longer than any window can reach back (drift and the clock-skew
 * search are each at most 10 minutes), so a code old enough to be purged can no longer match.
 */
export const acceptedStepRetentionMs = 60 * 60_000;

type AcceptArgs = {
  methodId: string;
  tenantId: string;
  userId: string;
  step: number;
  offsetSteps: number;
  now: number;
};

// INSERT ... SELECT from the method, so a step is recorded only for a method of this user that is
// still pending or active. The casts give PostgreSQL the parameters' types in a select list.
const insertStep = preparedQuery((db, v: Slots<AcceptArgs>) =>
  db
    .insertInto('accepted_steps')
    .columns(['method_id', 'step', 'offset_steps', 'accepted_at'])
    .expression(
      db
        .selectFrom('methods')
        .select([
          'id',
          sql<number>`cast(${v.step} as bigint)`.as('step'),
          sql<number>`cast(${v.offsetSteps} as integer)`.as('offset_steps'),
          sql<number>`cast(${v.now} as bigint)`.as('accepted_at'),
        ])
        .where('id', '=', v.methodId)
        .where('tenant_id', '=', v.tenantId)
        .where('user_id', '=', v.userId)
        .where('status', 'in', ['pending', 'active']),
    )
    .onConflict((oc) => oc.columns(['method_id', 'step']).doNothing())
    .returning('step'),
);

const stepById = preparedQuery((db, v: Slots<{ methodId: string; step: number }>) =>
  db
    .selectFrom('accepted_steps')
    .select('step')
    .where('method_id', '=', v.methodId)
    .where('step', '=', v.step),
);

/** Spends one step of a method: true for the one caller that recorded it, false if it was used before. */
export async function acceptStep(db: Kysely<Database>, args: AcceptArgs): Promise<boolean> {
  return (await insertStep.first(db, args)) !== undefined;
}

/** acceptStep inside a synchronous unit (SQLite, `DatabaseHandle.runSync`). */
export function acceptStepSync(prepare: PrepareSync, db: Kysely<Database>, args: AcceptArgs): boolean {
  return insertStep.firstSync(prepare, db, args) !== undefined;
}

/** Whether the method accepted this step before (an old code typed again is a replay, not a clock problem). */
export async function wasStepAccepted(
  db: Kysely<Database>,
  methodId: string,
  step: number,
): Promise<boolean> {
  return (await stepById.first(db, { methodId, step })) !== undefined;
}

export interface ClockReading {
  readonly methodId: string;
  /** The device's clock against the server's; positive when it runs ahead. */
  readonly offsetSeconds: number;
  /** When the code that showed it was typed. */
  readonly at: number;
}

/**
 * Where the user's device clock stood at their newest code since `since` (the troubleshooter):
 * an accepted code's offset, or a refused one's skew hint (kept on the method until a code is
 * accepted), whichever came last. Undefined when the user typed no code since then.
 */
export async function latestClockReading(
  db: Executor,
  tenantId: string,
  userId: string,
  since: number,
): Promise<ClockReading | undefined> {
  const accepted = await db
    .selectFrom('accepted_steps')
    .innerJoin('methods', 'methods.id', 'accepted_steps.method_id')
    .select([
      'accepted_steps.method_id',
      'accepted_steps.offset_steps',
      'accepted_steps.accepted_at',
      'methods.period',
    ])
    .where('methods.tenant_id', '=', tenantId)
    .where('methods.user_id', '=', userId)
    .where('accepted_steps.accepted_at', '>=', since)
    .orderBy('accepted_steps.accepted_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const hinted = await db
    .selectFrom('methods')
    .select(['id', 'skew_offset', 'period', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('skew_offset', 'is not', null)
    .where('updated_at', '>=', since)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const fromAccepted = accepted && {
    methodId: accepted.method_id,
    offsetSeconds: accepted.offset_steps * (accepted.period ?? 30),
    at: accepted.accepted_at,
  };
  const fromHint = hinted && {
    methodId: hinted.id,
    offsetSeconds: (hinted.skew_offset ?? 0) * (hinted.period ?? 30),
    at: hinted.updated_at,
  };
  if (fromAccepted && fromHint) return fromHint.at > fromAccepted.at ? fromHint : fromAccepted;
  return fromAccepted ?? fromHint;
}

/** Deletes steps accepted before `before` (housekeeping); returns how many went. */
export async function purgeAcceptedSteps(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom('accepted_steps').where('accepted_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
