import { type Static, Type } from '@sinclair/typebox';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../audit/audit-log.js';
import {
  admitSecondFactor,
  amrFor,
  checkSecondFactor,
  listUsableMethods,
  recoveryCodesMethodId,
  sentCodeTypes,
  verifyMethodCode,
} from '../../flows/second-factor.js';
import type {
  FlowMessageCodes,
  FlowMfaLockout,
  FlowRecoveryCodes,
  FlowTotp,
} from '../../flows/sign-in-flow-deps.js';
import type { Clock } from '../../platform/clock.js';
import type { DatabaseHandle } from '../../platform/db/database.js';
import { sessionCookieOptions } from '../../sessions/session-service.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import type { UserService } from '../../users/user-service.js';
import {
  type AuthSession,
  hasRecentSecondFactor,
  requireSession,
  type SessionAuthenticator,
  sessionCookie,
  stepUpWindowMs,
} from '../auth.js';
import { UserLocaleJson } from '../locale-json.js';

export interface SelfServiceMethod {
  readonly id: string;
  readonly type: string;
  readonly label: string;
  readonly isDefault: boolean;
  readonly status: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface SelfServiceMethods {
  listForUser(tenantId: string, userId: string): Promise<readonly SelfServiceMethod[]>;
  get(tenantId: string, userId: string, methodId: string): Promise<SelfServiceMethod>;
  setDefault(tenantId: string, userId: string, methodId: string, actor: Actor): Promise<unknown>;
  delete(tenantId: string, userId: string, methodId: string, actor: Actor): Promise<unknown>;
}

export interface SelfServiceSessions extends SessionAuthenticator {
  recordSecondFactor(
    sessionId: string,
    amr: string[],
    read?: { readonly amr: readonly string[] },
  ): Promise<unknown>;
  revoke(tenantId: string, sessionId: string, actor: Actor): Promise<unknown>;
  revokeAllForUser(
    tenantId: string,
    userId: string,
    actor: Actor,
    options?: { exceptSessionId?: string },
  ): Promise<number>;
}

/** Push devices (push/push-service.ts): "sign out everywhere" revokes them too (spec flow 4). */
export interface SelfServicePushDevices {
  revokeAllForUser(tenantId: string, userId: string, actor: Actor): Promise<number>;
}

export interface MeRouteDeps {
  readonly tenants: TenantService;
  /** A code's check writes several times (the attempt, the replay guard, the session): stored together. */
  readonly unitOfWork: DatabaseHandle['unitOfWork'];
  readonly users: UserService;
  readonly methods: SelfServiceMethods;
  readonly totp: FlowTotp;
  readonly messageCodes: FlowMessageCodes;
  readonly recoveryCodes: FlowRecoveryCodes;
  readonly mfaLockout: FlowMfaLockout;
  readonly sessions: SelfServiceSessions;
  readonly pushDevices: SelfServicePushDevices;
  readonly clock: Clock;
  readonly publicUrl: string;
}

const TenantParams = Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 63 }) });
const MethodParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
});
const AddMethodBody = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 40 }),
    phoneNumber: Type.Optional(Type.String({ maxLength: 40 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
const CodeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
const StepUpBody = Type.Object(
  {
    methodId: Type.String({ minLength: 1, maxLength: 100 }),
    code: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
const DefaultBody = Type.Object(
  { methodId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const PatchMeBody = Type.Object({ locale: UserLocaleJson }, { additionalProperties: false });

const MethodJson = Type.Object({
  id: Type.String(),
  type: Type.String(),
  label: Type.String(),
  isDefault: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const MeJson = Type.Object({
  user: Type.Object({
    id: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.String()),
    locale: UserLocaleJson,
  }),
  methods: Type.Array(MethodJson),
  recoveryCodesRemaining: Type.Integer(),
  stepUpUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const SentCodeJson = Type.Object({
  sentTo: Type.String({ description: 'The masked destination, as +1 ••• •• 23 or a•••@example.com' }),
  expiresAt: Type.String({ format: 'date-time' }),
  resendAfter: Type.Integer({ description: 'Seconds before another code may be sent' }),
});
const RegisterJson = Type.Union([
  Type.Object({
    methodId: Type.String(),
    otpauthUri: Type.String(),
    secret: Type.String(),
    qrCodeSvg: Type.String(),
  }),
  Type.Object({ methodId: Type.String(), ...SentCodeJson.properties }),
]);
const MethodIdBody = Type.Object(
  { methodId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

const iso = (ms: number) => new Date(ms).toISOString();
const registrableTypes = new Set(['totp', 'authenticator', 'sms', 'email']);

/** Self-service routes of spec section 4 (`/me`), for the signed-in user's own methods and sessions. */
export function registerMeRoutes(app: FastifyInstance, deps: MeRouteDeps): void {
  const {
    tenants,
    unitOfWork,
    users,
    methods,
    totp,
    messageCodes,
    recoveryCodes,
    mfaLockout,
    sessions,
    clock,
    publicUrl,
  } = deps;

  async function context(
    request: FastifyRequest,
  ): Promise<{ tenant: Tenant; session: AuthSession; actor: Actor }> {
    const { tenant: slug } = request.params as { tenant: string };
    const tenant = await tenants.getBySlug(slug);
    const session = await requireSession(request, { sessions, tenant, publicUrl });
    return { tenant, session, actor: { type: 'user', id: session.userId, ip: request.ip } };
  }

  function requireStepUp(session: AuthSession): void {
    if (!hasRecentSecondFactor(session, clock.now())) {
      throw new TwofoldError(
        'step_up_required',
        'confirm it is you: enter a code from one of your methods first',
      );
    }
  }

  async function activeMethods(tenantId: string, userId: string) {
    return (await methods.listForUser(tenantId, userId)).filter((m) => m.status === 'active');
  }

  app.get(
    '/t/:tenant/api/v1/me',
    {
      schema: {
        summary: 'The signed-in user, their methods and recovery codes left',
        tags: ['self-service'],
        params: TenantParams,
        response: { 200: MeJson },
      },
    },
    async (request) => {
      const { tenant, session } = await context(request);
      const user = await users.getById(tenant.id, session.userId);
      const list = await activeMethods(tenant.id, user.id);
      return {
        user: {
          id: user.id,
          email: user.email,
          displayName: user.displayName,
          roles: user.roles,
          locale: user.locale,
        },
        methods: list.map((m) => ({
          id: m.id,
          type: m.type,
          label: m.label,
          isDefault: m.isDefault,
          createdAt: iso(m.createdAt),
          lastUsedAt: m.lastUsedAt === null ? null : iso(m.lastUsedAt),
        })),
        recoveryCodesRemaining: await recoveryCodes.remaining(tenant.id, user.id),
        stepUpUntil: session.mfaAt === null ? null : iso(session.mfaAt + stepUpWindowMs),
      };
    },
  );

  app.patch(
    '/t/:tenant/api/v1/me',
    {
      schema: {
        summary: 'Choose the language of your emails and text messages (null: your organisation’s)',
        tags: ['self-service'],
        params: TenantParams,
        body: PatchMeBody,
        response: { 200: Type.Object({ locale: UserLocaleJson }) },
      },
    },
    async (request) => {
      const { tenant, session, actor } = await context(request);
      const { locale } = request.body as Static<typeof PatchMeBody>;
      const user = await users.update(tenant.id, session.userId, { locale }, actor);
      return { locale: user.locale };
    },
  );

  app.post(
    '/t/:tenant/api/v1/me/step-up',
    {
      schema: {
        summary: 'Prove a second factor now, to change sign-in methods for the next 10 minutes',
        tags: ['self-service'],
        params: TenantParams,
        body: StepUpBody,
        response: {
          200: Type.Object({
            stepUpUntil: Type.String({ format: 'date-time' }),
            recoveryCodesRemaining: Type.Optional(Type.Integer()),
          }),
        },
      },
    },
    // The attempt, the replay guard, the lockout's reset and the session: stored together.
    async (request) =>
      unitOfWork(async () => {
        const { tenant, session } = await context(request);
        const { methodId, code } = request.body as Static<typeof StepUpBody>;
        const refusal = await admitSecondFactor(mfaLockout, {
          tenantId: tenant.id,
          userId: session.userId,
          methodId,
          thresholds: tenant.policy.lockout,
        });
        if (refusal) throw refusal;
        const checked = await checkSecondFactor(
          { methods, totp, recoveryCodes, messageCodes },
          {
            tenantId: tenant.id,
            userId: session.userId,
            methodId,
            code,
            allowed: tenant.policy.allowedMethods,
          },
        );
        if (!checked) throw new TwofoldError('method_not_found', 'no such sign-in method for this account');
        const lockoutMethod = methodId === recoveryCodesMethodId ? undefined : methodId;
        if (!checked.ok) {
          const code =
            (['otp_replayed', 'otp_clock_skew', 'otp_expired', 'recovery_code_invalid'] as const).find(
              (c) => c === checked.reason,
            ) ?? 'otp_invalid';
          throw new TwofoldError(
            code,
            'that code did not work; try the current code from your app',
            checked.offsetSeconds !== undefined ? { offsetSeconds: checked.offsetSeconds } : undefined,
          );
        }
        await mfaLockout.recordSuccess(tenant.id, session.userId, lockoutMethod);
        await sessions.recordSecondFactor(
          session.id,
          [...new Set([...session.amr, amrFor(checked.methodType), 'mfa'])],
          session,
        );
        return {
          stepUpUntil: iso(clock.now() + stepUpWindowMs),
          ...(checked.recoveryCodesRemaining !== undefined
            ? { recoveryCodesRemaining: checked.recoveryCodesRemaining }
            : {}),
        };
      }),
  );

  app.post(
    '/t/:tenant/api/v1/me/step-up/challenge',
    {
      schema: {
        summary: 'Send a code to an SMS or email method, to prove a second factor with /me/step-up',
        tags: ['self-service'],
        params: TenantParams,
        body: MethodIdBody,
        response: { 200: SentCodeJson },
      },
    },
    async (request) => {
      const { tenant, session } = await context(request);
      const { methodId } = request.body as Static<typeof MethodIdBody>;
      const usable = await listUsableMethods(
        { methods, totp, recoveryCodes, messageCodes },
        tenant.id,
        session.userId,
        tenant.policy.allowedMethods,
      );
      const method = usable.find((m) => m.id === methodId);
      if (!method || !sentCodeTypes.has(method.type))
        throw new TwofoldError('method_not_found', 'no such SMS or email method for this account');
      const sent = await messageCodes.sendCode({
        tenantId: tenant.id,
        userId: session.userId,
        methodId,
        purpose: 'step_up_code',
        ip: request.ip,
      });
      return { sentTo: sent.sentTo, expiresAt: iso(sent.expiresAt), resendAfter: sent.resendAfter };
    },
  );

  app.post(
    '/t/:tenant/api/v1/me/methods',
    {
      schema: {
        summary: 'Register a new method (needs a recent second factor)',
        tags: ['self-service'],
        params: TenantParams,
        body: AddMethodBody,
        response: { 201: RegisterJson },
      },
    },
    async (request, reply) => {
      const { tenant, session, actor } = await context(request);
      const body = request.body as Static<typeof AddMethodBody>;
      requireStepUp(session);
      if (!registrableTypes.has(body.type))
        throw new TwofoldError(
          'validation_failed',
          `type: '${body.type}' cannot be registered here; use authenticator, totp, sms or email`,
        );
      if (!tenant.policy.allowedMethods.includes(body.type))
        throw new TwofoldError(
          'method_type_not_allowed',
          `your organisation does not allow ${body.type} methods`,
        );
      if (body.type === 'sms' || body.type === 'email') {
        const sent = await messageCodes.register(
          {
            tenantId: tenant.id,
            userId: session.userId,
            type: body.type,
            destination: body.type === 'sms' ? body.phoneNumber : body.email,
            ip: request.ip,
          },
          actor,
        );
        return reply.code(201).send({ ...sent, expiresAt: iso(sent.expiresAt) });
      }
      const registered = await totp.register(
        {
          tenantId: tenant.id,
          userId: session.userId,
          type: body.type as 'totp' | 'authenticator',
          label: body.label,
        },
        actor,
      );
      return reply.code(201).send(registered);
    },
  );

  app.post(
    '/t/:tenant/api/v1/me/methods/:id/verify',
    {
      schema: {
        summary: 'Confirm a newly registered method with a code from it',
        tags: ['self-service'],
        params: MethodParams,
        body: CodeBody,
        response: { 200: Type.Object({ methodId: Type.String(), status: Type.String() }) },
      },
    },
    async (request) => {
      const { tenant, session } = await context(request);
      const { id } = request.params as Static<typeof MethodParams>;
      const { code } = request.body as Static<typeof CodeBody>;
      requireStepUp(session);
      const method = await methods.get(tenant.id, session.userId, id);
      const result = await verifyMethodCode({ totp, messageCodes }, method.type, {
        tenantId: tenant.id,
        userId: session.userId,
        methodId: id,
        code,
      });
      if (!result.ok) {
        if (result.reason === 'method_not_found')
          throw new TwofoldError('method_not_found', 'no such method for this account');
        const codeName =
          (['otp_replayed', 'otp_clock_skew', 'otp_expired'] as const).find((c) => c === result.reason) ??
          'otp_invalid';
        throw new TwofoldError(
          codeName,
          'that code did not confirm the method; enter the current code from the app you just set up',
          result.offsetSeconds !== undefined ? { offsetSeconds: result.offsetSeconds } : undefined,
        );
      }
      return { methodId: id, status: 'active' };
    },
  );

  app.delete(
    '/t/:tenant/api/v1/me/methods/:id',
    {
      schema: {
        summary: 'Delete one of your methods (needs a recent second factor)',
        tags: ['self-service'],
        params: MethodParams,
      },
    },
    async (request, reply) => {
      const { tenant, session, actor } = await context(request);
      const { id } = request.params as Static<typeof MethodParams>;
      requireStepUp(session);
      const list = await activeMethods(tenant.id, session.userId);
      if (!list.some((m) => m.id === id))
        throw new TwofoldError('method_not_found', 'no such method for this account');
      if (tenant.policy.mfaRequired && list.length === 1) {
        throw new TwofoldError(
          'last_method',
          'this is your only sign-in method; add another before deleting it',
        );
      }
      await methods.delete(tenant.id, session.userId, id, actor);
      return reply.code(204).send();
    },
  );

  app.put(
    '/t/:tenant/api/v1/me/default-method',
    {
      schema: {
        summary: 'Choose the method asked for first',
        tags: ['self-service'],
        params: TenantParams,
        body: DefaultBody,
        response: { 200: Type.Object({ defaultMethodId: Type.String() }) },
      },
    },
    async (request) => {
      const { tenant, session, actor } = await context(request);
      const { methodId } = request.body as Static<typeof DefaultBody>;
      await methods.setDefault(tenant.id, session.userId, methodId, actor);
      return { defaultMethodId: methodId };
    },
  );

  app.post(
    '/t/:tenant/api/v1/me/recovery-codes',
    {
      schema: {
        summary: 'Issue 10 new recovery codes (the old ones stop working); shown once',
        tags: ['self-service'],
        params: TenantParams,
        response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) },
      },
    },
    async (request) => {
      const { tenant, session, actor } = await context(request);
      requireStepUp(session);
      return { recoveryCodes: await recoveryCodes.issue(tenant.id, session.userId, actor) };
    },
  );

  app.post(
    '/t/:tenant/api/v1/me/sign-out-everywhere',
    {
      schema: {
        summary: 'End every session of yours, this one included, and revoke your push devices (lost device)',
        tags: ['self-service'],
        params: TenantParams,
        response: {
          200: Type.Object({ revokedSessions: Type.Integer(), revokedPushDevices: Type.Integer() }),
        },
      },
    },
    async (request, reply) => {
      const { tenant, session, actor } = await context(request);
      // Devices first: a lost phone must stop approving pushes even if what follows fails.
      const revokedPushDevices = await deps.pushDevices.revokeAllForUser(tenant.id, session.userId, actor);
      const revokedSessions = await sessions.revokeAllForUser(tenant.id, session.userId, actor);
      reply.clearCookie(sessionCookie, sessionCookieOptions({ secure: publicUrl.startsWith('https:') }));
      return { revokedSessions, revokedPushDevices };
    },
  );

  app.post(
    '/t/:tenant/api/v1/sign-out',
    { schema: { summary: 'End this session', tags: ['sign-in'], params: TenantParams } },
    async (request, reply) => {
      const { tenant, session, actor } = await context(request);
      await sessions.revoke(tenant.id, session.id, actor);
      reply.clearCookie(sessionCookie, sessionCookieOptions({ secure: publicUrl.startsWith('https:') }));
      return reply.code(204).send();
    },
  );
}
