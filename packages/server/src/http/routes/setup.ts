import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SetupService } from '../../setup/setup-service.js';
import type { TenantService } from '../../tenants/tenant-service.js';

const TenantParams = Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 63 }) });

const SetupBody = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The token from the one-time setup link.',
    }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.String({ minLength: 8, maxLength: 256 }),
  },
  { additionalProperties: false },
);

const SetupResult = Type.Object({
  user: Type.Object({
    id: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.String()),
  }),
  signInUrl: Type.String(),
});

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
}
