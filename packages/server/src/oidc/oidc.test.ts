/**
 * The OpenID Connect provider over real HTTP on both databases: client management and its rules,
 * what a relying party may and may not do at the token endpoint, tenant isolation, key rotation,
 * and what is stored. The browser's side is in e2e/oidc.browser.test.ts.
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { enrol } from '../test-support/attack-kit.js';
import { testBackends } from '../test-support/databases.js';
import { unusedPort } from '../test-support/message-servers.js';

const redirectUri = 'https://wiki.example.com/callback';

for (const backend of testBackends) {
  describe(`OpenID Connect provider on ${backend.name}`, { timeout: 60_000 }, () => {
    const clock = createManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
    let t: TestApp;
    let origin = '';
    let acme: Tenant;
    let adminKey = '';
    let helpdeskKey = '';
    let betaKey = '';
    let clientId = '';
    let clientSecret = '';
    let sessionToken = '';
    let userId = '';

    beforeAll(async () => {
      const port = await unusedPort();
      origin = `http://127.0.0.1:${port}`;
      t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: origin }, { clock });
      await t.app.listen({ port, host: '127.0.0.1' });
      const { tenants, apiKeys } = t.runtime.services;
      acme = await tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      const beta = await tenants.create({ slug: 'beta', name: 'Beta' }, operatorActor);
      adminKey = (await apiKeys.create({ tenantId: acme.id, role: 'global-admin' }, operatorActor)).key;
      helpdeskKey = (await apiKeys.create({ tenantId: acme.id, role: 'helpdesk' }, operatorActor)).key;
      betaKey = (await apiKeys.create({ tenantId: beta.id, role: 'global-admin' }, operatorActor)).key;
      const ada = await enrol(t, clock, { email: 'ada@example.com' });
      sessionToken = ada.sessionToken;
      userId = ada.user.id;
    });
    afterAll(async () => {
      await t?.close();
    });

    const api = (path: string, key: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${origin}/t/acme/api/v1/admin${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${key}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });

    /**
     * The browser's part without a browser: the Twofold session cookie goes to the authorization
     * endpoint, and every redirect is followed by hand, keeping cookies, until the answer leaves
     * for the application. Returns that final URL.
     */
    async function authorize(params: Record<string, string>, slug = 'acme'): Promise<URL> {
      const jar = new Map<string, string>([['twofold_session', sessionToken]]);
      let next = new URL(`${origin}/t/${slug}/oidc/auth?${new URLSearchParams(params)}`);
      for (let hop = 0; hop < 10; hop++) {
        if (next.origin !== origin) return next;
        const response = await fetch(next, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const [name, ...value] = (pair ?? '').split('=');
          if (name) jar.set(name.trim(), value.join('='));
        }
        const location = response.headers.get('location');
        if (!location)
          throw new Error(`no redirect from ${next.pathname}: ${response.status} ${await response.text()}`);
        next = new URL(location, next);
      }
      throw new Error('too many redirects');
    }

    async function discover(id = clientId, secret = clientSecret, slug = 'acme') {
      return client.discovery(new URL(`${origin}/t/${slug}`), id, secret, undefined, {
        execute: [client.allowInsecureRequests],
      });
    }

    /** A fresh authorization code for the confidential client, with what the token request needs. */
    async function code(extra: Record<string, string> = {}) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const answer = await authorize({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid email',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        ...extra,
      });
      return { answer, verifier, state };
    }

    it('registers an application: the secret is shown once and stored only as its hash', async () => {
      const created = await api('/oidc-clients', adminKey, {
        method: 'POST',
        body: { name: 'Team wiki', redirectUris: [redirectUri] },
      });
      expect(created.status).toBe(201);
      const body = await created.json();
      expect(body).toMatchObject({
        client: { name: 'Team wiki', redirectUris: [redirectUri], confidential: true, firstParty: true },
        issuer: `${origin}/t/acme`,
        discoveryUrl: `${origin}/t/acme/.well-known/openid-configuration`,
      });
      expect(body.clientSecret).toMatch(/^tfcs_[A-Za-z0-9_-]{43}$/);
      clientId = body.client.clientId;
      clientSecret = body.clientSecret;

      const listed = await (await api('/oidc-clients', adminKey)).json();
      expect(listed.clients.map((c: { clientId: string }) => c.clientId)).toEqual([clientId]);
      expect(JSON.stringify(listed)).not.toContain(clientSecret);
      const row = await t.runtime.database.db
        .selectFrom('oidc_clients')
        .selectAll()
        .where('id', '=', clientId)
        .executeTakeFirstOrThrow();
      expect(row.secret_hash).toBe(createHash('sha256').update(clientSecret).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(clientSecret);
    });

    it('refuses redirect URIs that could leak codes, saying which and why', async () => {
      for (const [uri, reason, rule] of [
        ['http://wiki.example.com/callback', /must use https/, 'http'],
        ['https://wiki.example.com/callback#x', /fragment/, 'fragment'],
        ['https://*.example.com/callback', /wildcard/, 'wildcard'],
        ['/callback', /absolute URL/, 'not_absolute'],
        ['javascript:alert(1)', /scheme 'javascript'/, 'scheme'],
      ] as const) {
        const answer = await api('/oidc-clients', adminKey, {
          method: 'POST',
          body: { name: 'Bad', redirectUris: ['https://ok.example.com/cb', uri] },
        });
        expect(answer.status, uri).toBe(400);
        const problem = await answer.json();
        expect(problem.code).toBe('validation_failed');
        expect(problem.errors[0].path).toBe('redirectUris/1');
        expect(problem.errors[0].message).toMatch(reason);
        // The rule names the reason for pages, which say it in their own language.
        expect(problem.errors[0].rule).toBe(rule);
      }
      for (const uri of ['http://127.0.0.1:8080/cb', 'http://localhost/cb', 'com.example.app:/callback']) {
        const answer = await api('/oidc-clients', adminKey, {
          method: 'POST',
          body: { name: 'Fine', redirectUris: [uri] },
        });
        expect(answer.status, uri).toBe(201);
        const created = await answer.json();
        expect(
          (await api(`/oidc-clients/${created.client.clientId}`, adminKey, { method: 'DELETE' })).status,
        ).toBe(204);
      }
    });

    it('only a global admin manages applications, and only in its own tenant', async () => {
      expect((await api('/oidc-clients', helpdeskKey)).status).toBe(403);
      expect(
        (
          await api('/oidc-clients', helpdeskKey, {
            method: 'POST',
            body: { name: 'X', redirectUris: [redirectUri] },
          })
        ).status,
      ).toBe(403);
      // Another tenant's key: 401 on this tenant's routes; its own routes do not see this client.
      expect((await api('/oidc-clients', betaKey)).status).toBe(401);
      const beta = await fetch(`${origin}/t/beta/api/v1/admin/oidc-clients/${clientId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${betaKey}` },
      });
      expect(beta.status).toBe(404);
      expect((await beta.json()).code).toBe('oidc_client_not_found');
      expect(await t.runtime.services.oidcClients.find(acme.id, clientId)).toBeDefined();
    });

    it('issues tokens for a signed-in user; the ID token is signed by the published key', async () => {
      const config = await discover();
      const { answer, verifier, state } = await code();
      expect(answer.origin + answer.pathname).toBe(redirectUri);
      expect(answer.searchParams.get('iss')).toBe(`${origin}/t/acme`);
      const tokens = await client.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      const jwks = await (await fetch(`${origin}/t/acme/oidc/jwks`)).json();
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).not.toHaveProperty('d');
      const { payload } = await jwtVerify(tokens.id_token ?? '', createLocalJWKSet(jwks), {
        issuer: `${origin}/t/acme`,
        audience: clientId,
      });
      expect(payload).toMatchObject({ sub: userId, email: 'ada@example.com', acr: 'urn:twofold:acr:mfa' });
      expect(payload.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    });

    it('an authorization code works once; its replay revokes the tokens it gave', async () => {
      const config = await discover();
      const { answer, verifier, state } = await code();
      const tokens = await client.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect((await client.fetchUserInfo(config, tokens.access_token, userId)).sub).toBe(userId);
      await expect(
        client.authorizationCodeGrant(config, answer, { pkceCodeVerifier: verifier, expectedState: state }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(client.fetchUserInfo(config, tokens.access_token, userId)).rejects.toMatchObject({
        status: 401,
      });
    });

    it('the same code presented twice at the same moment is exchanged once', async () => {
      const { answer, verifier } = await code();
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code: answer.searchParams.get('code') ?? '',
        redirect_uri: redirectUri,
        code_verifier: verifier,
      });
      const send = () =>
        fetch(`${origin}/t/acme/oidc/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          },
          body,
        });
      const answers = await Promise.all([send(), send(), send(), send()]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400]);
    });

    it('refuses a wrong secret, a missing or plain PKCE challenge, and a redirect URI not registered exactly', async () => {
      const wrong = await discover(clientId, `${clientSecret.slice(0, -2)}xx`);
      const { answer, verifier, state } = await code();
      await expect(
        client.authorizationCodeGrant(wrong, answer, { pkceCodeVerifier: verifier, expectedState: state }),
      ).rejects.toMatchObject({ error: 'invalid_client' });

      const base = { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid' };
      const noPkce = await authorize(base);
      expect(noPkce.searchParams.get('error')).toBe('invalid_request');
      const plain = await authorize({
        ...base,
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'plain',
      });
      expect(plain.searchParams.get('error')).toBe('invalid_request');

      // Not even a trailing slash: no redirect at all, an error page on Twofold instead.
      const page = await fetch(
        `${origin}/t/acme/oidc/auth?${new URLSearchParams({ ...base, redirect_uri: `${redirectUri}/`, code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`,
        { redirect: 'manual' },
      );
      expect(page.status).toBe(400);
      expect(page.headers.get('location')).toBeNull();
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await page.text()).toContain('redirect_uri');
    });

    it('a redirect URI must be byte for byte a registered one: no normalised variant is accepted', async () => {
      const registered = ['https://wiki.example.com/callback', 'https://wiki.example.com/caf%C3%A9'];
      const signedOut = 'https://wiki.example.com/bye';
      const created = await api('/oidc-clients', adminKey, {
        method: 'POST',
        body: { name: 'Exact', redirectUris: registered, postLogoutRedirectUris: [signedOut] },
      });
      expect(created.status).toBe(201);
      const exact = (await created.json()).client.clientId as string;
      const request = (redirect: string) => ({
        client_id: exact,
        redirect_uri: redirect,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      });
      // Each registered URI, exactly as registered, is where the answer goes.
      for (const uri of registered) {
        const answer = await authorize(request(uri));
        expect(answer.href.startsWith(`${uri}?`), answer.href).toBe(true);
      }
      const variants: [string, string][] = [
        ['trailing slash', 'https://wiki.example.com/callback/'],
        ['upper-case host', 'https://WIKI.example.com/callback'],
        ['upper-case scheme', 'HTTPS://wiki.example.com/callback'],
        ['default port', 'https://wiki.example.com:443/callback'],
        ['dot segment', 'https://wiki.example.com/x/../callback'],
        ['single-dot segment', 'https://wiki.example.com/./callback'],
        ['backslash', 'https://wiki.example.com\\callback'],
        ['tab inside', 'https://wiki.example.com/call\tback'],
        ['white space around', ' https://wiki.example.com/callback '],
        ['empty query', 'https://wiki.example.com/callback?'],
        ['percent-decoded', 'https://wiki.example.com/café'],
        ['percent-encoding in lower case', 'https://wiki.example.com/caf%c3%a9'],
        ['percent-encoded letter', 'https://wiki.example.com/%63allback'],
      ];
      for (const [what, uri] of variants) {
        const page = await fetch(`${origin}/t/acme/oidc/auth?${new URLSearchParams(request(uri))}`, {
          redirect: 'manual',
        });
        expect(page.status, what).toBe(400);
        expect(page.headers.get('location'), what).toBeNull();
        expect(await page.text(), what).toContain('redirect_uri');
      }
      // The same rule for where the sign-out sends the browser back.
      for (const uri of [
        `${signedOut}/`,
        'https://WIKI.example.com/bye',
        'https://wiki.example.com:443/bye',
      ]) {
        const page = await fetch(
          `${origin}/t/acme/oidc/session/end?${new URLSearchParams({ client_id: exact, post_logout_redirect_uri: uri })}`,
          { redirect: 'manual' },
        );
        expect(page.status, uri).toBe(400);
        expect(await page.text(), uri).toContain('post_logout_redirect_uri');
      }
      const fine = await fetch(
        `${origin}/t/acme/oidc/session/end?${new URLSearchParams({ client_id: exact, post_logout_redirect_uri: signedOut })}`,
        { redirect: 'manual' },
      );
      expect(fine.status).toBe(200);
    });

    it("a tenant's applications do not exist at another tenant's issuer", async () => {
      const beta = await discover(clientId, clientSecret, 'beta');
      expect(beta.serverMetadata().issuer).toBe(`${origin}/t/beta`);
      const response = await fetch(`${origin}/t/beta/oidc/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }),
      });
      expect(response.status).toBe(401);
      expect((await response.json()).error).toBe('invalid_client');
      expect((await fetch(`${origin}/t/nope/.well-known/openid-configuration`)).status).toBe(404);
    });

    it('sign out everywhere ends the applications’ refresh tokens too', async () => {
      const config = await discover();
      const { answer, verifier, state } = await code();
      const tokens = await client.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect(tokens.refresh_token).toBeDefined();
      await t.runtime.services.sessions.revokeAllForUser(acme.id, userId, operatorActor);
      await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      const ada = await enrol(t, clock, { email: 'ada2@example.com' });
      sessionToken = ada.sessionToken;
      userId = ada.user.id;
    });

    it('requiring re-registration or disabling the user ends the applications’ tokens as well', async () => {
      const config = await discover();
      const first = await code();
      const before = await client.authorizationCodeGrant(config, first.answer, {
        pkceCodeVerifier: first.verifier,
        expectedState: first.state,
      });
      await t.runtime.services.admin.requireReregistration({
        tenantId: acme.id,
        userId,
        reason: 'lost phone',
        actor: operatorActor,
      });
      await expect(client.refreshTokenGrant(config, before.refresh_token ?? '')).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await expect(client.fetchUserInfo(config, before.access_token, userId)).rejects.toMatchObject({
        status: 401,
      });

      const ada = await enrol(t, clock, { email: 'ada3@example.com' });
      sessionToken = ada.sessionToken;
      userId = ada.user.id;
      const second = await code();
      const tokens = await client.authorizationCodeGrant(config, second.answer, {
        pkceCodeVerifier: second.verifier,
        expectedState: second.state,
      });
      await t.runtime.services.admin.updateUser({
        tenantId: acme.id,
        userId: userId,
        changes: { disabled: true },
        actor: operatorActor,
      });
      await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      const next = await enrol(t, clock, { email: 'ada4@example.com' });
      sessionToken = next.sessionToken;
      userId = next.user.id;
    });

    it('the consent and abort routes refuse requests from another site', async () => {
      for (const path of ['consent', 'abort']) {
        const answer = await fetch(`${origin}/t/acme/oidc/interaction/abc123/${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            origin: 'https://evil.example',
            cookie: 'twofold_oidc_interaction=abc123',
          },
          body: JSON.stringify(path === 'consent' ? { decision: 'allow' } : {}),
        });
        expect(answer.status, path).toBe(403);
        expect((await answer.json()).code).toBe('forbidden');
      }
    });

    it("answers hostile requests at the provider's own endpoints with 4xx, never 5xx", async () => {
      const junk = ['', '%00', 'x'.repeat(5000), '\u202e😀', '{"a":1}', 'a=b&a=c', "' OR 1=1 --"];
      const statuses: number[] = [];
      for (const value of junk) {
        for (const [method, path] of [
          [
            'GET',
            `/t/acme/oidc/auth?client_id=${encodeURIComponent(value)}&response_type=code&redirect_uri=${encodeURIComponent(value)}`,
          ],
          [
            'GET',
            `/t/acme/oidc/auth?client_id=${clientId}&response_type=${encodeURIComponent(value)}&redirect_uri=${encodeURIComponent(redirectUri)}`,
          ],
          ['POST', '/t/acme/oidc/token'],
          ['POST', '/t/acme/oidc/token/revocation'],
          ['GET', '/t/acme/oidc/userinfo'],
          ['GET', `/t/acme/oidc/session/end?id_token_hint=${encodeURIComponent(value)}`],
          ['GET', `/t/acme/oidc/interaction/${encodeURIComponent(value.slice(0, 50)) || 'x'}`],
          ['GET', `/t/acme/oidc/${encodeURIComponent(value.slice(0, 100)) || 'x'}`],
          ['GET', '/t/acme/oidc/auth?client_id=%E0%A4%A&redirect_uri=%ZZ'],
        ] as const) {
          const answer = await fetch(`${origin}${path}`, {
            method,
            redirect: 'manual',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: `Bearer ${value.replace(/[^\x20-\x7e]/g, '?')}`,
            },
            ...(method === 'POST'
              ? {
                  body: `grant_type=${encodeURIComponent(value)}&code=${encodeURIComponent(value)}&token=${encodeURIComponent(value)}`,
                }
              : {}),
          });
          statuses.push(answer.status);
          expect(answer.status, `${method} ${path.slice(0, 120)}`).toBeLessThan(500);
        }
      }
      expect(statuses.length).toBe(junk.length * 9);
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    });

    it("renders its own error page in the browser's language, the tenant's when the browser names none", async () => {
      const page = async (headers: Record<string, string>, query = '') => {
        const answer = await fetch(
          `${origin}/t/acme/oidc/auth?client_id=no-such-app&response_type=code&scope=openid${query}`,
          { headers },
        );
        expect(answer.status).toBe(400);
        return answer.text();
      };
      const german = await page({ 'accept-language': 'de-DE,de;q=0.9' });
      expect(german).toContain('<html lang="de">');
      expect(german).toContain('<h1>Diese Anmeldung kann nicht fortgesetzt werden</h1>');
      expect(german).toContain('Diese Anwendung ist hier nicht registriert');
      expect(german).toContain('<code>invalid_client</code>');
      expect(await page({ cookie: 'twofold_lang=es', 'accept-language': 'de' })).toContain(
        '<html lang="es">',
      );
      expect(await page({ 'accept-language': 'de' }, '&lang=fr')).toContain('<html lang="fr">');
      const tenant = await t.runtime.services.tenants.getBySlug('acme');
      await t.runtime.services.tenants.updatePolicy(
        tenant.id,
        { ...tenant.policy, defaultLocale: 'fr' },
        operatorActor,
      );
      try {
        // The provider was built before the change; the page still follows the tenant's language now.
        const french = await page({ 'accept-language': 'ja' });
        expect(french).toContain('<html lang="fr">');
        expect(french).toContain('Cette connexion ne peut pas aboutir');
      } finally {
        await t.runtime.services.tenants.updatePolicy(tenant.id, tenant.policy, operatorActor);
      }
    });

    it('stores no token in readable form', async () => {
      const config = await discover();
      const { answer, verifier, state } = await code();
      const tokens = await client.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      const rows = await t.runtime.database.db.selectFrom('oidc_payloads').selectAll().execute();
      expect(rows.length).toBeGreaterThan(0);
      const dump = JSON.stringify(rows);
      for (const secret of [
        tokens.access_token,
        tokens.refresh_token ?? '',
        answer.searchParams.get('code') ?? '',
      ])
        expect(dump).not.toContain(secret);
      expect(dump).not.toContain('ada4@example.com');
      const keys = JSON.stringify(await t.runtime.database.db.selectFrom('oidc_keys').selectAll().execute());
      expect(keys).not.toMatch(/"d"|"p"|"q"/);
    });

    it('a key rotation signs new tokens with the new key, and keeps the old one published', async () => {
      const config = await discover();
      const before = await code();
      const old = await client.authorizationCodeGrant(config, before.answer, {
        pkceCodeVerifier: before.verifier,
        expectedState: before.state,
      });
      const oldKid = decodeProtectedHeader(old.id_token ?? '').kid;
      const rotated = await t.runtime.services.oidcKeys.rotate(acme.id, operatorActor);
      expect(rotated.retired).toEqual([oldKid]);

      const after = await code();
      const fresh = await client.authorizationCodeGrant(config, after.answer, {
        pkceCodeVerifier: after.verifier,
        expectedState: after.state,
      });
      expect(decodeProtectedHeader(fresh.id_token ?? '').kid).toBe(rotated.kid);
      const jwks = await (await fetch(`${origin}/t/acme/oidc/jwks`)).json();
      expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([rotated.kid, oldKid]);
      for (const token of [old.id_token, fresh.id_token])
        await jwtVerify(token ?? '', createLocalJWKSet(jwks), {
          issuer: `${origin}/t/acme`,
          audience: clientId,
        });

      // A day later the old key is gone from the JWKS.
      clock.advance(24 * 60 * 60_000 + 1000);
      const later = await (await fetch(`${origin}/t/acme/oidc/jwks`)).json();
      expect(later.keys.map((k: { kid: string }) => k.kid)).toEqual([rotated.kid]);
    });

    it('deleting an application ends its tokens at once', async () => {
      // A day passed in the test before: a new sign-in.
      const grace = await enrol(t, clock, { email: 'grace@example.com' });
      sessionToken = grace.sessionToken;
      userId = grace.user.id;
      const config = await discover();
      const { answer, verifier, state } = await code();
      const tokens = await client.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect((await api(`/oidc-clients/${clientId}`, adminKey, { method: 'DELETE' })).status).toBe(204);
      await expect(client.fetchUserInfo(config, tokens.access_token, userId)).rejects.toMatchObject({
        status: 401,
      });
      await expect(client.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
        error: 'invalid_client',
      });
      expect((await api(`/oidc-clients/${clientId}`, adminKey, { method: 'DELETE' })).status).toBe(404);
    });
  });
}
