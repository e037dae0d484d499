import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type AdminAccessDeps,
  type AdminAction,
  authorizeAdmin,
  checkTarget,
} from '../../admin/admin-access.js';
import { type AdminActions, checkReason } from '../../admin/admin-actions.js';
import type { Method, MethodService } from '../../methods/method-service.js';
import { lockStateOf, type MfaLockout } from '../../methods/mfa-lockout.js';
import type { RecoveryCodeService } from '../../methods/recovery-codes/recovery-code-service.js';
import type { TotpMethodService } from '../../methods/totp/totp-method-service.js';
import type { Outbox } from '../../outbox/outbox.js';
import type { TemporaryAccessPassService } from '../../passes/temporary-access-pass-service.js';
import type { Clock } from '../../platform/clock.js';
import type { SessionService } from '../../sessions/session-service.js';
import { checkPassLifetime, methodTypesInPolicy, type TenantPolicy } from '../../tenants/tenant-policy.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import { roles } from '../../users/roles.js';
import type { User, UserService } from '../../users/user-service.js';
import { LocaleJson, UserLocaleJson } from '../locale-json.js';

export interface AdminRouteDeps extends AdminAccessDeps {
  readonly tenants: TenantService;
  readonly users: UserService;
  readonly sessions: SessionService;
  readonly methods: MethodService;
  readonly totp: Pick<TotpMethodService, 'resync'>;
  readonly passes: Pick<TemporaryAccessPassService, 'issue'>;
  readonly mfaLockout: Pick<MfaLockout, 'unlock'>;
  readonly recoveryCodes: Pick<RecoveryCodeService, 'remaining'>;
  readonly adminActions: AdminActions;
  readonly outbox: Pick<Outbox, 'list'>;
  readonly clock: Clock;
}

const Slug = Type.String({ minLength: 1, maxLength: 63 });
const Id = Type.String({ minLength: 1, maxLength: 100 });
const TenantParams = Type.Object({ tenant: Slug });
const UserParams = Type.Object({ tenant: Slug, id: Id });
const MethodParams = Type.Object({ tenant: Slug, id: Id, methodId: Id });
const Reason = Type.String({ minLength: 1, maxLength: 500 });
const RoleName = Type.Union(roles.map((r) => Type.Literal(r)));
const strict = { additionalProperties: false } as const;

