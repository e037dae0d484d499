/** What every admin route shares: who is calling and on whom, the common shapes, and the JSON of users and methods. */
import type { Static, TSchema } from '@sinclair/typebox';
import { type AdminMethodJson, OptionalReasonBody, type UserJson } from '@twofold/api/admin';
import type { FastifyRequest } from 'fastify';
import {
  type AdminAccessDeps,
  type AdminAction,
  authorizeAdmin,
  checkTarget,
} from '../../admin/admin-access.js';
import type { Method } from '../../factors/method-service.js';
import type { Clock } from '../../platform/clock.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import { lockStateOf } from '../../users/mfa-lockout.js';
import type { User, UserService } from '../../users/user-service.js';

export interface AdminKitDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly users: UserService;
  readonly clock: Clock;
}
export const strict = { additionalProperties: false } as const;

export const iso = (ms: number) => new Date(ms).toISOString();

export function adminMethodJson(method: Method): Static<typeof AdminMethodJson> {
  return {
    id: method.id,
    type: method.type,
    label: method.label,
    status: method.status,
    isDefault: method.isDefault,
    createdAt: iso(method.createdAt),
    lastUsedAt: method.lastUsedAt === null ? null : iso(method.lastUsedAt),
    driftSteps: method.driftSteps,
    driftSeconds: method.driftSteps * (method.period ?? 0),
    failures: method.failures,
    ...(method.serial !== null ? { serial: method.serial } : {}),
    ...(method.manufacturer !== null ? { manufacturer: method.manufacturer } : {}),
    ...(method.model !== null ? { model: method.model } : {}),
  };
}

/** A route whose body is optional: no body is read as `{}`, so the schema still checks any body sent. */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

export function schema(summary: string, parts: Record<string, TSchema | Record<number, TSchema>>) {
  const optionalBody = parts['body'] === OptionalReasonBody;
  return {
    schema: { summary, tags: ['admin'], ...parts },
    ...(optionalBody ? { preValidation: emptyBodyAsObject } : {}),
  };
}

/** The caller of an admin route, and the target user of an action after the rules about targets. */
export function createAdminKit(deps: AdminKitDeps) {
  const { tenants, users, clock } = deps;

  async function context(request: FastifyRequest, action: AdminAction) {
    const { tenant: slug } = request.params as { tenant: string };
    const tenant = await tenants.getBySlug(slug);
    const principal = await authorizeAdmin(request, tenant, action, deps);
    return { tenant, principal };
  }

  /** The target user of an action, after the rules about targets (self, other admins) are applied. */
  async function target(request: FastifyRequest, action: AdminAction) {
    const { tenant, principal } = await context(request, action);
    const { id } = request.params as { id: string };
    const user = await users.getById(tenant.id, id);
    checkTarget(principal, user);
    return { tenant, principal, user };
  }

  function userJson(user: User): Static<typeof UserJson> {
    const state = lockStateOf(user.mfaFailures, user.mfaLockedUntil, clock.now());
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      roles: user.roles,
      disabled: user.disabled,
      registrationRequired: user.registrationRequired,
      lockout: {
        locked: state.locked,
        failures: state.failures,
        lockedUntil:
          state.locked && !state.adminRequired && user.mfaLockedUntil !== null
            ? iso(user.mfaLockedUntil)
            : null,
        adminRequired: state.locked && state.adminRequired,
      },
      pushBlocked: user.pushBlocked,
      locale: user.locale,
      createdAt: iso(user.createdAt),
      updatedAt: iso(user.updatedAt),
    };
  }

  return { context, target, userJson };
}

export type AdminKit = ReturnType<typeof createAdminKit>;
