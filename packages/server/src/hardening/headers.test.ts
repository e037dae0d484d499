/**
 * Issue 9, headers and cookies: every page, the web authenticator's files, the assets the pages
 * load and a sample of API answers (successes, problems, framework errors) carry a strict
 * Content-Security-Policy (no inline script, no eval, frame-ancestors 'none'), nosniff, a
 * Referrer-Policy, and HSTS exactly when TWOFOLD_PUBLIC_URL is https. The pages themselves hold
 * no inline script, handler or style that the policy would block. Every cookie the sign-in sets
 * is HttpOnly and SameSite, and Secure under https. Client addresses: X-Forwarded-For is ignored
 * unless TWOFOLD_TRUST_PROXY names the proxy it came through (http/security-headers.ts,
 * platform/config.ts, sign-in log).
 */
import { decodeBase32 } from '@twofold/core';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { codeAt, enrol, password } from '../test-support/attack-kit.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';

interface Fetched {
  readonly label: string;
  readonly response: LightMyRequestResponse;
}

/** The CSP as a map of directive to its sources. */
function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/** What is wrong with the security headers of one answer (empty when nothing is). */
function headerProblems(response: LightMyRequestResponse, https: boolean): string[] {
  const problems: string[] = [];
  const header = (name: string) => {
    const value = response.headers[name];
    return Array.isArray(value) ? value.join(', ') : value === undefined ? undefined : String(value);
  };
  const csp = header('content-security-policy');
  if (!csp) problems.push('no Content-Security-Policy');
  else {
    const directives = parseCsp(csp);
    const scripts = directives.get('script-src') ?? directives.get('default-src');
    if (!scripts) problems.push('CSP: no script-src or default-src');
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) {
      if (scripts?.includes(bad)) problems.push(`CSP script-src allows ${bad}`);
    }
    if (directives.get('frame-ancestors')?.join(' ') !== "'none'")
      problems.push("CSP: frame-ancestors is not 'none'");
    if (directives.get('object-src')?.join(' ') !== "'none'") problems.push("CSP: object-src is not 'none'");
    if (!directives.has('base-uri')) problems.push('CSP: no base-uri');
  }
  if (header('x-content-type-options') !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  const referrer = header('referrer-policy');
  if (
    !referrer ||
    !['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'].includes(referrer)
  )
    problems.push(`Referrer-Policy: ${referrer}`);
  const hsts = header('strict-transport-security');
  if (https) {
    const maxAge = Number(/max-age=(\d+)/.exec(hsts ?? '')?.[1] ?? 0);
    if (maxAge < 31_536_000) problems.push(`HSTS missing or short under https: ${hsts}`);
  } else if (hsts !== undefined) problems.push(`HSTS over plain http: ${hsts}`);
  return problems;
}

/** Inline script, event handlers, javascript: URLs and inline styles in a page. */
function inlineCode(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const [, attributes = '', body = ''] = match;
    const isData = /type\s*=\s*["']?application\/(ld\+)?json/i.test(attributes);
    if (!/\bsrc\s*=/.test(attributes) && !isData && body.trim() !== '')
      found.push(`inline <script>: ${body.slice(0, 60)}`);
  }
  for (const match of html.matchAll(/<[^>]+\s(on[a-z]+)\s*=/gi)) found.push(`handler attribute ${match[1]}`);
  if (/javascript:/i.test(html)) found.push('javascript: URL');
  if (/<style\b/i.test(html)) found.push('inline <style>');
  if (/<[^>]+\sstyle\s*=/i.test(html)) found.push('style attribute');
  return found;
}

interface CookieLine {
  readonly name: string;
  readonly attributes: Set<string>;
  readonly sameSite?: string;
  readonly raw: string;
}

