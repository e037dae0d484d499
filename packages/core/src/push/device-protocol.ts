/**
 * The push-approval protocol as a device speaks it (the server's side is packages/server/src/push):
 * what a device signs, what a challenge looks like, and the activation parameters an `authenticator`
 * method's otpauth URI carries. Shared by the command-line and the web authenticator, and by the
 * server's signature check, so that all three build exactly the same string.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { TwofoldError } from '../errors/index.js';
import type { EcPrivateJwk, VaultPush } from '../vault/vault-entry.js';

/** The headers of a signed device request: the device's id, the time it signed, its signature. */
export const deviceHeader = 'x-twofold-device';
export const timestampHeader = 'x-twofold-timestamp';
export const signatureHeader = 'x-twofold-signature';

/** The otpauth URI parameters of push activation: the one-time token, the server's URL and the tenant. */
export const pushUriParameters = ['twofold_push', 'twofold_server', 'twofold_tenant'] as const;

export interface PushActivationParams {
  readonly token: string;
  /** The server's public URL, without a trailing slash. */
  readonly server: string;
  readonly tenant: string;
}

/** A sign-in waiting for the device's answer (the number is on the sign-in page, never sent here). */
export interface PushChallenge {
  readonly id: string;
  readonly tenant: string;
  readonly tenantName?: string;
  readonly application?: string;
  readonly ip?: string;
  readonly createdAt?: string;
  readonly expiresAt?: string;
}

export type PushDecision = 'approve' | 'deny' | 'report';

/**
 * The push parameters among an otpauth URI's extra parameters: undefined when there is no
 * `twofold_push`, or when the server or tenant is missing (the account still works for codes).
 */
export function pushActivationOf(extra: Readonly<Record<string, string>>): PushActivationParams | undefined {
  const token = extra['twofold_push'];
  const server = extra['twofold_server'];
  const tenant = extra['twofold_tenant'];
  if (!token || !server || !tenant) return undefined;
  return { token, server: server.replace(/\/+$/, ''), tenant };
}

/**
 * What a device keeps of its activation: the server's answer to `POST devices/activate` (its
 * `deviceId`, and the tenant, its name and the user's email as the server shows them), with the
 * device's own key and time. Throws server_response_invalid when the answer has no device id.
 */
export function activatedPush(
  params: PushActivationParams,
  answer: unknown,
  privateKey: EcPrivateJwk,
  activatedAt: Date,
): VaultPush {
  const body = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  const deviceId = body['deviceId'];
  if (typeof deviceId !== 'string' || deviceId === '')
    throw new TwofoldError('server_response_invalid', 'the activation answer has no deviceId');
  return {
    server: params.server,
    tenant: typeof body['tenant'] === 'string' ? body['tenant'] : params.tenant,
    ...(typeof body['tenantName'] === 'string' ? { tenantName: body['tenantName'] } : {}),
    deviceId,
    ...(typeof body['userEmail'] === 'string' ? { userEmail: body['userEmail'] } : {}),
    privateKey,
    activatedAt: activatedAt.toISOString(),
  };
}

/** The extra parameters without the push ones (once activated, the token is spent). */
export function withoutPushParameters(extra: Readonly<Record<string, string>>): Record<string, string> {
  const rest: Record<string, string> = { ...extra };
  for (const name of pushUriParameters) delete rest[name];
  return rest;
}

/** The string a device signs: `<METHOD>\n<path with query>\n<timestamp ms>\n<hex SHA-256 of the raw body>`. */
export function signingString(
  method: string,
  pathWithQuery: string,
  timestamp: number,
  body: string,
): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${bytesToHex(sha256(utf8ToBytes(body)))}`;
}
