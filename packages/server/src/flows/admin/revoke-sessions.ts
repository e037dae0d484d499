/**
 * An admin signs a user out everywhere (spec section 4): every session and application grant
 * ends, and with them the user's Temporary Access Pass and the sign-ins and resets in progress
 * (spec section 6), in one transaction.
 */
import type { Actor } from '../../audit/audit-log.js';
import { endCredentials } from '../end-credentials.js';
import type { AdminFlowDeps } from './deps.js';

export async function revokeSessions(
  deps: AdminFlowDeps,
  input: { tenantId: string; userId: string; actor: Actor; reason?: string | undefined },
): Promise<{ revokedSessions: number; revokedPasses: number }> {
  const { tenantId, userId, actor } = input;
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const ended = await endCredentials(deps, trx, { tenantId, userId, actor, now }, 'revoke_sessions', {
      reason: input.reason,
    });
    return { revokedSessions: ended.revokedSessions, revokedPasses: ended.revokedPasses };
  });
}
