/**
 * Changing and deleting a user, with what must end with them in the same transaction (spec
 * section 6): a disabled user's sessions, application grants and pass end at once; so do those of
 * a user given an admin role (or a stronger one), whose credentials were issued or opened when
 * they had fewer rights (a helpdesk's pass must not become a global admin's).
 */
import { isElevation } from '@twofold/core';
import type { Actor } from '../../audit/audit-log.js';
import type { User, UserChanges } from '../../users/user-service.js';
import { endCredentials } from '../end-credentials.js';
import type { AdminFlowDeps } from './deps.js';

export async function updateUser(
  deps: AdminFlowDeps,
  input: {
    tenantId: string;
    userId: string;
    changes: UserChanges;
    actor: Actor;
    reason?: string | undefined;
  },
): Promise<User> {
  const { tenantId, userId, actor } = input;
  return deps.db.transaction().execute(async (trx) => {
    const updated = await deps.users.update(trx, tenantId, userId, input.changes, actor, {
      reason: input.reason,
    });
    const target = { tenantId, userId, actor, now: deps.clock.now() };
    if (updated.disabledNow) {
      await endCredentials(deps, trx, target, 'disable', { reason: input.reason });
    } else if (isElevation(updated.rolesBefore, updated.user.roles)) {
      await endCredentials(deps, trx, target, 'role_granted', { reason: input.reason });
    }
    return updated.user;
  });
}

export async function deleteUser(
  deps: AdminFlowDeps,
  input: { tenantId: string; userId: string; actor: Actor; reason?: string | undefined },
): Promise<void> {
  const { tenantId, userId, actor } = input;
  await deps.db.transaction().execute(async (trx) => {
    // Their applications' grants are not rows of theirs: they end with the sessions. The rest of
    // what is theirs goes with the user's row (ON DELETE CASCADE).
    await deps.sessions.revokeAllForUser(tenantId, userId, actor, { executor: trx });
    await deps.users.delete(trx, tenantId, userId, actor, input.reason);
  });
}
