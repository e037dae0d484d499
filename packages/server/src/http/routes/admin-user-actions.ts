/**
 * What an admin does to help a user (spec section 4): require re-registration, a Temporary Access
 * Pass, sign them out everywhere, lift a lockout, let push reach them again.
 */
import type { Static } from '@sinclair/typebox';
import {
  IssuedPassJson,
  OptionalReasonBody,
  PassBody,
  ReasonBody,
  ReregistrationJson,
  RevokedSessionsJson,
  UserJson,
  UserParams,
} from '@twofold/api/admin';
import type { AdminAction } from '@twofold/core';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../audit/audit-log.js';
import type { AdminFlows } from '../../flows/admin/index.js';
import type { MfaLockout } from '../../users/mfa-lockout.js';
import { type AdminKit, type AdminKitDeps, iso, schema } from './admin-kit.js';

export interface AdminUserActionRouteDeps extends AdminKitDeps {
  readonly kit: AdminKit;
  readonly admin: AdminFlows;
  readonly mfaLockout: Pick<MfaLockout, 'unlock'>;
}

export function registerAdminUserActionRoutes(app: FastifyInstance, deps: AdminUserActionRouteDeps): void {
  const { users, admin, mfaLockout, kit } = deps;
  const { target, userJson } = kit;

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/require-reregistration',
    schema(
      'Require re-registration: delete authenticator, TOTP and SMS methods, deactivate hardware tokens, end recovery codes and the Temporary Access Pass, revoke sessions; the next sign-in registers a new method (and gets new recovery codes)',
      {
        params: UserParams,
        body: ReasonBody,
        response: { 200: ReregistrationJson },
      },
    ),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'users.require_reregistration');
      const { reason } = request.body as Static<typeof ReasonBody>;
      return admin.requireReregistration({
        tenantId: tenant.id,
        userId: user.id,
        reason,
        actor: principal.actor,
      });
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/temporary-access-pass',
    schema('Issue a Temporary Access Pass (replaces an older one); the pass is shown only in this answer', {
      params: UserParams,
      body: PassBody,
      response: { 201: IssuedPassJson },
    }),
    async (request, reply) => {
      const { tenant, principal, user } = await target(request, 'users.temporary_access_pass');
      const body = request.body as Static<typeof PassBody>;
      const issued = await admin.issuePass({
        tenant,
        userId: user.id,
        ...body,
        actor: principal.actor,
        issuerRole: principal.role,
      });
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({
        pass: issued.pass,
        expiresAt: iso(issued.expiresAt),
        reusable: issued.reusable,
        lifetimeMinutes: issued.lifetimeMinutes,
      });
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/revoke-sessions',
    schema('Sign the user out everywhere: sessions, application grants and the Temporary Access Pass end', {
      params: UserParams,
      body: OptionalReasonBody,
      response: { 200: RevokedSessionsJson },
    }),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'users.revoke_sessions');
      const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
      return admin.revokeSessions({ tenantId: tenant.id, userId: user.id, actor: principal.actor, reason });
    },
  );

  /** An action on a user that takes an optional reason and answers with the user as it is after it. */
  function userAction(
    path: string,
    summary: string,
    action: AdminAction,
    act: (tenantId: string, userId: string, actor: Actor, reason: string | undefined) => Promise<unknown>,
  ): void {
    app.post(
      path,
      schema(summary, { params: UserParams, body: OptionalReasonBody, response: { 200: UserJson } }),
      async (request) => {
        const { tenant, principal, user } = await target(request, action);
        const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
        await act(tenant.id, user.id, principal.actor, reason);
        return userJson(await users.getById(tenant.id, user.id));
      },
    );
  }

  userAction(
    '/t/:tenant/api/v1/admin/users/:id/unlock',
    'Lift a second-factor lockout and reset the failure count',
    'users.unlock',
    (tenantId, userId, actor, reason) => mfaLockout.unlock(tenantId, userId, actor, reason),
  );

  userAction(
    '/t/:tenant/api/v1/admin/users/:id/clear-push-block',
    'Let push approvals reach the user again after they reported one',
    'users.clear_push_block',
    (tenantId, userId, actor, reason) => users.clearPushBlock(tenantId, userId, actor, reason),
  );
}
