/**
 * Passkeys in real Chromium with its virtual authenticator (CDP WebAuthn domain: CTAP2, internal
 * transport, resident keys, user verification that succeeds): registration at "More information
 * required" and from Security info, sign-in with a password and a passkey, sign-in without a
 * password, and a credential removed on the server refused. Pages are served from localhost (a
 * relying party id is a domain, never an IP address), with TWOFOLD_PUBLIC_URL saying so.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { acrPhishingResistant } from '../oidc/provider-registry.js';
import { describeInChromium, enrolUser, oathtool } from '../test-support/browser.js';

const password = 'correct horse battery staple';

describeInChromium(
  'passkeys in Chromium',
  { scratchPrefix: 'twofold-passkeys-', exactPublicUrl: true, localhost: true },
  (suite) => {
    const { check, clock, shot, url } = suite;
    let context: BrowserContext;
    let page: Page;
    let cdp: CDPSession;
    let authenticatorId = '';

    async function credentialsOnDevice(): Promise<number> {
      const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as {
        credentials: unknown[];
      };
      return credentials.length;
    }

    async function enterUsername(email: string) {
      await page.goto(url('sign-in'));
      await page.getByLabel('Email or username').fill(email);
      await page.getByRole('button', { name: 'Next' }).click();
    }

    async function signInWithPassword(email: string) {
      await enterUsername(email);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }

    async function atSecurityInfo() {
      await page.waitForURL(url('security-info'));
      await page.getByRole('heading', { name: 'Security info' }).waitFor();
    }

    async function startOver() {
      await context.clearCookies();
      await page.goto(url('sign-in'));
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    }

    /** A page with Chromium's virtual authenticator (each page has its own). */
    async function pageWithAuthenticator(target: BrowserContext) {
      const opened = await target.newPage();
      const session = await target.newCDPSession(opened);
      await session.send('WebAuthn.enable');
      const added = (await session.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
        },
      })) as { authenticatorId: string };
      return { page: opened, cdp: session, authenticatorId: added.authenticatorId };
    }

    beforeAll(async () => {
      context = await suite.browser.newContext({ viewport: { width: 900, height: 760 } });
      // The virtual authenticator answers a conditional request (passkeys in the username field's
      // suggestions) at once, as if the user had picked one: these tests sign in by the button, so the
      // browser here says it has no such suggestions. The last test uses them.
      await context.addInitScript(() => {
        Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', {
          value: () => Promise.resolve(false),
        });
      });
      ({ page, cdp, authenticatorId } = await pageWithAuthenticator(context));
      await suite.app.runtime.services.users.create(
        { tenantId: suite.tenant.id, email: 'ada@example.com', displayName: 'Ada Lovelace', password },
        operatorActor,
      );
    });
    afterAll(async () => {
      await context?.close();
    });

    it('registers a passkey at "More information required" and is signed in', async () => {
      await startOver();
      await signInWithPassword('ada@example.com');
      await page.getByRole('heading', { name: 'More information required' }).waitFor();
      await page.getByRole('radio', { name: /Passkey/ }).check();
      await check(page, 'registration: passkey chosen');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Create a passkey' }).waitFor();
      await page.getByLabel('Name of the passkey').fill('Work laptop');
      await check(page, 'registration: create a passkey');
      await shot(page, 'passkey-registration.png', false);
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
      expect(await credentialsOnDevice()).toBe(1);
      await page.getByRole('checkbox').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await atSecurityInfo();
      const row = page.getByRole('row', { name: /Work laptop/ });
      await expect(row.textContent()).resolves.toContain('Device-bound passkey');
      await check(page, 'security info: a passkey');
    });

    it('signs in with the password and the passkey', async () => {
      await startOver();
      await signInWithPassword('ada@example.com');
      await page.getByRole('heading', { name: 'Use your passkey' }).waitFor();
      await check(page, 'second factor: passkey');
      await page.getByRole('button', { name: 'Use passkey' }).click();
      await atSecurityInfo();
    });

    it('signs in without a password', async () => {
      await context.clearCookies();
      const began = performance.now();
      await page.goto(url('sign-in'));
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await atSecurityInfo();
      const elapsed = performance.now() - began;
      console.log(
        `passkey sign-in without a password: ${Math.round(elapsed)} ms from the sign-in page to Security info (${suite.backend.name})`,
      );
      await startOver();
      await check(page, 'sign-in: with a passkey offered');
      await shot(page, 'passkey-sign-in.png', false);
      const events = await suite.app.runtime.database.db
        .selectFrom('sign_in_events')
        .select(['details'])
        .where('result', '=', 'success')
        .where('method_type', '=', 'passkey')
        .execute();
      // Both factors from the passkey alone: no password in the session's amr.
      expect(events.map((e) => JSON.parse(e.details ?? '{}').amr)).toContainEqual(['hwk', 'user', 'mfa']);
    });

    it('an application that asks for acr urn:twofold:acr:phr gets a passkey sign-in over a code session (step-up), without a password typed', async () => {
      const rp: Server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<h1>Wiki callback</h1>');
      });
      await new Promise<void>((resolve) => rp.listen(0, '127.0.0.1', () => resolve()));
      const rpOrigin = `http://127.0.0.1:${(rp.address() as AddressInfo).port}`;
      try {
        const created = await suite.app.runtime.services.oidcClients.create(
          { tenantId: suite.tenant.id, name: 'Team wiki', redirectUris: [`${rpOrigin}/callback`] },
          operatorActor,
        );
        const config = await client.discovery(
          new URL(`${suite.origin}/t/acme`),
          created.client.id,
          created.clientSecret,
          undefined,
          { execute: [client.allowInsecureRequests] },
        );
        // Ada is signed in with a code, not a passkey: enough for an application that asks for no
        // acr (it gets acr mfa at once), not for one that asks for a phishing-resistant sign-in.
        await context.clearCookies();
        const ada = await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'ada@example.com');
        const { token } = await suite.app.runtime.services.sessions.create({
          tenantId: suite.tenant.id,
          userId: ada!.id,
          amr: ['pwd', 'otp', 'mfa'],
          mfaAt: clock.now(),
        });
        await context.addCookies([{ name: 'twofold_session', value: token, url: suite.origin }]);
        const authorizeWith = async (extra: Record<string, string>) => {
          const verifier = client.randomPKCECodeVerifier();
          const state = client.randomState();
          const authorizationUrl = client.buildAuthorizationUrl(config, {
            redirect_uri: `${rpOrigin}/callback`,
            scope: 'openid email',
            code_challenge: await client.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
            state,
            ...extra,
          });
          return { verifier, state, authorizationUrl };
        };
        const plain = await authorizeWith({});
        await page.goto(plain.authorizationUrl.href);
        await page.waitForURL(`${rpOrigin}/callback?**`);
        const mfa = await client.authorizationCodeGrant(config, new URL(page.url()), {
          pkceCodeVerifier: plain.verifier,
          expectedState: plain.state,
        });
        expect(mfa.claims()).toMatchObject({ acr: 'urn:twofold:acr:mfa', amr: ['pwd', 'otp', 'mfa'] });

        const { verifier, state, authorizationUrl } = await authorizeWith({
          acr_values: acrPhishingResistant,
        });
        const traffic: string[] = [];
        page.on('response', (r) =>
          traffic.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`),
        );
        await page.goto(authorizationUrl.href);
        await page.getByText('to continue to Team wiki').waitFor();
        await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
        await page
          .waitForURL(`${rpOrigin}/callback?**`, { timeout: 15_000 })
          .catch(async (error: unknown) => {
            const text = await page.locator('body').textContent();
            throw new Error(
              `no callback; at ${page.url()}: ${text?.slice(0, 300)}; ${traffic.slice(-12).join(' | ')}`,
              {
                cause: error,
              },
            );
          });
        const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), {
          pkceCodeVerifier: verifier,
          expectedState: state,
        });
        const claims = tokens.claims();
        expect(claims).toMatchObject({ email: 'ada@example.com', acr: acrPhishingResistant });
        expect(claims?.amr).toEqual(['hwk', 'user', 'mfa']);
      } finally {
        await new Promise((resolve) => rp.close(resolve));
      }
    });

    it('offers the passkey among the username suggestions (conditional UI) where the browser can', async () => {
      // Ada's passkey, copied to the virtual authenticator of a browser that offers suggestions.
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      const conditional = await suite.browser.newContext({ viewport: { width: 900, height: 760 } });
      try {
        const other = await pageWithAuthenticator(conditional);
        for (const credential of credentials) {
          await other.cdp.send('WebAuthn.addCredential', {
            authenticatorId: other.authenticatorId,
            credential,
          });
        }
        await other.page.goto(url('sign-in'));
        // The virtual authenticator picks the suggestion at once, as a user would from the list.
        await other.page.waitForURL(url('security-info'));
        await other.page.getByRole('heading', { name: 'Security info' }).waitFor();
      } finally {
        await conditional.close();
      }
    });

    it('the device whose copy signed in since is refused: its counter went backwards (reported)', async () => {
      await startOver();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page
        .locator('#passkey-sign-in-error')
        .filter({ hasText: /looks copied/ })
        .waitFor();
      await check(page, 'sign-in: copied passkey refused');
      const [event] = await suite.app.runtime.database.db
        .selectFrom('sign_in_events')
        .select(['reason', 'method_type'])
        .where('result', '=', 'failure')
        .execute();
      expect(event).toEqual({ reason: 'passkey_counter_replayed', method_type: 'passkey' });
    });

    it('registers a passkey from Security info', async () => {
      const { secret } = await enrolUser(suite, {
        email: 'bob@example.com',
        displayName: 'Bob',
        password,
      });
      await startOver();
      await signInWithPassword('bob@example.com');
      await page.getByLabel('Code', { exact: true }).fill(oathtool(secret, clock.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page
        .getByRole('heading', { name: 'Save your recovery codes' })
        .or(page.getByRole('heading', { name: 'Security info' }))
        .first()
        .waitFor();
      await atSecurityInfo();
      await page.getByRole('button', { name: '+ Add sign-in method' }).click();
      await page.getByLabel('Which method would you like to add?').selectOption('passkey');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Name of the passkey').fill('Travel tablet');
      await page.getByRole('button', { name: 'Create passkey' }).click();
      await page.getByRole('row', { name: /Travel tablet/ }).waitFor();
      expect(await credentialsOnDevice()).toBe(2);
      await check(page, 'security info: passkey added');

      // Ten minutes later, deleting his app asks for a fresh second factor: the passkey gives it.
      clock.advance(11 * 60_000);
      const bob = await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'bob@example.com');
      const [passkey] = (
        await suite.app.runtime.services.methods.listForUser(suite.tenant.id, bob!.id)
      ).filter((m) => m.type === 'passkey');
      await page.getByRole('button', { name: 'Delete Phone' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await page.locator('#step-up-method').selectOption(passkey!.id);
      await check(page, 'step-up: passkey');
      await page.getByRole('button', { name: 'Use passkey' }).click();
      await page
        .getByRole('row', { name: /Phone/ })
        .filter({ hasNotText: /Travel tablet/ })
        .waitFor({ state: 'detached' });
    });

    it("the console shows a user's passkey (device-bound, added, last used) and an admin deletes it", async () => {
      const { secret } = await enrolUser(suite, {
        email: 'grace@example.com',
        displayName: 'Grace Hopper',
        password,
        roles: ['global-admin'],
      });
      const adminContext = await suite.browser.newContext({ viewport: { width: 1200, height: 800 } });
      try {
        const admin = await adminContext.newPage();
        await admin.goto(url('sign-in'));
        await admin.getByLabel('Email or username').fill('grace@example.com');
        await admin.getByRole('button', { name: 'Next' }).click();
        await admin.getByLabel('Password', { exact: true }).fill(password);
        await admin.getByRole('button', { name: 'Sign in' }).click();
        await admin.getByLabel('Code', { exact: true }).fill(oathtool(secret, clock.now()));
        await admin.getByRole('button', { name: 'Verify' }).click();
        await admin.getByRole('heading', { name: 'Security info' }).waitFor();
        await admin.goto(url('admin'));
        await admin.getByRole('link', { name: 'Users', exact: true }).click();
        await admin.getByLabel('Search users').fill('ada');
        await admin.getByRole('link', { name: 'ada@example.com' }).click();
        await admin.getByRole('heading', { name: 'Authentication methods' }).waitFor();
        const row = admin.getByRole('row', { name: /Work laptop/ });
        await row.waitFor();
        const text = (await row.textContent()) ?? '';
        expect(text).toContain('Passkey');
        expect(text).toContain('Device-bound passkey');
        // Ada signed in with it: the row says when, not "never".
        expect(text).not.toMatch(/never/i);
        await check(admin, "console: a user's passkey");
        await admin.getByRole('heading', { name: 'Authentication methods' }).scrollIntoViewIfNeeded();
        await admin.evaluate(() => window.scrollBy(0, -24));
        await shot(admin, 'admin-user-passkey.png', false);
        await row.getByRole('button', { name: /^Delete: / }).click();
        const dialog = admin.locator('dialog[open]');
        await dialog.waitFor();
        await check(admin, 'console: delete a passkey');
        await dialog.getByLabel('Reason').fill('Laptop stolen: ticket 4711');
        await dialog.getByRole('button', { name: /^Delete/ }).click();
        await row.waitFor({ state: 'detached' });
      } finally {
        await adminContext.close();
      }
      const ada = await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'ada@example.com');
      const left = await suite.app.runtime.services.methods.listForUser(suite.tenant.id, ada!.id);
      expect(left.filter((m) => m.type === 'passkey')).toEqual([]);
    });

    it('a passkey removed on the server is refused', async () => {
      // Ada's passkey was deleted by an admin in the console (the test before); the device keeps it.
      const { methods, users } = suite.app.runtime.services;
      // Bob's passkey goes too, so that the device's only answer for this site is Ada's removed one.
      const bob = await users.findByEmail(suite.tenant.id, 'bob@example.com');
      for (const m of (await methods.listForUser(suite.tenant.id, bob!.id)).filter(
        (m) => m.type === 'passkey',
      )) {
        await methods.delete(suite.tenant.id, bob!.id, m.id, operatorActor);
      }
      await startOver();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page
        .locator('#passkey-sign-in-error')
        .filter({ hasText: /not registered here/ })
        .waitFor();
      await check(page, 'sign-in: removed passkey refused');
      expect(page.url()).toBe(url('sign-in'));
    });
  },
);
