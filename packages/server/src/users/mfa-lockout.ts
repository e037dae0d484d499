/**
 * Second-factor lockout (spec section 2, NIST SP 800-63B section 5.2.2): consecutive failed
 * second-factor checks are counted per user in `users.mfa_failures` (and per method in
 * `methods.failures`, through the factors' method service, which owns that table). Every 10th
 * consecutive failure (or fewer: tenant policy may be stricter) locks second-factor sign-in, for 15
 * minutes (or longer, by policy) and then twice as long each time (30, 60, ... minutes); the 30th
 * locks it until an admin acts.
 * A success resets the count; nothing else does (not a new challenge, not time).
 *
 * Why 30 and not NIST's ceiling of 100: a guess at a 6-digit code wins with probability 3 in a
 * million (the current step and one either side are accepted), so 100 guesses would give an
 * attacker who knows the password a chance of 1 in 3,334; 30 keep it under 1 in 10,000 (issue 9,
 * hardening/attacks-brute-force.test.ts).
 *
 * Counters move only by single conditional UPDATEs in the database, so every instance sees the
 * same count and concurrent failures are never lost.
 */
import { TwofoldError } from '@twofold/core';
import { type Kysely, sql } from 'kysely';
import { type Actor, type AuditLog, systemActor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import type { PrepareSync } from '../platform/db/group-commit.js';
import { type PreparedQuery, preparedQuery, type Slots } from '../platform/db/prepared-query.js';
import type { Database } from '../platform/db/schema.js';

export const mfaLockoutPolicy = {
  /** Consecutive failures that lock second-factor sign-in. */
  failuresPerLock: 10,
  /** The first lock; each further one doubles. */
  firstLockMinutes: 15,
  /**
   * Consecutive failures after which only an admin can unlock (NIST SP 800-63B: at most 100; 30
   * keeps the chance of guessing a 6-digit code within ±1 step under 1 in 10,000).
   */
  adminRequiredAt: 30,
} as const;

/**
 * A tenant may make the lockout stricter than the defaults (fewer failures per lock, longer first
 * lock), never looser: the bounds are checked where the policy is written (tenant-policy.ts).
 */
export interface LockoutThresholds {
  readonly failuresPerLock: number;
  readonly firstLockMinutes: number;
}

export const defaultLockoutThresholds: LockoutThresholds = {
  failuresPerLock: mfaLockoutPolicy.failuresPerLock,
  firstLockMinutes: mfaLockoutPolicy.firstLockMinutes,
};

/** How long the lock set by the `failures`-th consecutive failure lasts, or undefined if it sets none. */
export function lockMinutesAt(
  failures: number,
  thresholds: LockoutThresholds = defaultLockoutThresholds,
): number | undefined {
  const { adminRequiredAt } = mfaLockoutPolicy;
  const { failuresPerLock, firstLockMinutes } = thresholds;
  if (failures <= 0 || failures >= adminRequiredAt || failures % failuresPerLock !== 0) return undefined;
  return firstLockMinutes * 2 ** (failures / failuresPerLock - 1);
}

export type MfaLockState =
  | { readonly locked: false; readonly failures: number }
  | {
      readonly locked: true;
      readonly failures: number;
      /** Seconds until the lock ends; undefined when an admin must act. */
      readonly retryAfter: number | undefined;
      readonly adminRequired: boolean;
    };

export type MfaAdmission =
  | { readonly admitted: true; readonly state: MfaLockState }
  | { readonly admitted: false; readonly state: Extract<MfaLockState, { locked: true }> };

export interface MfaLockout {
  /** The user's state now. Throws user_not_found. */
  check(tenantId: string, userId: string): Promise<MfaLockState>;
  /**
   * Admits one second-factor attempt and counts it as a failure up front, in one conditional
   * UPDATE that refuses while the user is locked; call recordSuccess when the code was right.
   * Unlike check-then-recordFailure, a burst of concurrent guesses cannot slip through between the
   * check and the count: at most 10 are admitted per lock, however many arrive at once.
   * `thresholds`: the tenant's lockout policy when the caller has just read the tenant (saves
   * reading it again); otherwise read through `thresholdsFor`.
   */
  admit(
    tenantId: string,
    userId: string,
    methodId?: string,
    thresholds?: LockoutThresholds,
  ): Promise<MfaAdmission>;
  /**
   * Counts one failure after the fact (atomic increment, which sets the lock on every 10th) and
   * returns the new state. Failures are facts: they count even when the user is already locked.
   */
  recordFailure(tenantId: string, userId: string, methodId?: string): Promise<MfaLockState>;
  /** A correct second factor: the user's (and the method's) consecutive count starts again at 0. */
  recordSuccess(tenantId: string, userId: string, methodId?: string): Promise<void>;
  /**
   * Audits a lock that a failure counted in a synchronous unit (lockoutInSyncUnit) started, as
   * the awaited count does by itself.
   */
  auditLockStart(
    tenantId: string,
    userId: string,
    row: LockRow,
    now: number,
    thresholds: LockoutThresholds,
  ): Promise<void>;
  /** Clears the count and any lock (admins). Audited. Throws user_not_found. */
  unlock(tenantId: string, userId: string, actor: Actor, reason?: string): Promise<void>;
}

export type LockRow = { mfa_failures: number; mfa_locked_until: number | null };

/** The lock state of a user row (`users.mfa_failures`, `users.mfa_locked_until`) at `now`. */
export function lockStateOf(failures: number, lockedUntil: number | null, now: number): MfaLockState {
  return stateOf({ mfa_failures: failures, mfa_locked_until: lockedUntil }, now);
}

function stateOf(row: LockRow, now: number): MfaLockState {
  const failures = row.mfa_failures;
  if (failures >= mfaLockoutPolicy.adminRequiredAt)
    return { locked: true, failures, retryAfter: undefined, adminRequired: true };
  if (row.mfa_locked_until !== null && row.mfa_locked_until > now) {
    const retryAfter = Math.ceil((row.mfa_locked_until - now) / 1000);
    return { locked: true, failures, retryAfter, adminRequired: false };
  }
  return { locked: false, failures };
}

function userNotFound(): TwofoldError {
  return new TwofoldError('user_not_found', 'no such user in this tenant');
}

type IncrementArgs = { tenantId: string; userId: string; now: number } & Record<`until${number}`, number>;

/**
 * The failure count's increment, with mfa_locked_until set to the lock that the new count starts
 * (a CASE over every count that starts one: every failuresPerLock-th below adminRequiredAt), and,
 * when `gated`, only if the user is not locked. Its shape depends on failuresPerLock and the gate.
 */
const incrementQueries = new Map<string, PreparedQuery<IncrementArgs, LockRow>>();
function incrementQuery(failuresPerLock: number, gated: boolean): PreparedQuery<IncrementArgs, LockRow> {
  const key = `${failuresPerLock}:${gated}`;
  let query = incrementQueries.get(key);
  if (!query) {
    query = preparedQuery((db, v: Slots<IncrementArgs>) => {
      const whens = lockStarts(failuresPerLock).map(
        (failures, i) => sql`when ${failures} then cast(${v[`until${i}`]} as bigint)`,
      );
      let update = db
        .updateTable('users')
        .set((eb) => ({
          mfa_failures: eb('mfa_failures', '+', 1),
          mfa_locked_until: sql<
            number | null
          >`case mfa_failures + 1 ${sql.join(whens, sql` `)} else mfa_locked_until end`,
        }))
        .where('tenant_id', '=', v.tenantId)
        .where('id', '=', v.userId);
      if (gated) {
        update = update
          .where('mfa_failures', '<', mfaLockoutPolicy.adminRequiredAt)
          .where((eb) => eb.or([eb('mfa_locked_until', 'is', null), eb('mfa_locked_until', '<=', v.now)]));
      }
      return update.returning(['mfa_failures', 'mfa_locked_until']);
    });
    incrementQueries.set(key, query);
  }
  return query;
}

/** The failure counts that start a lock: every failuresPerLock-th, below adminRequiredAt. */
function lockStarts(failuresPerLock: number): number[] {
  const starts = [];
  for (
    let failures = failuresPerLock;
    failures < mfaLockoutPolicy.adminRequiredAt;
    failures += failuresPerLock
  )
    starts.push(failures);
  return starts;
}

/** The arguments of the failure count's increment at `now`: the lock each count would start. */
function incrementArgs(tenantId: string, userId: string, now: number, thresholds: LockoutThresholds) {
  const args: IncrementArgs = { tenantId, userId, now };
  lockStarts(thresholds.failuresPerLock).forEach((failures, i) => {
    args[`until${i}`] = now + (lockMinutesAt(failures, thresholds) ?? 0) * 60_000;
  });
  return args;
}

const lockRowById = preparedQuery((db, v: Slots<{ tenantId: string; userId: string }>) =>
  db
    .selectFrom('users')
    .select(['mfa_failures', 'mfa_locked_until'])
    .where('tenant_id', '=', v.tenantId)
    .where('id', '=', v.userId),
);

const resetUserFailures = preparedQuery((db, v: Slots<{ tenantId: string; userId: string }>) =>
  db
    .updateTable('users')
    .set({ mfa_failures: 0, mfa_locked_until: null })
    .where('tenant_id', '=', v.tenantId)
    .where('id', '=', v.userId)
    .where((eb) => eb.or([eb('mfa_failures', '>', 0), eb('mfa_locked_until', 'is not', null)])),
);

/**
 * The lockout inside one synchronous unit (SQLite, `DatabaseHandle.runSync`), with this table's
 * SQL: the unit holds the write lock from its first statement to its commit, so reading the state,
 * checking the code and then counting the failure (or resetting the count) is as safe against
 * parallel guesses as `admit`'s count up front, and a guess is answered only once its count is
 * stored. A lock that a count starts is audited by the caller afterwards (`auditLockStart`).
 */
export const lockoutInSyncUnit = {
  /** The user's lock row; undefined when there is no such user. */
  read(prepare: PrepareSync, db: Kysely<Database>, tenantId: string, userId: string): LockRow | undefined {
    return lockRowById.firstSync(prepare, db, { tenantId, userId });
  },
  /** Counts one failure (setting the lock it starts) and returns the row after it. */
  countFailure(
    prepare: PrepareSync,
    db: Kysely<Database>,
    args: { tenantId: string; userId: string; now: number; thresholds: LockoutThresholds },
  ): LockRow | undefined {
    const { tenantId, userId, now, thresholds } = args;
    return incrementQuery(thresholds.failuresPerLock, false).firstSync(
      prepare,
      db,
      incrementArgs(tenantId, userId, now, thresholds),
    );
  },
  /** A right code: the count starts again (no statement when it is at 0 already). */
  reset(prepare: PrepareSync, db: Kysely<Database>, tenantId: string, userId: string, row: LockRow): void {
    if (row.mfa_failures === 0 && row.mfa_locked_until === null) return;
    resetUserFailures.runSync(prepare, db, { tenantId, userId });
  },
};

/** The per-method counters beside the user's (the methods table is the factors' to write). */
export interface MethodFailureCounters {
  countFailure(tenantId: string, userId: string, methodId: string): Promise<void>;
  resetFailures(tenantId: string, userId: string, methodId: string): Promise<void>;
}

export function createMfaLockout(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  methods: MethodFailureCounters;
  /** The tenant's thresholds (its policy); the defaults when absent. */
  thresholdsFor?: (tenantId: string) => Promise<LockoutThresholds>;
}): MfaLockout {
  const { db, clock, audit, methods } = deps;
  const thresholdsFor = deps.thresholdsFor ?? (async () => defaultLockoutThresholds);

  async function readRow(tenantId: string, userId: string): Promise<LockRow> {
    const row = await lockRowById.first(db, { tenantId, userId });
    if (!row) throw userNotFound();
    return row;
  }

  async function countMethodFailure(tenantId: string, userId: string, methodId: string | undefined) {
    if (methodId === undefined) return;
    await methods.countFailure(tenantId, userId, methodId);
  }

  /** Audits the moment a lock starts (at most adminRequiredAt / failuresPerLock times between successes). */
  async function auditIfLocked(
    tenantId: string,
    userId: string,
    row: LockRow,
    now: number,
    thresholds: LockoutThresholds,
  ) {
    const failures = row.mfa_failures;
    const startsLock =
      failures % thresholds.failuresPerLock === 0 || failures === mfaLockoutPolicy.adminRequiredAt;
    if (!startsLock || failures > mfaLockoutPolicy.adminRequiredAt) return;
    const state = stateOf(row, now);
    if (!state.locked) return;
    await audit.record({
      tenantId,
      actor: systemActor,
      action: 'mfa.lock',
      target: { type: 'user', id: userId },
      details: {
        failures,
        adminRequired: state.adminRequired,
        ...(state.retryAfter !== undefined ? { lockedUntil: row.mfa_locked_until } : {}),
      },
    });
  }

  async function increment(tenantId: string, userId: string, gated: boolean, known?: LockoutThresholds) {
    const thresholds = known ?? (await thresholdsFor(tenantId));
    const now = clock.now();
    // The value of mfa_locked_until after this increment: the lock that the new count starts.
    const args = incrementArgs(tenantId, userId, now, thresholds);
    const row = await incrementQuery(thresholds.failuresPerLock, gated).first(db, args);
    if (row) await auditIfLocked(tenantId, userId, row, now, thresholds);
    return { row, now };
  }

  return {
    async check(tenantId, userId) {
      return stateOf(await readRow(tenantId, userId), clock.now());
    },

    async admit(tenantId, userId, methodId, thresholds) {
      // The second round only matters when the user was unlocked (a success, an admin) between
      // the refused UPDATE and the read; a third refusal in a row is a lock however it is read.
      for (let round = 0; ; round++) {
        const { row, now } = await increment(tenantId, userId, true, thresholds);
        if (row) {
          await countMethodFailure(tenantId, userId, methodId);
          return { admitted: true, state: stateOf(row, now) };
        }
        const state = stateOf(await readRow(tenantId, userId), clock.now());
        if (state.locked) return { admitted: false, state };
        if (round === 2) {
          return {
            admitted: false,
            state: { locked: true, failures: state.failures, retryAfter: 1, adminRequired: false },
          };
        }
      }
    },

    async recordFailure(tenantId, userId, methodId) {
      const { row, now } = await increment(tenantId, userId, false);
      if (!row) throw userNotFound();
      await countMethodFailure(tenantId, userId, methodId);
      return stateOf(row, now);
    },

    async recordSuccess(tenantId, userId, methodId) {
      await resetUserFailures.run(db, { tenantId, userId });
      if (methodId !== undefined) await methods.resetFailures(tenantId, userId, methodId);
    },

    auditLockStart: auditIfLocked,

    async unlock(tenantId, userId, actor, reason) {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('users')
          .set({ mfa_failures: 0, mfa_locked_until: null })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', userId)
          .returning('id')
          .executeTakeFirst();
        if (!row) throw userNotFound();
        await audit.record(
          {
            tenantId,
            actor,
            action: 'mfa.unlock',
            target: { type: 'user', id: userId },
            ...(reason ? { reason } : {}),
          },
          trx,
        );
      });
    },
  };
}
