/**
 * The first-start setup page in real Chromium: the one-time link creates the first global admin, a short
 * password is refused next to its field, a spent link says so in the page's language, and the page works in
 * German and at 375 px. Each state is checked with axe-core. (The README's setup pictures come from
 * scripts/take-screenshots.js, which walks the same page on a freshly started server.)
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { describeInChromium } from '../test-support/browser.js';

describeInChromium('setup page in Chromium', { scratchPrefix: 'twofold-setup-e2e-' }, (suite) => {
  const { check } = suite;
  let context: BrowserContext;

  /** A new one-time link for tenant acme (each replaces the one before), pointing at this server. */
  async function setupLink(): Promise<string> {
    const { setupUrl } = await suite.app.runtime.services.setup.issueLink(
      suite.tenant,
      suite.origin,
      operatorActor,
    );
    return setupUrl;
  }

  beforeAll(async () => {
    context = await suite.browser.newContext({ viewport: { width: 1000, height: 760 } });
  });
  afterAll(async () => {
    await context?.close();
  });

  it('a page without the token says which link it needs', async () => {
    const page: Page = await context.newPage();
    await page.goto(suite.url('setup'));
    await page.getByText('This page needs the full setup link').waitFor();
    await check(page, 'setup: link incomplete');
  });

  it('in German at 375 px, a short password is refused next to its field', async () => {
    const phone = await suite.browser.newContext({
      viewport: { width: 375, height: 740 },
      locale: 'de-DE',
    });
    try {
      const small = await phone.newPage();
      await small.goto(await setupLink());
      await small.getByRole('heading', { name: 'Ersten Administrator anlegen' }).waitFor();
      expect(await small.getAttribute('html', 'lang')).toBe('de');
      await check(small, 'setup in German at 375 px');
      await small.getByLabel('E-Mail-Adresse').fill('ada@example.com');
      await small.getByLabel('Passwort').fill('kurz');
      await small.getByRole('button', { name: 'Administrator anlegen' }).click();
      const password = small.getByLabel('Passwort');
      await small.getByText('Verwenden Sie mindestens 8 Zeichen.').waitFor();
      expect(await password.getAttribute('aria-invalid')).toBe('true');
      await check(small, 'setup in German at 375 px: password too short');
      // Nothing is wider than the screen.
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });

  it('creates the first global admin once; the spent link is refused in plain words', async () => {
    const link = await setupLink();
    // A page of its own: on the first test's page, only the address's #token would change, and no page loads.
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Create the first administrator' }).waitFor();
    await check(page, 'setup: form');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Display name').fill('Ada Lovelace');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('heading', { name: 'Your administrator account is ready' }).waitFor();
    await check(page, 'setup: account ready');
    const ada = await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'ada@example.com');
    expect(ada?.roles).toEqual(['global-admin']);

    // Opened again, the link says it was used, in the page's language, and leads to sign-in: no form (issue 15).
    await page.goto(link.replace('/setup#', '/setup?lang=fr#'));
    await page.getByRole('heading', { name: 'Ce lien de configuration a déjà servi' }).waitFor();
    expect(await page.getByLabel('Mot de passe').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Aller à la connexion' }).getAttribute('href')).toBe(
      '/t/acme/sign-in',
    );
    await check(page, 'setup in French: link already used');

    // The form is still refused by the server for a spent link (a page opened before it was spent).
    const spent = await suite.app.app.inject({
      method: 'POST',
      url: '/t/acme/api/v1/setup',
      headers: { origin: suite.origin },
      payload: {
        token: new URLSearchParams(new URL(link).hash.slice(1)).get('token'),
        email: 'bob@example.com',
        password: 'correct horse battery staple',
      },
    });
    expect(spent.statusCode).toBeGreaterThanOrEqual(400);
    expect(await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'bob@example.com')).toBe(
      undefined,
    );
  });
});
