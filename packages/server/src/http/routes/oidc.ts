import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Static } from '@sinclair/typebox';
import { TenantParams } from '@twofold/api/common';
import {
  ConsentBody,
  InteractionDetails,
  InteractionParams,
  Location,
  WildcardParams,
} from '@twofold/api/oidc-interaction';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { errors as oidcErrors } from 'oidc-provider';
import { rememberTenantLocale } from '../../oidc/pages.js';
import {
  acrOf,
  authTimeOf,
  interactionCookieName,
  interactionPath,
  type OidcProviders,
  requirementOf,
  sessionSatisfies,
} from '../../oidc/provider-registry.js';
import { setClientAddress } from '../../oidc/public-origin.js';
import type { Clock } from '../../platform/clock.js';
import type { Session, SessionService } from '../../sessions/session-service.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import { checkSameOrigin, sessionCookie } from '../auth.js';

/** Security headers for the provider's own answers (they bypass Fastify's onSend hooks). */
function setProviderHeaders(res: ServerResponse, https: boolean): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  // No form-action: the sign-out form and form_post answers post to, or redirect to, the
  // application. script-src 'self' lets the provider add the hash of its one inline script (form_post).
  res.setHeader(
    'content-security-policy',
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  );
  if (https) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
}

export interface OidcRouteDeps {
  readonly tenants: TenantService;
  readonly sessions: SessionService;
  readonly providers: OidcProviders;
  readonly clock: Clock;
  readonly publicUrl: string;
}

/**
 * Each tenant's OpenID Connect provider (oidc-provider) under /t/{tenant}: discovery, the OAuth
 * endpoints under /oidc/, and the interaction that connects it to the Twofold sign-in: the
 * provider asks, the sign-in page answers (sign-in, step-up or consent), and
 * /oidc/interaction/{uid} hands the Twofold session's user, amr and acr back to the provider.
 */
