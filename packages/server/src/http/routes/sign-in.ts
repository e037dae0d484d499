import { type Static, Type } from '@sinclair/typebox';
import { TenantParams } from '@twofold/api/common';
import {
  ChallengeBody,
  ChallengeResponse,
  FlowParams,
  FlowResponse,
  PushPendingResponse,
  PushQuery,
  RegisterBody,
  RegisterResponse,
  SignedInResponse,
  StartBody,
  VerifyBody,
  VerifyResponse,
} from '@twofold/api/sign-in';
import {
  DiagnosisQuery,
  DiagnosisResponse,
  HelpRequestBody,
  HelpRequestReceived,
} from '@twofold/api/troubleshoot';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defaultPushWaitSeconds } from '../../factors/push/push-service.js';
import { addFlowSecret, flowSecrets } from '../../flows/sign-in/deps.js';
import {
  type FlowClient,
  type FlowSignedIn,
  type FlowView,
  flowLifetimeMs,
  type SignInFlowService,
} from '../../flows/sign-in/index.js';
import { sessionCookieOptions } from '../../sessions/session-service.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import { knownDeviceCookieName, knownDeviceCookieOptions } from '../../users/password-throttle.js';
import { sessionCookie } from '../auth.js';
import { registerLongPolls, waitMs } from '../long-poll.js';
import { diagnosisJson } from './troubleshoot-json.js';

export const flowCookie = 'twofold_flow';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function flowJson(flow: FlowView): Static<typeof FlowResponse> {
  return {
    flowId: flow.flowId,
    status: flow.status,
    methods: flow.methods,
    expiresAt: iso(flow.expiresAt),
    ...(flow.registrationTypes ? { registrationTypes: flow.registrationTypes } : {}),
    ...(flow.proofRequired ? { proofRequired: flow.proofRequired } : {}),
  };
}

export interface SignInRouteDeps {
  readonly tenants: TenantService;
  readonly flows: SignInFlowService;
  readonly secureCookies: boolean;
}

/**
 * Spec section 4 sign-in routes: start, read, challenge, verify, register, the push long-poll, and
 * "I can't get a code" (section 6: diagnosis, help request).
 */
