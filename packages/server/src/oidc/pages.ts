import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { type Locale, languageCookieName } from '@twofold/core';
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
}): string {
  const link = options.stylesheet ? `<link rel="stylesheet" href="${options.stylesheet}">` : '';
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
</main></div>
</body>
</html>`;
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

/** The stylesheet the built sign-in page links to (its name carries a content hash), or undefined without a build. */
export function stylesheetOfWebBuild(distDir: string): string | undefined {
  const file = join(distDir, 'sign-in.html');
  if (!existsSync(file)) return undefined;
  const match = /<link rel="stylesheet"[^>]*href="(\/web\/assets\/[A-Za-z0-9_.-]+\.css)"/.exec(
    readFileSync(file, 'utf8'),
  );
  return match?.[1];
}
