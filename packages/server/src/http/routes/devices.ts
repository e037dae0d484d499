/**
 * Push device routes (spec section 4): activation with the `twofold_push` token of an
 * authenticator URI, then requests signed with the device's key (factors/push/device-signature.ts): the
 * challenges long-poll and the answer to one challenge.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Static } from '@sinclair/typebox';
import { TenantParams } from '@twofold/api/common';
import {
  ActivateBody,
  ActivateResponse,
  AnswerBody,
  AnswerResponse,
  type ChallengeJson,
  ChallengeParams,
  ChallengesQuery,
  ChallengesResponse,
  DeviceParams,
  signedHeaders,
} from '@twofold/api/devices';
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
  type PushDevice,
  type PushService,
} from '../../factors/push/push-service.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import { registerLongPolls, waitMs } from '../long-poll.js';

export interface DeviceRouteDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly push: Pick<PushService, 'activate' | 'authenticate' | 'waitForChallenges' | 'answer'>;
}

const _base64url = '^[A-Za-z0-9_-]+$';

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
