/** `POST /admin/users/import`: users from a CSV file (spec section 6), all lines or none. */
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { UserImportJson, UserImportQuery } from '@twofold/api/admin-user-import';
import { TenantParams } from '@twofold/api/common';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance } from 'fastify';
import { type AdminAccessDeps, authorizeAdmin } from '../../admin/admin-access.js';
import { type AdminFlows, refusedImport } from '../../flows/admin/index.js';
import type { TenantService } from '../../tenants/tenant-service.js';

export interface AdminUserImportRouteDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly admin: Pick<AdminFlows, 'importUsers'>;
}

const csvMediaType = 'text/csv';

export function registerAdminUserImportRoutes(app: FastifyInstance, deps: AdminUserImportRouteDeps): void {
  // text/csv bodies are accepted on this route only; any other body gets a 415 that says what to send.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(csvMediaType, { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    scope.addContentTypeParser('*', (_request, _payload, done) =>
      done(
        new TwofoldError(
          'unsupported_media_type',
          'send the CSV file with Content-Type: text/csv (email,name,role)',
        ),
        undefined,
      ),
    );
    scope.post(
      '/t/:tenant/api/v1/admin/users/import',
      {
        schema: {
          summary: 'Import users from a CSV file (email,name,role): every line, or none',
          description:
            'Body: `email,name,role` (header first; role empty for an ordinary user). The whole file is checked ' +
            'first; if any line is refused, nothing is imported and the answer is 422 import_refused listing ' +
            'every refused line (`refused`). Otherwise every user is created in one transaction. `dryRun=true` ' +
            'only checks. Larger files than the body limit: `twofold user import`.',
          tags: ['admin'],
          consumes: [csvMediaType],
          params: TenantParams,
          querystring: UserImportQuery,
          body: Type.String({ description: 'the CSV file' }),
          response: { 200: UserImportJson },
        },
        preValidation: async (request) => {
          if (typeof request.body !== 'string')
            throw new TwofoldError(
              'unsupported_media_type',
              'send the CSV file as the body, with Content-Type: text/csv',
            );
        },
      },
      async (request) => {
        const { tenant: slug } = request.params as { tenant: string };
        const tenant = await deps.tenants.getBySlug(slug);
        const principal = await authorizeAdmin(request, tenant, 'users.import', deps);
        const { dryRun } = request.query as Static<typeof UserImportQuery>;
        const report = await deps.admin.importUsers({
          tenantId: tenant.id,
          csv: request.body as string,
          actor: principal.actor,
          dryRun,
        });
        if (report.refused.length > 0) throw refusedImport(report);
        return report;
      },
    );
  });
}
