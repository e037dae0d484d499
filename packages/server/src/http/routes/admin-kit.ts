/** What every admin route shares: who is calling and on whom, the common shapes, and the JSON of users and methods. */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  type AdminAccessDeps,
  type AdminAction,
  authorizeAdmin,
  checkTarget,
} from '../../admin/admin-access.js';
import type { Method } from '../../factors/method-service.js';
import type { Clock } from '../../platform/clock.js';
import { methodTypesInPolicy } from '../../tenants/tenant-policy.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import { lockStateOf } from '../../users/mfa-lockout.js';
import { roles } from '../../users/roles.js';
import type { User, UserService } from '../../users/user-service.js';

export interface AdminKitDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly users: UserService;
  readonly clock: Clock;
}

export const Slug = Type.String({ minLength: 1, maxLength: 63 });
export const Id = Type.String({ minLength: 1, maxLength: 100 });
export const TenantParams = Type.Object({ tenant: Slug });
export const UserParams = Type.Object({ tenant: Slug, id: Id });
export const MethodParams = Type.Object({ tenant: Slug, id: Id, methodId: Id });
export const Reason = Type.String({ minLength: 1, maxLength: 500 });
export const RoleName = Type.Union(roles.map((r) => Type.Literal(r)));
export const strict = { additionalProperties: false } as const;

export const ReasonBody = Type.Object({ reason: Reason }, strict);
export const OptionalReasonBody = Type.Object({ reason: Type.Optional(Reason) }, strict);
export const ListQuery = Type.Object(
  {
    query: Type.Optional(Type.String({ maxLength: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  strict,
);
export const CreateUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    roles: Type.Optional(Type.Array(RoleName, { maxItems: 3 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  strict,
);
export const PatchUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    disabled: Type.Optional(Type.Boolean()),
    roles: Type.Optional(Type.Array(RoleName, { maxItems: 3 })),
    reason: Type.Optional(Reason),
  },
  { ...strict, minProperties: 1 },
);
export const PassBody = Type.Object(
  {
    lifetimeMinutes: Type.Optional(Type.Integer({ minimum: 10, maximum: 30 * 24 * 60 })),
    reusable: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Reason),
  },
  strict,
);
export const ResyncBody = Type.Object(
  {
    code1: Type.String({ minLength: 1, maxLength: 64 }),
    code2: Type.String({ minLength: 1, maxLength: 64 }),
  },
  strict,
);
export const PolicyJson = Type.Object(
  {
    mfaRequired: Type.Boolean(),
    allowedMethods: Type.Array(Type.Union(methodTypesInPolicy.map((t) => Type.Literal(t))), {
      maxItems: methodTypesInPolicy.length,
    }),
    totp: Type.Object(
      {
        algorithm: Type.Union([Type.Literal('SHA1'), Type.Literal('SHA256'), Type.Literal('SHA512')]),
        digits: Type.Union([Type.Literal(6), Type.Literal(8)]),
        period: Type.Union([Type.Literal(30), Type.Literal(60)]),
      },
      strict,
    ),
    lockout: Type.Object({ failuresPerLock: Type.Integer(), firstLockMinutes: Type.Integer() }, strict),
    temporaryAccessPass: Type.Object(
      { minMinutes: Type.Integer(), maxMinutes: Type.Integer(), defaultMinutes: Type.Integer() },
      strict,
    ),
  },
  strict,
);
export const SendLimitsJson = Type.Object(
  {
    perUser: Type.Integer(),
    perDestination: Type.Integer(),
    perIp: Type.Integer(),
    perTenant: Type.Integer(),
  },
  strict,
);
export const PolicyResponse = Type.Object({ ...PolicyJson.properties, sendLimits: SendLimitsJson });
/** The whole document; sendLimits may be left out (kept as they are), for clients older than them. */
export const PolicyBody = Type.Object(
  { ...PolicyJson.properties, sendLimits: Type.Optional(SendLimitsJson), reason: Type.Optional(Reason) },
  strict,
);

export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);
export const LockoutJson = Type.Object({
  locked: Type.Boolean(),
  failures: Type.Integer(),
  lockedUntil: NullableDateTime,
  adminRequired: Type.Boolean(),
});
export const UserJson = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  registrationRequired: Type.Boolean(),
  lockout: LockoutJson,
  pushBlocked: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export const UserDetailJson = Type.Object({
  ...UserJson.properties,
  activeSessions: Type.Integer(),
  recoveryCodesRemaining: Type.Integer(),
  temporaryAccessPass: Type.Union([
    Type.Object({ expiresAt: DateTime, reusable: Type.Boolean(), used: Type.Boolean() }),
    Type.Null(),
  ]),
});
export const AdminMethodJson = Type.Object({
  id: Type.String(),
  type: Type.String(),
  label: Type.String(),
  status: Type.String(),
  isDefault: Type.Boolean(),
  createdAt: DateTime,
  lastUsedAt: NullableDateTime,
  driftSteps: Type.Integer(),
  driftSeconds: Type.Integer(),
  failures: Type.Integer(),
  serial: Type.Optional(Type.String()),
  manufacturer: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
});

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
      createdAt: iso(user.createdAt),
      updatedAt: iso(user.updatedAt),
    };
  }

  return { context, target, userJson };
}

export type AdminKit = ReturnType<typeof createAdminKit>;
