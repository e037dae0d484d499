import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { testBackends } from '../test-support/databases.js';
import { loadWebBuild, registerWebPages, resolveWebDist } from './web-pages.js';

/** Every `<script>` and `<link>` address of a page, to fetch them as the browser would. */
function referencedAssets(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="(\/web\/[^"]+)"/g)].map((m) => m[1] ?? '');
}

for (const backend of testBackends) {
  describe(`web pages on ${backend.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(backend);
      await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
    });
    afterAll(async () => {
      await t?.close();
    });

    for (const page of ['sign-in', 'security-info']) {
      it(`serves ${page} with the strict CSP, no inline script or style, and every asset it names`, async () => {
        const res = await t.app.inject({ method: 'GET', url: `/t/acme/${page}` });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.headers['cache-control']).toBe('no-store');
        const csp = String(res.headers['content-security-policy']);
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("style-src 'self'");
        expect(csp).not.toContain('unsafe-inline');
        expect(csp).not.toContain('unsafe-eval');

        const html = res.body;
        expect(html).toContain('<div id="app"></div>');
        const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
        expect(scripts.length).toBeGreaterThan(0);
        for (const [, attributes, body] of scripts) {
          expect(attributes).toMatch(/\ssrc="\/web\/assets\/[\w-]+\.js"/);
          expect(body?.trim()).toBe('');
        }
        expect(html).not.toMatch(/<style\b/i);
        expect(html).not.toMatch(/\sstyle=/i);
        expect(html).not.toMatch(/\son[a-z]+=/i);
        // Nothing from another origin: no CDN, no web fonts.
        expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);

        const assets = referencedAssets(html);
        expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
        expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
        for (const asset of assets) {
          const got = await t.app.inject({ method: 'GET', url: asset });
          expect(got.statusCode, asset).toBe(200);
          expect(got.headers['content-type']).toMatch(
            asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
          );
          expect(got.headers['cache-control']).toBe('public, max-age=31536000, immutable');
          expect(got.headers['x-content-type-options']).toBe('nosniff');
          expect(got.body.length).toBeGreaterThan(0);
        }
      });
    }

    it('serves a page in the language asked for: ?lang=, then the cookie, then Accept-Language, then the tenant default', async () => {
      const page = async (url: string, headers: Record<string, string> = {}) => {
        const res = await t.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, url).toBe(200);
        const lang = /<html lang="([a-z]+)">/.exec(res.body)?.[1];
        // The page's own language everywhere: the header, <html lang>, the title before any script runs.
        expect(res.headers['content-language']).toBe(lang);
        expect(String(res.headers['vary'])).toMatch(/Accept-Language/);
        return { lang, title: /<title>([^<]*)<\/title>/.exec(res.body)?.[1], body: res.body };
      };
      expect(await page('/t/acme/sign-in')).toMatchObject({ lang: 'en', title: 'Sign in · Twofold' });
      expect(await page('/t/acme/sign-in?lang=de')).toMatchObject({
        lang: 'de',
        title: 'Anmelden · Twofold',
      });
      const both = { cookie: 'twofold_lang=fr', 'accept-language': 'es-ES,es;q=0.9' };
      expect((await page('/t/acme/security-info?lang=de', both)).lang).toBe('de');
      expect(await page('/t/acme/security-info', both)).toMatchObject({
        lang: 'fr',
        title: 'Informations de sécurité · Twofold',
      });
      expect((await page('/t/acme/admin', { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' })).lang).toBe('es');
      // Something Twofold does not speak falls through to the next source.
      expect((await page('/t/acme/setup?lang=it', { cookie: 'twofold_lang=klingon' })).lang).toBe('en');

      // The tenant's default decides when the browser names none of the four.
      const acme = await t.runtime.services.tenants.getBySlug('acme');
      await t.runtime.services.tenants.updatePolicy(
        acme.id,
        { ...acme.policy, defaultLocale: 'de' },
        operatorActor,
      );
      expect((await page('/t/acme/sign-in', { 'accept-language': 'ja' })).lang).toBe('de');
      expect((await page('/t/acme/sign-in', { 'accept-language': 'fr' })).lang).toBe('fr');

      // The page preloads its catalogs in its language, and the server has them.
      const german = await page('/t/acme/sign-in?lang=de');
      const preloads = [
        ...german.body.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g),
      ].map((m) => m[1] ?? '');
      const catalogs = preloads.filter((href) => /\/messages-[a-z-]+\.de-/.test(href));
      // common, problems, sign-in, and the sign-in page's steps: passwords ("Forgot password?"),
      // troubleshooter ("I can't get a code") and passkeys.
      expect(catalogs).toHaveLength(6);
      for (const href of catalogs)
        expect((await t.app.inject({ method: 'GET', url: href })).statusCode).toBe(200);
      expect(german.body).toContain('<p class="noscript">Diese Seite braucht JavaScript.');
    });

    it('serves the web authenticator at /authenticator/ in the language asked for, with its manifest and service worker', async () => {
      const page = await t.app.inject({ method: 'GET', url: '/authenticator/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
      expect(page.body).toContain('<link rel="manifest" href="/authenticator/manifest.webmanifest?lang=en"');
      expect(page.body).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
      for (const asset of referencedAssets(page.body)) {
        expect((await t.app.inject({ method: 'GET', url: asset })).statusCode, asset).toBe(200);
      }

      // In the language asked for, like the tenants' pages; English when the request names none of the four.
      expect(page.headers['content-language']).toBe('en');
      expect(page.body).toContain('<html lang="en">');
      expect(page.body).toContain('<title>Authenticator · Twofold</title>');
      const german = await t.app.inject({ method: 'GET', url: '/authenticator/?lang=de' });
      expect(german.headers['content-language']).toBe('de');
      expect(String(german.headers['vary'])).toMatch(/Accept-Language/);
      expect(german.body).toContain('<html lang="de">');
      expect(german.body).toContain('<p class="noscript">Diese Seite braucht JavaScript.');
      const catalogs = [...german.body.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)]
        .map((m) => m[1] ?? '')
        .filter((href) => /\/messages-[a-z-]+\.de-/.test(href));
      expect(catalogs.map((href) => /messages-([a-z-]+)\./.exec(href)?.[1]).sort()).toEqual([
        'authenticator',
        'common',
        'problems',
      ]);
      for (const href of catalogs)
        expect((await t.app.inject({ method: 'GET', url: href })).statusCode).toBe(200);
      const french = await t.app.inject({
        method: 'GET',
        url: '/authenticator/',
        headers: { 'accept-language': 'fr-CA,fr;q=0.9', cookie: 'twofold_lang=es' },
      });
      expect(french.body).toContain('<html lang="es">');
      expect(french.body).toContain('<title>Autenticador · Twofold</title>');

      const manifest = await t.app.inject({ method: 'GET', url: '/authenticator/manifest.webmanifest' });
      expect(manifest.statusCode).toBe(200);
      expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
      expect(manifest.json()).toMatchObject({
        start_url: '/authenticator/',
        scope: '/authenticator/',
        lang: 'en',
        short_name: 'Authenticator',
      });
      // The German page names the German manifest (a manifest is fetched without cookies).
      expect(german.body).toContain(
        '<link rel="manifest" href="/authenticator/manifest.webmanifest?lang=de"',
      );
      const germanManifest = await t.app.inject({
        method: 'GET',
        url: '/authenticator/manifest.webmanifest?lang=de',
      });
      expect(germanManifest.json()).toMatchObject({
        id: '/authenticator/',
        lang: 'de',
        description: 'Einmalcodes und Push-Bestätigungen, in einem verschlüsselten Tresor auf diesem Gerät.',
      });
      expect(germanManifest.headers['content-language']).toBe('de');

      const worker = await t.app.inject({ method: 'GET', url: '/authenticator/sw.js' });
      expect(worker.statusCode).toBe(200);
      expect(worker.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(worker.headers['cache-control']).toBe('no-cache');
      expect(worker.headers['service-worker-allowed']).toBeUndefined();
      expect(worker.body).toContain("addEventListener('fetch'");

      const icon = await t.app.inject({ method: 'GET', url: '/authenticator/icon.svg' });
      expect(icon.headers['content-type']).toBe('image/svg+xml');

      expect((await t.app.inject({ method: 'GET', url: '/authenticator/nope.js' })).statusCode).toBe(404);
    });

    it('answers an unknown tenant with a 404 problem, not the page', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/t/nobody/sign-in' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('tenant_not_found');
      expect(res.body).not.toContain('<div id="app">');
    });

    it('serves nothing outside the built assets, however the path is spelled', async () => {
      const attempts = [
        '/web/assets/..%2f..%2fpackage.json',
        '/web/assets/%2e%2e/%2e%2e/package.json',
        '/web/assets/..%5c..%5cpackage.json',
        '/web/assets/../sign-in.html',
        '/web/assets/..%2fsign-in.html',
        '/web/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsrc%2fhttp%2fweb-pages.ts',
        '/web/assets/....//....//package.json',
        '/web/assets/%252e%252e%252fpackage.json',
        '/web/assets/',
        '/web/assets/nope.js',
        '/web/sign-in.html',
        '/web/vite.config.ts',
        '/t/acme/..%2f..%2fpackage.json',
        '/t/..%2f..%2fetc/sign-in',
      ];
      for (const url of attempts) {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(404);
        expect(res.body, url).not.toContain('"name": "@twofold');
        expect(res.body, url).not.toContain('<div id="app">');
      }
    });
  });
}

describe('the web build', () => {
  it('is found from the server package and holds every page', () => {
    const build = loadWebBuild(resolveWebDist());
    expect([...build.pages.keys()].sort()).toEqual(['admin', 'security-info', 'setup', 'sign-in']);
    for (const byLocale of build.pages.values())
      expect([...byLocale.keys()].sort()).toEqual(['de', 'en', 'es', 'fr']);
    expect(build.assets.size).toBeGreaterThan(0);
    for (const name of build.assets.keys()) expect(name).toMatch(/^[\w.-]+-[\w-]{8,}\.(?:js|css)$/);
  });

  it('missing: start-up stops with one line that says to run npm run build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'twofold-web-'));
    try {
      const app = Fastify();
      let message = '';
      try {
        registerWebPages(app, { tenants: undefined as never, distDir: join(empty, 'dist') });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(
        /^the web pages are not built \(.*sign-in\.html is missing\): run `npm run build`$/,
      );
      expect(message).not.toContain('\n');

      // Half a build (one page only) is refused the same way.
      mkdirSync(join(empty, 'half'));
      writeFileSync(join(empty, 'half', 'sign-in.html'), '<!doctype html>');
      expect(() => loadWebBuild(join(empty, 'half'))).toThrow(
        /security-info\.html is missing\): run `npm run build`/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
