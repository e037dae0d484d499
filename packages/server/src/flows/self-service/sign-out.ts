/**
 * Signing out. "Sign out everywhere" (spec section 3, flow 4: a lost device) ends every session
 * of the user and what each factor ends with them (push devices), in one transaction: a lost
 * phone stops approving at the same moment its sessions end.
 */
import type { Me, SelfServiceDeps } from './deps.js';

export async function signOutEverywhere(
  deps: SelfServiceDeps,
  me: Me,
): Promise<{ revokedSessions: number; revokedPushDevices: number }> {
  const { tenant, session, actor } = me;
  return deps.db.transaction().execute(async (trx) => {
    const ended = await deps.factors.end(
      trx,
      { tenantId: tenant.id, userId: session.userId, actor, now: deps.clock.now() },
      'sign_out_everywhere',
    );
    const revokedSessions = await deps.sessions.revokeAllForUser(tenant.id, session.userId, actor, {
      executor: trx,
    });
    return { revokedSessions, revokedPushDevices: ended.revokedDevices };
  });
}

export async function signOut(deps: SelfServiceDeps, me: Me): Promise<void> {
  await deps.sessions.revoke(me.tenant.id, me.session.id, me.actor);
}
