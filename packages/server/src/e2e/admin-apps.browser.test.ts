/**
 * The admin console's Applications section in real Chromium (issue 7, item 4): a global admin sees the
 * tenant's issuer and discovery URL, registers an application (a bad redirect URI is refused next to its
 * field, naming its line), reads its secret this once, finds it listed, and deletes it. An admin below
 * global admin is told the section is not theirs. Codes come from oathtool; the server runs on a manual
 * clock. With TWOFOLD_SCREENSHOTS=1 the pictures go to docs/screenshots/ (SQLite run).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashToken } from '../platform/crypto/tokens.js';
import { describeInChromium, enrolUser, oathtool, stepMs } from '../test-support/browser.js';

const password = 'correct horse battery staple';

describeInChromium(
  'admin console: applications (OpenID Connect clients) in Chromium',
  { scratchPrefix: 'twofold-admin-apps-e2e-', exactPublicUrl: true },
  (suite) => {
    const { check, clock, shot, url } = suite;
    let adminContext: BrowserContext;
    let admin: Page;
    const secrets = new Map<string, string>();

    /** A user with a password and an active authenticator whose key the test knows. */
    async function createEnrolledUser(email: string, displayName: string, roles: string[]) {
      const enrolled = await enrolUser(suite, { email, displayName, password, roles });
      secrets.set(email, enrolled.secret);
      return enrolled.user;
    }

    /** Signs in to the console the way admin.browser.test.ts does: password, then a code, back to the console. */
    async function signInToConsole(page: Page, email: string) {
      await page.goto(url('admin'));
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Email or username').fill(email);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Code', { exact: true }).fill(oathtool(secrets.get(email) ?? '', clock.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL(/\/t\/acme\/admin/);
      await page.getByRole('heading', { name: 'Users' }).waitFor();
      clock.advance(stepMs);
    }

    const clients = () => suite.app.runtime.services.oidcClients.list(suite.tenant.id);

    beforeAll(async () => {
      adminContext = await suite.browser.newContext({ viewport: { width: 1200, height: 800 } });
      await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.origin });
      admin = await adminContext.newPage();
      await createEnrolledUser('grace@example.com', 'Grace Hopper', ['global-admin']);
      await createEnrolledUser('alan@example.com', 'Alan Turing', ['authentication-admin']);
    });
    afterAll(async () => {
      await adminContext?.close();
    });

    it("a global admin opens Applications and sees the tenant's issuer and discovery URL", async () => {
      await signInToConsole(admin, 'grace@example.com');
      await admin.getByRole('link', { name: 'Applications' }).click();
      await admin.getByRole('heading', { name: 'Applications', level: 1 }).waitFor();
      expect(new URL(admin.url()).hash).toBe('#/apps');
      await admin.getByText('No applications yet.').waitFor();
      await check(admin, 'console: applications, none yet');

      const issuer = `${suite.origin}/t/acme`;
      const discoveryUrl = `${issuer}/.well-known/openid-configuration`;
      expect(await admin.getByTestId('issuer').textContent()).toBe(issuer);
      expect(await admin.getByTestId('discovery-url').textContent()).toBe(discoveryUrl);
      // The address shown is the provider's own: it names this issuer.
      const discovery = (await (await fetch(discoveryUrl)).json()) as { issuer?: string };
      expect(discovery.issuer).toBe(issuer);

      await admin.getByRole('button', { name: 'Copy discovery URL' }).click();
      await admin.getByText('Copied the discovery URL.').waitFor();
      expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(discoveryUrl);
    });

    it('a bad redirect URI is refused next to its field, naming its line, and nothing is registered', async () => {
      await admin.getByRole('button', { name: 'Register application' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Register application' });
      await dialog.waitFor();
      // Sent empty: the form asks for what is missing before asking the server.
      await dialog.getByRole('button', { name: 'Register application' }).click();
      await dialog.getByText('Enter a name, like “Payroll”.').waitFor();
      await dialog.getByText('Enter at least one redirect URI').waitFor();
      await check(admin, 'console: register application, fields missing');

      await dialog.getByLabel('Name').fill('Payroll');
      const redirects = dialog.getByLabel('Redirect URIs', { exact: true });
      await redirects.fill('https://payroll.example.com/callback\n\nhttp://payroll.example.com/callback');
      await dialog.getByRole('button', { name: 'Register application' }).click();
      const redirectError = dialog.locator('#app-redirect-uris-error');
      await redirectError.getByText('Line 3:').waitFor();
      expect(await redirectError.textContent()).toBe(
        'Line 3: the address must use https (plain http only for localhost, 127.0.0.1 and [::1]).',
      );
      expect(await redirects.getAttribute('aria-invalid')).toBe('true');
      expect(await redirects.getAttribute('aria-describedby')).toContain('app-redirect-uris-error');
      // Focus goes to the field to correct; the other fields carry no error.
      expect(await redirects.evaluate((element) => element === document.activeElement)).toBe(true);
      expect(await dialog.getByLabel('Name').getAttribute('aria-invalid')).toBeNull();
      expect(await dialog.locator('#app-logout-uris-error').textContent()).toBe('');
      expect(await clients()).toEqual([]);
      await check(admin, 'console: register application, refused URI');
    });

    it('registers the application and shows its secret once', async () => {
      const dialog = admin.getByRole('dialog', { name: 'Register application' });
      await dialog
        .getByLabel('Redirect URIs', { exact: true })
        .fill('https://payroll.example.com/callback\nhttps://payroll.example.com/signed-in');
      await dialog.getByLabel('Post-logout redirect URIs (optional)').fill('https://payroll.example.com/bye');
      await dialog
        .getByLabel('Back-channel logout URI (optional)')
        .fill('https://payroll.example.com/backchannel-logout');
      await dialog.getByRole('button', { name: 'Register application' }).click();

      const created = admin.getByRole('dialog', { name: 'Application registered' });
      await created.waitFor();
      await created.getByText('Copy the client secret now: it is not shown again.').waitFor();
      const secret = (await created.getByTestId('client-secret').textContent()) ?? '';
      const clientId = (await created.getByTestId('client-id').textContent()) ?? '';
      expect(secret).toMatch(/^tfcs_\S{20,}$/);
      await shot(admin, 'admin-application-secret.png', false);
      await check(admin, 'console: application registered, secret');

      // What the dialog shows is what the server registered: the secret is the one whose hash it keeps.
      const stored = await suite.app.runtime.services.oidcClients.find(suite.tenant.id, clientId);
      expect(stored).toMatchObject({
        name: 'Payroll',
        confidential: true,
        firstParty: true,
        redirectUris: ['https://payroll.example.com/callback', 'https://payroll.example.com/signed-in'],
        postLogoutRedirectUris: ['https://payroll.example.com/bye'],
        backchannelLogoutUri: 'https://payroll.example.com/backchannel-logout',
        service: false,
      });
      expect(stored?.secretHash).toBe(hashToken(secret));

      await created.getByRole('button', { name: 'Copy client secret' }).click();
      await created.getByText('Copied the client secret.').waitFor();
      expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(secret);

      await created.getByRole('button', { name: 'I have copied the secret' }).click();
      await created.waitFor({ state: 'hidden' });
      const row = admin.getByRole('row').filter({ hasText: 'Payroll' });
      await row.getByText(clientId).waitFor();
      // Once closed, the secret is nowhere: not on the page, not after a reload.
      expect(await admin.content()).not.toContain(secret);
      await admin.reload();
      await row.getByText(clientId).waitFor();
      expect(await admin.content()).not.toContain(secret);
    });

    it('lists a public third-party application without a secret', async () => {
      await admin.getByRole('button', { name: 'Register application' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Register application' });
      await dialog.getByLabel('Name').fill('Team wiki');
      await dialog.getByLabel('Redirect URIs', { exact: true }).fill('http://localhost:8080/callback');
      await dialog.getByLabel('Public').check();
      await dialog.getByLabel('Asks users for consent (third-party)').check();
      await dialog.getByRole('button', { name: 'Register application' }).click();
      const created = admin.getByRole('dialog', { name: 'Application registered' });
      await created.getByText('A public client has no secret').waitFor();
      expect(await created.getByTestId('client-secret').count()).toBe(0);
      await created.getByRole('button', { name: 'Done' }).click();

      const wiki = admin.getByRole('row').filter({ hasText: 'Team wiki' });
      await wiki.getByText('Public (PKCE)').waitFor();
      await wiki.getByText('Third-party').waitFor();
      await wiki.getByText('http://localhost:8080/callback').waitFor();
      const payroll = admin.getByRole('row').filter({ hasText: 'Payroll' });
      await payroll.getByText('Confidential').waitFor();
      await payroll.getByText('First-party').waitFor();
      await payroll.getByText('https://payroll.example.com/bye').waitFor();
      expect((await clients()).map((c) => [c.name, c.confidential, c.firstParty]).sort()).toEqual([
        ['Payroll', true, true],
        ['Team wiki', false, false],
      ]);
      await shot(admin, 'admin-applications.png');
      await check(admin, 'console: applications');
    });

    it('deletes an application after a confirmation that warns its tokens stop working at once', async () => {
      await admin.getByRole('button', { name: 'Delete Payroll' }).click();
      const confirm = admin.getByRole('dialog', { name: 'Delete Payroll?' });
      await confirm.getByText('stops working at once').waitFor();
      await check(admin, 'console: delete application dialog');
      // Cancel leaves it in place.
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'hidden' });
      expect(await clients()).toHaveLength(2);

      await admin.getByRole('button', { name: 'Delete Payroll' }).click();
      await confirm.getByRole('button', { name: 'Delete application' }).click();
      await admin.getByRole('status').filter({ hasText: 'Deleted Payroll' }).waitFor();
      await admin.getByRole('row').filter({ hasText: 'Payroll' }).waitFor({ state: 'detached' });
      await admin.getByRole('row').filter({ hasText: 'Team wiki' }).waitFor();
      expect((await clients()).map((c) => c.name)).toEqual(['Team wiki']);
    });

    it('registers a service: no redirect URIs asked, a secret shown once, listed as a service', async () => {
      await admin.getByRole('button', { name: 'Register application' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Register application' });
      await dialog.getByLabel('Name').fill('Billing API');
      await dialog.getByRole('radio', { name: /^Service/ }).check();
      expect(await dialog.getByLabel('Redirect URIs', { exact: true }).count()).toBe(0);
      expect(await dialog.getByLabel('Back-channel logout URI (optional)').count()).toBe(0);
      await check(admin, 'console: register a service');
      await dialog.getByRole('button', { name: 'Register application' }).click();
      const created = admin.getByRole('dialog', { name: 'Application registered' });
      await created.getByText('grant_type=client_credentials').waitFor();
      expect(await created.getByTestId('client-secret').textContent()).toMatch(/^tfcs_/);
      await check(admin, 'console: service registered');
      await created.getByRole('button', { name: 'I have copied the secret' }).click();
      await admin.getByRole('row').filter({ hasText: 'Billing API' }).getByText('Service').waitFor();
      const stored = (await clients()).find((c) => c.name === 'Billing API');
      expect(stored).toMatchObject({ service: true, confidential: true, redirectUris: [] });
    });

    it('an admin below global admin is told the section is not theirs', async () => {
      const context = await suite.browser.newContext({ viewport: { width: 1000, height: 720 } });
      try {
        const page = await context.newPage();
        await signInToConsole(page, 'alan@example.com');
        expect(await page.getByRole('link', { name: 'Applications' }).count()).toBe(0);
        await page.goto(`${url('admin')}#/apps`);
        await page.getByRole('heading', { name: 'Applications' }).waitFor();
        await page.getByText('Only a global admin can see and register the applications').waitFor();
        expect(await page.getByRole('button', { name: 'Register application' }).count()).toBe(0);
        expect(await page.getByText('Team wiki').count()).toBe(0);
        await check(page, 'console: applications, not for this role');
        // What else such an admin sees differently: the policy read only, the messages not theirs.
        await page.getByRole('link', { name: 'Policy' }).click();
        await page.getByText('Read only').waitFor();
        await check(page, 'console: policy, read only');
        await page.goto(`${url('admin')}#/messages`);
        await page.getByText('Only a global admin can read the messages').waitFor();
        await check(page, 'console: messages, not for this role');
      } finally {
        await context.close();
      }
    });
  },
);
