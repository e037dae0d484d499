/**
 * The operator sets a user's password from the host (`twofold user set-password`, spec section 6):
 * the same rules as any new password; every session and application grant of the user ends, their
 * pass is revoked, and they get an email.
 */
import { TwofoldError } from '@twofold/core';
import { operatorActor } from '../../audit/audit-log.js';
import { applyNewPassword } from '../new-password.js';
import type { AdminFlowDeps } from './deps.js';

export async function setPasswordByOperator(
  deps: AdminFlowDeps,
  input: { tenantSlug: string; email: string; password: string },
): Promise<{ userId: string; revokedSessions: number; revokedPasses: number }> {
  const tenant = await deps.tenants.getBySlug(input.tenantSlug);
  const user = await deps.users.findByEmail(tenant.id, input.email);
  if (!user) throw new TwofoldError('user_not_found', `no user '${input.email}' in tenant '${tenant.slug}'`);
  deps.passwords.checkPassword(input.password);
  const passwordHash = await deps.passwords.hash(input.password);
  const ended = await deps.db
    .transaction()
    .execute((trx) =>
      applyNewPassword(deps, trx, { tenant, user, passwordHash, actor: operatorActor, how: 'operator' }),
    );
  return { userId: user.id, revokedSessions: ended.revokedSessions, revokedPasses: ended.revokedPasses };
}
