import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestPushDevice } from '../../test-support/push-device.js';
import {
  bodyDigest,
  checkDevicePublicKey,
  checkDeviceSignature,
  deviceClockToleranceMs,
  importDeviceKey,
  type SignedRequest,
} from './device-signature.js';

const now = Date.UTC(2026, 5, 9, 13, 10, 0);
const path = '/t/acme/api/v1/devices/0197-dev/challenges/0197-ch';
const body = '{"decision":"approve","number":42}';

function signedBy(device = createTestPushDevice(), overrides: { body?: string; timestamp?: number } = {}) {
  const headers = device.headers(
    '0197-dev',
    'POST',
    path,
    overrides.body ?? body,
    overrides.timestamp ?? now,
  );
  return {
    device,
    request: {
      method: 'POST',
      path,
      timestamp: headers['x-twofold-timestamp'],
      signature: headers['x-twofold-signature'],
      bodyDigest: bodyDigest(body),
    } satisfies SignedRequest,
  };
}

const keyOf = (device: ReturnType<typeof createTestPushDevice>) =>
  importDeviceKey(checkDevicePublicKey(device.publicKey)!);

describe('device signatures', () => {
  it('accepts the P1363 signature of METHOD, path, timestamp and body digest by the device key', () => {
    const { device, request } = signedBy();
    expect(request.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(checkDeviceSignature(keyOf(device), request, now)).toEqual({ ok: true });
    // The digest of no body is the SHA-256 of the empty string.
    expect(bodyDigest(undefined)).toBe(createHash('sha256').update('').digest('hex'));
  });

  it('refuses another key, a tampered body, path or method, and a stale or future timestamp', () => {
    const { device, request } = signedBy();
    const key = keyOf(device);
    expect(checkDeviceSignature(keyOf(createTestPushDevice()), request, now)).toEqual({
      ok: false,
      why: 'bad_signature',
    });
    const tampered = { ...request, bodyDigest: bodyDigest('{"decision":"approve","number":43}') };
    expect(checkDeviceSignature(key, tampered, now).ok).toBe(false);
    expect(checkDeviceSignature(key, { ...request, path: `${path}x` }, now).ok).toBe(false);
    expect(checkDeviceSignature(key, { ...request, method: 'PUT' }, now).ok).toBe(false);
    // The timestamp is signed: moving it breaks the signature, and an old one is refused as stale.
    expect(checkDeviceSignature(key, { ...request, timestamp: String(now + 1) }, now).ok).toBe(false);
    expect(checkDeviceSignature(key, request, now + deviceClockToleranceMs)).toEqual({ ok: true });
    expect(checkDeviceSignature(key, request, now + deviceClockToleranceMs + 1)).toEqual({
      ok: false,
      why: 'stale_timestamp',
    });
    expect(checkDeviceSignature(key, request, now - deviceClockToleranceMs - 1)).toEqual({
      ok: false,
      why: 'stale_timestamp',
    });
    expect(checkDeviceSignature(key, { ...request, timestamp: undefined }, now)).toEqual({
      ok: false,
      why: 'missing',
    });
    expect(checkDeviceSignature(key, { ...request, timestamp: '1e12' }, now).ok).toBe(false);
  });

  it('takes only the raw r||s form: a DER signature or a truncated one is refused', () => {
    const { device, request } = signedBy();
    const data = Buffer.from(`POST\n${path}\n${now}\n${bodyDigest(body)}`, 'utf8');
    const der = sign('sha256', data, device.privateKey).toString('base64url');
    expect(checkDeviceSignature(keyOf(device), { ...request, signature: der }, now).ok).toBe(false);
    expect(
      checkDeviceSignature(keyOf(device), { ...request, signature: request.signature!.slice(0, 80) }, now).ok,
    ).toBe(false);
  });

  it('takes only EC P-256 public keys whose point is on the curve', () => {
    const device = createTestPushDevice();
    expect(checkDevicePublicKey(device.publicKey)).toEqual(device.publicKey);
    expect(checkDevicePublicKey({ ...device.publicKey, crv: 'P-384' })).toBeUndefined();
    expect(checkDevicePublicKey({ ...device.publicKey, kty: 'RSA' })).toBeUndefined();
    expect(checkDevicePublicKey({ ...device.publicKey, x: device.publicKey.y.slice(0, 42) })).toBeUndefined();
    // Flip the last bit of y: the point falls off the curve.
    const y = Buffer.from(device.publicKey.y, 'base64url');
    y[31] = (y[31] ?? 0) ^ 1;
    expect(checkDevicePublicKey({ ...device.publicKey, y: y.toString('base64url') })).toBeUndefined();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    expect(checkDevicePublicKey(p384)).toBeUndefined();
  });
});
