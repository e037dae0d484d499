import { type Static, Type } from '@sinclair/typebox';
import { ClientParams, CreateBody, CreatedJson, ListJson } from '@twofold/api/admin-apps';
import { TenantParams } from '@twofold/api/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AdminAccessDeps, type AdminAction, authorizeAdmin } from '../../admin/admin-access.js';
import { clientJson, type OidcClientService } from '../../oidc/client-service.js';
import { issuerOf } from '../../oidc/provider-registry.js';
import type { TenantService } from '../../tenants/tenant-service.js';

export interface AdminOidcClientRouteDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly oidcClients: OidcClientService;
}

/** `GET|POST /admin/oidc-clients`, `DELETE /admin/oidc-clients/{clientId}`: the tenant's applications. */
export function registerAdminOidcClientRoutes(app: FastifyInstance, deps: AdminOidcClientRouteDeps): void {
  const { tenants, oidcClients } = deps;

  async function admin(request: FastifyRequest, action: AdminAction) {
    const { tenant: slug } = request.params as { tenant: string };
    const tenant = await tenants.getBySlug(slug);
    const principal = await authorizeAdmin(request, tenant, action, deps);
    const issuer = issuerOf(deps.publicUrl, tenant.slug);
    return { tenant, principal, issuer, discoveryUrl: `${issuer}/.well-known/openid-configuration` };
  }

  app.get(
    '/t/:tenant/api/v1/admin/oidc-clients',
    {
      schema: {
        summary: 'List the applications that sign users in through this tenant (OpenID Connect)',
        tags: ['admin'],
        params: TenantParams,
        response: { 200: ListJson },
      },
    },
    async (request) => {
      const { tenant, issuer, discoveryUrl } = await admin(request, 'oidc_clients.read');
      return { issuer, discoveryUrl, clients: (await oidcClients.list(tenant.id)).map(clientJson) };
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/oidc-clients',
    {
      schema: {
        summary: 'Register an application; its secret is in this answer only',
        tags: ['admin'],
        params: TenantParams,
        body: CreateBody,
        response: { 201: CreatedJson },
      },
    },
    async (request, reply) => {
      const { tenant, principal, issuer, discoveryUrl } = await admin(request, 'oidc_clients.manage');
      const body = request.body as Static<typeof CreateBody>;
      const { client, clientSecret } = await oidcClients.create(
        {
          tenantId: tenant.id,
          name: body.name,
          redirectUris: body.redirectUris,
          postLogoutRedirectUris: body.postLogoutRedirectUris,
          confidential: body.confidential,
          firstParty: body.firstParty,
          service: body.service,
          backchannelLogoutUri: body.backchannelLogoutUri,
        },
        principal.actor,
      );
      reply.code(201);
      return { client: clientJson(client), ...(clientSecret ? { clientSecret } : {}), issuer, discoveryUrl };
    },
  );

  app.delete(
    '/t/:tenant/api/v1/admin/oidc-clients/:clientId',
    {
      schema: {
        summary: 'Delete an application: its tokens stop working at once',
        tags: ['admin'],
        params: ClientParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { tenant, principal } = await admin(request, 'oidc_clients.manage');
      const { clientId } = request.params as Static<typeof ClientParams>;
      await oidcClients.delete(tenant.id, clientId, principal.actor);
      return reply.code(204).send();
    },
  );
}
