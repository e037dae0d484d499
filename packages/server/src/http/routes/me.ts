import { type Static, Type } from '@sinclair/typebox';
import { TenantParams } from '@twofold/api/common';
import {
  AddMethodBody,
  ChangePasswordBody,
  CodeBody,
  DefaultBody,
  MeJson,
  MethodIdBody,
  MethodParams,
  PasswordChangedJson,
  PatchMeBody,
  PatchMeJson,
  RegisterJson,
  SentCodeJson,
  SignedOutEverywhereJson,
  StepUpBody,
} from '@twofold/api/self-service';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Me, SelfServiceFlows } from '../../flows/self-service/index.js';
import { sessionCookieOptions, stepUpWindowMs } from '../../sessions/session-service.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import { requireSession, type SessionAuthenticator, sessionCookie } from '../auth.js';

export interface MeRouteDeps {
  readonly tenants: TenantService;
  readonly sessions: SessionAuthenticator;
  readonly selfService: SelfServiceFlows;
  readonly publicUrl: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Self-service routes of spec section 4 (`/me`), for the signed-in user's own methods and sessions. */
export function registerMeRoutes(app: FastifyInstance, deps: MeRouteDeps): void {
  const { tenants, sessions, selfService, publicUrl } = deps;
  const secure = publicUrl.startsWith('https:');

  /** The signed-in user of this tenant, for the flows. */
  async function me(request: FastifyRequest): Promise<Me> {
    const { tenant: slug } = request.params as { tenant: string };
    const tenant = await tenants.getBySlug(slug);
    const session = await requireSession(request, { sessions, tenant, publicUrl });
    return { tenant, session, actor: { type: 'user', id: session.userId, ip: request.ip }, ip: request.ip };
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
      const caller = await me(request);
      const { user, methods, recoveryCodesRemaining, currentPasswordRequired } =
        await selfService.describeMe(caller);
      const { mfaAt } = caller.session;
      return {
        user: {
          id: user.id,
          email: user.email,
          displayName: user.displayName,
          roles: user.roles,
          locale: user.locale,
        },
        methods: methods.map((m) => ({
          id: m.id,
          type: m.type,
          label: m.label,
          isDefault: m.isDefault,
          createdAt: iso(m.createdAt),
          lastUsedAt: m.lastUsedAt === null ? null : iso(m.lastUsedAt),
        })),
        recoveryCodesRemaining,
        stepUpUntil: mfaAt === null ? null : iso(mfaAt + stepUpWindowMs),
        currentPasswordRequired,
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
        response: { 200: PatchMeJson },
      },
    },
    async (request) => {
      const { locale } = request.body as Static<typeof PatchMeBody>;
      return { locale: await selfService.setLocale(await me(request), locale) };
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
    async (request) => {
      const { methodId, code } = request.body as Static<typeof StepUpBody>;
      const result = await selfService.stepUp(await me(request), { entryId: methodId, code });
      return { ...result, stepUpUntil: iso(result.stepUpUntil) };
    },
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
      const { methodId } = request.body as Static<typeof MethodIdBody>;
      const sent = await selfService.sendStepUpCode(await me(request), methodId);
      return { ...sent, expiresAt: iso(sent.expiresAt) };
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
      const registered = await selfService.addMethod(
        await me(request),
        request.body as Static<typeof AddMethodBody>,
      );
      return reply
        .code(201)
        .send(
          'expiresAt' in registered ? { ...registered, expiresAt: iso(registered.expiresAt) } : registered,
        );
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
      const { id } = request.params as Static<typeof MethodParams>;
      const { code } = request.body as Static<typeof CodeBody>;
      return selfService.confirmMethod(await me(request), id, code);
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
      const { id } = request.params as Static<typeof MethodParams>;
      await selfService.deleteMethod(await me(request), id);
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
      const { methodId } = request.body as Static<typeof DefaultBody>;
      await selfService.setDefaultMethod(await me(request), methodId);
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
    async (request) => ({ recoveryCodes: await selfService.issueRecoveryCodes(await me(request)) }),
  );

  app.post(
    '/t/:tenant/api/v1/me/password',
    {
      schema: {
        summary:
          'Change your password (needs a recent second factor): every other session and application grant ends, your Temporary Access Pass is revoked, and you get an email',
        tags: ['self-service'],
        params: TenantParams,
        body: ChangePasswordBody,
        response: { 200: PasswordChangedJson },
      },
    },
    async (request) =>
      selfService.changePassword(await me(request), request.body as Static<typeof ChangePasswordBody>),
  );

  app.post(
    '/t/:tenant/api/v1/me/sign-out-everywhere',
    {
      schema: {
        summary:
          'End every session and application grant of yours, this one included, and revoke your push devices and Temporary Access Pass (lost device)',
        tags: ['self-service'],
        params: TenantParams,
        response: {
          200: SignedOutEverywhereJson,
        },
      },
    },
    async (request, reply) => {
      const result = await selfService.signOutEverywhere(await me(request));
      reply.clearCookie(sessionCookie, sessionCookieOptions({ secure }));
      return result;
    },
  );

  app.post(
    '/t/:tenant/api/v1/sign-out',
    { schema: { summary: 'End this session', tags: ['sign-in'], params: TenantParams } },
    async (request, reply) => {
      await selfService.signOut(await me(request));
      reply.clearCookie(sessionCookie, sessionCookieOptions({ secure }));
      return reply.code(204).send();
    },
  );
}
