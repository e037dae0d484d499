/** The admin API's view of a user's authentication methods (spec section 4): list, delete, clock drift. */
import { type Static, Type } from '@sinclair/typebox';
import {
  AdminMethodJson,
  MethodParams,
  OptionalReasonBody,
  ResyncBody,
  UserParams,
} from '@twofold/api/admin';
import type { FastifyInstance } from 'fastify';
import type { MethodService } from '../../factors/method-service.js';
import type { FactorRegistry } from '../../factors/registry.js';
import type { AdminFlows } from '../../flows/admin/index.js';
import { type AdminKit, type AdminKitDeps, adminMethodJson, schema } from './admin-kit.js';

export interface AdminMethodRouteDeps extends AdminKitDeps {
  readonly kit: AdminKit;
  readonly admin: AdminFlows;
  readonly methods: Pick<MethodService, 'listForUser' | 'delete'>;
  readonly factors: Pick<FactorRegistry, 'describe' | 'phishingResistant'>;
}

export function registerAdminMethodRoutes(app: FastifyInstance, deps: AdminMethodRouteDeps): void {
  const { users, admin, methods, factors, kit } = deps;
  const { context, target } = kit;

  app.get(
    '/t/:tenant/api/v1/admin/users/:id/methods',
    schema("A user's authentication methods: type, label, status, last use, drift, failures", {
      params: UserParams,
      response: { 200: Type.Object({ methods: Type.Array(AdminMethodJson) }) },
    }),
    async (request) => {
      const { tenant } = await context(request, 'methods.read');
      const { id } = request.params as Static<typeof UserParams>;
      const user = await users.getById(tenant.id, id);
      const list = await methods.listForUser(tenant.id, user.id, {
        includeDisabled: true,
        includePending: true,
      });
      const described = await factors.describe(tenant.id, user.id);
      return { methods: list.map((m) => ({ ...adminMethodJson(m), ...described.get(m.id) })) };
    },
  );

  app.delete(
    '/t/:tenant/api/v1/admin/users/:id/methods/:methodId',
    schema('Delete one method of a user', { params: MethodParams, body: OptionalReasonBody }),
    async (request, reply) => {
      const { tenant, principal, user } = await target(request, 'methods.delete');
      const { methodId } = request.params as Static<typeof MethodParams>;
      const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
      await methods.delete(tenant.id, user.id, methodId, principal.actor, { reason });
      return reply.code(204).send();
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/methods/:methodId/resync',
    schema("Resynchronise a code method's clock drift from two consecutive codes (RFC 6238 section 6)", {
      params: MethodParams,
      body: ResyncBody,
      response: { 200: AdminMethodJson },
    }),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'methods.resync');
      const { methodId } = request.params as Static<typeof MethodParams>;
      const { code1, code2 } = request.body as Static<typeof ResyncBody>;
      const method = await admin.resyncMethod({
        tenant,
        userId: user.id,
        methodId,
        code1,
        code2,
        actor: principal.actor,
      });
      return adminMethodJson(method);
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/methods/:methodId/reset-drift',
    schema("Forget a method's recorded clock drift", {
      params: MethodParams,
      body: OptionalReasonBody,
      response: { 200: AdminMethodJson },
    }),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'methods.reset_drift');
      const { methodId } = request.params as Static<typeof MethodParams>;
      const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
      const method = await admin.resetMethodDrift({
        tenant,
        userId: user.id,
        methodId,
        actor: principal.actor,
        reason,
      });
      return adminMethodJson(method);
    },
  );
}
