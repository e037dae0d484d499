/**
 * A TOTP code's whole check as one synchronous unit on SQLite (`DatabaseHandle.runSync`): the
 * user's lock state, the method's read, the code's check, the step's compare-and-set and the use
 * (or the failure's count), as prepared statements with no await between them, inside the group
 * commit's transaction of the turn; it is answered once that transaction has committed.
 *
 * The unit holds SQLite's write lock from its first statement to its commit, so nothing else
 * (another request of this process, another process on the file) runs between the lock state's
 * read and the count: a failure is counted after the check instead of before it (as
 * `MfaLockout.admit` must on PostgreSQL) and a success does not count at all, which folds the
 * count, its reset and the method's counters into the use. A guess is still never answered before
 * its count is stored, and a failed statement or commit rejects the check (service_unavailable).
 *
 * It takes the common cases only: an active method and a code at the method's drift (accepted,
 * replayed) or nowhere within the clock-skew search (refused). Anything else (a pending method, a
 * code that needs a resynchronisation or gives a clock-skew hint, a user or method not found, a
 * factor other than TOTP) gets undefined after reading only, and is checked the usual way.
 */
import { findTotpOffset, TwofoldError, verifyTotp } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Sealer } from '../../platform/crypto/sealer.js';
import type { DatabaseHandle } from '../../platform/db/database.js';
import type { PrepareSync } from '../../platform/db/group-commit.js';
import type { Database } from '../../platform/db/schema.js';
import {
  type LockRow,
  lockoutInSyncUnit,
  lockStateOf,
  type MfaLockout,
  type MfaLockState,
} from '../../users/mfa-lockout.js';
import type { FactorContext } from '../factor.js';
import { methodRowRead, methodsInSyncUnit } from '../method-service.js';
import type { FactorRegistry, ResolvedEntry } from '../registry.js';
import { skewSearchSteps, spendSync, totpMethodTypes, totpParameters } from './totp-method-service.js';

export type CheckAtOnce = (
  ctx: FactorContext,
  methodId: string,
  code: string,
  options: { readonly proof: boolean },
) => Promise<CheckedAtOnce | undefined>;

export type CheckedAtOnce =
  | { readonly ok: true; readonly entry: ResolvedEntry }
  | { readonly ok: false; readonly stage: 'locked'; readonly state: Extract<MfaLockState, { locked: true }> }
  | {
      readonly ok: false;
      readonly stage: 'code';
      readonly reason: 'otp_invalid' | 'otp_replayed';
      readonly entry: ResolvedEntry;
    };

type Unit =
  | CheckedAtOnce
  | { readonly counted: LockRow; readonly now: number; readonly checked: CheckedAtOnce };

/**
 * Runs the unit; a statement or commit that failed answers service_unavailable, never the outcome
 * of a guess that may not have been counted.
 */
async function storedOrUnavailable<T>(
  runSync: NonNullable<DatabaseHandle['runSync']>,
  work: (prepare: PrepareSync) => T,
): Promise<T> {
  try {
    return await runSync(work);
  } catch (cause) {
    if (cause instanceof TwofoldError) throw cause;
    throw new TwofoldError('service_unavailable', 'the check could not be stored; try again', undefined, {
      cause,
    });
  }
}

export function createTotpCheckAtOnce(deps: {
  db: Kysely<Database>;
  runSync: NonNullable<DatabaseHandle['runSync']>;
  clock: Clock;
  sealer: Sealer;
  factors: Pick<FactorRegistry, 'resolveMethod'>;
  lockout: Pick<MfaLockout, 'auditLockStart'>;
}): CheckAtOnce {
  const { db, runSync, clock, sealer, factors, lockout } = deps;

  return async (ctx, methodId, code, options) => {
    if (code.length > 64) return undefined;
    const tenantId = ctx.tenant.id;
    const userId = ctx.userId;
    const thresholds = ctx.tenant.policy.lockout;
    const ids = { tenantId, userId, methodId };
    const unit = await storedOrUnavailable(runSync, (prepare): Unit | undefined => {
      const now = clock.now();
      const lock = lockoutInSyncUnit.read(prepare, db, tenantId, userId);
      if (!lock) return undefined;
      const state = lockStateOf(lock.mfa_failures, lock.mfa_locked_until, now);
      if (state.locked) return { ok: false, stage: 'locked', state };
      const method = methodsInSyncUnit.find(prepare, db, ids);
      const entry = method && factors.resolveMethod(ctx, method, { proof: options.proof });
      const row = method && methodRowRead(method);
      if (!entry || !row || row.status !== 'active') return undefined;
      if (!(totpMethodTypes as readonly string[]).includes(row.type)) return undefined;
      const parameters = totpParameters(sealer, row);
      if (!parameters) return undefined;
      const check = { ...parameters, code, time: now / 1000 };

      const refuse = (reason: 'otp_invalid' | 'otp_replayed'): Unit => {
        const counted = lockoutInSyncUnit.countFailure(prepare, db, { tenantId, userId, now, thresholds });
        methodsInSyncUnit.countFailure(prepare, db, ids);
        const checked: CheckedAtOnce = { ok: false, stage: 'code', reason, entry };
        return counted ? { counted, now, checked } : checked;
      };

      const match = verifyTotp({ ...check, window: 1, driftSteps: row.drift_steps });
      if (match) {
        const status = spendSync(prepare, db, row, { step: match.step, now, offsetSteps: match.offset });
        if (status === undefined) return refuse('otp_replayed');
        lockoutInSyncUnit.reset(prepare, db, tenantId, userId, lock);
        return { ok: true, entry };
      }
      // A code at the server's own time for a drifted method, or one within the clock-skew search:
      // a resynchronisation or a hint, which the usual path gives.
      if (row.drift_steps !== 0 && verifyTotp({ ...check, window: 1, driftSteps: 0 })) return undefined;
      if (findTotpOffset({ ...check, maxOffsetSteps: skewSearchSteps(parameters.period) })) return undefined;
      return refuse('otp_invalid');
    });
    if (!unit || !('counted' in unit)) return unit;
    await lockout.auditLockStart(tenantId, userId, unit.counted, unit.now, thresholds);
    return unit.checked;
  };
}
