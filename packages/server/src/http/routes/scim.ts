/**
 * SCIM 2.0 at /t/{tenant}/scim/v2/ (spec section 6): Users, Groups, ServiceProviderConfig, Schemas,
 * ResourceTypes. Bodies are application/scim+json (or application/json); every answer is
 * application/scim+json, refusals in SCIM's error schema (RFC 7644 section 3.12) with `scimType`. The
 * caller (an API key of role provisioning) is checked before the body is read. SCIM documents itself
 * (/Schemas), so these routes are not in /api/openapi.json.
 */
import { type Static, Type } from '@sinclair/typebox';
import { ScimListQuery, ScimPatchBody, ScimResourceParams } from '@twofold/api/scim';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  project,
  resourceTypes,
  type ScimContext,
  type ScimFlows,
  schemaDocuments,
  scimError,
  scimMediaType,
  serviceProviderConfig,
} from '../../flows/scim/index.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import { classifyError } from '../problem.js';

export interface ScimRouteDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly scim: ScimFlows;
}

const scimTypes: Readonly<Record<string, string>> = {
  user_exists: 'uniqueness',
  group_exists: 'uniqueness',
  validation_failed: 'invalidValue',
  email_invalid: 'invalidValue',
  last_global_admin: 'mutability',
  bad_request: 'invalidSyntax',
};

const hidden = { hide: true } as const;
const Params = Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 63 }) });

function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type(`${scimMediaType}; charset=utf-8`).send(body);
}

export function registerScimRoutes(app: FastifyInstance, deps: ScimRouteDeps): void {
  const { scim } = deps;
  const callers = new WeakMap<FastifyRequest, ScimContext>();
  const caller = (request: FastifyRequest) => callers.get(request) as ScimContext;

  app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      const json = scope.getDefaultJsonParser('error', 'error');
      scope.addContentTypeParser(['application/json', scimMediaType], { parseAs: 'string' }, json);
      scope.setErrorHandler((error: FastifyError | Error, request, reply) => {
        const problem = classifyError(error);
        if (problem.status >= 500) request.log.error({ err: error }, 'SCIM request failed');
        const scimType = (problem.details?.['scimType'] as string | undefined) ?? scimTypes[problem.code];
        return send(reply, problem.status, scimError(problem.status, problem.message, scimType));
      });
      scope.setNotFoundHandler((request, reply) =>
        send(reply, 404, scimError(404, `no SCIM endpoint ${request.method} ${request.url.split('?')[0]}`)),
      );
      // Who is calling, before anything of the request is read.
      scope.addHook('onRequest', async (request) => {
        const { tenant: slug } = request.params as { tenant?: string };
        if (slug === undefined) return;
        const tenant = await deps.tenants.getBySlug(slug);
        callers.set(request, await scim.authenticate(tenant, request.headers.authorization, request.ip));
      });

      scope.get('/ServiceProviderConfig', { schema: { ...hidden, params: Params } }, async (request, reply) =>
        send(reply, 200, serviceProviderConfig(caller(request).base)),
      );
      // The self-description: all of a kind as a ListResponse, or one by its id.
      const describe = (
        path: string,
        kind: string,
        documents: (base: string) => readonly { readonly id: string }[],
      ) => {
        scope.get(path, { schema: { ...hidden, params: Params } }, async (request, reply) => {
          const all = documents(caller(request).base);
          return send(reply, 200, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
            totalResults: all.length,
            startIndex: 1,
            itemsPerPage: all.length,
            Resources: all,
          });
        });
        scope.get(
          `${path}/:id`,
          { schema: { ...hidden, params: ScimResourceParams } },
          async (request, reply) => {
            const { id } = request.params as Static<typeof ScimResourceParams>;
            const found = documents(caller(request).base).find((d) => d.id === id);
            return found ? send(reply, 200, found) : send(reply, 404, scimError(404, `no ${kind} ${id}`));
          },
        );
      };
      describe('/ResourceTypes', 'resource type', resourceTypes);
      describe('/Schemas', 'schema', schemaDocuments);

      const excludesMembers = (q: Static<typeof ScimListQuery>) =>
        (q.excludedAttributes ?? '').split(',').some((a) => a.trim().toLowerCase() === 'members');

      for (const [path, flows] of [
        ['Users', scim.users],
        ['Groups', scim.groups],
      ] as const) {
        scope.get(
          `/${path}`,
          { schema: { ...hidden, params: Params, querystring: ScimListQuery } },
          async (request, reply) => {
            const q = request.query as Static<typeof ScimListQuery>;
            const list = await flows.list(caller(request), { ...q, excludeMembers: excludesMembers(q) });
            return send(reply, 200, { ...list, Resources: list.Resources.map((r: object) => project(r, q)) });
          },
        );
        scope.get(
          `/${path}/:id`,
          { schema: { ...hidden, params: ScimResourceParams, querystring: ScimListQuery } },
          async (request, reply) => {
            const { id } = request.params as Static<typeof ScimResourceParams>;
            const q = request.query as Static<typeof ScimListQuery>;
            const found = await flows.get(caller(request), id, { excludeMembers: excludesMembers(q) });
            return send(reply, 200, project(found, q));
          },
        );
        scope.post(
          `/${path}`,
          { schema: { ...hidden, params: Params, body: Type.Object({}) } },
          async (request, reply) =>
            send(reply, 201, await flows.create(caller(request), request.body as never)),
        );
        scope.put(
          `/${path}/:id`,
          { schema: { ...hidden, params: ScimResourceParams, body: Type.Object({}) } },
          async (request, reply) => {
            const { id } = request.params as Static<typeof ScimResourceParams>;
            return send(reply, 200, await flows.replace(caller(request), id, request.body as never));
          },
        );
        scope.patch(
          `/${path}/:id`,
          { schema: { ...hidden, params: ScimResourceParams, body: ScimPatchBody } },
          async (request, reply) => {
            const { id } = request.params as Static<typeof ScimResourceParams>;
            const body = request.body as Static<typeof ScimPatchBody>;
            return send(reply, 200, await flows.patch(caller(request), id, body.Operations as never));
          },
        );
        scope.delete(
          `/${path}/:id`,
          { schema: { ...hidden, params: ScimResourceParams } },
          async (request, reply) => {
            const { id } = request.params as Static<typeof ScimResourceParams>;
            await flows.delete(caller(request), id);
            return reply.code(204).send();
          },
        );
      }
    },
    { prefix: '/t/:tenant/scim/v2' },
  );
}
