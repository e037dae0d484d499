/** `POST /admin/users/import`: users from a CSV file (spec section 6), all lines or none. */
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { UserImportJson, UserImportQuery } from '@twofold/api/admin-user-import';
import { TenantParams } from '@twofold/api/common';
import type { FastifyInstance } from 'fastify';
import { type AdminAccessDeps, authorizeAdmin } from '../../admin/admin-access.js';
import { type AdminFlows, refusedImport } from '../../flows/admin/index.js';
import { userCsvColumns } from '../../flows/admin/user-import/user-csv.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import { csvMediaType, registerCsvRoutes, requireCsvBody } from './csv-body.js';

export interface AdminUserImportRouteDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly admin: Pick<AdminFlows, 'importUsers'>;
}

export function registerAdminUserImportRoutes(app: FastifyInstance, deps: AdminUserImportRouteDeps): void {
  registerCsvRoutes(app, userCsvColumns.join(','), (scope) => {
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
        preValidation: requireCsvBody,
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
