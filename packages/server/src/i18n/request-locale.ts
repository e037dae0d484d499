import { chooseLocale, type Locale, languageCookieName } from '@twofold/core';

/** What a request says about the language it wants, read the same way by Fastify routes and the OIDC pages. */
export interface LanguageHints {
  /** `?lang=` of the address. */
  readonly query: unknown;
  /** The `twofold_lang` cookie. */
  readonly cookie: string | undefined;
  readonly acceptLanguage: string | undefined;
}

/**
 * The language of a page (spec section 6): `?lang=`, else the `twofold_lang` cookie, else `Accept-Language`,
 * else the tenant's default (English for pages outside a tenant).
 */
export function pageLocale(hints: LanguageHints, tenantDefault?: Locale): Locale {
  return chooseLocale({
    query: typeof hints.query === 'string' ? hints.query : undefined,
    cookie: hints.cookie,
    acceptLanguage: hints.acceptLanguage,
    fallback: tenantDefault,
  });
}

/** The hints of a Fastify (or any Node) request: its query, cookies and headers. */
export function languageHints(request: {
  query?: unknown;
  cookies?: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
}): LanguageHints {
  const accept = request.headers['accept-language'];
  return {
    query: (request.query as Record<string, unknown> | undefined)?.['lang'],
    cookie: request.cookies?.[languageCookieName],
    acceptLanguage: Array.isArray(accept) ? accept.join(',') : accept,
  };
}

export { languageCookieName };