export function registerSignInRoutes(app: FastifyInstance, deps: SignInRouteDeps): void {
  const { tenants, flows, secureCookies } = deps;
  const longPolls = registerLongPolls(app);

  const client = (request: FastifyRequest): FlowClient => ({
    clientSecret: request.cookies[flowCookie],
    ip: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 512),
  });

  function setSignedIn(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    signedIn: FlowSignedIn,
  ): void {
    reply.setCookie(sessionCookie, signedIn.session.token, {
      ...sessionCookieOptions({ secure: secureCookies }),
      expires: new Date(signedIn.session.expiresAt),
    });
    // Another tab's sign-in may still need the cookie; a finished flow's secret opens nothing.
    if (flowSecrets(request.cookies[flowCookie]).length > 1) return;
    // Cleared with the attributes it was set with, so the clearing header is as strict as the cookie.
    reply.clearCookie(flowCookie, {
      path: `/t/${slug}/api/v1/sign-in`,
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookies,
    });
  }

  function signedInJson(signedIn: FlowSignedIn): Static<typeof SignedInResponse> {
    return {
      status: 'signed_in',
      session: { token: signedIn.session.token, expiresAt: iso(signedIn.session.expiresAt) },
      ...(signedIn.recoveryCodes ? { recoveryCodes: signedIn.recoveryCodes } : {}),
      ...(signedIn.recoveryCodesRemaining !== undefined
        ? { recoveryCodesRemaining: signedIn.recoveryCodesRemaining }
        : {}),
    };
  }

  app.post(
    '/t/:tenant/api/v1/sign-in',
    {
      schema: {
        summary: 'Start a sign-in with a password or a Temporary Access Pass',
        tags: ['sign-in'],
        params: TenantParams,
        body: StartBody,
        response: { 200: FlowResponse },
      },
    },
    async (request, reply) => {
      const { tenant: slug } = request.params as Static<typeof TenantParams>;
      const body = request.body as Static<typeof StartBody>;
      if ((body.password === undefined) === (body.temporaryAccessPass === undefined)) {
        throw new TwofoldError('validation_failed', 'body: give either password or temporaryAccessPass', {
          errors: [{ path: 'body', message: 'give either password or temporaryAccessPass' }],
        });
      }
      const tenant = await tenants.getBySlug(slug);
      const result = await flows.start({
        tenant,
        username: body.username,
        password: body.password,
        temporaryAccessPass: body.temporaryAccessPass,
        ip: request.ip,
        userAgent: request.headers['user-agent']?.slice(0, 512),
        deviceToken: request.cookies[knownDeviceCookieName],
      });
      // A sign-in in another tab of the same browser keeps going: the cookie holds both secrets.
      reply.setCookie(flowCookie, addFlowSecret(request.cookies[flowCookie], result.clientSecret), {
        path: `/t/${tenant.slug}/api/v1/sign-in`,
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        maxAge: flowLifetimeMs / 1000,
      });
      if (result.deviceToken) {
        // Per tenant: one browser may be a known device of a user in each tenant it signs in to.
        reply.setCookie(knownDeviceCookieName, result.deviceToken, {
          ...knownDeviceCookieOptions({ secure: secureCookies }),
          path: `/t/${tenant.slug}/`,
        });
      }
      if (result.signedIn) {
        setSignedIn(request, reply, tenant.slug, result.signedIn);
        return {
          ...flowJson(result.flow),
          session: {
            token: result.signedIn.session.token,
            expiresAt: iso(result.signedIn.session.expiresAt),
          },
        };
      }
      return flowJson(result.flow);
    },
  );

  app.get(
    '/t/:tenant/api/v1/sign-in/:flowId',
    {
      schema: {
        summary:
          "Where a sign-in stands (a push's answer comes from GET /sign-in/{flowId}/push, which also finishes the sign-in once approved)",
        tags: ['sign-in'],
        params: FlowParams,
        response: { 200: FlowResponse },
      },
    },
    async (request) => {
      const { tenant: slug, flowId } = request.params as Static<typeof FlowParams>;
      const tenant = await tenants.getBySlug(slug);
      return flowJson(await flows.get(tenant, flowId, client(request)));
    },
  );

  app.post(
    '/t/:tenant/api/v1/sign-in/:flowId/challenge',
    {
      schema: {
        summary: 'Pick the method to answer with (sends the SMS or email code, or starts a push)',
        tags: ['sign-in'],
        params: FlowParams,
        body: ChallengeBody,
        response: { 200: ChallengeResponse },
      },
    },
    async (request) => {
      const { tenant: slug, flowId } = request.params as Static<typeof FlowParams>;
      const { methodId } = request.body as Static<typeof ChallengeBody>;
      const tenant = await tenants.getBySlug(slug);
      const sent = await flows.challenge(tenant, flowId, client(request), methodId);
      return sent.expiresAt === undefined ? sent : { ...sent, expiresAt: iso(sent.expiresAt) };
    },
  );

  app.post(
    '/t/:tenant/api/v1/sign-in/:flowId/verify',
    {
      schema: {
        summary:
          'Answer with a code (also confirms a method registered during sign-in); a proof before registration (proofRequired: method) answers the flow, now waiting for the new method',
        tags: ['sign-in'],
        params: FlowParams,
        body: VerifyBody,
        response: { 200: VerifyResponse },
      },
    },
    async (request, reply) => {
      const { tenant: slug, flowId } = request.params as Static<typeof FlowParams>;
      const { methodId, code, credential } = request.body as Static<typeof VerifyBody>;
      // {methodId, code}; {methodId, credential}; or {credential} after POST /sign-in/passkey.
      if (
        code !== undefined ? methodId === undefined || credential !== undefined : credential === undefined
      ) {
        throw new TwofoldError('validation_failed', 'body: give methodId with code, or credential', {
          errors: [
            { path: 'body', message: 'give methodId with code, or credential (with or without methodId)' },
          ],
        });
      }
      const tenant = await tenants.getBySlug(slug);
      const answer =
        code !== undefined && methodId !== undefined
          ? await flows.verify(tenant, flowId, client(request), methodId, code)
          : await flows.verifyCredential(tenant, flowId, client(request), methodId, credential);
      if (!('session' in answer)) return flowJson(answer);
      setSignedIn(request, reply, tenant.slug, answer);
      return signedInJson(answer);
    },
  );

  app.get(
    '/t/:tenant/api/v1/sign-in/:flowId/push',
    {
      schema: {
        summary:
          "Wait for the answer to this sign-in's push: signed in once approved, else pending, denied, expired or reported",
        tags: ['sign-in'],
        params: FlowParams,
        querystring: PushQuery,
        response: { 200: Type.Union([SignedInResponse, PushPendingResponse]) },
      },
    },
    async (request, reply) => {
      const { tenant: slug, flowId } = request.params as Static<typeof FlowParams>;
      const { wait } = request.query as Static<typeof PushQuery>;
      const tenant = await tenants.getBySlug(slug);
      const result = await flows.pushStatus(tenant, flowId, client(request), {
        waitMs: waitMs(wait, defaultPushWaitSeconds),
        signal: longPolls.signalFor(reply),
      });
      if (result.status !== 'signed_in') return { status: result.status };
      setSignedIn(request, reply, tenant.slug, result);
      return signedInJson(result);
    },
  );

  app.get(
    '/t/:tenant/api/v1/sign-in/:flowId/diagnosis',
    {
      schema: {
        summary:
          '"I can\'t get a code": what stands between the user and a second factor now, and what they can do',
        tags: ['sign-in'],
        params: FlowParams,
        querystring: DiagnosisQuery,
        response: { 200: DiagnosisResponse },
      },
    },
    async (request, reply) => {
      const { tenant: slug, flowId } = request.params as Static<typeof FlowParams>;
      const { deviceTime } = request.query as Static<typeof DiagnosisQuery>;
      const tenant = await tenants.getBySlug(slug);
      reply.header('cache-control', 'no-store');
      return diagnosisJson(await flows.diagnose(tenant, flowId, client(request), deviceTime));
    },
  );

  app.post(
    '/t/:tenant/api/v1/sign-in/:flowId/help-request',
    {
      schema: {
        summary: "Ask the organisation's helpdesk for help (emails its helpdesk and global admins)",
        tags: ['sign-in'],
        params: FlowParams,
        querystring: DiagnosisQuery,
        body: HelpRequestBody,
        response: { 202: HelpRequestReceived },
      },
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request, reply) => {
      const { tenant: slug, flowId } = request.params as Static<typeof FlowParams>;
      const { deviceTime } = request.query as Static<typeof DiagnosisQuery>;
      const body = request.body as Static<typeof HelpRequestBody>;
      const tenant = await tenants.getBySlug(slug);
      const outcome = await flows.requestHelp(tenant, flowId, client(request), {
        message: body.message,
        contact: body.contact,
        deviceTime,
      });
      return reply.code(202).send(outcome);
    },
  );

  app.post(
    '/t/:tenant/api/v1/sign-in/:flowId/register',
    {
      schema: {
        summary: 'Register a new method during sign-in ("More information required")',
        tags: ['sign-in'],
        params: FlowParams,
        body: RegisterBody,
        response: { 200: RegisterResponse },
      },
    },
    async (request) => {
      const { tenant: slug, flowId } = request.params as Static<typeof FlowParams>;
      const body = request.body as Static<typeof RegisterBody>;
      const tenant = await tenants.getBySlug(slug);
      const registered = await flows.register(tenant, flowId, client(request), {
        type: body.type,
        label: body.label,
        phoneNumber: body.phoneNumber,
        email: body.email,
      });
      return 'expiresAt' in registered ? { ...registered, expiresAt: iso(registered.expiresAt) } : registered;
    },
  );
}
