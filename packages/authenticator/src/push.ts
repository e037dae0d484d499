import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { hostname } from 'node:os';
import {
  activatedPush,
  type EcPrivateJwk,
  type PushChallenge,
  type PushDecision,
  signingString,
  TwofoldError,
  type VaultEntry,
  type VaultPush,
} from '@twofold/core';

export type { PushChallenge, PushDecision } from '@twofold/core';
export { signingString } from '@twofold/core';

import { normalizeServerUrl, requestJson } from './http.js';

/**
 * The device side of push approvals (push protocol: activation, signed device requests, challenges).
 * Activation parameters come from the otpauth URI of a Twofold authenticator method.
 */

export const PUSH_PARAMETERS = ['twofold_push', 'twofold_server', 'twofold_tenant'] as const;

export interface PushActivationParams {
  token: string;
  server: string;
  tenant: string;
}

/** The activation parameters an entry carries in its otpauth extras, or undefined when it has none. */
export function pushParametersOf(entry: VaultEntry): PushActivationParams | undefined {
  const token = entry.extra['twofold_push'];
  const server = entry.extra['twofold_server'];
  const tenant = entry.extra['twofold_tenant'];
  if (token === undefined || token === '') return undefined;
  if (server === undefined || server === '' || tenant === undefined || tenant === '') {
    throw new TwofoldError(
      'validation_failed',
      'the URI has twofold_push but not twofold_server and twofold_tenant: push cannot be activated',
    );
  }
  return { token, server: normalizeServerUrl(server), tenant };
}

/** The entry without the activation parameters (after a successful activation: the token is spent). */
export function withoutPushParameters(entry: VaultEntry): VaultEntry {
  const extra = { ...entry.extra };
  for (const name of PUSH_PARAMETERS) delete extra[name];
  return { ...entry, extra };
}

function tenantUrl(server: string, tenant: string, path: string): URL {
  return new URL(`${server}/t/${encodeURIComponent(tenant)}/api/v1/${path}`);
}

/** Longest device name the server takes (push protocol: shown as "Approve on <name>"). */
export const MAX_DEVICE_NAME_LENGTH = 64;

/** The default device name the server shows ("Approve on <name>"): the host name. */
export function defaultDeviceName(): string {
  const suffix = ' (CLI)';
  return `${hostname().slice(0, MAX_DEVICE_NAME_LENGTH - suffix.length)}${suffix}`;
}

/**
 * Activates push for an account: creates an ECDSA P-256 key pair, sends the public JWK with the activation
 * token to `POST {server}/t/{tenant}/api/v1/devices/activate`, and returns what the vault keeps (the private
 * key never leaves the vault).
 */
export async function activatePush(
  params: PushActivationParams,
  deviceName: string,
  now = Date.now(),
): Promise<VaultPush> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; y: string; d: string };
  const publicKey = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const response = await requestJson(tenantUrl(params.server, params.tenant, 'devices/activate'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ activationToken: params.token, publicKey, name: deviceName }),
  });
  const privateJwk: EcPrivateJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d };
  return activatedPush(params, response.body, privateJwk, new Date(now));
}

/** The X-Twofold-* headers of a signed device request: ECDSA P-256 SHA-256, IEEE P1363 (r||s), base64url. */
export function signDeviceRequest(
  push: VaultPush,
  method: string,
  url: URL,
  body: string,
  timestamp = Date.now(),
): Record<string, string> {
  const key = createPrivateKey({ key: { ...push.privateKey }, format: 'jwk' });
  const signature = sign(
    'sha256',
    Buffer.from(signingString(method, url.pathname + url.search, timestamp, body)),
    {
      key,
      dsaEncoding: 'ieee-p1363',
    },
  );
  return {
    'x-twofold-device': push.deviceId,
    'x-twofold-timestamp': String(timestamp),
    'x-twofold-signature': signature.toString('base64url'),
  };
}

/** Pending challenges of the device: `GET .../devices/{id}/challenges?wait=N` (long-poll, signed). */
export async function listChallenges(
  push: VaultPush,
  waitSeconds: number,
  signal?: AbortSignal,
): Promise<PushChallenge[]> {
  const url = tenantUrl(push.server, push.tenant, `devices/${encodeURIComponent(push.deviceId)}/challenges`);
  url.searchParams.set('wait', String(waitSeconds));
  const response = await requestJson(url, {
    method: 'GET',
    headers: signDeviceRequest(push, 'GET', url, ''),
    timeoutMs: (waitSeconds + 15) * 1000,
    ...(signal ? { signal } : {}),
  });
  const list = (response.body as { challenges?: unknown } | undefined)?.challenges;
  if (!Array.isArray(list))
    throw new TwofoldError('server_response_invalid', 'the challenges answer has no list');
  return list
    .filter(
      (item): item is Record<string, unknown> =>
        typeof item === 'object' && item !== null && typeof item['id'] === 'string',
    )
    .map((item) => {
      const text = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
      return {
        id: item['id'] as string,
        tenant: typeof item['tenant'] === 'string' ? item['tenant'] : push.tenant,
        ...text('tenantName'),
        ...text('application'),
        ...text('ip'),
        ...text('createdAt'),
        ...text('expiresAt'),
      };
    });
}

/** Answers a challenge: `POST .../devices/{id}/challenges/{challengeId}` with `{decision, number}` (signed). */
export async function answerChallenge(
  push: VaultPush,
  challengeId: string,
  decision: PushDecision,
  number?: number,
): Promise<{ status: string }> {
  const url = tenantUrl(
    push.server,
    push.tenant,
    `devices/${encodeURIComponent(push.deviceId)}/challenges/${encodeURIComponent(challengeId)}`,
  );
  const body = JSON.stringify(number === undefined ? { decision } : { decision, number });
  const response = await requestJson(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signDeviceRequest(push, 'POST', url, body) },
    body,
  });
  const status = (response.body as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'string')
    throw new TwofoldError('server_response_invalid', 'the answer has no status');
  return { status };
}
