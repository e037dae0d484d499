/**
 * Push device routes (spec section 4): activation with the `twofold_push` token of an
 * authenticator URI, then requests signed with the device's key (push/device-signature.ts): the
 * challenges long-poll and the answer to one challenge.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  bodyDigest,
  deviceHeader,
  signatureHeader,
  timestampHeader,
} from '../../factors/push/device-signature.js';
import {
  type DeviceChallenge,
  defaultPushWaitSeconds,
  maxDeviceNameLength,
  maxPushWaitSeconds,
  type PushDevice,
  type PushService,
} from '../../factors/push/push-service.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import { registerLongPolls, waitMs } from '../long-poll.js';

export interface DeviceRouteDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly push: Pick<PushService, 'activate' | 'authenticate' | 'waitForChallenges' | 'answer'>;
}

const TenantParams = Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 63 }) });
const DeviceParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  deviceId: Type.String({ minLength: 1, maxLength: 100 }),
});
const ChallengeParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  deviceId: Type.String({ minLength: 1, maxLength: 100 }),
  challengeId: Type.String({ minLength: 1, maxLength: 100 }),
});

const base64url = '^[A-Za-z0-9_-]+$';
const PublicKeyJwk = Type.Object(
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
const ActivateBody = Type.Object(
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
const ActivateResponse = Type.Object({
  deviceId: Type.String(),
  userEmail: Type.String({ description: 'Masked, as a•••@example.com' }),
  tenant: Type.String(),
  tenantName: Type.String(),
});
const ChallengesQuery = Type.Object(
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
const ChallengeJson = Type.Object({
  id: Type.String(),
  tenant: Type.String(),
  tenantName: Type.String(),
  application: Type.String(),
  ip: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
});
const ChallengesResponse = Type.Object({ challenges: Type.Array(ChallengeJson) });
const AnswerBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('deny'), Type.Literal('report')]),
    number: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 99, description: 'The number the sign-in page shows; to approve' }),
    ),
  },
  { additionalProperties: false },
);
const AnswerResponse = Type.Object({
  status: Type.Union([Type.Literal('approved'), Type.Literal('denied'), Type.Literal('reported')]),
});

const signedHeaders = Type.Object({
  [deviceHeader]: Type.Optional(Type.String({ description: 'The device id' })),
  [timestampHeader]: Type.Optional(Type.String({ description: 'Unix milliseconds; within 5 minutes' })),
  [signatureHeader]: Type.Optional(
    Type.String({
      description:
        'base64url of the raw (r||s) ECDSA P-256 SHA-256 signature of METHOD\\npath?query\\ntimestamp\\nhex SHA-256 of the body',
    }),
  ),
});

const iso = (ms: number) => new Date(ms).toISOString();

function challengeJson(challenge: DeviceChallenge): Static<typeof ChallengeJson> {
  return {
    id: challenge.id,
    tenant: challenge.tenant,
    tenantName: challenge.tenantName,
    application: challenge.application,
    ip: challenge.ip ?? '',
    createdAt: iso(challenge.createdAt),
    expiresAt: iso(challenge.expiresAt),
  };
}

/** The SHA-256 of each request's raw body, taken as it streams in (the signature covers the bytes sent). */
const bodyDigests = new WeakMap<FastifyRequest, string>();

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

export function registerDeviceRoutes(app: FastifyInstance, deps: DeviceRouteDeps): void {
  const { tenants, push } = deps;
  const longPolls = registerLongPolls(app);

  /** The device that signed this request, which must be the one the path names; else 401. */
  async function signedBy(request: FastifyRequest, tenant: Tenant, deviceId: string): Promise<PushDevice> {
    const claimed = header(request, deviceHeader);
    const device = await push.authenticate(tenant, claimed === deviceId ? claimed : undefined, {
      method: request.method,
      path: request.url,
      timestamp: header(request, timestampHeader),
      signature: header(request, signatureHeader),
      bodyDigest: bodyDigests.get(request) ?? bodyDigest(undefined),
    });
    return device;
  }

  app.post(
    '/t/:tenant/api/v1/devices/activate',
    {
      schema: {
        summary: 'Activate push approvals on a device with the twofold_push token of an authenticator URI',
        tags: ['push devices'],
        params: TenantParams,
        body: ActivateBody,
        response: { 201: ActivateResponse },
      },
    },
    async (request, reply) => {
      const { tenant: slug } = request.params as Static<typeof TenantParams>;
      const body = request.body as Static<typeof ActivateBody>;
      const tenant = await tenants.getBySlug(slug);
      const activated = await push.activate(tenant, {
        activationToken: body.activationToken,
        publicKey: body.publicKey,
        name: body.name,
        ip: request.ip,
      });
      return reply.code(201).send(activated);
    },
  );

  app.get(
    '/t/:tenant/api/v1/devices/:deviceId/challenges',
    {
      schema: {
        summary: "Long-poll for the device's pending push challenges (signed)",
        tags: ['push devices'],
        params: DeviceParams,
        querystring: ChallengesQuery,
        headers: signedHeaders,
        response: { 200: ChallengesResponse },
      },
    },
    async (request, reply) => {
      const { tenant: slug, deviceId } = request.params as Static<typeof DeviceParams>;
      const { wait } = request.query as Static<typeof ChallengesQuery>;
      const tenant = await tenants.getBySlug(slug);
      const device = await signedBy(request, tenant, deviceId);
      const challenges = await push.waitForChallenges(device, {
        waitMs: waitMs(wait, defaultPushWaitSeconds),
        signal: longPolls.signalFor(reply),
      });
      return { challenges: challenges.map(challengeJson) };
    },
  );

  app.post(
    '/t/:tenant/api/v1/devices/:deviceId/challenges/:challengeId',
    {
      schema: {
        summary: 'Approve (with the number shown at sign-in), deny or report a push challenge (signed)',
        tags: ['push devices'],
        params: ChallengeParams,
        headers: signedHeaders,
        body: AnswerBody,
        response: { 200: AnswerResponse },
      },
      // The signature covers the raw bytes, so they are hashed as they arrive, before JSON parsing.
      preParsing: async (request, _reply, payload) => {
        const hash = createHash('sha256');
        const tee = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            callback(null, chunk);
          },
          flush(callback) {
            bodyDigests.set(request, hash.digest('hex'));
            callback();
          },
        });
        const piped = payload.pipe(tee) as Transform & { receivedEncodedLength?: number };
        payload.on('error', (error) => tee.destroy(error));
        const received = (payload as { receivedEncodedLength?: number }).receivedEncodedLength;
        if (received !== undefined) piped.receivedEncodedLength = received;
        return piped;
      },
    },
    async (request) => {
      const { tenant: slug, deviceId, challengeId } = request.params as Static<typeof ChallengeParams>;
      const body = request.body as Static<typeof AnswerBody>;
      const tenant = await tenants.getBySlug(slug);
      const device = await signedBy(request, tenant, deviceId);
      return push.answer(device, challengeId, { decision: body.decision, number: body.number });
    },
  );
}
