import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { type Locale, locales } from '@twofold/core';
import type { FastifyInstance } from 'fastify';
import { languageHints, pageLocale } from '../i18n/request-locale.js';
import { serverTexts } from '../i18n/server-texts.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { localisePage } from './localised-page.js';

/** The pages of packages/web served under /t/{tenant}/, by the name of their built HTML file. */
const pages = {
  'sign-in': 'sign-in.html',
  'security-info': 'security-info.html',
  setup: 'setup.html',
  admin: 'admin.html',
} as const;

/** The `page` of the server's `page.title` message for each page (and the web authenticator). */
const titleNames: Readonly<Record<keyof typeof pages | 'web-authenticator', string>> = {
  'sign-in': 'signIn',
  'security-info': 'securityInfo',
  setup: 'setup',
  admin: 'admin',
  'web-authenticator': 'webAuthenticator',
};

/** What the web build writes about its message catalogs (packages/web/vite/i18n-catalogs.ts). */
const i18nManifest = 'i18n.json';

/**
 * The web authenticator: not per tenant, served at /authenticator/ (its page and its manifest in each
 * language, like the others) with its service worker (its scope is /authenticator/ because the file lives
 * there) and icon, each by its URL from a built file.
 */
const authenticatorPage = { path: '/authenticator/', file: 'authenticator.html' } as const;
const authenticatorManifest = {
  path: '/authenticator/manifest.webmanifest',
  file: 'authenticator/manifest.webmanifest',
  type: 'application/manifest+json; charset=utf-8',
} as const;
const authenticatorFiles = {
  '/authenticator/sw.js': { file: 'authenticator/sw.js', type: 'text/javascript; charset=utf-8' },
  '/authenticator/icon.svg': { file: 'authenticator/icon.svg', type: 'image/svg+xml' },
} as const;

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names every built asset `<name>-<hash>.<ext>`: such a name never changes content. */
const hashedName = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly immutable: boolean;
}

export interface WebBuild {
  /** Each page in each language (localised-page.ts). */
  readonly pages: ReadonlyMap<string, ReadonlyMap<Locale, Buffer>>;
  readonly assets: ReadonlyMap<string, Asset>;
  /** The authenticator's page, and its manifest, in each language. */
  readonly authenticatorPage: ReadonlyMap<Locale, Buffer>;
  readonly authenticatorManifest: ReadonlyMap<Locale, Buffer>;
  /** The authenticator's other files by URL path. */
  readonly authenticator: ReadonlyMap<string, { readonly body: Buffer; readonly type: string }>;
}

/** packages/web/dist, found through the workspace package so that it works from src/ and dist/ alike. */
export function resolveWebDist(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@twofold/web/package.json')), 'dist');
}

/**
 * Reads the built pages and assets once. A missing build stops start-up with one line that says what to
 * run, instead of a server that answers every page with 404.
 */
export function loadWebBuild(distDir: string): WebBuild {
  const missing = [
    ...Object.values(pages),
    authenticatorPage.file,
    authenticatorManifest.file,
    i18nManifest,
    ...Object.values(authenticatorFiles).map((f) => f.file),
  ].find((file) => !existsSync(join(distDir, file)));
  if (missing)
    throw new Error(
      `the web pages are not built (${join(distDir, missing)} is missing): run \`npm run build\``,
    );
  const catalogs = JSON.parse(readFileSync(join(distDir, i18nManifest), 'utf8')) as {
    pages?: Record<string, Record<string, string[]>>;
  };
  const localised = (name: keyof typeof titleNames, file: string): Map<Locale, Buffer> => {
    const html = readFileSync(join(distDir, file), 'utf8');
    const byLocale = new Map<Locale, Buffer>();
    for (const locale of locales) {
      const texts = serverTexts(locale);
      const preload = catalogs.pages?.[name]?.[locale];
      if (!preload)
        throw new Error(`the web build has no ${locale} messages for ${name}: run \`npm run build\``);
      const body = localisePage(html, locale, {
        title: texts.text('page.title', { page: titleNames[name] }),
        noscript: texts.text('page.noscript'),
        preload,
      });
      byLocale.set(locale, Buffer.from(body));
    }
    return byLocale;
  };
  const pageBodies = new Map<string, Map<Locale, Buffer>>();
  for (const [name, file] of Object.entries(pages) as [keyof typeof pages, string][])
    pageBodies.set(name, localised(name, file));
  const assets = new Map<string, Asset>();
  const assetsDir = join(distDir, 'assets');
  if (existsSync(assetsDir)) {
    for (const entry of readdirSync(assetsDir, { withFileTypes: true })) {
      const type = contentTypes[extname(entry.name)];
      if (!entry.isFile() || !type) continue;
      assets.set(entry.name, {
        body: readFileSync(join(assetsDir, entry.name)),
        type,
        immutable: hashedName.test(entry.name),
      });
    }
  }
  const authenticator = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(authenticatorFiles))
    authenticator.set(path, { body: readFileSync(join(distDir, file)), type });
  return {
    pages: pageBodies,
    assets,
    authenticatorPage: localisedAuthenticator(localised('web-authenticator', authenticatorPage.file)),
    authenticatorManifest: localisedManifest(readFileSync(join(distDir, authenticatorManifest.file), 'utf8')),
    authenticator,
  };
}

