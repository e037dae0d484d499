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
    const when = new Date(clock.now()).toISOString();
    for (const admin of otherAdmins) {
      await courier.enqueue(
        {
          tenantId: tenant.id,
          channel: 'email',
          to: admin.email,
          purpose: 'admin_notice',
          subject: `[${tenant.name}] Break-glass recovery of admin ${user.email}`,
          text: [
            `Hello ${admin.displayName},`,
            '',
            `At ${when} the operator of this Twofold deployment (${operator.osUser} on ${operator.host}) issued`,
            `a one-time Temporary Access Pass, valid ${minutes} minutes, to the admin ${user.email}`,
            `of '${tenant.name}', because every admin was locked out. The admin's methods, recovery codes`,
            'and sessions were ended: they register new methods with the pass.',
            '',
            `Reason given: ${reason}`,
            '',
            'If you did not expect this, review the audit log in the admin console now',
            `(${input.publicUrl}/t/${tenant.slug}/admin) and contact your operator.`,
          ].join('\n'),
        },
        trx,
      );
    }
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
