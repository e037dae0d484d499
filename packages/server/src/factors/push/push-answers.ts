/**
 * Answers to pushes: approve (with the number the sign-in page shows), deny, or report, each once
 * by a conditional UPDATE on the push's status, so two answers, on one instance or several, give
 * exactly one result. A report blocks push for the user until an admin clears it, ends the
 * sign-in, audits `push.report` and emails the tenant's global admins, in one transaction.
 */
import { TwofoldError } from '@twofold/core';
import type { Executor } from '../../audit/audit-log.js';
import { enqueueAdminNotices } from '../../courier/admin-notices.js';
import type { PushChallenges } from './push-challenges.js';
import type { ChallengeRow, PushDecision, PushDevice, PushParts } from './push-types.js';

export function createPushAnswers(deps: PushParts & { readonly challenges: PushChallenges }) {
  const { db, clock, audit, courier, tenants, users, signIns, publicUrl, challenges } = deps;
  const { logOutcome, wake, expire } = challenges;

  /** Sets the status of a pending, unexpired push; false when it was answered or expired first. */
  async function settle(
    executor: Executor,
    row: ChallengeRow,
    device: PushDevice,
    status: 'approved' | 'denied' | 'reported',
    now: number,
    statusReason?: string,
  ): Promise<boolean> {
    const updated = await executor
      .updateTable('push_challenges')
      .set({
        status,
        status_reason: statusReason ?? null,
        device_id: device.id,
        answered_at: now,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .returning('id')
      .executeTakeFirst();
    return updated !== undefined;
  }

  /** Why a push cannot be answered any more (after a lost compare-and-set, or before trying). */
  async function refusal(challengeId: string, now: number): Promise<TwofoldError> {
    const row = await db
      .selectFrom('push_challenges')
      .selectAll()
      .where('id', '=', challengeId)
      .executeTakeFirst();
    if (!row) return new TwofoldError('push_challenge_not_found', 'no such push for this device');
    if (row.status === 'pending' && row.expires_at <= now) await expire(row, now);
    if (row.status === 'approved' || row.status === 'denied' || row.status === 'reported') {
      return new TwofoldError('push_already_answered', `this push was already answered (${row.status})`, {
        status: row.status,
      });
    }
    return new TwofoldError(
      'push_expired',
      'this push has expired (2 minutes) or its sign-in sent a newer one; nothing to answer',
    );
  }

  async function report(row: ChallengeRow, device: PushDevice, now: number): Promise<boolean> {
    const tenant = await tenants.getById(row.tenant_id);
    const user = await users.getById(row.tenant_id, row.user_id);
    const done = await db.transaction().execute(async (trx) => {
      if (!(await settle(trx, row, device, 'reported', now))) return false;
      // Push stays off for the user until an admin clears it (the earliest report is kept).
      await users.blockPush(trx, row.tenant_id, row.user_id, now);
      // Nothing else of the user's may be approved now; the reported sign-in ends.
      await trx
        .updateTable('push_challenges')
        .set({ status: 'cancelled', answered_at: now })
        .where('tenant_id', '=', row.tenant_id)
        .where('user_id', '=', row.user_id)
        .where('status', '=', 'pending')
        .execute();
      if (row.flow_id_hash) await signIns.fail(row.flow_id_hash, trx);
      const admins = await users.listAdmins(row.tenant_id, { roles: ['global-admin'], executor: trx });
      const notice = {
        tenant: tenant.name,
        email: user.email,
        when: new Date(now),
        device: device.name,
        ip: row.ip ?? 'unknown',
        application: row.application,
        adminUrl: `${publicUrl}/t/${tenant.slug}/admin`,
      };
      await enqueueAdminNotices(courier, trx, {
        tenantId: row.tenant_id,
        tenantLocale: tenant.policy.defaultLocale,
        admins,
        message: 'email.pushReport',
        values: () => notice,
      });
      await audit.record(
        {
          tenantId: row.tenant_id,
          actor: { type: 'user', id: row.user_id },
          action: 'push.report',
          target: { type: 'user', id: row.user_id },
          details: {
            challengeId: row.id,
            deviceId: device.id,
            methodId: row.method_id,
            ip: row.ip,
            notified: admins.map((a) => a.email),
          },
        },
        trx,
      );
      return true;
    });
    return done;
  }

  /**
   * Answers a push of the device's method, once. Throws push_challenge_not_found (not this
   * device's), push_already_answered, push_expired, push_number_mismatch (the push is denied),
   * validation_failed (approve without a number).
   */
  async function answer(
    device: PushDevice,
    challengeId: string,
    input: { decision: PushDecision; number?: number | undefined },
  ): Promise<{ status: 'approved' | 'denied' | 'reported' }> {
    const row =
      challengeId.length <= 100
        ? await db
            .selectFrom('push_challenges')
            .selectAll()
            .where('id', '=', challengeId)
            .where('tenant_id', '=', device.tenantId)
            .where('user_id', '=', device.userId)
            .where('method_id', '=', device.methodId)
            .where('created_at', '>=', device.createdAt)
            .executeTakeFirst()
        : undefined;
    if (!row) throw new TwofoldError('push_challenge_not_found', 'no such push for this device');
    const now = clock.now();
    if (row.status !== 'pending' || row.expires_at <= now) throw await refusal(row.id, now);

    switch (input.decision) {
      case 'approve': {
        if (input.number === undefined) {
          throw new TwofoldError('validation_failed', 'number: required to approve', {
            errors: [{ path: 'body/number', message: 'is required to approve' }],
          });
        }
        if (input.number !== row.number) {
          // A wrong number is not a second try: the push is denied and the sign-in must send a new one.
          if (!(await settle(db, row, device, 'denied', now, 'number_mismatch')))
            throw await refusal(row.id, now);
          await logOutcome(row, 'push_denied', { numberMismatch: true, deviceId: device.id });
          wake(row);
          throw new TwofoldError(
            'push_number_mismatch',
            'that is not the number the sign-in page shows; this push is denied, start a new one',
          );
        }
        if (!(await settle(db, row, device, 'approved', now))) throw await refusal(row.id, now);
        wake(row);
        return { status: 'approved' };
      }
      case 'deny': {
        if (!(await settle(db, row, device, 'denied', now, 'device'))) throw await refusal(row.id, now);
        await logOutcome(row, 'push_denied', { deviceId: device.id });
        wake(row);
        return { status: 'denied' };
      }
      case 'report': {
        if (!(await report(row, device, now))) throw await refusal(row.id, now);
        await logOutcome(row, 'push_reported', { deviceId: device.id });
        wake(row);
        return { status: 'reported' };
      }
      default:
        throw new TwofoldError('validation_failed', 'decision: approve, deny or report');
    }
  }

  return { answer };
}
