/**
 * The seed story's smaller rough edges on the pages (issue 15, defect 7), in real Chromium: someone
 * already signed in who opens the sign-in page is told so (with the ways on) instead of getting the
 * form; the phone field's own example number is taken; a message the development outbox only kept says
 * "Kept", not "Sent", in the console; and a sign-in started in a second tab leaves the first one working.
 * (A used setup link is in setup.browser.test.ts.)
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { describeInChromium, enrolUser, oathtool, stepMs } from '../test-support/browser.js';

const password = 'correct horse battery staple';

describeInChromium('sign-in rough edges in Chromium', { scratchPrefix: 'twofold-edges-e2e-' }, (suite) => {
  const { check, clock, url } = suite;
  const secrets = new Map<string, string>();
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await suite.browser.newContext({ viewport: { width: 1100, height: 800 } });
    contexts.push(context);
    return { context, page: await context.newPage() };
  }

  async function startSignIn(page: Page, email: string) {
    await page.goto(url('sign-in'));
    await page.getByLabel('Email or username').fill(email);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function enterCode(page: Page, code: string) {
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
  }

  async function signIn(page: Page, email: string) {
    await startSignIn(page, email);
    await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    // A step of its own: the same step twice is a replay.
    clock.advance(stepMs);
    await enterCode(page, oathtool(secrets.get(email) ?? '', clock.now()));
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
  }

  beforeAll(async () => {
    for (const [email, displayName, roles] of [
      ['grace@example.com', 'Grace Hopper', ['global-admin']],
      ['ada@example.com', 'Ada Lovelace', []],
    ] as const) {
      const enrolled = await enrolUser(suite, { email, displayName, password, roles: [...roles] });
      secrets.set(email, enrolled.secret);
    }
    await suite.app.runtime.services.users.create(
      { tenantId: suite.tenant.id, email: 'phil@example.com', displayName: 'Phil Phone', password },
      operatorActor,
    );
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  it('someone signed in who opens the sign-in page is told so, with the ways on, not given the form', async () => {
    const { page } = await newPage();
    await signIn(page, 'grace@example.com');
    await page.goto(url('sign-in'));
    await page.getByRole('heading', { name: "You're signed in" }).waitFor();
    await page.getByText('grace@example.com').waitFor();
    expect(await page.getByLabel('Email or username').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Go to Security info' }).getAttribute('href')).toBe(
      '/t/acme/security-info',
    );
    expect(await page.getByRole('link', { name: 'Go to the admin console' }).getAttribute('href')).toBe(
      '/t/acme/admin',
    );
    await check(page, 'sign-in: already signed in');
    await page.getByRole('button', { name: 'Sign out and sign in as someone else' }).click();
    await page.getByLabel('Email or username').waitFor();
    // Signed out for real: Security info asks to sign in again.
    const me = await page.request.get(`${suite.origin}/t/acme/api/v1/me`);
    expect(me.status()).toBe(401);
  });

  it("the phone field's own example number is taken; the console shows its text as kept, not sent", async () => {
    const { page } = await newPage();
    await startSignIn(page, 'phil@example.com');
    await page.getByRole('heading', { name: 'More information required' }).waitFor();
    await page.getByRole('radio', { name: /Phone \(text message\)/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Enter your phone number' }).waitFor();
    await page.getByRole('textbox', { name: 'Phone number' }).fill('+44 7700 900123');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('heading', { name: 'Enter the code' }).waitFor();

    const { page: admin } = await newPage();
    await signIn(admin, 'grace@example.com');
    await admin.goto(url('admin#/messages'));
    await admin.getByRole('heading', { name: 'Messages' }).waitFor();
    const row = admin.getByRole('row').filter({ hasText: '+44' }).first();
    // The courier hands the text to the outbox provider in the background: refresh until it has.
    await expect
      .poll(async () => {
        await admin.getByRole('button', { name: /Refresh/ }).click();
        return (await row.textContent()) ?? '';
      })
      .toContain('Kept');
    // Neither the badge nor the time under it says "Sent" (it used to say "Sent <time>").
    expect((await row.textContent()) ?? '').not.toMatch(/\bSent\b/);
    await admin
      .getByText(/1 kept/)
      .first()
      .waitFor();
    await check(admin, 'console: messages, kept');
  });

  it('a sign-in started in a second tab leaves the first one working', async () => {
    const { context, page: first } = await newPage();
    await startSignIn(first, 'ada@example.com');
    await first.getByRole('heading', { name: 'Enter code' }).waitFor();
    const second = await context.newPage();
    await startSignIn(second, 'ada@example.com');
    await second.getByRole('heading', { name: 'Enter code' }).waitFor();

    const secret = secrets.get('ada@example.com') ?? '';
    await enterCode(first, oathtool(secret, clock.now()));
    await first.getByRole('heading', { name: 'Security info' }).waitFor();
    clock.advance(stepMs);
    await enterCode(second, oathtool(secret, clock.now()));
    await second.getByRole('heading', { name: 'Security info' }).waitFor();
  });
});
