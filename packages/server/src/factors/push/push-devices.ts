/**
 * Push devices: activation (the `twofold_push` token of an authenticator method's URI, spent once,
 * registers a device's ECDSA P-256 key), the signature every device request carries, and revoking
 * them ("sign out everywhere": a lost phone must stop approving).
 */
import type { Actor, Executor } from '../../audit/audit-log.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import { generateId } from '../../platform/ids.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { maskEmail } from '../message-codes/destination.js';
import {
  checkDevicePublicKey,
  checkDeviceSignature,
  type DevicePublicKey,
  importDeviceKey,
  type SignedRequest,
} from './device-signature.js';
import {
  type ActivatedDevice,
  activationInvalid,
  activationTokenPattern,
  checkDeviceName,
  type DeviceRow,
  lastSeenWriteIntervalMs,
  type PushDevice,
  type PushParts,
  signatureInvalid,
  toDevice,
} from './push-types.js';

export function createPushDevices(deps: PushParts) {
  const { db, clock, audit, users } = deps;

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

  /**
   * Redeems an activation token (once) for a device key. The token must be an authenticator
   * method's of this tenant, pending or active. Throws push_activation_invalid. Audited.
   */
  async function activate(
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
  }

  /**
   * The active device that signed this request, or device_signature_invalid (unknown, revoked or
   * another tenant's device, a bad signature, a timestamp more than 5 minutes off).
   */
  async function authenticate(
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
  }

  /**
   * Revokes every device of the user ("sign out everywhere": a lost phone must stop approving),
   * and cancels their pending pushes. Audited; inside the caller's transaction when given.
   */
  async function revokeAllForUser(
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
  }

  /** The user's active devices, newest first. */
  async function listDevices(tenantId: string, userId: string): Promise<PushDevice[]> {
    const rows = await db
      .selectFrom('push_devices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toDevice);
  }

  return { activate, authenticate, revokeAllForUser, listDevices };
}
