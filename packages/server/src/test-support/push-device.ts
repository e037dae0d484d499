import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/**
 * A Twofold Authenticator as the push tests see it: a real ECDSA P-256 key pair made by node:crypto
 * (the private key stays here), and the request signing of the push protocol, written out again
 * from the protocol rather than taken from the server's code.
 */
export interface TestPushDevice {
  /** The public key as the device sends it at activation. */
  readonly publicKey: { kty: string; crv: string; x: string; y: string };
  readonly privateKey: KeyObject;
  /** The headers of a signed request, as this device (claiming `deviceId`) sends them. */
  headers(
    deviceId: string,
    method: string,
    path: string,
    body: string | undefined,
    timestamp: number,
  ): Record<string, string>;
}

export function createTestPushDevice(): TestPushDevice {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    publicKey: { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y) },
    privateKey,
    headers(deviceId, method, path, body, timestamp) {
      const digest = createHash('sha256')
        .update(body ?? '', 'utf8')
        .digest('hex');
      const data = `${method}\n${path}\n${timestamp}\n${digest}`;
      const signature = sign('sha256', Buffer.from(data, 'utf8'), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      return {
        'x-twofold-device': deviceId,
        'x-twofold-timestamp': String(timestamp),
        'x-twofold-signature': signature.toString('base64url'),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      };
    },
  };
}