/**
 * The authenticator's page in each language names its manifest in that language: a browser fetches a
 * manifest without cookies, so the page's language travels in the address.
 */
function localisedAuthenticator(bodies: ReadonlyMap<Locale, Buffer>): Map<Locale, Buffer> {
  const link = `href="${authenticatorManifest.path}"`;
  const result = new Map<Locale, Buffer>();
  for (const [locale, body] of bodies) {
    const html = body.toString('utf8');
    if (!html.includes(link))
      throw new Error("the web build's authenticator names no manifest: run `npm run build`");
    result.set(
      locale,
      Buffer.from(html.replace(link, `href="${authenticatorManifest.path}?lang=${locale}"`)),
    );
  }
  return result;
}

/** The web app manifest in each language: its `lang`, short name and description from the server's texts. */
function localisedManifest(json: string): Map<Locale, Buffer> {
  const manifest = JSON.parse(json) as Record<string, unknown>;
  const result = new Map<Locale, Buffer>();
  for (const locale of locales) {
    const texts = serverTexts(locale);
    const body = {
      ...manifest,
      lang: locale,
      short_name: texts.text('page.authenticator.shortName'),
      description: texts.text('page.authenticator.description'),
    };
    result.set(locale, Buffer.from(`${JSON.stringify(body, null, 2)}\n`));
  }
  return result;
}

const TenantParams = Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 63 }) });

/**
 * Serves the sign-in, security-info, setup and admin pages of a tenant, each in the language the request asks
 * for (`?lang=`, the `twofold_lang` cookie, `Accept-Language`, else the tenant's `defaultLocale`), and their
 * assets under /web/assets/. Every file is read at start-up; a request only ever looks a name up in those
 * maps, so no path is joined from input.
 */
export function registerWebPages(
  app: FastifyInstance,
  deps: { tenants: TenantService; distDir?: string },
): void {
  const build = loadWebBuild(deps.distDir ?? resolveWebDist());
  const { tenants } = deps;

  for (const [name, bodies] of build.pages) {
    app.get(
      `/t/:tenant/${name}`,
      { schema: { hide: true, params: TenantParams } },
      async (request, reply) => {
        const { tenant: slug } = request.params as { tenant: string };
        // Throws tenant_not_found, a 404 problem, before any page is sent.
        const tenant = await tenants.getBySlug(slug);
        const locale = pageLocale(languageHints(request), tenant.policy.defaultLocale);
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('content-language', locale)
          .header('vary', 'Accept-Language, Cookie')
          .send(bodies.get(locale));
      },
    );
  }

  // The authenticator: `no-cache` so that a new build (and a new service worker) is picked up at once. Its
  // page is in the language the request asks for, English when it names none (it belongs to no tenant).
  const localisedFile = (path: string, type: string, bodies: ReadonlyMap<Locale, Buffer>) =>
    app.get(path, { schema: { hide: true } }, async (request, reply) => {
      const locale = pageLocale(languageHints(request));
      return reply
        .type(type)
        .header('cache-control', 'no-cache')
        .header('content-language', locale)
        .header('vary', 'Accept-Language, Cookie')
        .send(bodies.get(locale));
    });
  localisedFile(authenticatorPage.path, 'text/html; charset=utf-8', build.authenticatorPage);
  localisedFile(authenticatorManifest.path, authenticatorManifest.type, build.authenticatorManifest);
  for (const [path, file] of build.authenticator) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(file.type).header('cache-control', 'no-cache').send(file.body),
    );
  }

  app.get('/web/assets/*', { schema: { hide: true } }, async (request, reply) => {
    const { '*': file } = request.params as { '*': string };
    const asset = build.assets.get(file);
    if (!asset) return reply.callNotFound();
    return reply
      .header(
        'cache-control',
        asset.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      )
      .type(asset.type)
      .send(asset.body);
  });
}
