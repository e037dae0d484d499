/** `POST /sign-in/passkey` (spec section 6): a sign-in without a password starts here. */
import type { Static } from '@sinclair/typebox';
import { TenantParams } from '@twofold/api/common';
import { PasskeySignInJson } from '@twofold/api/passkeys';
import type { FastifyInstance } from 'fastify';
import { addFlowSecret } from '../../flows/sign-in/deps.js';
import { flowLifetimeMs } from '../../flows/sign-in/index.js';
import { flowCookie, type SignInRouteDeps } from './sign-in.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function registerPasskeySignInRoute(app: FastifyInstance, deps: SignInRouteDeps): void {
  const { tenants, flows, secureCookies } = deps;
  app.post(
    '/t/:tenant/api/v1/sign-in/passkey',
    {
      schema: {
        summary:
          'Start a sign-in without a password: WebAuthn options with no allowCredentials (a discoverable passkey with user verification is both factors); answer with POST /sign-in/{flowId}/verify {credential}',
        tags: ['sign-in'],
        params: TenantParams,
        response: { 200: PasskeySignInJson },
      },
    },
    async (request, reply) => {
      const { tenant: slug } = request.params as Static<typeof TenantParams>;
      const tenant = await tenants.getBySlug(slug);
      const started = await flows.startPasskey(tenant);
      reply.setCookie(flowCookie, addFlowSecret(request.cookies[flowCookie], started.clientSecret), {
        path: `/t/${tenant.slug}/api/v1/sign-in`,
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        maxAge: flowLifetimeMs / 1000,
      });
      return { flowId: started.flowId, options: started.options, expiresAt: iso(started.expiresAt) };
    },
  );
}
