/**
 * "Require re-registration" (spec section 3, flow 2; the seed's admin fix), in one transaction
 * with its audit event: every factor ends what re-registration ends (authenticator, TOTP and SMS
 * methods are deleted with their push devices, hardware tokens deactivated, recovery codes and
 * the Temporary Access Pass end; email methods and passwords stay), every session and application
 * grant ends, sign-ins and resets in progress end, and the next sign-in starts registration (with
 * new recovery codes).
 */
import { TwofoldError } from '@twofold/core';
import type { Actor, Executor } from '../../audit/audit-log.js';
import { endCredentials } from '../end-credentials.js';
import { type AdminFlowDeps, checkReason } from './deps.js';

export interface ReregistrationResult {
  readonly deletedMethods: number;
  readonly disabledHardwareTokens: number;
  readonly revokedSessions: number;
  readonly revokedPasses: number;
  readonly endedRecoveryCodes: number;
}

/**
 * What re-registration does, inside the caller's transaction (break-glass does the same before it
 * issues its pass). Audited; user_not_found when there is no such user.
 */
export async function reregister(
  deps: AdminFlowDeps,
  trx: Executor,
  input: { tenantId: string; userId: string; actor: Actor; reason: string },
): Promise<ReregistrationResult> {
  const { tenantId, userId, actor, reason } = input;
  const now = deps.clock.now();
  if (!(await deps.users.requireRegistration(trx, tenantId, userId, now))) {
    throw new TwofoldError('user_not_found', 'no such user in this tenant');
  }
  const ended = await endCredentials(deps, trx, { tenantId, userId, actor, now }, 'reregistration', {
    reason,
  });
  const result = {
    deletedMethods: ended.deletedMethods.length,
    disabledHardwareTokens: ended.disabledMethods,
    revokedSessions: ended.revokedSessions,
    revokedPasses: ended.revokedPasses,
    endedRecoveryCodes: ended.endedRecoveryCodes,
  };
  await deps.audit.record(
    {
      tenantId,
      actor,
      action: 'user.require_reregistration',
      target: { type: 'user', id: userId },
      reason,
      details: { ...result, deletedMethodTypes: ended.deletedMethods.map((m) => m.type) },
    },
    trx,
  );
  return result;
}

export async function requireReregistration(
  deps: AdminFlowDeps,
  input: { tenantId: string; userId: string; reason: string; actor: Actor },
): Promise<ReregistrationResult> {
  const reason = checkReason(input.reason);
  return deps.db.transaction().execute((trx) => reregister(deps, trx, { ...input, reason }));
}
