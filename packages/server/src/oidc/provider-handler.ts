import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { TenantService } from '../tenants/tenant-service.js';
import { rememberTenantLocale } from './pages.js';
import type { OidcProviders } from './provider-registry.js';
import { setClientAddress } from './public-origin.js';

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

export interface ProviderExchange {
  readonly req: IncomingMessage & { originalUrl?: string };
  readonly res: ServerResponse;
  /** The client's address as the server decided it (trusted proxies only). */
  readonly clientAddress: string;
}

/**
 * Hands a request to its tenant's provider (oidc-provider, a Koa app) untouched: the provider reads
 * the body itself and sees the path below its mount path '/t/{tenant}' (its issuer's path).
 */
export function createProviderHandler(deps: {
  readonly tenants: TenantService;
  readonly providers: OidcProviders;
  readonly https: boolean;
}): (slug: string) => Promise<(exchange: ProviderExchange) => Promise<void>> {
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
  // The tenant and its provider first: an unknown tenant is a problem+json answer, before the
  // exchange is handed over.
  return async (slug) => {
    const tenant = await deps.tenants.getBySlug(slug);
    const provider = await deps.providers.forTenant(tenant);
    return async ({ req, res, clientAddress }) => {
      // The pages the provider renders fall back to the tenant's language as it is now.
      rememberTenantLocale(req, tenant.policy.defaultLocale);
      const url = req.url ?? '/';
      const cut = url.indexOf('/', 3);
      req.originalUrl = url;
      req.url = cut === -1 ? '/' : url.slice(cut);
      setClientAddress(req, clientAddress);
      setProviderHeaders(res, deps.https);
      await handlerOf(provider)(req, res);
    };
  };
}
