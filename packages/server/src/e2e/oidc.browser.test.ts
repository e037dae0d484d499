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
import {
  describeInChromium,
  enrolUser,
  oathtool,
  scanQrCode,
  secretOf,
  stepMs,
} from '../test-support/browser.js';

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

/** The browser page an application's sign-ins run in, and its requests (for the message of a test that fails). */
interface RelyingPartyPage {
  readonly page: Page;
  readonly rpOrigin: string;
  readonly traffic: string[];
}

/** What the answer of an authorization request is checked against. */
interface Checks {
  readonly verifier: string;
  readonly state: string;
}

/** Starts an authorization request in the browser; resolves with what to check the answer against. */
async function startAuthorization(
  at: RelyingPartyPage,
  config: client.Configuration,
  extra: Record<string, string> = {},
): Promise<Checks> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: `${at.rpOrigin}/callback`,
    scope: 'openid email profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  await at.page.goto(authorizationUrl.href);
  return { verifier, state };
}

/** Waits for the browser to come back to the application, and redeems the code there (as openid-client checks it). */
async function finishAuthorization(
  at: RelyingPartyPage,
  config: client.Configuration,
  checks: Checks,
  maxAge?: number,
) {
  try {
    await at.page.waitForURL(`${at.rpOrigin}/callback?**`, { timeout: 20_000 });
  } catch (error) {
    const text = await at.page
      .locator('body')
      .textContent()
      .catch(() => '');
    throw new Error(
      `no callback; at ${at.page.url()} showing ${(text ?? '').slice(0, 300)}; requests: ${at.traffic.slice(-15).join(' | ')}`,
      { cause: error },
    );
  }
  return client.authorizationCodeGrant(config, new URL(at.page.url()), {
    pkceCodeVerifier: checks.verifier,
    expectedState: checks.state,
    ...(maxAge === undefined ? {} : { maxAge }),
  });
}

/** Waits for a heading; when it does not come, the error says where the browser is and what it shows. */
async function waitForHeading(page: Page, name: string): Promise<void> {
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

async function enterCodeOn(page: Page, code: string): Promise<void> {
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
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

    const at = (): RelyingPartyPage => ({ page, rpOrigin: rp.origin, traffic });
    const authorize = (extra: Record<string, string> = {}) => startAuthorization(at(), config, extra);
    const callback = (checks: Checks, maxAge?: number) => finishAuthorization(at(), config, checks, maxAge);
    const heading = (name: string) => waitForHeading(page, name);
    const enterCode = (code: string) => enterCodeOn(page, code);

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

describeInChromium(
  'a step-up that also asks for consent comes back to the application (issue 20)',
  { scratchPrefix: 'twofold-oidc-step-up-', exactPublicUrl: true, runningClock: true },
  (suite) => {
    // The server's clock runs as it does for real users, and the relying party checks max_age=0 on
    // its own (real) clock: a second factor proved a moment ago is a moment old, never 0 ms.
    const { clock } = suite;
    let rp: { server: Server; origin: string };
    let context: BrowserContext;
    let page: Page;
    let wiki: client.Configuration;
    let planner: client.Configuration;
    let secret = '';
    let userId = '';
    const traffic: string[] = [];
    const at = (): RelyingPartyPage => ({ page, rpOrigin: rp.origin, traffic });

    /** The browser's visits to the sign-in page and to the provider's resume endpoint since `mark`. */
    const visitsSince = (mark: number) => {
      const paths = traffic.slice(mark).map((line) => line.split(' ')[1] ?? '');
      return {
        signInPage: paths.filter((p) => p.startsWith('/t/acme/sign-in?') || p === '/t/acme/sign-in').length,
        resumes: paths.filter((p) => p.startsWith('/t/acme/oidc/auth/')).length,
      };
    };

    beforeAll(async () => {
      rp = await startRelyingParty();
      const enrolled = await enrolUser(suite, { email: 'ada@example.com', displayName: 'Ada', password });
      secret = enrolled.secret;
      userId = enrolled.user.id;
      const { oidcClients } = suite.app.runtime.services;
      const redirectUris = [`${rp.origin}/callback`];
      const first = await oidcClients.create(
        { tenantId: suite.tenant.id, name: 'Team wiki', redirectUris },
        operatorActor,
      );
      const third = await oidcClients.create(
        {
          tenantId: suite.tenant.id,
          name: 'Partner planner',
          redirectUris,
          confidential: false,
          firstParty: false,
        },
        operatorActor,
      );
      const issuer = new URL(`${suite.origin}/t/acme`);
      const insecure = { execute: [client.allowInsecureRequests] };
      wiki = await client.discovery(issuer, first.client.id, first.clientSecret, undefined, insecure);
      planner = await client.discovery(issuer, third.client.id, undefined, client.None(), insecure);
      context = await suite.browser.newContext({ viewport: { width: 900, height: 720 } });
      page = await context.newPage();
      page.on('response', (response) => {
        const url = new URL(response.url());
        traffic.push(`${response.request().method()} ${url.pathname}${url.search} ${response.status()}`);
      });

      // Signed in to Twofold through the wiki, with password and code.
      const checks = await startAuthorization(at(), wiki);
      await page.getByLabel('Email or username').fill('ada@example.com');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await enterCodeOn(page, oathtool(secret, clock.now()));
      await finishAuthorization(at(), wiki, checks);
    });
    afterAll(async () => {
      await context?.close();
      await new Promise((resolve) => rp?.server.close(resolve));
    });

    it('max_age=0 with prompt=consent (as offline_access needs) asks for the second factor once', async () => {
      clock.advance(stepMs);
      const mark = traffic.length;
      const checks = await startAuthorization(at(), wiki, { max_age: '0', prompt: 'consent' });
      await waitForHeading(page, "Confirm it's you");
      const confirmedFrom = Math.floor(clock.now() / 1000);
      await enterCodeOn(page, oathtool(secret, clock.now()));
      const tokens = await finishAuthorization(at(), wiki, checks, 0);
      expect(tokens.claims()).toMatchObject({ sub: userId, acr: acrMfa });
      expect(tokens.claims()?.auth_time).toBeGreaterThanOrEqual(confirmedFrom);
      expect(tokens.refresh_token).toBeDefined();
      // One visit to the sign-in page (the step-up), one return to the provider after the login and
      // one after the (first-party, silent) consent: no second round.
      expect(visitsSince(mark), traffic.slice(mark).join(' | ')).toEqual({ signInPage: 1, resumes: 2 });
    });

    it('a third-party application on first use: the step-up, then its consent, then back to it', async () => {
      clock.advance(stepMs);
      const mark = traffic.length;
      const checks = await startAuthorization(at(), planner, { max_age: '0', prompt: 'consent' });
      await waitForHeading(page, "Confirm it's you");
      const confirmedFrom = Math.floor(clock.now() / 1000);
      await enterCodeOn(page, oathtool(secret, clock.now()));
      await waitForHeading(page, 'Allow Partner planner?');
      await page.getByRole('button', { name: 'Allow' }).click();
      const tokens = await finishAuthorization(at(), planner, checks, 0);
      expect(tokens.claims()).toMatchObject({ sub: userId, acr: acrMfa });
      expect(tokens.claims()?.auth_time).toBeGreaterThanOrEqual(confirmedFrom);
      expect(visitsSince(mark), traffic.slice(mark).join(' | ')).toEqual({ signInPage: 2, resumes: 2 });
    });
  },
);
