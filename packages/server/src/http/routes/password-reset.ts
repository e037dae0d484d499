/**
 * "Forgot password?" (spec section 6): `/t/{tenant}/api/v1/password-reset...`, bound to its
 * browser by an HttpOnly cookie like a sign-in. Each route parses, calls one step, answers.
 */
import type { Static } from '@sinclair/typebox';
import { TenantParams } from '@twofold/api/common';
import {
  ResetChallengeBody,
  ResetChallengeJson,
  ResetDoneJson,
  ResetFlowJson,
  ResetParams,
  ResetPasswordBody,
  ResetVerifyBody,
  StartResetBody,
} from '@twofold/api/password-reset';
import {
  DiagnosisQuery,
  DiagnosisResponse,
  HelpRequestBody,
  HelpRequestReceived,
} from '@twofold/api/troubleshoot';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type PasswordResetFlows,
  type ResetClient,
  type ResetView,
  resetLifetimeMs,
} from '../../flows/password-reset/index.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import { diagnosisJson } from './troubleshoot-json.js';

export const resetCookie = 'twofold_reset';

const iso = (ms: number) => new Date(ms).toISOString();

function resetJson(view: ResetView): Static<typeof ResetFlowJson> {
  return { ...view, expiresAt: iso(view.expiresAt) };
}

export function registerPasswordResetRoutes(
  app: FastifyInstance,
  deps: { tenants: TenantService; resets: PasswordResetFlows; secureCookies: boolean },
): void {
  const { tenants, resets, secureCookies } = deps;
  const cookieOptions = (slug: string) => ({
    path: `/t/${slug}/api/v1/password-reset`,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: secureCookies,
  });
  const client = (request: FastifyRequest): ResetClient => ({
    clientSecret: request.cookies[resetCookie],
    ip: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 512),
  });
  const schema = (summary: string, parts: Record<string, unknown>) => ({
    schema: { summary, tags: ['password-reset'], ...parts },
  });
  async function flowOf(request: FastifyRequest) {
    const { tenant: slug, flowId } = request.params as Static<typeof ResetParams>;
    return { tenant: await tenants.getBySlug(slug), flowId };
  }

  app.post(
    '/t/:tenant/api/v1/password-reset',
    schema(
      'Forgot password? Start a reset with the username; the same answer (password_reset_unavailable) for an unknown username as for one without a method',
      { params: TenantParams, body: StartResetBody, response: { 200: ResetFlowJson } },
    ),
    async (request, reply: FastifyReply) => {
      const { tenant: slug } = request.params as Static<typeof TenantParams>;
      const { username } = request.body as Static<typeof StartResetBody>;
      const tenant = await tenants.getBySlug(slug);
      const started = await resets.start({
        tenant,
        username,
        ip: request.ip,
        userAgent: request.headers['user-agent']?.slice(0, 512),
      });
      reply.setCookie(resetCookie, started.clientSecret, {
        ...cookieOptions(tenant.slug),
        maxAge: resetLifetimeMs / 1000,
      });
      return resetJson(started.view);
    },
  );

  app.get(
    '/t/:tenant/api/v1/password-reset/:flowId',
    schema('Where a password reset stands', { params: ResetParams, response: { 200: ResetFlowJson } }),
    async (request) => {
      const { tenant, flowId } = await flowOf(request);
      return resetJson(await resets.get(tenant, flowId, client(request)));
    },
  );

  app.post(
    '/t/:tenant/api/v1/password-reset/:flowId/challenge',
    schema('Pick the method to prove it is you with (sends the SMS or email code)', {
      params: ResetParams,
      body: ResetChallengeBody,
      response: { 200: ResetChallengeJson },
    }),
    async (request) => {
      const { tenant, flowId } = await flowOf(request);
      const { methodId } = request.body as Static<typeof ResetChallengeBody>;
      const sent = await resets.challenge(tenant, flowId, client(request), methodId);
      return sent.expiresAt === undefined ? sent : { ...sent, expiresAt: iso(sent.expiresAt) };
    },
  );

  app.post(
    '/t/:tenant/api/v1/password-reset/:flowId/verify',
    schema('Prove it is you with a code (admins: two different methods, one after the other)', {
      params: ResetParams,
      body: ResetVerifyBody,
      response: { 200: ResetFlowJson },
    }),
    async (request) => {
      const { tenant, flowId } = await flowOf(request);
      const { methodId, code } = request.body as Static<typeof ResetVerifyBody>;
      return resetJson(await resets.verify(tenant, flowId, client(request), methodId, code));
    },
  );

  app.get(
    '/t/:tenant/api/v1/password-reset/:flowId/diagnosis',
    schema(
      "\"I can't get a code\" during a reset: the same diagnosis as a sign-in's, for the reset's user (also after five wrong codes ended it)",
      { params: ResetParams, querystring: DiagnosisQuery, response: { 200: DiagnosisResponse } },
    ),
    async (request, reply) => {
      const { tenant, flowId } = await flowOf(request);
      const { deviceTime } = request.query as Static<typeof DiagnosisQuery>;
      reply.header('cache-control', 'no-store');
      return diagnosisJson(await resets.diagnose(tenant, flowId, client(request), deviceTime));
    },
  );

  app.post(
    '/t/:tenant/api/v1/password-reset/:flowId/help-request',
    {
      ...schema("Ask the organisation's helpdesk for help during a reset (as from a sign-in)", {
        params: ResetParams,
        querystring: DiagnosisQuery,
        body: HelpRequestBody,
        response: { 202: HelpRequestReceived },
      }),
      preValidation: async (request: FastifyRequest) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request, reply) => {
      const { tenant, flowId } = await flowOf(request);
      const { deviceTime } = request.query as Static<typeof DiagnosisQuery>;
      const body = request.body as Static<typeof HelpRequestBody>;
      const outcome = await resets.requestHelp(tenant, flowId, client(request), {
        message: body.message,
        contact: body.contact,
        deviceTime,
      });
      return reply.code(202).send(outcome);
    },
  );

  app.post(
    '/t/:tenant/api/v1/password-reset/:flowId/password',
    schema(
      'Set the new password: every session and application grant ends, the Temporary Access Pass is revoked, and the user gets an email',
      { params: ResetParams, body: ResetPasswordBody, response: { 200: ResetDoneJson } },
    ),
    async (request, reply) => {
      const { tenant, flowId } = await flowOf(request);
      const { newPassword } = request.body as Static<typeof ResetPasswordBody>;
      const done = await resets.setPassword(tenant, flowId, client(request), newPassword);
      reply.clearCookie(resetCookie, cookieOptions(tenant.slug));
      return done;
    },
  );
}