const ReasonBody = Type.Object({ reason: Reason }, strict);
const OptionalReasonBody = Type.Object({ reason: Type.Optional(Reason) }, strict);
const ListQuery = Type.Object(
  {
    query: Type.Optional(Type.String({ maxLength: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  strict,
);
const CreateUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    roles: Type.Optional(Type.Array(RoleName, { maxItems: 3 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  strict,
);
const PatchUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    disabled: Type.Optional(Type.Boolean()),
    roles: Type.Optional(Type.Array(RoleName, { maxItems: 3 })),
    locale: Type.Optional(UserLocaleJson),
    reason: Type.Optional(Reason),
  },
  { ...strict, minProperties: 1 },
);
const PassBody = Type.Object(
  {
    lifetimeMinutes: Type.Optional(Type.Integer({ minimum: 10, maximum: 30 * 24 * 60 })),
    reusable: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Reason),
  },
  strict,
);
const ResyncBody = Type.Object(
  {
    code1: Type.String({ minLength: 1, maxLength: 64 }),
    code2: Type.String({ minLength: 1, maxLength: 64 }),
  },
  strict,
);
const PolicyJson = Type.Object(
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
const SendLimitsJson = Type.Object(
  {
    perUser: Type.Integer(),
    perDestination: Type.Integer(),
    perIp: Type.Integer(),
    perTenant: Type.Integer(),
  },
  strict,
);
const PolicyResponse = Type.Object({
  ...PolicyJson.properties,
  sendLimits: SendLimitsJson,
  defaultLocale: LocaleJson,
});
/** The whole document; sendLimits and defaultLocale may be left out (kept as they are), for older clients. */
const PolicyBody = Type.Object(
  {
    ...PolicyJson.properties,
    sendLimits: Type.Optional(SendLimitsJson),
    defaultLocale: Type.Optional(LocaleJson),
    reason: Type.Optional(Reason),
  },
  strict,
);

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);
const LockoutJson = Type.Object({
  locked: Type.Boolean(),
  failures: Type.Integer(),
  lockedUntil: NullableDateTime,
  adminRequired: Type.Boolean(),
});
const UserJson = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  registrationRequired: Type.Boolean(),
  lockout: LockoutJson,
  pushBlocked: Type.Boolean(),
  locale: UserLocaleJson,
  createdAt: DateTime,
  updatedAt: DateTime,
});
const UserDetailJson = Type.Object({
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

const iso = (ms: number) => new Date(ms).toISOString();

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

function schema(summary: string, parts: Record<string, TSchema | Record<number, TSchema>>) {
  const optionalBody = parts['body'] === OptionalReasonBody;
  return {
    schema: { summary, tags: ['admin'], ...parts },
    ...(optionalBody ? { preValidation: emptyBodyAsObject } : {}),
  };
}

/** The admin API of spec section 4 (users, methods, actions, policy); logs and hardware tokens have their own files. */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { tenants, users, sessions, methods, totp, passes, mfaLockout, recoveryCodes, adminActions, clock } =
    deps;

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

  async function userDetail(tenant: Tenant, user: User): Promise<Static<typeof UserDetailJson>> {
    const pass = await adminActions.passState(tenant.id, user.id);
    return {
      ...userJson(user),
      activeSessions: await adminActions.activeSessionCount(tenant.id, user.id),
      recoveryCodesRemaining: await recoveryCodes.remaining(tenant.id, user.id),
      temporaryAccessPass: pass
        ? { expiresAt: iso(pass.expiresAt), reusable: pass.reusable, used: pass.used }
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
    schema('Rename, disable or enable a user, or change their roles or the language of their messages', {
      params: UserParams,
      body: PatchUserBody,
      response: { 200: UserJson },
    }),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'users.update');
      const body = request.body as Static<typeof PatchUserBody>;
      await users.update(
        tenant.id,
        user.id,
        { displayName: body.displayName, disabled: body.disabled, roles: body.roles, locale: body.locale },
        principal.actor,
        body.reason,
      );
      return userJson(await users.getById(tenant.id, user.id));
    },
  );

  app.delete(
    '/t/:tenant/api/v1/admin/users/:id',
    schema('Delete a user and everything that is theirs', { params: UserParams, body: OptionalReasonBody }),
    async (request, reply) => {
      const { tenant, principal, user } = await target(request, 'users.delete');
      const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
      await users.delete(tenant.id, user.id, principal.actor, reason);
      return reply.code(204).send();
    },
  );

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
      return { methods: list.map(adminMethodJson) };
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
    '/t/:tenant/api/v1/admin/users/:id/require-reregistration',
    schema(
      'Require re-registration: delete authenticator, TOTP and SMS methods, deactivate hardware tokens, revoke sessions; the next sign-in registers a new method',
      {
        params: UserParams,
        body: ReasonBody,
        response: {
          200: Type.Object({
            deletedMethods: Type.Integer(),
            disabledHardwareTokens: Type.Integer(),
            revokedSessions: Type.Integer(),
          }),
        },
      },
    ),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'users.require_reregistration');
      const { reason } = request.body as Static<typeof ReasonBody>;
      return adminActions.requireReregistration(tenant.id, user.id, reason, principal.actor);
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/temporary-access-pass',
    schema('Issue a Temporary Access Pass (replaces an older one); the pass is shown only in this answer', {
      params: UserParams,
      body: PassBody,
      response: {
        201: Type.Object({
          pass: Type.String(),
          expiresAt: DateTime,
          reusable: Type.Boolean(),
          lifetimeMinutes: Type.Integer(),
        }),
      },
    }),
    async (request, reply) => {
      const { tenant, principal, user } = await target(request, 'users.temporary_access_pass');
      const body = request.body as Static<typeof PassBody>;
      const policy: TenantPolicy = tenant.policy;
      if (!policy.allowedMethods.includes('temporary_access_pass'))
        throw new TwofoldError(
          'method_type_not_allowed',
          'the tenant policy does not allow Temporary Access Passes',
        );
      const lifetimeMinutes = body.lifetimeMinutes ?? policy.temporaryAccessPass.defaultMinutes;
      checkPassLifetime(policy, lifetimeMinutes);
      const issued = await passes.issue(
        {
          tenantId: tenant.id,
          userId: user.id,
          lifetimeMinutes,
          reusable: body.reusable === true,
          reason: body.reason,
        },
        principal.actor,
      );
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({
        pass: issued.pass,
        expiresAt: iso(issued.expiresAt),
        reusable: issued.reusable,
        lifetimeMinutes,
      });
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/revoke-sessions',
    schema('Sign the user out everywhere', {
      params: UserParams,
      body: OptionalReasonBody,
      response: { 200: Type.Object({ revokedSessions: Type.Integer() }) },
    }),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'users.revoke_sessions');
      const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
      const revokedSessions = await sessions.revokeAllForUser(tenant.id, user.id, principal.actor, {
        ...(reason ? { reason } : {}),
      });
      return { revokedSessions };
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/unlock',
    schema('Lift a second-factor lockout and reset the failure count', {
      params: UserParams,
      body: OptionalReasonBody,
      response: { 200: UserJson },
    }),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'users.unlock');
      const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
      await mfaLockout.unlock(tenant.id, user.id, principal.actor, reason);
      return userJson(await users.getById(tenant.id, user.id));
    },
  );

  app.post(
    '/t/:tenant/api/v1/admin/users/:id/clear-push-block',
    schema('Let push approvals reach the user again after they reported one', {
      params: UserParams,
      body: OptionalReasonBody,
      response: { 200: UserJson },
    }),
    async (request) => {
      const { tenant, principal, user } = await target(request, 'users.clear_push_block');
      const reason = (request.body as Static<typeof OptionalReasonBody>).reason;
      await adminActions.clearPushBlock(tenant.id, user.id, principal.actor, reason);
      return userJson(await users.getById(tenant.id, user.id));
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
      const result = await totp.resync(
        { tenantId: tenant.id, userId: user.id, methodId, code: code1, code2 },
        principal.actor,
      );
      if (!result.ok) {
        if (result.reason === 'method_not_found')
          throw new TwofoldError('method_not_found', 'no such code method for this user');
        throw new TwofoldError(
          result.reason,
          result.reason === 'otp_replayed'
            ? 'these codes were already used; wait for the next two codes'
            : 'the two codes are not consecutive codes of this method within 10 minutes of the server time',
        );
      }
      return adminMethodJson(await methods.get(tenant.id, user.id, methodId));
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
      await adminActions.resetDrift(tenant.id, user.id, methodId, principal.actor, reason);
      return adminMethodJson(await methods.get(tenant.id, user.id, methodId));
    },
  );

  const OutboxJson = Type.Object({
    id: Type.String(),
    channel: Type.String(),
    recipient: Type.String(),
    subject: Type.Union([Type.String(), Type.Null()]),
    body: Type.String(),
    status: Type.String(),
    attempts: Type.Integer(),
    createdAt: DateTime,
    sentAt: NullableDateTime,
    lastError: Type.Union([Type.String(), Type.Null()]),
  });
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
      const { reason, sendLimits, defaultLocale, ...rest } = request.body as Static<typeof PolicyBody>;
      const policy: TenantPolicy = {
        ...rest,
        sendLimits: sendLimits ?? tenant.policy.sendLimits,
        defaultLocale: defaultLocale ?? tenant.policy.defaultLocale,
      };
      const updated = await tenants.updatePolicy(tenant.id, policy, principal.actor, reason);
      return updated.policy;
    },
  );
}

export { checkReason };
