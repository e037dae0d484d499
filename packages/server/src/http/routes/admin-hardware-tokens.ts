import { type Static, Type } from '@sinclair/typebox';
import { AdminMethodJson } from '@twofold/api/admin';
import { TenantParams } from '@twofold/api/common';
import { ActivateBody, ImportJson, MethodParams } from '@twofold/api/hardware-tokens';
import { isTwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type AdminAccessDeps,
  type AdminAction,
  authorizeAdmin,
  checkTarget,
} from '../../admin/admin-access.js';
import { hardwareTokenCsvColumns } from '../../factors/hardware/hardware-token-csv.js';
import type { HardwareTokenService } from '../../factors/hardware/hardware-token-service.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import { adminMethodJson } from './admin-kit.js';
import { csvMediaType, registerCsvRoutes, requireCsvBody } from './csv-body.js';

export interface AdminHardwareTokenRouteDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly hardwareTokens: HardwareTokenService;
}

/**
 * The admin routes for hardware OATH tokens: `POST /admin/hardware-tokens` imports a CSV file in
 * Microsoft's format (Content-Type text/csv, at most the server's body limit: the command line
 * `twofold hardware-tokens import` streams files of any size), and
 * `POST /admin/users/{id}/methods/{methodId}/activate` activates a pending token with a code.
 */
export function registerAdminHardwareTokenRoutes(
  app: FastifyInstance,
  deps: AdminHardwareTokenRouteDeps,
): void {
  const { tenants, hardwareTokens } = deps;

  async function admin(request: FastifyRequest, action: AdminAction) {
    const { tenant: slug } = request.params as { tenant: string };
    const tenant: Tenant = await tenants.getBySlug(slug);
    const principal = await authorizeAdmin(request, tenant, action, deps);
    return { tenant, principal };
  }

  registerCsvRoutes(app, hardwareTokenCsvColumns.join(','), (scope) => {
    scope.post(
      '/t/:tenant/api/v1/admin/hardware-tokens',
      {
        schema: {
          summary: "Import hardware OATH tokens from a CSV file in Microsoft Entra's format",
          description:
            'Body: `upn,serial number,secret key,time interval,manufacturer,model` (header first). Each good row ' +
            'becomes a pending hardware token of the user it names, activated later by one code; each bad row is ' +
            'listed with its line. Larger files than the body limit: `twofold hardware-tokens import`.',
          tags: ['admin'],
          consumes: [csvMediaType],
          params: TenantParams,
          body: Type.String({ description: 'the CSV file' }),
          response: { 200: ImportJson },
        },
        preValidation: requireCsvBody,
      },
      async (request) => {
        const { tenant, principal } = await admin(request, 'hardware_tokens.import');
        return hardwareTokens.import(
          {
            tenantId: tenant.id,
            source: [request.body as string],
            mayAssignTo: (user) => {
              try {
                checkTarget(principal, { id: user.id, roles: user.roles });
                return undefined;
              } catch (error) {
                if (isTwofoldError(error)) return error.message;
                throw error;
              }
            },
          },
          principal.actor,
        );
      },
    );
  });

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/methods/:methodId/activate',
    {
      schema: {
        summary: "Activate a user's pending hardware token with one code from it",
        tags: ['admin'],
        params: MethodParams,
        body: ActivateBody,
        response: { 200: AdminMethodJson },
      },
    },
    async (request) => {
      const { tenant, principal } = await admin(request, 'methods.activate');
      const { id, methodId } = request.params as Static<typeof MethodParams>;
      const { code } = request.body as Static<typeof ActivateBody>;
      const user = await deps.users.getById(tenant.id, id);
      checkTarget(principal, { id, roles: user.roles });
      const token = await hardwareTokens.activate(
        { tenantId: tenant.id, userId: id, methodId, code },
        principal.actor,
      );
      return adminMethodJson(token);
    },
  );
}
