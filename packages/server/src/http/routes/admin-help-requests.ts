/**
 * The console's "Help requests" queue (spec section 6): open requests with the user's diagnosis
 * now and the one-click actions the caller may take (each an existing admin route), and resolving
 * a request once it was acted on. Audited by the owner.
 */
import type { Static } from '@sinclair/typebox';
import { TenantParams } from '@twofold/api/common';
import {
  type Finding,
  HelpRequestJson,
  HelpRequestList,
  HelpRequestListQuery,
  HelpRequestParams,
  ResolveHelpRequestBody,
} from '@twofold/api/troubleshoot';
import type { FastifyInstance } from 'fastify';
import type { QueuedHelpRequest, Troubleshooter } from '../../flows/troubleshoot/index.js';
import { type AdminKit, type AdminKitDeps, createAdminKit, iso, schema } from './admin-kit.js';
import { diagnosisJson } from './troubleshoot-json.js';

export interface AdminHelpRequestRouteDeps extends AdminKitDeps {
  readonly troubleshooter: Pick<Troubleshooter, 'listHelpRequests' | 'resolveHelpRequest'>;
}

function helpRequestJson(queued: QueuedHelpRequest): Static<typeof HelpRequestJson> {
  const { request } = queued;
  return {
    id: request.id,
    status: request.status,
    user: queued.user,
    message: request.message,
    contact: request.contact,
    createdAt: iso(request.createdAt),
    findingsAtRequest: request.findings as Static<typeof Finding>[],
    ...(queued.diagnosis ? { diagnosis: diagnosisJson(queued.diagnosis) } : {}),
    actions: queued.actions,
    resolution: request.resolution,
    resolvedAt: request.resolvedAt === null ? null : iso(request.resolvedAt),
    resolvedBy: request.resolvedBy,
  };
}

export function registerAdminHelpRequestRoutes(app: FastifyInstance, deps: AdminHelpRequestRouteDeps): void {
  const kit: AdminKit = createAdminKit(deps);
  const { troubleshooter } = deps;

  app.get(
    '/t/:tenant/api/v1/admin/help-requests',
    schema(
      "Users' help requests (open by default, oldest first) with their diagnosis and one-click actions",
      {
        params: TenantParams,
        querystring: HelpRequestListQuery,
        response: { 200: HelpRequestList },
      },
    ),
    async (request) => {
      const { tenant, principal } = await kit.context(request, 'help_requests.read');
      const query = request.query as Static<typeof HelpRequestListQuery>;
      const queued = await troubleshooter.listHelpRequests(tenant, principal, {
        status: query.status ?? 'open',
        ...(query.limit ? { limit: query.limit } : {}),
      });
      return { helpRequests: queued.map(helpRequestJson) };
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/help-requests/:id/resolve',
    schema('Resolve a help request, saying what was done (audited)', {
      params: HelpRequestParams,
      body: ResolveHelpRequestBody,
      response: { 200: HelpRequestJson },
    }),
    async (request) => {
      const { tenant, principal } = await kit.context(request, 'help_requests.resolve');
      const { id } = request.params as Static<typeof HelpRequestParams>;
      const { resolution } = request.body as Static<typeof ResolveHelpRequestBody>;
      return helpRequestJson(await troubleshooter.resolveHelpRequest(tenant, principal, id, resolution));
    },
  );
}
