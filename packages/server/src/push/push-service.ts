/**
 * Push approvals with number matching (spec section 2; the device's side of the protocol is in
 * device-signature.ts and http/routes/devices.ts).
 *
 * - Activation: the `twofold_push` token of an authenticator method's URI is spent once (a
 *   conditional UPDATE clears its hash) to register a device's ECDSA P-256 public key.
 * - A push is a row in `push_challenges`: a 2-digit number from the CSPRNG, shown on the sign-in
 *   page (never sent to the device), 2 minutes to live, answered once by a conditional UPDATE on
 *   its status, so two answers, on one instance or several, give exactly one result.
 * - The device proves each request with its key (device-signature.ts); an approval must carry the
 *   number the page shows, and a wrong number denies the push.
 * - "Report" denies it, blocks push for the user until an admin clears it (`users.push_blocked_at`),
 *   ends the sign-in, audits `push.report` and emails the tenant's global admins, in one transaction.
 * - MFA fatigue: at most 3 pending pushes per user and 10 per hour, counted in the table while the
 *   user's row is locked, so bursts on several instances cannot slip past.
 * - Devices and sign-in pages wait in long-polls woken by the notifier (in-process, and on
 *   PostgreSQL across instances by LISTEN/NOTIFY, postgres-notifier.ts) and by a database re-check
 *   every 500 ms for whatever a notification missed.
 */
