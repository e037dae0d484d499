import type { Static } from '@sinclair/typebox';
import { TenantParams } from '@twofold/api/common';
import {
  ConsentBody,
  InteractionDetails,
  InteractionParams,
  Location,
  WildcardParams,
} from '@twofold/api/oidc-interaction';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OidcInteractions } from '../../oidc/interaction/index.js';
import type { ProviderExchange } from '../../oidc/provider-handler.js';
import { interactionCookieName } from '../../oidc/provider-registry.js';
import { checkSameOrigin, sessionCookie } from '../auth.js';

export interface OidcRouteDeps {
  readonly interactions: OidcInteractions;
  readonly providerFor: (slug: string) => Promise<(exchange: ProviderExchange) => Promise<void>>;
  readonly publicUrl: string;
}

/**
 * Each tenant's OpenID Connect provider under /t/{tenant}: discovery and the OAuth endpoints under
 * /oidc/ go to the provider untouched; /oidc/interaction/{uid} is where the provider asks and the
 * sign-in page answers (oidc/interaction/, one file per step).
 */
export function registerOidcRoutes(app: FastifyInstance, deps: OidcRouteDeps): void {
  const { interactions, providerFor, publicUrl } = deps;

  void app.register(async (scope) => {
    // The provider reads the body itself.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const hand = async (request: FastifyRequest, reply: FastifyReply) => {
      const { tenant: slug } = request.params as Static<typeof TenantParams>;
      const handle = await providerFor(slug);
      reply.hijack();
      await handle({ req: request.raw, res: reply.raw, clientAddress: request.ip });
    };
    for (const url of ['/t/:tenant/.well-known/openid-configuration', '/t/:tenant/oidc/*']) {
      scope.route({
        method: ['GET', 'POST', 'OPTIONS'],
        url,
        schema: { hide: true, params: url.endsWith('*') ? WildcardParams : TenantParams },
        handler: hand,
      });
    }
    // RFC 8414: the authorization server's metadata is the discovery document (it has every member
    // RFC 8414 names), where section 3.1 puts it for the issuer https://host/t/{tenant}, and beside
    // openid-configuration for clients that append the well-known path to the issuer.
    for (const url of [
      '/.well-known/oauth-authorization-server/t/:tenant',
      '/t/:tenant/.well-known/oauth-authorization-server',
    ]) {
      scope.route({
        method: ['GET', 'OPTIONS'],
        url,
        schema: { hide: true, params: TenantParams },
        handler: async (request, reply) => {
          const { tenant: slug } = request.params as Static<typeof TenantParams>;
          request.raw.url = `/t/${encodeURIComponent(slug)}/.well-known/openid-configuration`;
          return hand(request, reply);
        },
      });
    }
  });

  const open = (request: FastifyRequest, reply: FastifyReply) => {
    const { tenant: slug, uid } = request.params as Static<typeof InteractionParams>;
    return interactions.open({
      slug,
      uid,
      req: request.raw,
      res: reply.raw,
      hasInteractionCookie: Boolean(request.cookies[interactionCookieName]),
      sessionToken: request.cookies[sessionCookie],
    });
  };

  app.get(
    '/t/:tenant/oidc/interaction/:uid',
    { schema: { hide: true, params: InteractionParams } },
    async (request, reply) => reply.redirect(await interactions.continue(await open(request, reply)), 303),
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
    async (request, reply) => interactions.describe(await open(request, reply)),
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
      const { decision } = request.body as Static<typeof ConsentBody>;
      return { location: await interactions.consent(await open(request, reply), decision) };
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
      return { location: await interactions.abort(await open(request, reply)) };
    },
  );
}
