/**
 * Break-glass recovery (spec flow 3): when every admin of a tenant is locked out, the operator,
 * on the host with database access only, issues one of them a one-time Temporary Access Pass of at
 * most 60 minutes. It needs a reason, is audited as an operator action, and every other admin of
 * the tenant is told by email, so a recovery can never happen quietly. First it ends the admin's
 * methods, recovery codes, sessions and older pass as "require re-registration" does (spec
 * section 6), so the new pass leads straight to registration; the pass it issues comes after.
 */
import { hostname, userInfo } from 'node:os';
import { TwofoldError } from '@twofold/core';
import { operatorActor } from '../../audit/audit-log.js';
import { enqueueAdminNotices } from '../../courier/admin-notices.js';
import { lockStateOf } from '../../users/mfa-lockout.js';
import { type AdminFlowDeps, checkReason } from './deps.js';
import { type ReregistrationResult, reregister } from './require-reregistration.js';

export const breakGlassMaxMinutes = 60;

export interface RecoverAdminInput {
  readonly tenantSlug: string;
  readonly email: string;
  readonly reason: string;
  readonly minutes?: number;
  readonly publicUrl: string;
}

export interface RecoveredAdmin {
  readonly tenant: string;
  readonly email: string;
  readonly userId: string;
  readonly pass: string;
  readonly expiresAt: number;
  readonly signInUrl: string;
  /** The other admins who were told (their email addresses). */
  readonly notified: string[];
  /** What ended before the pass was issued (as "require re-registration" reports it). */
  readonly ended: ReregistrationResult;
}

/** Who ran the command, for the audit log: the host and the shell user. */
function operatorContext(): { host: string; osUser: string } {
  let osUser = 'unknown';
  try {
    osUser = userInfo().username;
  } catch {
    // No passwd entry (some containers): the host name alone still says where it ran.
  }
  return { host: hostname(), osUser };
}

export async function recoverAdmin(deps: AdminFlowDeps, input: RecoverAdminInput): Promise<RecoveredAdmin> {
  const { db, clock, audit, tenants, users, passes, courier } = deps;
  const reason = checkReason(input.reason);
  const minutes = input.minutes ?? breakGlassMaxMinutes;
  if (!Number.isInteger(minutes) || minutes < 10 || minutes > breakGlassMaxMinutes) {
    throw new TwofoldError(
      'validation_failed',
      `--minutes: a break-glass pass lasts 10 to ${breakGlassMaxMinutes} minutes, got ${minutes}`,
    );
  }
  const tenant = await tenants.getBySlug(input.tenantSlug);
  const user = await users.findByEmail(tenant.id, input.email);
  if (!user) throw new TwofoldError('user_not_found', `no user '${input.email}' in tenant '${tenant.slug}'`);
  if (user.roles.length === 0) {
    throw new TwofoldError(
      'forbidden',
      `${user.email} is not an admin of '${tenant.slug}'; recover-admin is only for admins (an admin can issue a pass to anyone else)`,
    );
  }
  if (user.disabled) {
    throw new TwofoldError('user_disabled', `${user.email} is disabled; a pass would not let them in`);
  }
  const otherAdmins = await users.listAdmins(tenant.id, { exceptUserId: user.id });
  // The email says every admin was locked out only when it was so: each other admin's second-factor
  // sign-in is locked (or there is no other admin); otherwise it asks why the operator was needed.
  const now = clock.now();
  const everyAdminLocked = (
    await Promise.all(otherAdmins.map((admin) => users.getById(tenant.id, admin.id)))
  ).every((admin) => lockStateOf(admin.mfaFailures, admin.mfaLockedUntil, now).locked);
  const operator = operatorContext();
  const signInUrl = `${input.publicUrl}/t/${tenant.slug}/sign-in`;
  const { issued, ended } = await db.transaction().execute(async (trx) => {
    // Before the pass: re-registration ends passes too, and must not end the one issued here.
    const ended = await reregister(deps, trx, {
      tenantId: tenant.id,
      userId: user.id,
      actor: operatorActor,
      reason,
    });
    const pass = await passes.issue(
      {
        tenantId: tenant.id,
        userId: user.id,
        lifetimeMinutes: minutes,
        reusable: false,
        reason,
        issuerRole: 'operator',
      },
      operatorActor,
      trx,
    );
    const notice = {
      tenant: tenant.name,
      email: user.email,
      when: new Date(clock.now()),
      osUser: operator.osUser,
      host: operator.host,
      minutes,
      reason,
      everyAdminLocked: everyAdminLocked ? 'yes' : 'no',
      adminUrl: `${input.publicUrl}/t/${tenant.slug}/admin`,
    };
    await enqueueAdminNotices(courier, trx, {
      tenantId: tenant.id,
      tenantLocale: tenant.policy.defaultLocale,
      admins: otherAdmins,
      message: 'email.breakGlass',
      values: () => notice,
    });
    await audit.record(
      {
        tenantId: tenant.id,
        actor: operatorActor,
        action: 'break_glass.recover_admin',
        target: { type: 'user', id: user.id },
        reason,
        details: {
          email: user.email,
          roles: user.roles,
          lifetimeMinutes: minutes,
          expiresAt: pass.expiresAt,
          notified: otherAdmins.map((a) => a.email),
          ended,
          ...operator,
        },
      },
      trx,
    );
    return { issued: pass, ended };
  });
  return {
    tenant: tenant.slug,
    email: user.email,
    userId: user.id,
    pass: issued.pass,
    expiresAt: issued.expiresAt,
    signInUrl,
    notified: otherAdmins.map((a) => a.email),
    ended,
  };
}

export type BreakGlass = { recoverAdmin(input: RecoverAdminInput): Promise<RecoveredAdmin> };