import { randomInt } from 'node:crypto';
import { TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import type { Courier } from '../courier/courier.js';
import type { FlowSignInLog } from '../flows/sign-in-flow-deps.js';
import { adminNotice } from '../i18n/server-texts.js';
import { maskEmail } from '../methods/message-codes/destination.js';
import type { Clock } from '../platform/clock.js';
import { hashToken } from '../platform/crypto/tokens.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';
import type { Tenant, TenantService } from '../tenants/tenant-service.js';
import type { UserService } from '../users/user-service.js';
import {
  checkDevicePublicKey,
  checkDeviceSignature,
  type DevicePublicKey,
  importDeviceKey,
  type SignedRequest,
} from './device-signature.js';
import { createPushNotifier, flowTopic, methodTopic, type PushNotifier, waitFor } from './push-notifier.js';

/** A push lives 2 minutes (spec section 2). */
export const pushLifetimeMs = 2 * 60_000;
/** MFA fatigue: pushes per user waiting at once, and started per hour. */
export const maxPendingPushesPerUser = 3;
export const maxPushesPerHour = 10;
export const pushWindowMs = 60 * 60_000;
/** Long-polls: `wait` in seconds. */
export const maxPushWaitSeconds = 30;
export const defaultPushWaitSeconds = 25;
/** A device's `last_seen_at` is written at most this often. */
const lastSeenWriteIntervalMs = 60_000;
export const maxDeviceNameLength = 64;
/** The application a sign-in push names (an OIDC client's name later). */
export const signInApplication = 'Twofold sign-in';

const activationTokenPattern = /^tfp_[A-Za-z0-9_-]{43}$/;

export type PushDecision = 'approve' | 'deny' | 'report';
export type PushStatus = 'pending' | 'approved' | 'denied' | 'reported' | 'expired' | 'cancelled';

export interface PushDevice {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly methodId: string;
  readonly name: string;
  readonly createdAt: number;
}

export interface ActivatedDevice {
  readonly deviceId: string;
  /** Masked, as `a•••@example.com`: the device shows whose account it now approves for. */
  readonly userEmail: string;
  readonly tenant: string;
  readonly tenantName: string;
}

/** What a device sees of a push: enough to recognise the sign-in, never the number. */
export interface DeviceChallenge {
  readonly id: string;
  readonly tenant: string;
  readonly tenantName: string;
  readonly application: string;
  readonly ip: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface StartedPush {
  readonly challengeId: string;
  readonly number: number;
  readonly expiresAt: number;
}

/** The outcome of a sign-in's newest push. */
export interface PushOutcome {
  readonly challengeId: string;
  readonly methodId: string;
  readonly status: Exclude<PushStatus, 'cancelled'>;
  readonly deviceId: string | null;
}

/** The authenticator methods a user can be pushed on now, with the newest device of each. */
export interface PushTarget {
  readonly methodId: string;
  readonly deviceName: string;
}

type ChallengeRow = Selectable<Database['push_challenges']>;
type DeviceRow = Selectable<Database['push_devices']>;

export interface PushServiceDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly courier: Pick<Courier, 'enqueue'>;
  readonly tenants: Pick<TenantService, 'getById'>;
  readonly users: Pick<UserService, 'getById'>;
  readonly signInLog: FlowSignInLog;
  /** TWOFOLD_PUBLIC_URL, for the link to the console in the admins' email. */
  readonly publicUrl: string;
  /** Shared by the services of one instance; a fresh one by default. */
  readonly notifier?: PushNotifier;
}

function signatureInvalid(): TwofoldError {
  return new TwofoldError(
    'device_signature_invalid',
    'this request is not signed by an active device of this tenant (or its clock is more than 5 minutes off)',
  );
}

function activationInvalid(
  message = 'this push activation token is unknown or was already used',
): TwofoldError {
  return new TwofoldError('push_activation_invalid', message);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/u;

/** "Ann's laptop (CLI)": trimmed, at most 64 characters, no control characters. */
export function checkDeviceName(name: string): string {
  const cleaned = name.normalize('NFC').trim();
  if (cleaned === '' || cleaned.length > maxDeviceNameLength || controlCharacters.test(cleaned)) {
    throw new TwofoldError(
      'validation_failed',
      `name: 1 to ${maxDeviceNameLength} characters, without control characters`,
      { errors: [{ path: 'body/name', message: 'is not a usable device name' }] },
    );
  }
  return cleaned;
}

function toDevice(row: DeviceRow): PushDevice {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    methodId: row.method_id,
    name: row.name,
    createdAt: row.created_at,
  };
}

export function createPushService(deps: PushServiceDeps) {
  const { db, clock, audit, courier, tenants, users, signInLog, publicUrl } = deps;
  const notifier = deps.notifier ?? createPushNotifier();

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

  async function globalAdmins(executor: Executor, tenantId: string) {
    return executor
      .selectFrom('users')
      .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
      .where('users.tenant_id', '=', tenantId)
      .where('user_roles.role', '=', 'global-admin')
      .where('users.disabled', '=', 0)
      .select(['users.email', 'users.display_name as displayName', 'users.locale'])
      .orderBy('users.email')
      .execute();
  }

  async function report(row: ChallengeRow, device: PushDevice, now: number): Promise<boolean> {
    const tenant = await tenants.getById(row.tenant_id);
    const user = await users.getById(row.tenant_id, row.user_id);
    const done = await db.transaction().execute(async (trx) => {
      if (!(await settle(trx, row, device, 'reported', now))) return false;
      // Push stays off for the user until an admin clears it (the earliest report is kept).
      await trx
        .updateTable('users')
        .set({ push_blocked_at: now, updated_at: now })
        .where('id', '=', row.user_id)
        .where('tenant_id', '=', row.tenant_id)
        .where('push_blocked_at', 'is', null)
        .execute();
      // Nothing else of the user's may be approved now; the reported sign-in ends.
      await trx
        .updateTable('push_challenges')
        .set({ status: 'cancelled', answered_at: now })
        .where('tenant_id', '=', row.tenant_id)
        .where('user_id', '=', row.user_id)
        .where('status', '=', 'pending')
        .execute();
      if (row.flow_id_hash) {
        await trx
          .updateTable('sign_in_flows')
          .set({ status: 'failed' })
          .where('id_hash', '=', row.flow_id_hash)
          .where('status', 'in', ['mfa_required', 'registration_required'])
          .execute();
      }
      const admins = await globalAdmins(trx, row.tenant_id);
      const notice = {
        tenant: tenant.name,
        email: user.email,
        when: new Date(now),
        device: device.name,
        ip: row.ip ?? 'unknown',
        application: row.application,
        adminUrl: `${publicUrl}/t/${tenant.slug}/admin`,
      };
      for (const admin of admins) {
        await courier.enqueue(
          {
            tenantId: row.tenant_id,
            channel: 'email',
            purpose: 'admin_notice',
            ...adminNotice(admin, tenant.policy.defaultLocale, 'email.pushReport', notice),
          },
          trx,
        );
      }
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

  async function loadDevice(tenantId: string, deviceId: string): Promise<DeviceRow | undefined> {
    if (deviceId.length > 100) return undefined;
    return db
      .selectFrom('push_devices')
      .innerJoin('methods', 'methods.id', 'push_devices.method_id')
      .innerJoin('users', 'users.id', 'push_devices.user_id')
      .selectAll('push_devices')
      .where('push_devices.id', '=', deviceId)
      .where('push_devices.tenant_id', '=', tenantId)
      .where('push_devices.revoked_at', 'is', null)
      .where('methods.type', '=', 'authenticator')
      .where('methods.status', 'in', ['pending', 'active'])
      .where('users.disabled', '=', 0)
      .executeTakeFirst();
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

  return {
    notifier,

    /**
     * Redeems an activation token (once) for a device key. The token must be an authenticator
     * method's of this tenant, pending or active. Throws push_activation_invalid. Audited.
     */
    async activate(
      tenant: Tenant,
      input: { activationToken: string; publicKey: Record<string, unknown>; name: string; ip?: string },
    ): Promise<ActivatedDevice> {
      if (!activationTokenPattern.test(input.activationToken)) throw activationInvalid();
      const publicKey: DevicePublicKey | undefined = checkDevicePublicKey(input.publicKey);
      if (!publicKey) {
        throw activationInvalid(
          'publicKey: an ECDSA P-256 public key as a JWK {kty: "EC", crv: "P-256", x, y} is needed',
        );
      }
      const name = checkDeviceName(input.name);
      const now = clock.now();
      const deviceId = generateId(now);
      const activated = await db.transaction().execute(async (trx) => {
        const method = await trx
          .updateTable('methods')
          .set({ push_activation_hash: null, updated_at: now })
          .where('push_activation_hash', '=', hashToken(input.activationToken))
          .where('tenant_id', '=', tenant.id)
          .where('type', '=', 'authenticator')
          .where('status', 'in', ['pending', 'active'])
          .returning(['id', 'user_id'])
          .executeTakeFirst();
        if (!method) return undefined;
        await trx
          .insertInto('push_devices')
          .values({
            id: deviceId,
            tenant_id: tenant.id,
            user_id: method.user_id,
            method_id: method.id,
            name,
            public_key: JSON.stringify(publicKey),
            created_at: now,
            last_seen_at: now,
            revoked_at: null,
          })
          .execute();
        await audit.record(
          {
            tenantId: tenant.id,
            actor: { type: 'user', id: method.user_id, ...(input.ip ? { ip: input.ip } : {}) },
            action: 'push.device_activate',
            target: { type: 'push_device', id: deviceId },
            details: { userId: method.user_id, methodId: method.id, name },
          },
          trx,
        );
        return method;
      });
      if (!activated) throw activationInvalid();
      const user = await users.getById(tenant.id, activated.user_id);
      return { deviceId, userEmail: maskEmail(user.email), tenant: tenant.slug, tenantName: tenant.name };
    },

    /**
     * The active device that signed this request, or device_signature_invalid (unknown, revoked or
     * another tenant's device, a bad signature, a timestamp more than 5 minutes off).
     */
    async authenticate(
      tenant: Tenant,
      deviceId: string | undefined,
      request: SignedRequest,
    ): Promise<PushDevice> {
      if (deviceId === undefined) throw signatureInvalid();
      const row = await loadDevice(tenant.id, deviceId);
      if (!row) throw signatureInvalid();
      const now = clock.now();
      let key: ReturnType<typeof importDeviceKey>;
      try {
        key = importDeviceKey(JSON.parse(row.public_key) as DevicePublicKey);
      } catch {
        throw signatureInvalid();
      }
      if (!checkDeviceSignature(key, request, now).ok) throw signatureInvalid();
      if (row.last_seen_at === null || now - row.last_seen_at >= lastSeenWriteIntervalMs) {
        await db.updateTable('push_devices').set({ last_seen_at: now }).where('id', '=', row.id).execute();
      }
      return toDevice(row);
    },

    /** The device's pending pushes now. */
    pendingFor,

    /** The device's pending pushes: at once when there are some, else when one starts, else [] after waitMs. */
    async waitForChallenges(
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
    },

    /**
     * Answers a push of the device's method, once. Throws push_challenge_not_found (not this
     * device's), push_already_answered, push_expired, push_number_mismatch (the push is denied),
     * validation_failed (approve without a number).
     */
    async answer(
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
    },

    /**
     * The authenticator methods of the user that push can reach now: active, with an active
     * device; none while the user's push is blocked or the user is disabled.
     */
    async targets(tenantId: string, userId: string): Promise<PushTarget[]> {
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
    },

    /**
     * Starts a push of a sign-in to one of the user's authenticator methods (which the caller
     * checked is a target). An older pending push of the same sign-in is cancelled. Throws
     * send_limited (with retryAfter) past 3 pending pushes or 10 an hour for the user.
     */
    async start(input: {
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
        const locked = await trx
          .updateTable('users')
          .set((eb) => ({ updated_at: eb.ref('updated_at') }))
          .where('id', '=', input.userId)
          .where('tenant_id', '=', input.tenantId)
          .returning('id')
          .executeTakeFirst();
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
    },

    /**
     * The outcome of a sign-in's newest push, waiting up to `waitMs` while it is pending; undefined
     * when the sign-in sent none. A push past its 2 minutes is expired (and logged push_timeout) here.
     */
    async outcome(
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
    },

    /**
     * Revokes every device of the user ("sign out everywhere": a lost phone must stop approving),
     * and cancels their pending pushes. Audited; inside the caller's transaction when given.
     */
    async revokeAllForUser(
      tenantId: string,
      userId: string,
      actor: Actor,
      executor?: Executor,
    ): Promise<number> {
      const write = async (trx: Executor) => {
        const now = clock.now();
        const revoked = await trx
          .updateTable('push_devices')
          .set({ revoked_at: now })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .returning('id')
          .execute();
        await trx
          .updateTable('push_challenges')
          .set({ status: 'cancelled', answered_at: now })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('status', '=', 'pending')
          .execute();
        if (revoked.length > 0) {
          await audit.record(
            {
              tenantId,
              actor,
              action: 'push.devices_revoke',
              target: { type: 'user', id: userId },
              details: { count: revoked.length, deviceIds: revoked.map((d) => d.id) },
            },
            trx,
          );
        }
        return revoked.length;
      };
      return executor ? write(executor) : db.transaction().execute(write);
    },

    /** The user's active devices, newest first. */
    async listDevices(tenantId: string, userId: string): Promise<PushDevice[]> {
      const rows = await db
        .selectFrom('push_devices')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toDevice);
    },
  };
}

export type PushService = ReturnType<typeof createPushService>;
