/** The devices part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { Type } from '@sinclair/typebox';
import { deviceHeader, signatureHeader, timestampHeader } from '@twofold/core';
import { defaultPushWaitSeconds, maxPushWaitSeconds } from './common.js';

/** What the sign-in page calls a device ('Approve on <name>'): at most this many characters. */
export const maxDeviceNameLength = 64;

const base64url = '^[A-Za-z0-9_-]+$';

export const DeviceParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  deviceId: Type.String({ minLength: 1, maxLength: 100 }),
});

export const ChallengeParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  deviceId: Type.String({ minLength: 1, maxLength: 100 }),
  challengeId: Type.String({ minLength: 1, maxLength: 100 }),
});

export const PublicKeyJwk = Type.Object(
  {
    kty: Type.Literal('EC'),
    crv: Type.Literal('P-256'),
    x: Type.String({ minLength: 43, maxLength: 43, pattern: base64url }),
    y: Type.String({ minLength: 43, maxLength: 43, pattern: base64url }),
    // What WebCrypto's exportKey('jwk') adds; taken and ignored.
    ext: Type.Optional(Type.Boolean()),
    key_ops: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 8 })),
  },
  { additionalProperties: false, description: 'The device public key: ECDSA P-256 as a JWK' },
);

export const ActivateBody = Type.Object(
  {
    activationToken: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The `twofold_push` parameter of the otpauth URI (tfp_...); works once',
    }),
    publicKey: PublicKeyJwk,
    name: Type.String({
      minLength: 1,
      maxLength: maxDeviceNameLength,
      description: "What the sign-in page calls the device: 'Approve on <name>'",
    }),
  },
  { additionalProperties: false },
);

export const ActivateResponse = Type.Object({
  deviceId: Type.String(),
  userEmail: Type.String({ description: 'Masked, as a•••@example.com' }),
  tenant: Type.String(),
  tenantName: Type.String(),
});

export const ChallengesQuery = Type.Object(
  {
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: maxPushWaitSeconds,
        description: `Seconds to wait for a push when none is pending (default ${defaultPushWaitSeconds})`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const ChallengeJson = Type.Object({
  id: Type.String(),
  tenant: Type.String(),
  tenantName: Type.String(),
  application: Type.String(),
  ip: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const ChallengesResponse = Type.Object({ challenges: Type.Array(ChallengeJson) });

export const AnswerBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('deny'), Type.Literal('report')]),
    number: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 99, description: 'The number the sign-in page shows; to approve' }),
    ),
  },
  { additionalProperties: false },
);

export const AnswerResponse = Type.Object({
  status: Type.Union([Type.Literal('approved'), Type.Literal('denied'), Type.Literal('reported')]),
});

export const signedHeaders = Type.Object({
  [deviceHeader]: Type.Optional(Type.String({ description: 'The device id' })),
  [timestampHeader]: Type.Optional(Type.String({ description: 'Unix milliseconds; within 5 minutes' })),
  [signatureHeader]: Type.Optional(
    Type.String({
      description:
        'base64url of the raw (r||s) ECDSA P-256 SHA-256 signature of METHOD\\npath?query\\ntimestamp\\nhex SHA-256 of the body',
    }),
  ),
});
