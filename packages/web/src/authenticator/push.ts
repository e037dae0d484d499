/**
 * Push approvals in the browser (push protocol). The device's ECDSA P-256 private key lives only in the vault
 * entry (`push.privateKey`, a JWK inside the encrypted vault: docs/vault-format.md), so it is under the vault's
 * lock like the OTP secrets. While the vault is unlocked it is imported as a non-extractable WebCrypto key held
 * in memory; locking drops it, and nothing stored by this origin can sign a device request (security review 14.5).
 */
import {
  activatedPush,
  type EcPrivateJwk,
  type PushChallenge,
  type PushDecision,
  signingString,
  type VaultPush,
} from '@twofold/core';

/** A push device of an unlocked vault: its entry's push settings and the key that signs, in memory only. */
export interface PushDevice extends Omit<VaultPush, 'privateKey'> {
  /** The vault entry this device was activated for. */
  entryId: string;
  /** Non-extractable, never stored: imported from the vault entry at unlock. */
  privateKey: CryptoKey;
}

export type { PushChallenge, PushDecision } from '@twofold/core';

export function base64Url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The X-Twofold-* headers of a signed request: WebCrypto's ECDSA signature is already IEEE P1363 (r||s). */
export async function signRequest(
  device: Pick<PushDevice, 'deviceId' | 'privateKey'>,
  method: string,
  pathWithQuery: string,
  body: string,
  timestamp = Date.now(),
): Promise<Record<string, string>> {
  const data = new TextEncoder().encode(signingString(method, pathWithQuery, timestamp, body));
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, device.privateKey, data);
  return {
    'x-twofold-device': device.deviceId,
    'x-twofold-timestamp': String(timestamp),
    'x-twofold-signature': base64Url(signature),
  };
}

/**
 * A new device key pair: the private key as a JWK, to be sealed in the vault entry (never in IndexedDB as a
 * CryptoKey, which any script of the origin could use); the public key is sent to the server as a JWK.
 */
export async function createDeviceKey(): Promise<{ privateJwk: EcPrivateJwk; publicJwk: JsonWebKey }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  if (!jwk.x || !jwk.y || !jwk.d) throw new Error('this browser made an incomplete P-256 key');
  return {
    privateJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d },
    publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
  };
}

/** The signing device of an unlocked vault entry: its JWK imported as a non-extractable key, kept in memory. */
export async function unlockDevice(entryId: string, push: VaultPush): Promise<PushDevice> {
  const { privateKey: jwk, ...settings } = push;
  const privateKey = await crypto.subtle.importKey(
    'jwk',
    { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  return { ...settings, entryId, privateKey };
}

function apiPath(tenant: string, path: string): string {
  return `/t/${encodeURIComponent(tenant)}/api/v1/${path}`;
}

async function problem(response: Response): Promise<Error> {
  let detail = `the server answered ${response.status}`;
  try {
    const body = (await response.json()) as { code?: string; detail?: string; title?: string };
    detail = body.detail ?? body.title ?? body.code ?? detail;
    return Object.assign(new Error(detail), { code: body.code });
  } catch {
    return new Error(detail);
  }
}

/**
 * Activates push for an entry and returns what the entry keeps (its private key included, to be sealed in the
 * vault). Only the server this page comes from is reached (the page's CSP allows no other).
 */
export async function activateDevice(
  params: { token: string; server: string; tenant: string },
  name: string,
): Promise<VaultPush> {
  if (new URL(params.server).origin !== location.origin) {
    throw new Error(`push approvals of ${params.server} need the authenticator served by that server`);
  }
  const { privateJwk, publicJwk } = await createDeviceKey();
  const response = await fetch(apiPath(params.tenant, 'devices/activate'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ activationToken: params.token, publicKey: publicJwk, name }),
  });
  if (!response.ok) throw await problem(response);
  return activatedPush(params, await response.json(), privateJwk, new Date());
}

/** Pending challenges (long-poll up to `wait` seconds). */
export async function listChallenges(
  device: PushDevice,
  wait: number,
  signal?: AbortSignal,
): Promise<PushChallenge[]> {
  const path = `${apiPath(device.tenant, `devices/${encodeURIComponent(device.deviceId)}/challenges`)}?wait=${wait}`;
  const response = await fetch(path, {
    headers: await signRequest(device, 'GET', path, ''),
    cache: 'no-store',
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) throw await problem(response);
  const body = (await response.json()) as { challenges?: PushChallenge[] };
  return body.challenges ?? [];
}

/** Answers a challenge; `number` is required to approve. */
export async function answerChallenge(
  device: PushDevice,
  challengeId: string,
  decision: PushDecision,
  number?: number,
): Promise<string> {
  const path = apiPath(
    device.tenant,
    `devices/${encodeURIComponent(device.deviceId)}/challenges/${encodeURIComponent(challengeId)}`,
  );
  const body = JSON.stringify(number === undefined ? { decision } : { decision, number });
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await signRequest(device, 'POST', path, body)) },
    body,
  });
  if (!response.ok) throw await problem(response);
  return ((await response.json()) as { status: string }).status;
}
