/**
 * Signing out. "Sign out everywhere" (spec section 3, flow 4: a lost device) ends every session
 * and application grant of the user and what each factor ends with them (push devices, the
 * Temporary Access Pass), in one transaction: a lost phone stops approving at the same moment its
 * sessions end.
 */
import { endCredentials } from '../end-credentials.js';
import type { Me, SelfServiceDeps } from './deps.js';

export async function signOutEverywhere(
  deps: SelfServiceDeps,
  me: Me,
): Promise<{ revokedSessions: number; revokedPushDevices: number; revokedPasses: number }> {
  const { tenant, session, actor } = me;
  return deps.db.transaction().execute(async (trx) => {
    const target = { tenantId: tenant.id, userId: session.userId, actor, now: deps.clock.now() };
    const ended = await endCredentials(deps, trx, target, 'sign_out_everywhere');
    return {
      revokedSessions: ended.revokedSessions,
      revokedPushDevices: ended.revokedDevices,
      revokedPasses: ended.revokedPasses,
    };
  });
}

export async function signOut(deps: SelfServiceDeps, me: Me): Promise<void> {
  await deps.sessions.revoke(me.tenant.id, me.session.id, me.actor);
}
