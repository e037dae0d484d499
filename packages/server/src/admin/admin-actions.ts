/**
 * Admin actions on a user that span several tables and must happen as one: "require
 * re-registration" (spec flow 2) above all. Each runs in one transaction with its audit event, so
 * it happens entirely, audited, or not at all.
 */
import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import { revokeApplicationGrants } from '../oidc/account-hash.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';

/** Method types that "require re-registration" deletes; hardware tokens are deactivated instead. */
export const reregistrationDeletes = ['authenticator', 'totp', 'sms'] as const;

export interface ReregistrationResult {
  readonly deletedMethods: number;
  readonly disabledHardwareTokens: number;
  readonly revokedSessions: number;
}

export interface PassState {
  readonly expiresAt: number;
  readonly reusable: boolean;
  readonly used: boolean;
}

export interface AdminActions {
  /**
   * Deletes the user's authenticator, TOTP and SMS methods (and with them their push
   * registrations), deactivates their hardware tokens, revokes every session, ends sign-ins in
   * progress, and makes the next sign-in start registration. Passwords, email methods and recovery
   * codes stay. One transaction; audited with the reason. Throws user_not_found.
   */
  requireReregistration(
    tenantId: string,
    userId: string,
    reason: string,
    actor: Actor,
  ): Promise<ReregistrationResult>;
  /** Lets push approvals reach the user again after they reported one. Audited. */
  clearPushBlock(tenantId: string, userId: string, actor: Actor, reason?: string): Promise<boolean>;
  /** Sets a method's recorded clock drift back to zero (a device whose clock was fixed). Audited. */
  resetDrift(
    tenantId: string,
    userId: string,
    methodId: string,
    actor: Actor,
    reason?: string,
  ): Promise<void>;
  /** The user's current pass, if any (its secret is never kept). */
  passState(tenantId: string, userId: string): Promise<PassState | null>;
  /** Sessions not revoked and not yet expired. */
  activeSessionCount(tenantId: string, userId: string): Promise<number>;
}

export function checkReason(reason: string | undefined): string {
  const text = reason?.normalize('NFC').trim() ?? '';
  if (text.length === 0)
    throw new TwofoldError('validation_failed', 'reason: say why, for the audit log', {
      errors: [{ path: 'body/reason', message: 'is required' }],
    });
  if (text.length > 500) throw new TwofoldError('validation_failed', 'reason: at most 500 characters');
  return text;
}

export function createAdminActions(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
}): AdminActions {
  const { db, clock, audit } = deps;

  function userNotFound() {
    return new TwofoldError('user_not_found', 'no such user in this tenant');
  }

  return {
    async requireReregistration(tenantId, userId, reason, actor) {
      const why = checkReason(reason);
      return db.transaction().execute(async (trx) => {
        const now = clock.now();
        const user = await trx
          .updateTable('users')
          .set({ registration_required: 1, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', userId)
          .returning('id')
          .executeTakeFirst();
        if (!user) throw userNotFound();
        const deleted = await trx
          .deleteFrom('methods')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('type', 'in', [...reregistrationDeletes])
          .returning(['id', 'type'])
          .execute();
        const disabled = await trx
          .updateTable('methods')
          .set({ status: 'disabled', is_default: 0, updated_at: now })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('type', '=', 'hardware_oath')
          .where('status', '!=', 'disabled')
          .returning('id')
          .execute();
        const revoked = await trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .returning('id')
          .execute();
        // Applications signed in through OpenID Connect lose their grants and tokens with the sessions.
        await revokeApplicationGrants(trx, tenantId, userId);
        // A sign-in that already passed the password must not finish with the old methods.
        await trx
          .deleteFrom('sign_in_flows')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('completed_at', 'is', null)
          .execute();
        const result = {
          deletedMethods: deleted.length,
          disabledHardwareTokens: disabled.length,
          revokedSessions: revoked.length,
        };
        await audit.record(
          {
            tenantId,
            actor,
            action: 'user.require_reregistration',
            target: { type: 'user', id: userId },
            reason: why,
            details: { ...result, deletedMethodTypes: deleted.map((m) => m.type) },
          },
          trx,
        );
        return result;
      });
    },

    async clearPushBlock(tenantId, userId, actor, reason) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('users')
          .select(['id', 'push_blocked_at'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', userId)
          .executeTakeFirst();
        if (!row) throw userNotFound();
        if (row.push_blocked_at === null) return false;
        await trx
          .updateTable('users')
          .set({ push_blocked_at: null, updated_at: clock.now() })
          .where('id', '=', userId)
          .execute();
        await audit.record(
          {
            tenantId,
            actor,
            action: 'push.unblock',
            target: { type: 'user', id: userId },
            ...(reason ? { reason } : {}),
            details: { blockedAt: row.push_blocked_at },
          },
          trx,
        );
        return true;
      });
    },

    async resetDrift(tenantId, userId, methodId, actor, reason) {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('methods')
          .set({ drift_steps: 0, skew_step: null, skew_offset: null, updated_at: clock.now() })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('id', '=', methodId)
          .where('type', 'in', ['authenticator', 'totp', 'hardware_oath'])
          .returning(['id', 'type'])
          .executeTakeFirst();
        if (!row) throw new TwofoldError('method_not_found', 'no such code method for this user');
        await audit.record(
          {
            tenantId,
            actor,
            action: 'method.reset_drift',
            target: { type: 'method', id: methodId },
            ...(reason ? { reason } : {}),
            details: { userId, type: row.type },
          },
          trx,
        );
      });
    },

    async passState(tenantId, userId) {
      const row = await db
        .selectFrom('temporary_access_passes')
        .select(['expires_at', 'reusable', 'used_at'])
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return null;
      return { expiresAt: row.expires_at, reusable: row.reusable === 1, used: row.used_at !== null };
    },

    async activeSessionCount(tenantId, userId) {
      const now = clock.now();
      const row = await db
        .selectFrom('sessions')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('idle_expires_at', '>', now)
        .where('absolute_expires_at', '>', now)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