function cookiesOf(response: LightMyRequestResponse): CookieLine[] {
  const header = response.headers['set-cookie'];
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [String(header)];
  return lines.map((raw) => {
    const [pair = '', ...attributes] = raw.split(';').map((p) => p.trim());
    const names = new Set(attributes.map((a) => a.split('=')[0]!.toLowerCase()));
    const sameSite = attributes
      .find((a) => /^samesite=/i.test(a))
      ?.split('=')[1]
      ?.toLowerCase();
    return { name: pair.split('=')[0] ?? '', attributes: names, ...(sameSite ? { sameSite } : {}), raw };
  });
}

for (const backend of testBackends) {
  for (const publicUrl of ['https://mfa.acme.test', 'http://localhost:8080']) {
    const https = publicUrl.startsWith('https:');
    describe(`headers and cookies served for ${publicUrl} on ${backend.name}`, () => {
      const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
      let t: TestApp;

      beforeAll(async () => {
        t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: publicUrl }, { clock });
        await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      });
      afterAll(async () => {
        await t?.close();
      });

      const get = (url: string, headers: Record<string, string> = {}) =>
        t.app.inject({ method: 'GET', url, headers });

      it('every page, its assets and a sample of API answers carry the security headers', async () => {
        const fetched: Fetched[] = [];
        const pages = ['sign-in', 'security-info', 'setup', 'admin'].map((p) => `/t/acme/${p}`);
        const authenticator = [
          '/authenticator/',
          '/authenticator/manifest.webmanifest',
          '/authenticator/sw.js',
          '/authenticator/icon.svg',
        ];
        const assetUrls = new Set<string>();
        const inline: string[] = [];
        for (const url of [...pages, '/authenticator/']) {
          const response = await get(url);
          expect(response.statusCode, url).toBe(200);
          expect(String(response.headers['content-type'])).toContain('text/html');
          for (const found of inlineCode(response.body)) inline.push(`${url}: ${found}`);
          for (const match of response.body.matchAll(/(?:src|href)="(\/web\/assets\/[^"]+)"/g))
            assetUrls.add(match[1]!);
        }
        expect(inline).toEqual([]);
        expect(assetUrls.size).toBeGreaterThan(0);
        for (const url of [...pages, ...authenticator, ...assetUrls])
          fetched.push({ label: url, response: await get(url) });
        for (const response of fetched) expect(response.response.statusCode, response.label).toBe(200);

        // The API, answers of every kind: JSON, problems, framework errors, long-poll refusals.
        const api: [string, () => Promise<LightMyRequestResponse>][] = [
          ['GET /healthz', () => get('/healthz')],
          ['GET /api/openapi.json', () => get('/api/openapi.json')],
          ['GET /api/v1/time', () => get('/api/v1/time')],
          ['GET /metrics', () => get('/metrics')],
          ['GET /t/acme/api/v1/me (401)', () => get('/t/acme/api/v1/me')],
          [
            'POST /t/acme/api/v1/sign-in (401)',
            () =>
              t.app.inject({
                method: 'POST',
                url: '/t/acme/api/v1/sign-in',
                payload: { username: 'nobody@example.com', password: 'wrong password' },
              }),
          ],
          [
            'POST sign-in, malformed JSON (400)',
            () =>
              t.app.inject({
                method: 'POST',
                url: '/t/acme/api/v1/sign-in',
                headers: { 'content-type': 'application/json' },
                payload: '{"a":',
              }),
          ],
          ['GET unknown tenant page (404)', () => get('/t/nope/sign-in')],
          ['GET unknown route (404)', () => get('/no/such/route')],
          ['GET over-long path parameter (400)', () => get(`/t/acme/api/v1/sign-in/${'f'.repeat(300)}`)],
          ['GET /web/assets/missing.js (404)', () => get('/web/assets/missing.js')],
          ['GET admin users without key (401)', () => get('/t/acme/api/v1/admin/users')],
        ];
        for (const [label, send] of api) fetched.push({ label, response: await send() });

        const problems = fetched.flatMap(({ label, response }) =>
          headerProblems(response, https).map((p) => `${label} (${response.statusCode}): ${p}`),
        );
        console.info(
          `headers (${publicUrl}, ${backend.name}): ${fetched.length} answers checked (${pages.length + 1} pages, ${assetUrls.size} assets), ${problems.length} problems`,
        );
        expect(problems).toEqual([]);
      });

      it(`every cookie of a sign-in, a sign-out and a sign-out everywhere is HttpOnly and SameSite${https ? ' and Secure' : ''}`, async () => {
        const cookies: CookieLine[] = [];
        const browser = createBrowserClient(t.app, publicUrl);
        const keep = (response: LightMyRequestResponse) => {
          cookies.push(...cookiesOf(response));
          return response;
        };
        const email = `cookies-${Math.random().toString(36).slice(2)}@example.com`;
        const tenant = await t.runtime.services.tenants.getBySlug('acme');
        await t.runtime.services.users.create({ tenantId: tenant.id, email, password }, operatorActor);
        const flow = keep(await browser.post('/t/acme/api/v1/sign-in', { username: email, password })).json();
        const reg = keep(
          await browser.post(`/t/acme/api/v1/sign-in/${flow.flowId}/register`, { type: 'authenticator' }),
        ).json();
        keep(
          await browser.post(`/t/acme/api/v1/sign-in/${flow.flowId}/verify`, {
            methodId: reg.methodId,
            code: codeAt(decodeBase32(reg.secret), clock),
          }),
        );
        expect(browser.cookies.has('twofold_session')).toBe(true);
        keep(await browser.post('/t/acme/api/v1/sign-out'));
        // Signed in again elsewhere, then out everywhere.
        const other = await enrol(t, clock, { email: `other-${email}`, origin: publicUrl });
        keep(await other.browser.post('/t/acme/api/v1/me/sign-out-everywhere'));

        const names = new Set(cookies.map((c) => c.name));
        expect([...names].sort()).toEqual(['twofold_device', 'twofold_flow', 'twofold_session']);
        const problems: string[] = [];
        for (const cookie of cookies) {
          if (!cookie.attributes.has('httponly')) problems.push(`not HttpOnly: ${cookie.raw}`);
          if (!['lax', 'strict'].includes(cookie.sameSite ?? ''))
            problems.push(`no SameSite Lax/Strict: ${cookie.raw}`);
          if (https && !cookie.attributes.has('secure'))
            problems.push(`not Secure under https: ${cookie.raw}`);
        }
        expect(problems).toEqual([]);
      });
    });
  }

  describe(`client addresses behind a proxy on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    const proxy = '10.0.0.5';
    const client = '198.51.100.9';

    /** The address the sign-in log records for a failed sign-in sent through `proxy` for `client`. */
    async function loggedAddress(
      trustProxy: string | undefined,
      remoteAddress: string,
    ): Promise<string | null> {
      const t = await createTestApp(
        backend,
        trustProxy === undefined ? {} : { TWOFOLD_TRUST_PROXY: trustProxy },
        {
          clock,
        },
      );
      try {
        await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
        const answer = await t.app.inject({
          method: 'POST',
          url: '/t/acme/api/v1/sign-in',
          remoteAddress,
          headers: { 'x-forwarded-for': client },
          payload: { username: 'nobody@example.com', password: 'wrong password' },
        });
        expect(answer.statusCode).toBe(401);
        const rows = await t.runtime.database.db.selectFrom('sign_in_events').select('ip').execute();
        expect(rows).toHaveLength(1);
        return rows[0]?.ip ?? null;
      } finally {
        await t.close();
      }
    }

    it('ignores X-Forwarded-For unless TWOFOLD_TRUST_PROXY names the proxy it came through', async () => {
      expect(await loggedAddress(undefined, proxy)).toBe(proxy);
      expect(await loggedAddress('false', proxy)).toBe(proxy);
      // A list that names another proxy: the header from this one is not believed.
      expect(await loggedAddress('10.9.9.9', proxy)).toBe(proxy);
      expect(await loggedAddress(proxy, proxy)).toBe(client);
      expect(await loggedAddress('10.0.0.0/8', proxy)).toBe(client);
    });
  });
}
