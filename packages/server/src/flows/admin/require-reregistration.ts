/**
 * "Require re-registration" (spec section 3, flow 2; the seed's admin fix), in one transaction
 * with its audit event: every factor ends what re-registration ends (authenticator, TOTP and SMS
 * methods are deleted with their push devices, hardware tokens deactivated; email methods and
 * passwords stay), every session and application grant ends, sign-ins in progress end, and the
 * next sign-in starts registration.
 */
import { TwofoldError } from '@twofold/core';
import type { Actor } from '../../audit/audit-log.js';
import { type AdminFlowDeps, checkReason } from './deps.js';

export interface ReregistrationResult {
  readonly deletedMethods: number;
  readonly disabledHardwareTokens: number;
  readonly revokedSessions: number;
}

export async function requireReregistration(
  deps: AdminFlowDeps,
  input: { tenantId: string; userId: string; reason: string; actor: Actor },
): Promise<ReregistrationResult> {
  const { tenantId, userId, actor } = input;
  const why = checkReason(input.reason);
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    if (!(await deps.users.requireRegistration(trx, tenantId, userId, now))) {
      throw new TwofoldError('user_not_found', 'no such user in this tenant');
    }
    const ended = await deps.factors.end(trx, { tenantId, userId, actor, now }, 'reregistration');
    const revokedSessions = await deps.sessions.revokeAllForUser(tenantId, userId, actor, {
      executor: trx,
      reason: why,
    });
    // A sign-in that already passed the password must not finish with the old methods.
    await deps.signIns.endUnfinishedForUser(trx, tenantId, userId);
    const result = {
      deletedMethods: ended.deletedMethods.length,
      disabledHardwareTokens: ended.disabledMethods,
      revokedSessions,
    };
    await deps.audit.record(
      {
        tenantId,
        actor,
        action: 'user.require_reregistration',
        target: { type: 'user', id: userId },
        reason: why,
        details: { ...result, deletedMethodTypes: ended.deletedMethods.map((m) => m.type) },
      },
      trx,
    );
    return result;
  });
}
