import { type Static, Type } from '@sinclair/typebox';
import { AdminMethodJson } from '@twofold/api/admin';
import { TenantParams } from '@twofold/api/common';
import { ActivateBody, ImportJson, MethodParams } from '@twofold/api/hardware-tokens';
import { isTwofoldError, TwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type AdminAccessDeps,
  type AdminAction,
  authorizeAdmin,
  checkTarget,
} from '../../admin/admin-access.js';
import type { HardwareTokenService } from '../../factors/hardware/hardware-token-service.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import { adminMethodJson } from './admin-kit.js';

export interface AdminHardwareTokenRouteDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly hardwareTokens: HardwareTokenService;
}

const csvMediaType = 'text/csv';

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

  // The CSV route lives in its own scope, so that text/csv bodies are accepted there only and any
  // other body (JSON included) gets a 415 that says what to send.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(csvMediaType, { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.addContentTypeParser('*', (_request, _payload, done) =>
      done(
        new TwofoldError(
          'unsupported_media_type',
          'send the CSV file with Content-Type: text/csv (upn,serial number,secret key,time interval,manufacturer,model)',
        ),
        undefined,
      ),
    );

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
        // A request without a body has no Content-Type to refuse: say what to send, before validation does.
        preValidation: async (request) => {
          if (typeof request.body !== 'string') {
            throw new TwofoldError(
              'unsupported_media_type',
              'send the CSV file as the body, with Content-Type: text/csv',
            );
          }
        },
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
