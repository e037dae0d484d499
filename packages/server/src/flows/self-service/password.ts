/**
 * "Change password" on Security info (spec section 6, `POST /me/password`): needs a second factor
 * in the last 10 minutes and the current password, except in a session started with a Temporary
 * Access Pass in the last hour or for an account without a password yet (a pass is how a user who
 * forgot theirs gets in). A wrong current password counts against the account's password throttle
 * like a wrong password at sign-in. The new password follows the rules; every other session and
 * application grant ends, the pass is revoked, and the user gets an email.
 */
import { TwofoldError } from '@twofold/core';
import { passSessionPasswordWindowMs } from '../../sessions/session-service.js';
import { applyNewPassword } from '../new-password.js';
import { type Me, requireStepUp, type SelfServiceDeps } from './deps.js';

/**
 * Whether changing the password needs the current one: not in a session started with a Temporary
 * Access Pass in the last hour, nor for an account without a password yet. `GET /me` says it, so
 * Security info asks for the current password only when it is needed.
 */
export function currentPasswordRequired(
  deps: Pick<SelfServiceDeps, 'clock'>,
  session: Me['session'],
  user: { readonly hasPassword: boolean },
): boolean {
  const viaPass =
    session.firstFactor === 'tap' && deps.clock.now() - session.createdAt <= passSessionPasswordWindowMs;
  return user.hasPassword && !viaPass;
}

export async function changePassword(
  deps: SelfServiceDeps,
  me: Me,
  input: { currentPassword?: string | undefined; newPassword: string },
): Promise<{ revokedSessions: number; revokedPasses: number }> {
  requireStepUp(deps, me);
  const { tenant, session } = me;
  const user = await deps.users.getById(tenant.id, session.userId);
  if (input.currentPassword === undefined) {
    if (currentPasswordRequired(deps, session, user)) {
      throw new TwofoldError('current_password_required', 'currentPassword: give your current password');
    }
  } else {
    const subject = { tenantId: tenant.id, userId: user.id, ip: me.ip ?? '' };
    const gate = await deps.passwordThrottle.check(subject);
    if (!gate.allowed) {
      throw new TwofoldError('locked_out', 'too many wrong passwords: wait before trying again', {
        retryAfter: gate.retryAfter,
      });
    }
    if (!(await deps.users.checkCurrentPassword(tenant.id, user.id, input.currentPassword))) {
      await deps.passwordThrottle.recordFailure(subject);
      throw new TwofoldError('password_incorrect', 'currentPassword: that is not your current password');
    }
  }
  deps.passwords.checkPassword(input.newPassword);
  const passwordHash = await deps.passwords.hash(input.newPassword);
  const ended = await deps.db.transaction().execute((trx) =>
    applyNewPassword(deps, trx, {
      tenant,
      user,
      passwordHash,
      actor: me.actor,
      how: 'change',
      keepSessionId: session.id,
    }),
  );
  return { revokedSessions: ended.revokedSessions, revokedPasses: ended.revokedPasses };
}
