/** The admin API's groups (spec section 6): list, create, read, rename, delete, add and remove members. */
import { type Static, Type } from '@sinclair/typebox';
import {
  CreateGroupBody,
  GroupDetailJson,
  GroupJson,
  GroupListJson,
  GroupListQuery,
  GroupMemberParams,
  GroupParams,
  PatchGroupBody,
} from '@twofold/api/admin-groups';
import { TenantParams } from '@twofold/api/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type AdminAccessDeps,
  type AdminAction,
  authorizeAdmin,
  checkTarget,
} from '../../admin/admin-access.js';
import type { Group, GroupService } from '../../groups/group-service.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import type { UserService } from '../../users/user-service.js';

export interface AdminGroupRouteDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly groups: GroupService;
  readonly users: Pick<UserService, 'getById'>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function groupJson(group: Group): Static<typeof GroupJson> {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    memberCount: group.memberCount,
    createdAt: iso(group.createdAt),
    updatedAt: iso(group.updatedAt),
  };
}

const schema = (summary: string, parts: Record<string, unknown>) => ({
  schema: { summary, tags: ['admin'], ...parts },
});

export function registerAdminGroupRoutes(app: FastifyInstance, deps: AdminGroupRouteDeps): void {
  const { tenants, groups, users } = deps;

  async function admin(request: FastifyRequest, action: AdminAction) {
    const { tenant: slug } = request.params as { tenant: string };
    const tenant = await tenants.getBySlug(slug);
    const principal = await authorizeAdmin(request, tenant, action, deps);
    return { tenant, principal };
  }

  async function detail(tenantId: string, id: string): Promise<Static<typeof GroupDetailJson>> {
    const group = await groups.get(tenantId, id);
    return { ...groupJson(group), members: [...(await groups.members(tenantId, id))] };
  }

  app.get(
    '/t/:tenant/api/v1/admin/groups',
    schema('List groups by name, a page at a time (or the groups of one user)', {
      params: TenantParams,
      querystring: GroupListQuery,
      response: { 200: GroupListJson },
    }),
    async (request) => {
      const { tenant } = await admin(request, 'groups.read');
      const q = request.query as Static<typeof GroupListQuery>;
      const page = await groups.list(tenant.id, {
        query: q.query,
        memberId: q.userId,
        offset: q.offset,
        limit: q.limit,
      });
      return { groups: page.groups.map(groupJson), total: page.total };
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/groups',
    schema('Create a group', { params: TenantParams, body: CreateGroupBody, response: { 201: GroupJson } }),
    async (request, reply) => {
      const { tenant, principal } = await admin(request, 'groups.manage');
      const body = request.body as Static<typeof CreateGroupBody>;
      const group = await groups.create(
        { tenantId: tenant.id, name: body.name, description: body.description },
        principal.actor,
      );
      return reply.code(201).send(groupJson(group));
    },
  );

  app.get(
    '/t/:tenant/api/v1/admin/groups/:id',
    schema('One group with its members', { params: GroupParams, response: { 200: GroupDetailJson } }),
    async (request) => {
      const { tenant } = await admin(request, 'groups.read');
      const { id } = request.params as Static<typeof GroupParams>;
      return detail(tenant.id, id);
    },
  );

  app.patch(
    '/t/:tenant/api/v1/admin/groups/:id',
    schema('Rename a group or change its description', {
      params: GroupParams,
      body: PatchGroupBody,
      response: { 200: GroupJson },
    }),
    async (request) => {
      const { tenant, principal } = await admin(request, 'groups.manage');
      const { id } = request.params as Static<typeof GroupParams>;
      const body = request.body as Static<typeof PatchGroupBody>;
      const group = await groups.update(
        tenant.id,
        id,
        { name: body.name, description: body.description },
        principal.actor,
      );
      return groupJson(group);
    },
  );

  app.delete(
    '/t/:tenant/api/v1/admin/groups/:id',
    schema('Delete a group (its members stay users)', {
      params: GroupParams,
      response: { 204: Type.Null() },
    }),
    async (request, reply) => {
      const { tenant, principal } = await admin(request, 'groups.manage');
      const { id } = request.params as Static<typeof GroupParams>;
      await groups.delete(tenant.id, id, principal.actor);
      return reply.code(204).send();
    },
  );

  /** The member of a change, after the rules about targets (nobody changes their own groups here). */
  async function member(request: FastifyRequest) {
    const { tenant, principal } = await admin(request, 'groups.manage');
    const { id, userId } = request.params as Static<typeof GroupMemberParams>;
    await groups.get(tenant.id, id);
    checkTarget(principal, await users.getById(tenant.id, userId));
    return { tenant, principal, id, userId };
  }

  app.put(
    '/t/:tenant/api/v1/admin/groups/:id/members/:userId',
    schema('Add a user to a group (nothing changes if they are a member)', {
      params: GroupMemberParams,
      response: { 204: Type.Null() },
    }),
    async (request, reply) => {
      const { tenant, principal, id, userId } = await member(request);
      await groups.addMember(tenant.id, id, userId, principal.actor);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/t/:tenant/api/v1/admin/groups/:id/members/:userId',
    schema('Remove a user from a group (nothing changes if they are not a member)', {
      params: GroupMemberParams,
      response: { 204: Type.Null() },
    }),
    async (request, reply) => {
      const { tenant, principal, id, userId } = await member(request);
      await groups.removeMember(tenant.id, id, userId, principal.actor);
      return reply.code(204).send();
    },
  );
}
