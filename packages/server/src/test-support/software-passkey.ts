/**
 * A software WebAuthn authenticator for tests without a browser: an ES256 key pair, "none"
 * attestation and assertions signed as an authenticator signs them (WebAuthn sections 6.1 and
 * 6.3.3), so the server's checks run against real signatures. Its counter, flags and origin can be
 * set to what an attack needs (a cloned key's counter, another site's origin).
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

export interface SoftwarePasskeyOptions {
  readonly rpId: string;
  readonly origin: string;
  /** Backup eligible and backed up (a synced passkey). */
  readonly synced?: boolean;
  readonly aaguid?: string;
}

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');

export function createSoftwarePasskey(options: SoftwarePasskeyOptions) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialId = randomBytes(16);
  let counter = 0;
  let userHandle: string | undefined;

  const flags = (attested: boolean, userVerified: boolean) =>
    0x01 | (userVerified ? 0x04 : 0) | (options.synced ? 0x08 | 0x10 : 0) | (attested ? 0x40 : 0);

  function authData(rpId: string, attested: boolean, userVerified: boolean): Buffer {
    const head = Buffer.alloc(37);
    createHash('sha256').update(rpId).digest().copy(head, 0);
    head[32] = flags(attested, userVerified);
    head.writeUInt32BE(counter, 33);
    if (!attested) return head;
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]),
    );
    const aaguid = Buffer.from(
      (options.aaguid ?? '00000000-0000-0000-0000-000000000000').replace(/-/g, ''),
      'hex',
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credentialId.length);
    return Buffer.concat([head, aaguid, idLength, credentialId, Buffer.from(cose)]);
  }

  function clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  return {
    credentialId: b64url(credentialId),
    get counter() {
      return counter;
    },
    /** Sets the signature counter the next answer starts from (a clone's stale counter). */
    setCounter(value: number) {
      counter = value;
    },

    /** The RegistrationResponseJSON for creation options as the server sent them. */
    register(creation: Record<string, unknown>, overrides: { origin?: string; userVerified?: boolean } = {}) {
      const challenge = creation['challenge'] as string;
      const rp = creation['rp'] as { id: string };
      userHandle = (creation['user'] as { id: string }).id;
      const data = authData(rp.id ?? options.rpId, true, overrides.userVerified ?? true);
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', new Uint8Array(data)],
        ]) as never,
      );
      return {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: 'public-key',
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
        response: {
          clientDataJSON: b64url(
            clientData('webauthn.create', challenge, overrides.origin ?? options.origin),
          ),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
      };
    },

    /** The AuthenticationResponseJSON for request options; the counter moves on by one first. */
    assert(
      request: Record<string, unknown>,
      overrides: { origin?: string; rpId?: string; userVerified?: boolean; challenge?: string } = {},
    ) {
      counter += 1;
      const challenge = overrides.challenge ?? (request['challenge'] as string);
      const data = authData(overrides.rpId ?? options.rpId, false, overrides.userVerified ?? true);
      const client = clientData('webauthn.get', challenge, overrides.origin ?? options.origin);
      const signature = sign(
        'sha256',
        Buffer.concat([data, createHash('sha256').update(client).digest()]),
        privateKey,
      );
      return {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: 'public-key',
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
        response: {
          clientDataJSON: b64url(client),
          authenticatorData: b64url(data),
          signature: b64url(signature),
          ...(userHandle ? { userHandle } : {}),
        },
      };
    },
  };
}

export type SoftwarePasskey = ReturnType<typeof createSoftwarePasskey>;
