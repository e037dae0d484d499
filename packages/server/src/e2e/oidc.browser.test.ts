/**
 * An application signs its users in through Twofold (OpenID Connect), driven in real Chromium. The
 * relying party is openid-client, configured with nothing but the discovery URL and its
 * credentials; the ID token's signature is checked again with jose against the published JWKS.
 * Codes come from oathtool; the Twofold server runs on a manual clock moved by the test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { acrMfa } from '../oidc/provider-registry.js';
import { describeInChromium, oathtool, scanQrCode, secretOf, stepMs } from '../test-support/browser.js';

const password = 'correct horse battery staple';

/** The relying party's two pages: where the sign-in comes back, and where sign-out lands. */
async function startRelyingParty(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      request.url?.startsWith('/signed-out') ? '<h1>Signed out of the wiki</h1>' : '<h1>Wiki callback</h1>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describeInChromium(
  'an application signs users in through OpenID Connect',
  { scratchPrefix: 'twofold-oidc-', exactPublicUrl: true },
  (suite) => {
    const { check, clock, scratch, shot } = suite;
    let rp: { server: Server; origin: string };
    let context: BrowserContext;
    let page: Page;
    let config: client.Configuration;
    let clientId = '';
    let userId = '';
    let secret = '';
    let idToken = '';
    let refreshToken = '';
    /** The browser's requests, for the message of a test that fails. */
    const traffic: string[] = [];

    /** Starts an authorization request in the browser; resolves with what to check the answer against. */
    async function authorize(extra: Record<string, string> = {}) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const authorizationUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: `${rp.origin}/callback`,
        scope: 'openid email profile offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        ...extra,
      });
      await page.goto(authorizationUrl.href);
      return { verifier, state };
    }

    async function callback(checks: { verifier: string; state: string }, maxAge?: number) {
      try {
        await page.waitForURL(`${rp.origin}/callback?**`, { timeout: 20_000 });
      } catch (error) {
        const text = await page
          .locator('body')
          .textContent()
          .catch(() => '');
        throw new Error(
          `no callback; at ${page.url()} showing ${(text ?? '').slice(0, 300)}; requests: ${traffic.slice(-15).join(' | ')}`,
          { cause: error },
        );
      }
      return client.authorizationCodeGrant(config, new URL(page.url()), {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        ...(maxAge === undefined ? {} : { maxAge }),
      });
    }

    /** Waits for a heading; when it does not come, the error says where the browser is and what it shows. */
    async function heading(name: string) {
      try {
        await page.getByRole('heading', { name }).waitFor({ timeout: 15_000 });
      } catch (error) {
        const text = await page
          .locator('body')
          .textContent()
          .catch(() => '');
        throw new Error(`no heading '${name}' at ${page.url()}: ${(text ?? '').slice(0, 400)}`, {
          cause: error,
        });
      }
    }

    async function enterCode(code: string) {
      await page.getByLabel('Code', { exact: true }).fill(code);
      await page.getByRole('button', { name: 'Verify' }).click();
    }

    beforeAll(async () => {
      // Twofold's clock runs ten minutes ahead of the system clock the provider library stamps its
      // own records with: nothing may depend on the two agreeing.
      clock.advance(10 * 60_000);
      rp = await startRelyingParty();
      const user = await suite.app.runtime.services.users.create(
        { tenantId: suite.tenant.id, email: 'ada@example.com', displayName: 'Ada Lovelace', password },
        operatorActor,
      );
      userId = user.id;
      const created = await suite.app.runtime.services.oidcClients.create(
        {
          tenantId: suite.tenant.id,
          name: 'Team wiki',
          redirectUris: [`${rp.origin}/callback`],
          postLogoutRedirectUris: [`${rp.origin}/signed-out`],
        },
        operatorActor,
      );
      clientId = created.client.id;
      // The relying party knows the discovery URL and its credentials, nothing else.
      config = await client.discovery(
        new URL(`${suite.origin}/t/acme`),
        clientId,
        created.clientSecret,
        undefined,
        { execute: [client.allowInsecureRequests] },
      );
      context = await suite.browser.newContext({ viewport: { width: 900, height: 720 } });
      page = await context.newPage();
      page.on('response', (response) => {
        const url = new URL(response.url());
        traffic.push(
          `${response.request().method()} ${url.pathname}${url.search.slice(0, 40)} ${response.status()}`,
        );
      });
    });
    afterAll(async () => {
      await context?.close();
      await new Promise((resolve) => rp?.server.close(resolve));
    });

    it('signs a new user in with password and a registered authenticator; the ID token says mfa', async () => {
      const checks = await authorize();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.getByText('to continue to Team wiki').waitFor();
      await shot(page, 'oidc-sign-in.png');
      await check(page, 'application sign-in: email');
      await page.getByLabel('Email or username').fill('ada@example.com');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();

      // No method yet: registration happens inside the application's sign-in.
      await page.getByRole('heading', { name: 'More information required' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.locator('.qr img').waitFor();
      secret = secretOf(await scanQrCode(page, scratch));
      await page.getByRole('button', { name: 'Next' }).click();
      await enterCode(oathtool(secret, clock.now()));
      await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
      await page.getByLabel('I have saved these codes').check();
      await page.getByRole('button', { name: 'Continue' }).click();

      const tokens = await callback(checks);
      const claims = tokens.claims();
      expect(claims).toMatchObject({
        iss: `${suite.origin}/t/acme`,
        aud: clientId,
        sub: userId,
        email: 'ada@example.com',
        name: 'Ada Lovelace',
        acr: acrMfa,
      });
      expect(claims?.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
      expect(typeof claims?.auth_time).toBe('number');

      // The signature, checked again by another library against the published keys.
      const jwks = createRemoteJWKSet(new URL(`${suite.origin}/t/acme/oidc/jwks`));
      const verified = await jwtVerify(tokens.id_token ?? '', jwks, {
        issuer: `${suite.origin}/t/acme`,
        audience: clientId,
        algorithms: ['RS256'],
      });
      expect(verified.protectedHeader.alg).toBe('RS256');
      expect(verified.payload.sub).toBe(userId);

      const info = await client.fetchUserInfo(config, tokens.access_token, userId);
      expect(info).toMatchObject({ sub: userId, email: 'ada@example.com', name: 'Ada Lovelace' });

      idToken = tokens.id_token ?? '';
      refreshToken = tokens.refresh_token ?? '';
      expect(refreshToken).not.toBe('');
    });

    it('refreshes: a new ID token for the same user, and the used refresh token is spent', async () => {
      const refreshed = await client.refreshTokenGrant(config, refreshToken);
      expect(refreshed.claims()).toMatchObject({ sub: userId, acr: acrMfa });
      expect(refreshed.claims()?.amr).toContain('mfa');
      expect(refreshed.refresh_token).toBeDefined();
      expect(refreshed.refresh_token).not.toBe(refreshToken);
      // A refresh token is used once; presenting it again is refused (and ends the grant).
      await expect(client.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await expect(client.refreshTokenGrant(config, refreshed.refresh_token ?? '')).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('signs in again without asking while the Twofold session lives (single sign-on)', async () => {
      const checks = await authorize();
      const tokens = await callback(checks);
      expect(tokens.claims()).toMatchObject({ sub: userId, acr: acrMfa });
      idToken = tokens.id_token ?? idToken;
      refreshToken = tokens.refresh_token ?? '';
    });

    it('max_age=0 asks for the second factor again, and auth_time moves', async () => {
      const before = (await client.refreshTokenGrant(config, refreshToken)).claims()?.auth_time ?? 0;
      clock.advance(stepMs);
      const checks = await authorize({ max_age: '0' });
      await heading("Confirm it's you");
      await page.getByText('Team wiki asks you to confirm').waitFor();
      await shot(page, 'oidc-step-up.png');
      await check(page, "application sign-in: confirm it's you");
      await enterCode(oathtool(secret, clock.now()));
      const tokens = await callback(checks, 0);
      const claims = tokens.claims();
      expect(claims?.amr).toContain('mfa');
      expect(claims?.auth_time).toBeGreaterThan(before);
      expect(claims?.auth_time).toBe(Math.floor(clock.now() / 1000));
      idToken = tokens.id_token ?? idToken;
    });

    it('acr_values for mfa asks again once the second factor is older than ten minutes', async () => {
      clock.advance(11 * 60_000);
      const checks = await authorize({ acr_values: acrMfa });
      await heading("Confirm it's you");
      await enterCode(oathtool(secret, clock.now()));
      const tokens = await callback(checks);
      expect(tokens.claims()).toMatchObject({ acr: acrMfa, auth_time: Math.floor(clock.now() / 1000) });
      idToken = tokens.id_token ?? idToken;
      refreshToken = tokens.refresh_token ?? '';
    });

    it('a third-party public client asks for consent; Cancel tells it access_denied, Allow lets it in', async () => {
      const spa = await suite.app.runtime.services.oidcClients.create(
        {
          tenantId: suite.tenant.id,
          name: 'Partner planner',
          redirectUris: [`${rp.origin}/callback`],
          confidential: false,
          firstParty: false,
        },
        operatorActor,
      );
      // A public client: no secret, PKCE alone.
      const spaConfig = await client.discovery(
        new URL(`${suite.origin}/t/acme`),
        spa.client.id,
        undefined,
        client.None(),
        {
          execute: [client.allowInsecureRequests],
        },
      );
      const start = async () => {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        await page.goto(
          client.buildAuthorizationUrl(spaConfig, {
            redirect_uri: `${rp.origin}/callback`,
            scope: 'openid email profile',
            code_challenge: await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
            state,
          }).href,
        );
        await page.getByRole('heading', { name: 'Allow Partner planner?' }).waitFor();
        return { verifier, state };
      };

      await start();
      await page.getByText('See your email address').waitFor();
      await shot(page, 'oidc-consent.png');
      await check(page, 'application sign-in: consent');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForURL(`${rp.origin}/callback?**`);
      expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');

      const checks = await start();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${rp.origin}/callback?**`);
      const tokens = await client.authorizationCodeGrant(spaConfig, new URL(page.url()), {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
      });
      expect(tokens.claims()).toMatchObject({ sub: userId, aud: spa.client.id, email: 'ada@example.com' });
    });

    it('signs out from the application: the Twofold session ends and the tokens stop working', async () => {
      const endSession = client.buildEndSessionUrl(config, {
        id_token_hint: idToken,
        post_logout_redirect_uri: `${rp.origin}/signed-out`,
      });
      await page.goto(endSession.href);
      await page.getByRole('heading', { name: 'Sign out of Team wiki?' }).waitFor();
      await shot(page, 'oidc-sign-out.png');
      await check(page, 'application sign-out: confirm');
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.waitForURL(`${rp.origin}/signed-out**`);
      expect((await context.cookies()).some((c) => c.name === 'twofold_session')).toBe(false);
      await expect(client.refreshTokenGrant(config, refreshToken)).rejects.toMatchObject({
        error: 'invalid_grant',
      });

      // The next authorization asks for the password again.
      await authorize();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    });

    it('the pages for a sign-in that cannot go on, and for a sign-out without a way back, are accessible', async () => {
      // An unknown application: the provider's own error page.
      await page.goto(
        `${suite.origin}/t/acme/oidc/auth?client_id=no-such-app&response_type=code&scope=openid`,
      );
      await heading('This sign-in cannot go on');
      await check(page, 'application sign-in: provider error');
      // The page runs no script of ours; its picker is a link per language, and the choice is remembered.
      await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Deutsch' }).click();
      await heading('Diese Anmeldung kann nicht fortgesetzt werden');
      expect(await page.getAttribute('html', 'lang')).toBe('de');
      expect(new URL(page.url()).searchParams.get('client_id')).toBe('no-such-app');
      expect((await context.cookies()).find((c) => c.name === 'twofold_lang')?.value).toBe('de');
      await check(page, 'application sign-in: provider error in German');
      await context.clearCookies({ name: 'twofold_lang' });
      // An interaction that ended (or never was): the sign-in page says so.
      await page.goto(`${suite.origin}/t/acme/sign-in?interaction=no-such-interaction`);
      await heading('This sign-in cannot go on');
      await check(page, 'application sign-in: ended');
      // Signing out with no address to return to ends on Twofold's own page.
      clock.advance(stepMs);
      const checks = await authorize();
      await page.getByLabel('Email or username').fill('ada@example.com');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await enterCode(oathtool(secret, clock.now()));
      await callback(checks);
      await page.goto(client.buildEndSessionUrl(config, {}).href);
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await heading('You are signed out');
      await check(page, 'application sign-out: done');
    });
  },
);
