/** What the push factor's parts share: limits, the shapes they answer, and their dependencies. */
import { maxDeviceNameLength } from '@twofold/api/devices';
import { TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { AuditLog, Executor } from '../../audit/audit-log.js';
import type { Courier } from '../../courier/courier.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import type { SignInEventInput } from '../../sign-in-log/sign-in-log.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import type { UserService } from '../../users/user-service.js';
import type { PushNotifier } from './push-notifier.js';

/** A push lives 2 minutes (spec section 2). */
export const pushLifetimeMs = 2 * 60_000;
/** MFA fatigue: pushes per user waiting at once, and started per hour. */
export const maxPendingPushesPerUser = 3;
export const maxPushesPerHour = 10;
export const pushWindowMs = 60 * 60_000;
/** Long-polls: `wait` in seconds (public limits of the API). */
export { defaultPushWaitSeconds, maxPushWaitSeconds } from '@twofold/api/common';
/** A device's `last_seen_at` is written at most this often. */
export const lastSeenWriteIntervalMs = 60_000;
export { maxDeviceNameLength };
/** The application a sign-in push names (an OIDC client's name later). */
export const signInApplication = 'Twofold sign-in';

export const activationTokenPattern = /^tfp_[A-Za-z0-9_-]{43}$/;

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

export type ChallengeRow = Selectable<Database['push_challenges']>;
export type DeviceRow = Selectable<Database['push_devices']>;

/** The sign-ins that pushes answer to (flows/sign-in owns them): a reported push ends its sign-in. */
export interface PushSignIns {
  fail(flowIdHash: string, executor: Executor): Promise<void>;
}

export interface PushServiceDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly courier: Pick<Courier, 'enqueue'>;
  readonly tenants: Pick<TenantService, 'getById'>;
  readonly users: Pick<UserService, 'getById' | 'blockPush' | 'lockForUpdate' | 'listAdmins'>;
  readonly signInLog: { record(event: SignInEventInput): Promise<unknown> };
  readonly signIns: PushSignIns;
  /** TWOFOLD_PUBLIC_URL, for the link to the console in the admins' email. */
  readonly publicUrl: string;
  /** Shared by the services of one instance; a fresh one by default. */
  readonly notifier?: PushNotifier;
}

/** The dependencies after the service has picked its notifier. */
export type PushParts = Omit<PushServiceDeps, 'notifier'> & { readonly notifier: PushNotifier };

export function signatureInvalid(): TwofoldError {
  return new TwofoldError(
    'device_signature_invalid',
    'this request is not signed by an active device of this tenant (or its clock is more than 5 minutes off)',
  );
}

export function activationInvalid(
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

export function toDevice(row: DeviceRow): PushDevice {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    methodId: row.method_id,
    name: row.name,
    createdAt: row.created_at,
  };
}
