/** The admin API's users (spec section 4): find, create, read, change, delete. */
import { type Static, Type } from '@sinclair/typebox';
import {
  CreateUserBody,
  ListQuery,
  OptionalReasonBody,
  PatchUserBody,
  UserDetailJson,
  UserJson,
  UserParams,
} from '@twofold/api/admin';
import { TenantParams } from '@twofold/api/common';
import type { FastifyInstance } from 'fastify';
import type { RecoveryCodeService } from '../../factors/recovery-codes/recovery-code-service.js';
import type {
  PassState,
  TemporaryAccessPassService,
} from '../../factors/temporary-access-pass/temporary-access-pass-service.js';
import type { AdminFlows } from '../../flows/admin/index.js';
import type { SessionService } from '../../sessions/session-service.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { User } from '../../users/user-service.js';
import { type AdminKit, type AdminKitDeps, iso, schema } from './admin-kit.js';

export interface AdminUserRouteDeps extends AdminKitDeps {
  readonly kit: AdminKit;
  readonly admin: AdminFlows;
  readonly sessions: AdminKitDeps['sessions'] & Pick<SessionService, 'countActive'>;
  readonly passes: Pick<TemporaryAccessPassService, 'state'>;
  readonly recoveryCodes: Pick<RecoveryCodeService, 'remaining'>;
}

export function registerAdminUserRoutes(app: FastifyInstance, deps: AdminUserRouteDeps): void {
  const { users, admin, kit } = deps;
  const { context, target, userJson } = kit;

  async function userDetail(tenant: Tenant, user: User): Promise<Static<typeof UserDetailJson>> {
    const pass: PassState | null = await deps.passes.state(tenant.id, user.id);
    const issuer = pass?.issuedBy;
    const issuerEmail =
      issuer?.type === 'user' && issuer.id !== null
        ? await users.getById(tenant.id, issuer.id).then(
            (u) => u.email,
            () => null,
          )
        : null;
    return {
      ...userJson(user),
      activeSessions: await deps.sessions.countActive(tenant.id, user.id),
      recoveryCodesRemaining: await deps.recoveryCodes.remaining(tenant.id, user.id),
      temporaryAccessPass: pass
        ? {
            expiresAt: iso(pass.expiresAt),
            reusable: pass.reusable,
            used: pass.used,
            issuedBy: { type: pass.issuedBy.type, role: pass.issuedBy.role, email: issuerEmail },
          }
        : null,
    };
  }

  app.get(
    '/t/:tenant/api/v1/admin/users',
    schema('Find users: search by email or name, a page at a time', {
      params: TenantParams,
      querystring: ListQuery,
      response: {
        200: Type.Object({
          users: Type.Array(UserJson),
          nextCursor: Type.Union([Type.String(), Type.Null()]),
        }),
      },
    }),
    async (request) => {
      const { tenant } = await context(request, 'users.read');
      const q = request.query as Static<typeof ListQuery>;
      const page = await users.search(tenant.id, { query: q.query, cursor: q.cursor, limit: q.limit });
      return { users: page.users.map(userJson), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users',
    schema('Create a user', { params: TenantParams, body: CreateUserBody, response: { 201: UserJson } }),
    async (request, reply) => {
      const { tenant, principal } = await context(request, 'users.create');
      const body = request.body as Static<typeof CreateUserBody>;
      const created = await users.create(
        {
          tenantId: tenant.id,
          email: body.email,
          displayName: body.displayName,
          roles: body.roles ?? [],
          password: body.password,
        },
        principal.actor,
      );
      return reply.code(201).send(userJson(await users.getById(tenant.id, created.id)));
    },
  );

  app.get(
    '/t/:tenant/api/v1/admin/users/:id',
    schema('One user, with sessions, recovery codes, pass and lockout state', {
      params: UserParams,
      response: { 200: UserDetailJson },
    }),
    async (request) => {
      const { tenant } = await context(request, 'users.read');
      const { id } = request.params as Static<typeof UserParams>;
      return userDetail(tenant, await users.getById(tenant.id, id));
    },
  );

  app.patch(
    '/t/:tenant/api/v1/admin/users/:id',
    schema('Rename, disable or enable a user, or change their roles', {
      params: UserParams,
      body: PatchUserBody,
      response: { 200: UserJson },
    }),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'users.update');
      const body = request.body as Static<typeof PatchUserBody>;
      await admin.updateUser({
        tenantId: tenant.id,
        userId: user.id,
        changes: {
          displayName: body.displayName,
          disabled: body.disabled,
          roles: body.roles,
          locale: body.locale,
        },
        actor: principal.actor,
        reason: body.reason,
      });
      return userJson(await users.getById(tenant.id, user.id));
    },
  );

  app.delete(
    '/t/:tenant/api/v1/admin/users/:id',
    schema('Delete a user and everything that is theirs', { params: UserParams, body: OptionalReasonBody }),
    async (request, reply) => {
      const { tenant, principal, user } = await target(request, 'users.delete');
      const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
      await admin.deleteUser({ tenantId: tenant.id, userId: user.id, actor: principal.actor, reason });
      return reply.code(204).send();
    },
  );
}
