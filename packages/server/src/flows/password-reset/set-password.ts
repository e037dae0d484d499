/**
 * "Forgot password?", the last step: once proven, the new password (the rules of any new
 * password) is set; the reset completes once, every session and application grant of the user
 * ends, their pass is revoked, and they get an email, in one transaction.
 */
import { TwofoldError } from '@twofold/core';
import type { Tenant } from '../../tenants/tenant-service.js';
import { applyNewPassword } from '../new-password.js';
import { loadReset, type PasswordResetDeps, type ResetClient } from './deps.js';

export async function setResetPassword(
  deps: PasswordResetDeps,
  tenant: Tenant,
  flowId: string,
  client: ResetClient,
  newPassword: string,
): Promise<{ status: 'completed' }> {
  const row = await loadReset(deps, tenant, flowId, client);
  if (row.status !== 'password_required') {
    throw new TwofoldError(
      'flow_state_invalid',
      'prove it is you with a code first, then choose the new password',
    );
  }
  deps.passwords.checkPassword(newPassword);
  const passwordHash = await deps.passwords.hash(newPassword);
  const user = await deps.users.getById(tenant.id, row.user_id);
  await deps.db.transaction().execute(async (trx) => {
    if (!(await deps.store.complete(trx, row.id_hash, deps.clock.now()))) {
      throw new TwofoldError('flow_expired', 'this password reset has expired or ended; start again');
    }
    await applyNewPassword(deps, trx, {
      tenant,
      user,
      passwordHash,
      actor: { type: 'user', id: user.id, ip: client.ip },
      how: 'reset',
    });
  });
  return { status: 'completed' };
}
