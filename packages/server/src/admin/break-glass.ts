/**
 * Break-glass recovery (spec flow 3): when every admin of a tenant is locked out, the operator,
 * on the host with database access only, issues one of them a one-time Temporary Access Pass of at
 * most 60 minutes. It needs a reason, is audited as an operator action, and every other admin of
 * the tenant is told by email, so a recovery can never happen quietly.
 */
import { hostname, userInfo } from 'node:os';
import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import { type AuditLog, operatorActor } from '../audit/audit-log.js';
import type { Courier } from '../courier/courier.js';
import { adminNotice } from '../i18n/server-texts.js';
import type { TemporaryAccessPassService } from '../passes/temporary-access-pass-service.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { UserService } from '../users/user-service.js';
import { checkReason } from './admin-actions.js';

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

export function createBreakGlass(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  tenants: TenantService;
  users: UserService;
  passes: TemporaryAccessPassService;
  courier: Pick<Courier, 'enqueue'>;
}) {
  const { db, clock, audit, tenants, users, passes, courier } = deps;
  return {
    async recoverAdmin(input: RecoverAdminInput): Promise<RecoveredAdmin> {
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
      if (!user)
        throw new TwofoldError('user_not_found', `no user '${input.email}' in tenant '${tenant.slug}'`);
      if (user.roles.length === 0) {
        throw new TwofoldError(
          'forbidden',
          `${user.email} is not an admin of '${tenant.slug}'; recover-admin is only for admins (an admin can issue a pass to anyone else)`,
        );
      }
      if (user.disabled) {
        throw new TwofoldError('user_disabled', `${user.email} is disabled; a pass would not let them in`);
      }
      const otherAdmins = await listOtherAdmins(db, tenant.id, user.id);
      const operator = operatorContext();
      const signInUrl = `${input.publicUrl}/t/${tenant.slug}/sign-in`;
      const issued = await db.transaction().execute(async (trx) => {
        const pass = await passes.issue(
          { tenantId: tenant.id, userId: user.id, lifetimeMinutes: minutes, reusable: false, reason },
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
          adminUrl: `${input.publicUrl}/t/${tenant.slug}/admin`,
        };
        for (const admin of otherAdmins) {
          await courier.enqueue(
            {
              tenantId: tenant.id,
              channel: 'email',
              purpose: 'admin_notice',
              ...adminNotice(admin, tenant.policy.defaultLocale, 'email.breakGlass', notice),
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
              ...operator,
            },
          },
          trx,
        );
        return pass;
      });
      return {
        tenant: tenant.slug,
        email: user.email,
        userId: user.id,
        pass: issued.pass,
        expiresAt: issued.expiresAt,
        signInUrl,
        notified: otherAdmins.map((a) => a.email),
      };
    },
  };
}

/** Every active admin of the tenant but one, whatever their role. */
async function listOtherAdmins(db: Kysely<Database>, tenantId: string, exceptUserId: string) {
  return db
    .selectFrom('users')
    .where('users.tenant_id', '=', tenantId)
    .where('users.id', '!=', exceptUserId)
    .where('users.disabled', '=', 0)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('user_roles').select('user_roles.role').whereRef('user_roles.user_id', '=', 'users.id'),
      ),
    )
    .select(['users.email', 'users.display_name as displayName', 'users.locale'])
    .orderBy('users.email')
    .execute();
}

export type BreakGlass = ReturnType<typeof createBreakGlass>;
