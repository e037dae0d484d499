import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { isLocale, type Locale, languageCookieName, localeNames, locales } from '@twofold/core';
import { languageHints, pageLocale } from '../i18n/request-locale.js';
import { type ServerMessageKey, serverTexts } from '../i18n/server-texts.js';

/**
 * The few pages the provider library renders itself (the sign-out question, "signed out", and errors
 * shown to the browser), in the look of the web pages (the same stylesheet, the same card) and in the
 * page's language. `body` is trusted HTML built with `oidcPageText`, which escapes every value.
 */
export function renderOidcPage(options: {
  locale: Locale;
  title: string;
  body: string;
  stylesheet?: string | undefined;
  /** The query of the page's address when loading it again is safe (a GET): then the page offers the languages. */
  reloadQuery?: string | undefined;
}): string {
  const link = options.stylesheet ? `<link rel="stylesheet" href="${options.stylesheet}">` : '';
  const footer =
    options.reloadQuery === undefined
      ? ''
      : `\n<footer class="page-footer">${languageLinks(options.locale, options.reloadQuery)}</footer>`;
  return `<!doctype html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(options.title)} · Twofold</title>
<link rel="icon" href="data:,">
${link}
</head>
<body>
<div class="page"><main class="card">
<p class="brand">Twofold</p>
${options.body}
</main>${footer}</div>
</body>
</html>`;
}

/**
 * The language picker of these pages (they run no script of ours): a link to this page in each language,
 * the current one marked. The choice is remembered as on every page (see oidcPageLocale).
 */
export function languageLinks(current: Locale, query: string): string {
  const items = locales.map((tag) => {
    const params = new URLSearchParams(query);
    params.set('lang', tag);
    const mark = tag === current ? ' aria-current="true"' : '';
    return `<li><a href="?${escapeHtml(params.toString())}" lang="${tag}" hreflang="${tag}"${mark}>${escapeHtml(localeNames[tag])}</a></li>`;
  });
  const label = escapeHtml(serverTexts(current).text('page.language'));
  return `<nav class="language-links" aria-label="${label}"><ul>${items.join('')}</ul></nav>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A server message as HTML in the page's language (see oidcPageText). */
export type OidcPageText = (
  key: ServerMessageKey,
  values?: Readonly<Record<string, string>>,
  tags?: Readonly<Record<string, (content: string) => string>>,
) => string;

/**
 * A server message as HTML: every value is escaped, and each `<tag>` of the message becomes what `tags`
 * makes of its (already escaped) content.
 */
export function oidcPageText(
  locale: Locale,
  key: ServerMessageKey,
  values: Readonly<Record<string, string>> = {},
  tags: Readonly<Record<string, (content: string) => string>> = {},
): string {
  const escaped: Record<string, string | ((chunks: string[]) => string)> = {};
  for (const [name, value] of Object.entries(values)) escaped[name] = escapeHtml(value);
  for (const [name, make] of Object.entries(tags)) escaped[name] = (chunks) => make(chunks.join(''));
  return serverTexts(locale).parts<string>(key, escaped).join('');
}

/**
 * The tenant's current `defaultLocale`, left on the request by the route that hands it to the provider (the
 * provider is built once per tenant and would otherwise keep the default it was built with).
 */
const tenantLocales = new WeakMap<IncomingMessage, Locale>();

export function rememberTenantLocale(request: IncomingMessage, locale: Locale): void {
  tenantLocales.set(request, locale);
}

/** The language of a page the provider renders, chosen like every page's (spec section 6). */
export function oidcPageLocale(
  ctx: {
    readonly req: IncomingMessage;
    readonly query: unknown;
    readonly headers: Record<string, string | string[] | undefined>;
    readonly cookies: { get(name: string): string | undefined };
  },
  fallback: Locale,
): Locale {
  return pageLocale(
    languageHints({
      query: ctx.query,
      cookies: { [languageCookieName]: ctx.cookies.get(languageCookieName) },
      headers: ctx.headers,
    }),
    tenantLocales.get(ctx.req) ?? fallback,
  );
}

/** A year, as the pages' picker keeps it: the choice outlives the session, like the browser's own setting. */
const languageCookieMaxAgeMs = 365 * 24 * 60 * 60 * 1000;

/**
 * Remembers a language chosen with these pages' links (`?lang=`) in the cookie the pages' picker sets, so
 * the next page (the application's sign-in, the sign-out's result) keeps it.
 */
export function rememberChosenLanguage(
  ctx: {
    readonly query: unknown;
    readonly cookies: {
      get(name: string): string | undefined;
      set(name: string, value: string, options: Record<string, unknown>): unknown;
    };
  },
  secure: boolean,
): void {
  const chosen = (ctx.query as Record<string, unknown> | undefined)?.['lang'];
  if (!isLocale(chosen) || ctx.cookies.get(languageCookieName) === chosen) return;
  ctx.cookies.set(languageCookieName, chosen, {
    path: '/',
    maxAge: languageCookieMaxAgeMs,
    sameSite: 'lax',
    secure,
    httpOnly: false,
    signed: false,
    overwrite: true,
  });
}

/** The stylesheet the built sign-in page links to (its name carries a content hash), or undefined without a build. */
export function stylesheetOfWebBuild(distDir: string): string | undefined {
  const file = join(distDir, 'sign-in.html');
  if (!existsSync(file)) return undefined;
  const match = /<link rel="stylesheet"[^>]*href="(\/web\/assets\/[A-Za-z0-9_.-]+\.css)"/.exec(
    readFileSync(file, 'utf8'),
  );
  return match?.[1];
}
