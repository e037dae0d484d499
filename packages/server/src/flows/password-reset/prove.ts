/**
 * "Forgot password?", the proof: a code from one of the user's methods (or a recovery code),
 * sent through the factor's own `challenge` for SMS and email and checked by the one code check
 * (flows/code-check.ts: the same lockout, replay and refusal rules as a sign-in). Five wrong codes
 * end the reset; an admin proves two different methods.
 */
import { TwofoldError } from '@twofold/core';
import type { FactorChallenge } from '../../factors/factor.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { checkCode, lockoutRefusal, refuseCode } from '../code-check.js';
import {
  loadReset,
  maxCodeFailuresPerReset,
  type PasswordResetDeps,
  provenOf,
  type ResetClient,
  type ResetView,
  resetEntries,
  viewOf,
} from './deps.js';

function notWaitingForCode(): never {
  throw new TwofoldError('flow_state_invalid', 'this reset is waiting for the new password, not for a code');
}

async function offeredEntry(
  deps: PasswordResetDeps,
  tenant: Tenant,
  userId: string,
  proven: string[],
  entryId: string,
) {
  const offered = (await resetEntries(deps, tenant, userId, proven)).some((e) => e.id === entryId);
  if (!offered) {
    throw new TwofoldError(
      'method_not_found',
      proven.includes(entryId)
        ? 'this method is proven already: use another one'
        : 'no such method for this account',
    );
  }
}

export async function challengeReset(
  deps: PasswordResetDeps,
  tenant: Tenant,
  flowId: string,
  client: ResetClient,
  entryId: string,
): Promise<FactorChallenge> {
  const row = await loadReset(deps, tenant, flowId, client);
  if (row.status !== 'verification_required') notWaitingForCode();
  await offeredEntry(deps, tenant, row.user_id, provenOf(row), entryId);
  const ctx = { tenant, userId: row.user_id, ip: client.ip, userAgent: client.userAgent };
  const entry = await deps.factors.resolve(ctx, entryId, (id) =>
    deps.methods.find(tenant.id, row.user_id, id),
  );
  if (!entry) throw new TwofoldError('method_not_found', 'no such method for this account');
  if (!entry.factor.challenge) return {};
  const lock = await deps.lockout.check(tenant.id, row.user_id);
  if (lock.locked) throw lockoutRefusal(lock);
  return deps.factors.challenge(ctx, entry, { purpose: 'password_reset_code' });
}

export async function verifyReset(
  deps: PasswordResetDeps,
  tenant: Tenant,
  flowId: string,
  client: ResetClient,
  entryId: string,
  code: string,
): Promise<ResetView> {
  const row = await loadReset(deps, tenant, flowId, client);
  if (row.status !== 'verification_required') notWaitingForCode();
  const proven = provenOf(row);
  await offeredEntry(deps, tenant, row.user_id, proven, entryId);
  const ctx = { tenant, userId: row.user_id, ip: client.ip, userAgent: client.userAgent };
  const checked = await checkCode(deps, { ctx, entryId, code, purpose: 'sign_in' });
  if (!checked.ok) {
    if (checked.stage !== 'code') throw checked.refusal;
    const failures = (await deps.store.countFailure(row.id_hash)) ?? maxCodeFailuresPerReset;
    if (failures >= maxCodeFailuresPerReset) {
      await deps.store.fail(row.id_hash);
      throw new TwofoldError(
        'too_many_attempts',
        `${maxCodeFailuresPerReset} wrong codes ended this reset; start again`,
      );
    }
    throw refuseCode(checked.reason, {
      purpose: 'sign_in',
      sendsCode: checked.factor.sendsCode,
      offsetSeconds: checked.offsetSeconds,
      extra: { attemptsLeft: maxCodeFailuresPerReset - failures },
    });
  }
  const after = [...proven, entryId];
  const status = after.length >= row.proofs_required ? 'password_required' : 'verification_required';
  if (!(await deps.store.proved(row.id_hash, row.proven, JSON.stringify(after), status))) {
    throw new TwofoldError('flow_expired', 'this password reset has changed or ended; start again');
  }
  return viewOf(deps, tenant, { ...row, proven: JSON.stringify(after), status }, flowId);
}