export function registerOidcRoutes(app: FastifyInstance, deps: OidcRouteDeps): void {
  const { tenants, sessions, providers, clock, publicUrl } = deps;
  const https = publicUrl.startsWith('https:');

  // Koa composes its middleware on every callback() call: once per provider is enough.
  const handlers = new WeakMap<Provider, ReturnType<Provider['callback']>>();
  const handlerOf = (provider: Provider) => {
    let handler = handlers.get(provider);
    if (!handler) {
      handler = provider.callback();
      handlers.set(provider, handler);
    }
    return handler;
  };

  async function providerOf(slug: string): Promise<{ tenant: Tenant; provider: Provider }> {
    const tenant = await tenants.getBySlug(slug);
    return { tenant, provider: await providers.forTenant(tenant) };
  }

  // The provider's endpoints: the request goes to oidc-provider untouched (it reads the body itself).
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    const hand = async (request: FastifyRequest, reply: FastifyReply) => {
      const { tenant: slug } = request.params as Static<typeof TenantParams>;
      const { tenant, provider } = await providerOf(slug);
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      // The pages the provider renders fall back to the tenant's language as it is now.
      rememberTenantLocale(raw, tenant.policy.defaultLocale);
      const url = raw.url ?? '/';
      // '/t/{tenant}' is the provider's mount path (its issuer's path); it sees the rest.
      const cut = url.indexOf('/', 3);
      raw.originalUrl = url;
      raw.url = cut === -1 ? '/' : url.slice(cut);
      setClientAddress(raw, request.ip);
      setProviderHeaders(reply.raw, https);
      reply.hijack();
      await handlerOf(provider)(raw, reply.raw);
    };
    for (const url of ['/t/:tenant/.well-known/openid-configuration', '/t/:tenant/oidc/*']) {
      scope.route({
        method: ['GET', 'POST', 'OPTIONS'],
        url,
        schema: { hide: true, params: url.endsWith('*') ? WildcardParams : TenantParams },
        handler: hand,
      });
    }
  });

  async function interactionOf(request: FastifyRequest, reply: FastifyReply) {
    const { tenant: slug, uid } = request.params as Static<typeof InteractionParams>;
    // Without the provider's interaction cookie there is nothing to look up: answer before building
    // (and, for a tenant that never used OpenID Connect, keying) the provider.
    if (!request.cookies[interactionCookieName]) {
      throw new TwofoldError(
        'oidc_interaction_not_found',
        'this application sign-in has ended; start again from the application',
      );
    }
    const { tenant, provider } = await providerOf(slug);
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      if (error instanceof oidcErrors.SessionNotFound) {
        throw new TwofoldError(
          'oidc_interaction_not_found',
          'this application sign-in has ended; start again from the application',
        );
      }
      throw error;
    }
    if (details.uid !== uid) {
      throw new TwofoldError(
        'oidc_interaction_not_found',
        'this application sign-in has ended; start again from the application',
      );
    }
    return { tenant, provider, details };
  }

  /** The browser's live Twofold session, read once per request (a step is decided, then finished). */
  const sessionsOf = new WeakMap<FastifyRequest, Promise<Session | undefined>>();
  function browserSession(request: FastifyRequest, tenant: Tenant): Promise<Session | undefined> {
    let session = sessionsOf.get(request);
    if (!session) {
      const token = request.cookies[sessionCookie];
      session = token ? sessions.authenticate(token, { tenantId: tenant.id }) : Promise.resolve(undefined);
      sessionsOf.set(request, session);
    }
    return session;
  }

  type Interaction = Awaited<ReturnType<typeof interactionOf>>;

  /** What the browser must do for this interaction; undefined when the Twofold session already answers it. */
  /**
   * When this interaction began, on Twofold's clock (the provider's own timestamps are on the
   * system clock, which need not be the clock sessions are stamped with): noted in the interaction
   * the first time the browser comes here, which is before any step of it.
   */
  async function startedAt(details: Interaction['details']): Promise<number> {
    const noted = (details.lastSubmission as { twofoldStartedAt?: unknown } | undefined)?.twofoldStartedAt;
    if (typeof noted === 'number') return noted;
    const now = clock.now();
    details.lastSubmission = { ...details.lastSubmission, twofoldStartedAt: now };
    await details.save(Math.max(1, (details.exp ?? 0) - Math.floor(Date.now() / 1000)));
    return now;
  }

  async function nextStep(
    request: FastifyRequest,
    interaction: Interaction,
  ): Promise<'sign-in' | 'step-up' | 'consent' | undefined> {
    const { tenant, provider, details } = interaction;
    if (details.prompt.name === 'consent') {
      const client = await provider.Client.find(String(details.params.client_id));
      return client?.['urn:twofold:first_party'] === true ? undefined : 'consent';
    }
    const session = await browserSession(request, tenant);
    if (!session) return 'sign-in';
    const requirement = requirementOf(details.params, tenant, clock.now());
    // prompt=login (and max_age=0, which the provider turns into it): the user proves it again
    // during this interaction, whatever the session holds.
    const fresh =
      !details.prompt.reasons.includes('login_prompt') ||
      (session.mfaAt ?? 0) >= (await startedAt(interaction.details));
    return sessionSatisfies(session, requirement) && fresh ? undefined : 'step-up';
  }

  /**
   * What the earlier steps of this authorization request answered (the provider keeps them as the
   * interaction's last submission), without Twofold's own note. A step's result carries them on:
   * the consent step must not drop the login a step-up just proved, or a request with both
   * `prompt=login` (max_age=0) and `prompt=consent` asks for each in turn for ever.
   */
  function earlierResults(details: Interaction['details']): Record<string, unknown> {
    const { twofoldStartedAt: _note, ...earlier } = (details.lastSubmission ?? {}) as Record<string, unknown>;
    return earlier;
  }

  /** Finishes the provider's prompt from the Twofold session (login) or grants what was asked (consent). */
  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    interaction: Interaction,
  ): Promise<string> {
    const { tenant, provider, details } = interaction;
    if (details.prompt.name === 'login') {
      const session = await browserSession(request, tenant);
      if (!session) throw new TwofoldError('unauthenticated', 'sign in first');
      return provider.interactionResult(
        request.raw,
        reply.raw,
        {
          ...earlierResults(details),
          login: {
            accountId: session.userId,
            amr: session.amr,
            acr: acrOf(session),
            ts: Math.floor(authTimeOf(session) / 1000),
            remember: true,
          },
        },
        { mergeWithLastSubmission: false },
      );
    }
    if (details.prompt.name !== 'consent' || !details.session?.accountId) {
      return provider.interactionResult(
        request.raw,
        reply.raw,
        { error: 'access_denied', error_description: 'this request cannot be answered here' },
        { mergeWithLastSubmission: false },
      );
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({
          accountId: details.session.accountId,
          clientId: String(details.params.client_id),
        });
    if (!grant)
      throw new TwofoldError('oidc_interaction_not_found', 'this application sign-in has ended; start again');
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    return provider.interactionResult(
      request.raw,
      reply.raw,
      { ...earlierResults(details), consent: details.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  const signInPage = (slug: string, uid: string) =>
    `/t/${encodeURIComponent(slug)}/sign-in?interaction=${encodeURIComponent(uid)}`;

  app.get(
    '/t/:tenant/oidc/interaction/:uid',
    { schema: { hide: true, params: InteractionParams } },
    async (request, reply) => {
      const interaction = await interactionOf(request, reply);
      const step = await nextStep(request, interaction);
      const location = step
        ? signInPage(interaction.tenant.slug, interaction.details.uid)
        : await finish(request, reply, interaction);
      return reply.redirect(location, 303);
    },
  );

  app.get(
    '/t/:tenant/oidc/interaction/:uid/details',
    {
      schema: {
        summary: "What an application's sign-in needs from this browser (for the sign-in page)",
        tags: ['openid-connect'],
        params: InteractionParams,
        response: { 200: InteractionDetails },
      },
    },
    async (request, reply) => {
      const interaction = await interactionOf(request, reply);
      const step = await nextStep(request, interaction);
      const clientId = String(interaction.details.params.client_id);
      const client = await interaction.provider.Client.find(clientId);
      return {
        mode: step ?? 'continue',
        client: { id: clientId, name: client?.clientName ?? clientId },
        scopes: String(interaction.details.params.scope ?? '')
          .split(' ')
          .filter((s) => s.length > 0),
        continueTo: interactionPath(interaction.tenant.slug, interaction.details.uid),
      };
    },
  );

  app.post(
    '/t/:tenant/oidc/interaction/:uid/consent',
    {
      schema: {
        summary: 'Allow or deny a third-party application what it asked for',
        tags: ['openid-connect'],
        params: InteractionParams,
        body: ConsentBody,
        response: { 200: Location },
      },
    },
    async (request, reply) => {
      checkSameOrigin(request, publicUrl);
      const interaction = await interactionOf(request, reply);
      const { decision } = request.body as Static<typeof ConsentBody>;
      if (interaction.details.prompt.name !== 'consent')
        throw new TwofoldError('flow_state_invalid', 'this application sign-in is not asking for consent');
      const session = await browserSession(request, interaction.tenant);
      if (!session || session.userId !== interaction.details.session?.accountId)
        throw new TwofoldError('unauthenticated', 'sign in first');
      if (decision === 'deny') {
        const location = await interaction.provider.interactionResult(
          request.raw,
          reply.raw,
          { error: 'access_denied', error_description: 'the user did not allow the application' },
          { mergeWithLastSubmission: false },
        );
        return { location };
      }
      return { location: await finish(request, reply, interaction) };
    },
  );

  app.post(
    '/t/:tenant/oidc/interaction/:uid/abort',
    {
      schema: {
        summary: 'Give up an application sign-in: the application is told access_denied',
        tags: ['openid-connect'],
        params: InteractionParams,
        response: { 200: Location },
      },
    },
    async (request, reply) => {
      checkSameOrigin(request, publicUrl);
      const interaction = await interactionOf(request, reply);
      const location = await interaction.provider.interactionResult(
        request.raw,
        reply.raw,
        { error: 'access_denied', error_description: 'the user cancelled the sign-in' },
        { mergeWithLastSubmission: false },
      );
      return { location };
    },
  );
}
