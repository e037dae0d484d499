import { createHash, createPublicKey, verify } from 'node:crypto';
import { signingString } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { createDeviceKey, signRequest, unlockDevice } from './push.js';

describe('signed device requests (WebCrypto)', () => {
  it('signs the protocol string with the key unlocked from the vault entry (non-extractable), in the P1363 form the server verifies', async () => {
    const { privateJwk, publicJwk } = await createDeviceKey();
    expect(Object.keys(privateJwk).sort()).toEqual(['crv', 'd', 'kty', 'x', 'y']);
    expect(Object.keys(publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const { privateKey } = await unlockDevice('entry-1', {
      server: 'https://mfa.example.com',
      tenant: 'acme',
      deviceId: 'dev1',
      privateKey: privateJwk,
      activatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(privateKey.extractable).toBe(false);
    expect(privateKey.usages).toEqual(['sign']);
    await expect(crypto.subtle.exportKey('jwk', privateKey)).rejects.toThrow();

    const path = '/t/acme/api/v1/devices/dev1/challenges/ch1';
    const body = JSON.stringify({ decision: 'approve', number: 42 });
    const headers = await signRequest(
      { deviceId: 'dev1', privateKey },
      'post',
      path,
      body,
      1_700_000_000_000,
    );
    expect(headers['x-twofold-device']).toBe('dev1');
    expect(headers['x-twofold-timestamp']).toBe('1700000000000');
    const signature = Buffer.from(headers['x-twofold-signature'] ?? '', 'base64url');
    expect(signature).toHaveLength(64);

    const expected = `POST\n${path}\n1700000000000\n${createHash('sha256').update(body).digest('hex')}`;
    expect(signingString('post', path, 1_700_000_000_000, body)).toBe(expected);
    const key = createPublicKey({ key: publicJwk as never, format: 'jwk' });
    expect(verify('sha256', Buffer.from(expected), { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    // Another timestamp or body does not verify with the same signature.
    const other = expected.replace('1700000000000', '1700000000001');
    expect(verify('sha256', Buffer.from(other), { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(false);
  });

  it('hashes an empty body as the SHA-256 of ""', async () => {
    expect(signingString('GET', '/x?wait=25', 1, '')).toBe(
      'GET\n/x?wait=25\n1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});
