/**
 * Signed device requests (the push protocol): every request of an activated device carries
 * `X-Twofold-Device`, `X-Twofold-Timestamp` (unix milliseconds) and `X-Twofold-Signature`, the
 * base64url of a raw 64-byte (r || s) ECDSA P-256 SHA-256 signature (IEEE P1363, what WebCrypto
 * produces) over
 *
 *   <METHOD>\n<path with query>\n<timestamp>\n<lowercase hex SHA-256 of the raw body ("" for none)>
 *
 * made with the private key that never left the device; the server checks it with the public key
 * the device registered at activation.
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';

/** A device's clock may be this far from the server's (either way) before its requests are refused. */
export const deviceClockToleranceMs = 5 * 60_000;

export { deviceHeader, signatureHeader, timestampHeader } from '@twofold/core';

/** An EC P-256 public key as a JWK: what the device sends at activation and the server stores. */
export interface DevicePublicKey {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

/** 32 bytes in unpadded base64url. */
const coordinatePattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * The public key in its stored form, or undefined when it is not an EC P-256 point (a wrong curve,
 * a coordinate of the wrong length, or a point that is not on the curve).
 */
export function checkDevicePublicKey(jwk: {
  kty?: unknown;
  crv?: unknown;
  x?: unknown;
  y?: unknown;
}): DevicePublicKey | undefined {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256') return undefined;
  if (typeof x !== 'string' || typeof y !== 'string') return undefined;
  if (!coordinatePattern.test(x) || !coordinatePattern.test(y)) return undefined;
  const key: DevicePublicKey = { kty, crv, x, y };
  try {
    // Node refuses a point that is not on the curve.
    importDeviceKey(key);
  } catch {
    return undefined;
  }
  return key;
}

export function importDeviceKey(jwk: DevicePublicKey): KeyObject {
  return createPublicKey({ key: { ...jwk }, format: 'jwk' });
}

/** Lowercase hex SHA-256 of a body; of the empty string when there is none. */
export function bodyDigest(body: Uint8Array | string | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

/** The string a device signs. */
export function signedString(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  digest: string,
): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${digest}`;
}

export interface SignedRequest {
  readonly method: string;
  /** The request path as sent, query included. */
  readonly path: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** bodyDigest() of the raw body. */
  readonly bodyDigest: string;
}

export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly why: 'missing' | 'stale_timestamp' | 'bad_signature' };

/** Checks the timestamp (within 5 minutes of `now`) and the signature against the device's key. */
export function checkDeviceSignature(key: KeyObject, request: SignedRequest, now: number): SignatureCheck {
  const { timestamp, signature } = request;
  if (timestamp === undefined || signature === undefined) return { ok: false, why: 'missing' };
  if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, why: 'stale_timestamp' };
  if (Math.abs(Number(timestamp) - now) > deviceClockToleranceMs)
    return { ok: false, why: 'stale_timestamp' };
  if (!/^[A-Za-z0-9_-]{86}(?:==)?$/.test(signature)) return { ok: false, why: 'bad_signature' };
  const raw = Buffer.from(signature.replace(/=+$/, ''), 'base64url');
  if (raw.length !== 64) return { ok: false, why: 'bad_signature' };
  const data = Buffer.from(signedString(request.method, request.path, timestamp, request.bodyDigest), 'utf8');
  let valid = false;
  try {
    valid = verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, raw);
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, why: 'bad_signature' };
}
