import { TenantParams } from '@twofold/api/common';
import { SetupBody, SetupLinkBody, SetupLinkState, SetupResult } from '@twofold/api/setup';
import type { FastifyInstance } from 'fastify';
import type { SetupService } from '../../setup/setup-service.js';
import type { TenantService } from '../../tenants/tenant-service.js';

export function registerSetupRoutes(
  app: FastifyInstance,
  deps: { tenants: TenantService; setup: SetupService; publicUrl: string },
): void {
  const { tenants, setup, publicUrl } = deps;

  app.post(
    '/t/:tenant/api/v1/setup',
    {
      schema: {
        summary: "Create a tenant's first global admin from a one-time setup link",
        tags: ['setup'],
        params: TenantParams,
        body: SetupBody,
        response: { 201: SetupResult },
      },
    },
    async (request, reply) => {
      const { tenant: slug } = request.params as { tenant: string };
      const body = request.body as { token: string; email: string; displayName?: string; password: string };
      const tenant = await tenants.getBySlug(slug);
      const user = await setup.complete({ tenant, ...body });
      return reply.code(201).send({
        user: { id: user.id, email: user.email, displayName: user.displayName, roles: user.roles },
        signInUrl: `${publicUrl}/t/${tenant.slug}/sign-in`,
      });
    },
  );

  // POST, so the token stays out of URLs and logs.
  app.post(
    '/t/:tenant/api/v1/setup/link',
    {
      schema: {
        summary: 'What a setup link is now (ready, used, expired, unknown), without spending it',
        tags: ['setup'],
        params: TenantParams,
        body: SetupLinkBody,
        response: { 200: SetupLinkState },
      },
    },
    async (request) => {
      const { tenant: slug } = request.params as { tenant: string };
      const { token } = request.body as { token: string };
      const tenant = await tenants.getBySlug(slug);
      return {
        state: await setup.inspect(tenant, token),
        signInUrl: `${publicUrl}/t/${tenant.slug}/sign-in`,
      };
    },
  );
}
