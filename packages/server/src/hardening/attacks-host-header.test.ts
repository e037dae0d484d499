/**
 * Issue 14, item 4: every URL Twofold publishes is built from TWOFOLD_PUBLIC_URL, never from the
 * request. A client that sends `Host: evil.example` (or X-Forwarded-Host, X-Forwarded-Proto,
 * Forwarded) must not move OpenID Connect discovery, the end-session form, the provider's
 * redirects, the otpauth URI's push server, the setup answer or the application registration answer
 * to another host or to plain http; neither may a proxy named in TWOFOLD_TRUST_PROXY. Behind a TLS
 * proxy that sends no X-Forwarded-Proto, the https of TWOFOLD_PUBLIC_URL still holds. The client's
 * address is read from X-Forwarded-For only when the peer is a trusted proxy, in the provider too
 * (RP-initiated sign-out records who signed out from where).
 */
import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { enrol } from '../test-support/attack-kit.js';
import { type BrowserClient, createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';

const publicUrl = 'https://mfa.example.com';
const issuer = `${publicUrl}/t/acme`;
const redirectUri = 'https://wiki.example.com/callback';
const trustedProxy = '10.0.0.1';
const outsider = '203.0.113.7';
const claimedClient = '198.51.100.9';

interface Variant {
  readonly name: string;
  readonly peer: string;
  readonly headers: Record<string, string>;
  /** The client address Twofold should record. */
  readonly clientAddress: string;
}

const forwarding = {
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'http',
  'x-forwarded-port': '8080',
  'x-forwarded-for': claimedClient,
  forwarded: `for=${claimedClient};host=evil.example;proto=http`,
};

const variants: Variant[] = [
  { name: 'a spoofed Host', peer: outsider, headers: { host: 'evil.example' }, clientAddress: outsider },
  {
    name: 'spoofed X-Forwarded-* from a peer that is not a trusted proxy',
    peer: outsider,
    headers: { host: 'evil.example', ...forwarding },
    clientAddress: outsider,
  },
  {
    name: 'X-Forwarded-Host and -Proto from the trusted proxy',
    peer: trustedProxy,
    headers: { host: 'evil.example', ...forwarding },
    clientAddress: claimedClient,
  },
  {
    name: 'a TLS proxy that sends no X-Forwarded-Proto',
    peer: trustedProxy,
    headers: { host: 'mfa.example.com' },
    clientAddress: trustedProxy,
  },
];

/** Every absolute URL in an answer (its headers and body). */
function urlsIn(response: LightMyRequestResponse): string[] {
  const text = `${JSON.stringify(response.headers)}\n${response.body}`;
  return [...text.matchAll(/https?:\/\/[^\s"'<>\\)]+/g)].map((m) => m[0]);
}

/** What is wrong with the URLs of an answer: any that is not Twofold's public URL or the application's. */
function foreignUrls(response: LightMyRequestResponse): string[] {
  const found = urlsIn(response).filter(
    (url) =>
      !url.startsWith(`${publicUrl}/`) &&
      url !== publicUrl &&
      !url.startsWith(redirectUri) &&
      // XML namespaces (the QR code's SVG) are names, not places.
      !url.startsWith('http://www.w3.org/'),
  );
  const location = response.headers['location'];
  // A relative redirect stays on the host the browser asked; a scheme-relative one would not.
  if (typeof location === 'string' && location.startsWith('//')) found.push(location);
  if (`${JSON.stringify(response.headers)}${response.body}`.includes('evil.example'))
    found.push('evil.example');
  return found;
}

for (const backend of testBackends) {
  describe(`published URLs and client addresses under spoofed headers (${backend.name})`, () => {
    const clock = createManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
    let t: TestApp;
    let acme: Tenant;
    let clientId = '';
    let clientSecret = '';
    let adminKey = '';

    beforeAll(async () => {
      t = await createTestApp(
        backend,
        { TWOFOLD_PUBLIC_URL: publicUrl, TWOFOLD_TRUST_PROXY: trustedProxy },
        { clock },
      );
      const { tenants, apiKeys, oidcClients } = t.runtime.services;
      acme = await tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      adminKey = (await apiKeys.create({ tenantId: acme.id, role: 'global-admin' }, operatorActor)).key;
      const created = await oidcClients.create(
        {
          tenantId: acme.id,
          name: 'Wiki',
          redirectUris: [redirectUri],
          postLogoutRedirectUris: [redirectUri],
        },
        operatorActor,
      );
      clientId = created.client.id;
      clientSecret = created.clientSecret ?? '';
    }, 60_000);
    afterAll(async () => {
      await t?.close();
    });

    /** One request as the variant sends it, with a browser's cookies. */
    const send = (
      browser: BrowserClient,
      variant: Variant,
      method: 'GET' | 'POST',
      url: string,
      extra: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
    ) =>
      browser.request({
        method,
        url,
        remoteAddress: variant.peer,
        headers: {
          ...variant.headers,
          ...(extra.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...extra.headers,
        },
        ...(extra.json !== undefined ? { json: extra.json } : {}),
        ...(extra.form ? { payload: new URLSearchParams(extra.form).toString() } : {}),
      });

    /** Follows the provider's redirects on Twofold, as the browser would, until the answer leaves for the application. */
    async function followToApplication(
      browser: BrowserClient,
      variant: Variant,
      first: LightMyRequestResponse,
      seen: LightMyRequestResponse[],
    ): Promise<URL> {
      let response = first;
      for (let hop = 0; hop < 10; hop++) {
        seen.push(response);
        const location = response.headers['location'];
        expect(typeof location, `hop ${hop}: ${response.statusCode} ${response.body.slice(0, 200)}`).toBe(
          'string',
        );
        const next = new URL(String(location), publicUrl);
        if (next.origin !== publicUrl) return next;
        response = await send(browser, variant, 'GET', `${next.pathname}${next.search}`);
      }
      throw new Error('too many redirects');
    }

    for (const variant of variants) {
      describe(variant.name, () => {
        it('discovery lists every endpoint under TWOFOLD_PUBLIC_URL, over https', async () => {
          const browser = createBrowserClient(t.app, publicUrl);
          const discovery = await send(browser, variant, 'GET', '/t/acme/.well-known/openid-configuration');
          expect(discovery.statusCode).toBe(200);
          const metadata = discovery.json() as Record<string, unknown>;
          expect(metadata['issuer']).toBe(issuer);
          for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'end_session_endpoint'])
            expect(metadata[key], key).toMatch(new RegExp(`^${issuer}/oidc/`));
          const endpoints = Object.entries(metadata).filter(
            ([, value]) => typeof value === 'string' && /^https?:/.test(value),
          );
          expect(endpoints.length).toBeGreaterThanOrEqual(7);
          for (const [key, value] of endpoints) expect(String(value), key).toMatch(new RegExp(`^${issuer}`));
          expect(foreignUrls(discovery)).toEqual([]);
          const jwks = await send(browser, variant, 'GET', '/t/acme/oidc/jwks');
          expect(jwks.statusCode).toBe(200);
          expect(foreignUrls(jwks)).toEqual([]);
        });

        it("the provider's redirects, the end-session form and the sign-out keep to TWOFOLD_PUBLIC_URL", async () => {
          const { browser, user } = await enrol(t, clock, {
            email: `ada-${Math.random().toString(36).slice(2)}@example.com`,
            origin: publicUrl,
          });
          const seen: LightMyRequestResponse[] = [];
          const verifier = 'v'.repeat(43);
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          const query = new URLSearchParams({
            client_id: clientId,
            redirect_uri: redirectUri,
            response_type: 'code',
            scope: 'openid email',
            code_challenge: challenge,
            code_challenge_method: 'S256',
            state: 'st',
          });
          const start = await send(browser, variant, 'GET', `/t/acme/oidc/auth?${query}`);
          const answer = await followToApplication(browser, variant, start, seen);
          expect(answer.origin + answer.pathname).toBe(redirectUri);
          expect(answer.searchParams.get('iss')).toBe(issuer);
          const code = answer.searchParams.get('code') ?? '';
          expect(code).not.toBe('');

          // A browser without a session is sent to the sign-in page, on Twofold, by relative redirects.
          const stranger = createBrowserClient(t.app, publicUrl);
          const toInteraction = await send(stranger, variant, 'GET', `/t/acme/oidc/auth?${query}`);
          const toSignIn = await send(stranger, variant, 'GET', String(toInteraction.headers['location']));
          seen.push(toInteraction, toSignIn);
          expect(String(toSignIn.headers['location'])).toMatch(/^\/t\/acme\/sign-in\?interaction=/);
          const signInPage = await send(stranger, variant, 'GET', String(toSignIn.headers['location']));
          expect(signInPage.statusCode).toBe(200);
          seen.push(signInPage);

          // The application redeems the code from its own server: no browser, no cookies.
          const tokens = await t.app.inject({
            method: 'POST',
            url: '/t/acme/oidc/token',
            remoteAddress: variant.peer,
            headers: {
              ...variant.headers,
              'content-type': 'application/x-www-form-urlencoded',
              authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
            },
            payload: new URLSearchParams({
              grant_type: 'authorization_code',
              code,
              redirect_uri: redirectUri,
              code_verifier: verifier,
            }).toString(),
          });
          expect(tokens.statusCode, tokens.body).toBe(200);
          seen.push(tokens);

          // RP-initiated sign-out: the confirmation form posts to TWOFOLD_PUBLIC_URL, and the sign-out is
          // recorded with the client's address as the trusted-proxy rules give it.
          const end = await send(
            browser,
            variant,
            'GET',
            `/t/acme/oidc/session/end?${new URLSearchParams({ id_token_hint: tokens.json().id_token, post_logout_redirect_uri: redirectUri })}`,
          );
          expect(end.statusCode, end.body).toBe(200);
          seen.push(end);
          const action = /<form[^>]*action="([^"]+)"/.exec(end.body)?.[1];
          expect(action).toBe(`${issuer}/oidc/session/end/confirm`);
          const xsrf = /name="xsrf" value="([^"]+)"/.exec(end.body)?.[1] ?? '';
          const confirmed = await send(browser, variant, 'POST', '/t/acme/oidc/session/end/confirm', {
            form: { xsrf, logout: 'yes' },
          });
          expect(confirmed.statusCode, confirmed.body).toBe(303);
          seen.push(confirmed);
          expect(String(confirmed.headers['location'])).toMatch(new RegExp(`^${redirectUri}`));

          for (const response of seen)
            expect(foreignUrls(response), `${response.statusCode} ${response.body.slice(0, 120)}`).toEqual(
              [],
            );
          const revoked = await t.runtime.database.db
            .selectFrom('audit_events')
            .select(['ip'])
            .where('tenant_id', '=', acme.id)
            .where('action', '=', 'session.revoke')
            .where('actor_id', '=', user.id)
            .executeTakeFirstOrThrow();
          expect(revoked.ip).toBe(variant.clientAddress);
        });

        it('the otpauth push server, the setup answer and the application registration answer', async () => {
          const { browser } = await enrol(t, clock, {
            email: `bo-${Math.random().toString(36).slice(2)}@example.com`,
            origin: publicUrl,
          });
          const method = await send(browser, variant, 'POST', '/t/acme/api/v1/me/methods', {
            json: { type: 'authenticator' },
            headers: { origin: publicUrl },
          });
          expect(method.statusCode, method.body).toBe(201);
          const uri = new URL(method.json().otpauthUri);
          expect(uri.searchParams.get('twofold_server')).toBe(publicUrl);
          expect(foreignUrls(method)).toEqual([]);

          const tenant = await t.runtime.services.tenants.create(
            { slug: `s${Math.random().toString(36).slice(2, 10)}` },
            operatorActor,
          );
          const link = await t.runtime.services.setup.issueLink(tenant, publicUrl, operatorActor);
          const token = new URL(link.setupUrl).hash.replace('#token=', '');
          const setup = await send(
            createBrowserClient(t.app, publicUrl),
            variant,
            'POST',
            `/t/${tenant.slug}/api/v1/setup`,
            {
              json: { token, email: 'root@example.com', password: 'a long enough password' },
            },
          );
          expect(setup.statusCode, setup.body).toBe(201);
          expect(setup.json().signInUrl).toBe(`${publicUrl}/t/${tenant.slug}/sign-in`);
          expect(foreignUrls(setup)).toEqual([]);

          const registered = await send(
            createBrowserClient(t.app, publicUrl),
            variant,
            'POST',
            '/t/acme/api/v1/admin/oidc-clients',
            {
              json: { name: 'Another', redirectUris: [redirectUri] },
              headers: { authorization: `Bearer ${adminKey}` },
            },
          );
          expect(registered.statusCode, registered.body).toBe(201);
          expect(registered.json()).toMatchObject({
            issuer,
            discoveryUrl: `${issuer}/.well-known/openid-configuration`,
          });
          expect(foreignUrls(registered)).toEqual([]);
        });
      });
    }

    it('no message Twofold queued names another host', async () => {
      const messages = await t.runtime.services.outbox.list(acme.id, { limit: 500 });
      expect(JSON.stringify(messages)).not.toContain('evil.example');
    });
  });
}
