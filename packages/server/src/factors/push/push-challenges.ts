/**
 * Pushes of sign-ins: who can be pushed, starting a push within the MFA-fatigue limits, the
 * device's view of what waits for it, and the sign-in's view of the outcome (long-polls woken by
 * the notifier, with the database re-read as fallback).
 */
import { randomInt } from 'node:crypto';
import { TwofoldError } from '@twofold/core';
import { generateId } from '../../platform/ids.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { flowTopic, methodTopic, waitFor } from './push-notifier.js';
import {
  type ChallengeRow,
  type DeviceChallenge,
  maxPendingPushesPerUser,
  maxPushesPerHour,
  type PushDevice,
  type PushOutcome,
  type PushParts,
  type PushTarget,
  pushLifetimeMs,
  pushWindowMs,
  type StartedPush,
  signInApplication,
} from './push-types.js';

export function createPushChallenges(deps: PushParts) {
  const { db, clock, tenants, users, signInLog, notifier } = deps;

  async function logOutcome(
    row: ChallengeRow,
    reason: 'push_denied' | 'push_reported' | 'push_timeout',
    details?: Record<string, unknown>,
  ): Promise<void> {
    const user = await users.getById(row.tenant_id, row.user_id);
    await signInLog.record({
      tenantId: row.tenant_id,
      userId: row.user_id,
      username: user.email,
      result: 'failure',
      reason,
      methodType: 'push',
      methodId: row.method_id,
      ip: row.ip ?? undefined,
      userAgent: row.user_agent ?? undefined,
      details: { challengeId: row.id, ...details },
    });
  }

  function wake(row: Pick<ChallengeRow, 'method_id' | 'flow_id_hash'>): void {
    notifier.notify(methodTopic(row.method_id));
    if (row.flow_id_hash) notifier.notify(flowTopic(row.flow_id_hash));
  }

  /** Marks a pending push whose 2 minutes are over as expired, once (logged as push_timeout). */
  async function expire(row: ChallengeRow, now: number): Promise<void> {
    const expired = await db
      .updateTable('push_challenges')
      .set({ status: 'expired' })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('expires_at', '<=', now)
      .returning('id')
      .executeTakeFirst();
    if (!expired) return;
    await logOutcome(row, 'push_timeout');
    wake(row);
  }

  function toDeviceChallenge(row: ChallengeRow, tenant: Tenant): DeviceChallenge {
    return {
      id: row.id,
      tenant: tenant.slug,
      tenantName: tenant.name,
      application: row.application,
      ip: row.ip,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async function pendingFor(device: PushDevice): Promise<DeviceChallenge[]> {
    const now = clock.now();
    const rows = await db
      .selectFrom('push_challenges')
      .selectAll()
      .where('tenant_id', '=', device.tenantId)
      .where('user_id', '=', device.userId)
      .where('method_id', '=', device.methodId)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      // Challenges from before the device was activated are not its to answer.
      .where('created_at', '>=', device.createdAt)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    if (rows.length === 0) return [];
    const tenant = await tenants.getById(device.tenantId);
    return rows.map((row) => toDeviceChallenge(row, tenant));
  }

  async function newestForFlow(tenantId: string, flowIdHash: string): Promise<ChallengeRow | undefined> {
    return db
      .selectFrom('push_challenges')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('flow_id_hash', '=', flowIdHash)
      .where('replaced_at', 'is', null)
      .executeTakeFirst();
  }

  /** The device's pending pushes: at once when there are some, else when one starts, else [] after waitMs. */
  async function waitForChallenges(
    device: PushDevice,
    options: { waitMs: number; signal?: AbortSignal | undefined },
  ): Promise<DeviceChallenge[]> {
    const found = await waitFor(
      notifier,
      [methodTopic(device.methodId)],
      async () => {
        const pending = await pendingFor(device);
        return pending.length > 0 ? pending : undefined;
      },
      options,
    );
    return found ?? [];
  }

  /**
   * The authenticator methods of the user that push can reach now: active, with an active
   * device; none while the user's push is blocked or the user is disabled.
   */
  async function targets(tenantId: string, userId: string): Promise<PushTarget[]> {
    const rows = await db
      .selectFrom('push_devices')
      .innerJoin('methods', 'methods.id', 'push_devices.method_id')
      .innerJoin('users', 'users.id', 'push_devices.user_id')
      .select(['push_devices.method_id as methodId', 'push_devices.name as name'])
      .where('push_devices.tenant_id', '=', tenantId)
      .where('push_devices.user_id', '=', userId)
      .where('push_devices.revoked_at', 'is', null)
      .where('methods.type', '=', 'authenticator')
      .where('methods.status', '=', 'active')
      .where('users.push_blocked_at', 'is', null)
      .where('users.disabled', '=', 0)
      .orderBy('push_devices.created_at', 'desc')
      .orderBy('push_devices.id', 'desc')
      .execute();
    const seen = new Map<string, string>();
    for (const row of rows) if (!seen.has(row.methodId)) seen.set(row.methodId, row.name);
    return [...seen].map(([methodId, deviceName]) => ({ methodId, deviceName }));
  }

  /**
   * Starts a push of a sign-in to one of the user's authenticator methods (which the caller
   * checked is a target). An older pending push of the same sign-in is cancelled. Throws
   * send_limited (with retryAfter) past 3 pending pushes or 10 an hour for the user.
   */
  async function start(input: {
    tenantId: string;
    userId: string;
    methodId: string;
    flowIdHash: string;
    ip?: string | undefined;
    userAgent?: string | undefined;
    application?: string;
  }): Promise<StartedPush> {
    const now = clock.now();
    const id = generateId(now);
    const number = randomInt(10, 100);
    const expiresAt = now + pushLifetimeMs;
    await db.transaction().execute(async (trx) => {
      // Lock the user's row (a no-op UPDATE): pushes of one user are counted one at a time,
      // across instances, so a burst cannot pass the limits between count and insert.
      const locked = await users.lockForUpdate(trx, input.tenantId, input.userId);
      if (!locked) throw new TwofoldError('user_not_found', 'no such user in this tenant');
      // The sign-in's older pushes are replaced: a pending one can no longer be answered.
      await trx
        .updateTable('push_challenges')
        .set({ status: 'cancelled', answered_at: now })
        .where('flow_id_hash', '=', input.flowIdHash)
        .where('status', '=', 'pending')
        .execute();
      await trx
        .updateTable('push_challenges')
        .set({ replaced_at: now })
        .where('flow_id_hash', '=', input.flowIdHash)
        .where('replaced_at', 'is', null)
        .execute();
      const recent = await trx
        .selectFrom('push_challenges')
        .select(['status', 'created_at', 'expires_at'])
        .where('tenant_id', '=', input.tenantId)
        .where('user_id', '=', input.userId)
        .where('created_at', '>', now - pushWindowMs)
        .orderBy('created_at')
        .execute();
      const pending = recent.filter((c) => c.status === 'pending' && c.expires_at > now);
      const oldestPending = pending[0];
      if (pending.length >= maxPendingPushesPerUser && oldestPending) {
        throw new TwofoldError(
          'send_limited',
          `${maxPendingPushesPerUser} push requests are waiting already; answer one or wait for them to expire`,
          {
            retryAfter: Math.max(1, Math.ceil((oldestPending.expires_at - now) / 1000)),
            scope: 'push_pending',
          },
        );
      }
      const oldest = recent[0];
      if (recent.length >= maxPushesPerHour && oldest) {
        throw new TwofoldError(
          'send_limited',
          `at most ${maxPushesPerHour} push requests an hour; use another method or wait`,
          {
            retryAfter: Math.max(1, Math.ceil((oldest.created_at + pushWindowMs - now) / 1000)),
            scope: 'push_hourly',
          },
        );
      }
      await trx
        .insertInto('push_challenges')
        .values({
          id,
          tenant_id: input.tenantId,
          user_id: input.userId,
          method_id: input.methodId,
          flow_id_hash: input.flowIdHash,
          number,
          application: input.application ?? signInApplication,
          ip: input.ip ?? null,
          user_agent: input.userAgent?.slice(0, 512) ?? null,
          status: 'pending',
          status_reason: null,
          device_id: null,
          replaced_at: null,
          answered_at: null,
          created_at: now,
          expires_at: expiresAt,
        })
        .execute();
    });
    notifier.notify(methodTopic(input.methodId));
    return { challengeId: id, number, expiresAt };
  }

  /**
   * The outcome of a sign-in's newest push, waiting up to `waitMs` while it is pending; undefined
   * when the sign-in sent none. A push past its 2 minutes is expired (and logged push_timeout) here.
   */
  async function outcome(
    tenantId: string,
    flowIdHash: string,
    options: { waitMs: number; signal?: AbortSignal | undefined },
  ): Promise<PushOutcome | undefined> {
    let sent = false;
    const settled = await waitFor(
      notifier,
      [flowTopic(flowIdHash)],
      async () => {
        const row = await newestForFlow(tenantId, flowIdHash);
        if (!row) return undefined;
        sent = true;
        const now = clock.now();
        if (row.status === 'pending' && row.expires_at <= now) {
          await expire(row, now);
          return { ...row, status: 'expired' };
        }
        return row.status === 'pending' ? undefined : row;
      },
      options,
    );
    const row = settled ?? (sent ? await newestForFlow(tenantId, flowIdHash) : undefined);
    if (!row) return undefined;
    const status = row.status === 'cancelled' ? 'expired' : (row.status as PushOutcome['status']);
    return { challengeId: row.id, methodId: row.method_id, status, deviceId: row.device_id };
  }

  return { logOutcome, wake, expire, pendingFor, waitForChallenges, targets, start, outcome };
}

export type PushChallenges = ReturnType<typeof createPushChallenges>;
