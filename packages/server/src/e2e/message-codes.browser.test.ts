/**
 * SMS codes in real Chromium: a user without a method registers a phone at sign-in ("More
 * information required"), confirms it with the texted code, and signs in with a texted code the next
 * time; a wrong and an old code each get their own message. The server keeps messages in the outbox
 * (the development provider), where the test reads the codes, as a developer would in the console.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { describeInChromium } from '../test-support/browser.js';

const password = 'correct horse battery staple';

describeInChromium('SMS codes in Chromium', { scratchPrefix: 'twofold-sms-e2e-' }, (suite) => {
  const { check, clock, shot, url } = suite;
  let context: BrowserContext;
  let page: Page;

  /** The code in the newest message the server sent (kept in the outbox). */
  async function lastCode(): Promise<string> {
    const [newest] = await suite.app.runtime.services.outbox.list(suite.tenant.id, { limit: 1 });
    return /\b(\d{6})\b/.exec(newest?.body ?? '')?.[1] ?? '';
  }

  async function advance(ms: number) {
    clock.advance(ms);
    await page.clock.fastForward(ms);
  }

  async function signIn(email: string) {
    await context.clearCookies();
    await page.goto(url('sign-in'));
    await page.getByLabel('Email or username').fill(email);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  beforeAll(async () => {
    context = await suite.browser.newContext({ viewport: { width: 900, height: 720 } });
    // The page's countdowns run on the browser's clock: it starts at the server's time and the test
    // moves both together.
    await context.clock.install({ time: clock.now() });
    page = await context.newPage();
    await suite.app.runtime.services.users.create(
      { tenantId: suite.tenant.id, email: 'sam@example.com', displayName: 'Sam', password },
      operatorActor,
    );
  });
  afterAll(async () => {
    await context?.close();
  });

  it('registers a phone at sign-in and confirms it with the texted code', async () => {
    await signIn('sam@example.com');
    await page.getByRole('heading', { name: 'More information required' }).waitFor();
    await page.getByRole('radio', { name: /Phone \(text message\)/ }).check();
    await shot(page, 'register-choose-method.png');
    await check(page, 'registration: choose a method');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Enter your phone number' }).waitFor();
    await check(page, 'registration: phone number');
    // A landline is refused next to the field, in plain words.
    await page.getByRole('textbox', { name: 'Phone number' }).fill('+44 20 7946 0958');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page
      .locator('[role="alert"]')
      .filter({ hasText: /landline/ })
      .first()
      .waitFor();
    await check(page, 'registration: phone number refused');
    await page.getByRole('textbox', { name: 'Phone number' }).fill('+1 415 555 2671');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('heading', { name: 'Enter the code' }).waitFor();
    await page.getByText('+1 ••• •• 71').first().waitFor();
    await check(page, 'registration: texted code');
    await page.getByLabel('Code', { exact: true }).fill(await lastCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    await page.getByText('+1 ••• •• 71').first().waitFor();
  });

  it('signs in with a texted code; a wrong code and an older code each say what happened', async () => {
    await advance(60_000);
    await signIn('sam@example.com');
    await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    await page.getByText(/We sent a code to \+1 ••• •• 71/).waitFor();
    const first = await lastCode();
    await shot(page, 'sms-code.png');
    await check(page, 'sign-in: texted code, resend waits');
    // The 30-second wait is shown and tied to the button, but is no live region: a screen reader is not
    // told every second (it hears the wait when it reaches the button).
    const wait = page.locator('#code-resend-wait');
    expect(await wait.textContent()).toMatch(/^You can send a new code in 0:[0-3]\d\.$/);
    expect(await page.getByRole('button', { name: 'Send a new code' }).getAttribute('aria-describedby')).toBe(
      'code-resend-wait',
    );
    expect(
      await wait.evaluate((element) => {
        for (let e: Element | null = element; e; e = e.parentElement) {
          const role = e.getAttribute('role') ?? '';
          if (e.hasAttribute('aria-live') || ['status', 'alert', 'log', 'timer', 'marquee'].includes(role))
            return true;
        }
        return false;
      }),
    ).toBe(false);
    await page.getByLabel('Code', { exact: true }).fill(first === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    const error = page.locator('#code-error');
    await error.filter({ hasText: /\S/ }).waitFor();
    const wrongText = await error.textContent();
    await check(page, 'sign-in: wrong texted code');
    // A new code makes the first one old.
    await advance(31_000);
    await page.getByRole('button', { name: 'Send a new code' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /new code/i })
      .first()
      .waitFor();
    const second = await lastCode();
    expect(second).not.toBe('');
    await check(page, 'sign-in: new code sent');
    await page.getByLabel('Code', { exact: true }).fill(first);
    await page.getByRole('button', { name: 'Verify' }).click();
    await error
      .filter({ hasNotText: wrongText ?? '' })
      .filter({ hasText: /\S/ })
      .waitFor();
    expect(await error.textContent()).toMatch(/expired|new code/i);
    await shot(page, 'sms-code-expired.png');
    await check(page, 'sign-in: older texted code');
    await page.getByLabel('Code', { exact: true }).fill(second);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
  });
});
