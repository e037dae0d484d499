/** The tenant policy (spec section 4) and the message outbox, for admins. */
import { type Static, Type } from '@sinclair/typebox';
import { OutboxJson, PolicyBody, PolicyResponse } from '@twofold/api/admin';
import { strict, TenantParams } from '@twofold/api/common';
import type { FastifyInstance } from 'fastify';
import type { AdminFlows } from '../../flows/admin/index.js';
import type { Outbox } from '../../outbox/outbox.js';
import type { TenantPolicy } from '../../tenants/tenant-policy.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import { type AdminKit, type AdminKitDeps, iso, schema } from './admin-kit.js';

export interface AdminPolicyRouteDeps extends AdminKitDeps {
  readonly kit: AdminKit;
  readonly tenants: TenantService;
  readonly outbox: Pick<Outbox, 'list'>;
  readonly admin: Pick<AdminFlows, 'updatePolicy'>;
}

export function registerAdminPolicyRoutes(app: FastifyInstance, deps: AdminPolicyRouteDeps): void {
  const { kit } = deps;
  const { context } = kit;

  app.get(
    '/t/:tenant/api/v1/admin/outbox',
    schema('The newest messages queued for people (emails, and SMS with the development outbox provider)', {
      params: TenantParams,
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, strict),
      response: { 200: Type.Object({ messages: Type.Array(OutboxJson) }) },
    }),
    async (request) => {
      const { tenant } = await context(request, 'outbox.read');
      const { limit } = request.query as { limit?: number };
      const messages = await deps.outbox.list(tenant.id, { limit: limit ?? 100 });
      return {
        messages: messages.map((m) => ({
          id: m.id,
          channel: m.channel,
          recipient: m.recipient,
          subject: m.subject ?? null,
          body: m.body,
          status: m.status,
          attempts: m.attempts,
          createdAt: iso(m.createdAt),
          sentAt: m.sentAt === null ? null : iso(m.sentAt),
          lastError: m.lastError,
        })),
      };
    },
  );

  app.get(
    '/t/:tenant/api/v1/admin/policy',
    schema('The tenant policy', { params: TenantParams, response: { 200: PolicyResponse } }),
    async (request) => {
      const { tenant } = await context(request, 'policy.read');
      return tenant.policy;
    },
  );

  app.put(
    '/t/:tenant/api/v1/admin/policy',
    schema('Replace the tenant policy (the whole document)', {
      params: TenantParams,
      body: PolicyBody,
      response: { 200: PolicyResponse },
    }),
    async (request) => {
      const { tenant, principal } = await context(request, 'policy.update');
      const {
        reason,
        sendLimits,
        registrationRequiresPass,
        phishingResistantAdmins,
        defaultLocale,
        ...rest
      } = request.body as Static<typeof PolicyBody>;
      // What older clients leave out is kept as it is.
      const policy: TenantPolicy = {
        ...rest,
        sendLimits: sendLimits ?? tenant.policy.sendLimits,
        registrationRequiresPass: registrationRequiresPass ?? tenant.policy.registrationRequiresPass,
        phishingResistantAdmins: phishingResistantAdmins ?? tenant.policy.phishingResistantAdmins,
        defaultLocale: defaultLocale ?? tenant.policy.defaultLocale,
      };
      const updated = await deps.admin.updatePolicy({ tenant, policy, actor: principal.actor, reason });
      return updated.policy;
    },
  );
}
