/**
 * Passwords in real Chromium (spec section 6, issue 14 item 10): "Change password" on Security info,
 * with "Confirm it's you" when the last second factor is older than ten minutes, and "Forgot password?"
 * on the sign-in page, proven with a code from the user's authenticator (oathtool) or, for an admin, two
 * different methods (the authenticator and a code emailed to them, read from the outbox as a developer
 * would in the console). An unknown username sees the page a user without a method sees; a session
 * started with a Temporary Access Pass is not asked for the current password; the console names who
 * issued a user's pass, and its policy view edits `registrationRequiresPass`. Every state is checked with axe; screenshots go to
 * docs/screenshots/ with TWOFOLD_SCREENSHOTS=1.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { describeInChromium, enrolUser, oathtool, stepMs } from '../test-support/browser.js';

const password = 'correct horse battery staple';
const newPassword = 'tangerine otter quilt lamp';
/** On the shipped list of common passwords: refused. */
const commonPassword = 'Qwertyuiop1';

describeInChromium('passwords in Chromium', { scratchPrefix: 'twofold-passwords-e2e-' }, (suite) => {
  const { check, clock, shot, url } = suite;
  let context: BrowserContext;
  let page: Page;

  /** Moves the server's clock and the page's together (the code countdowns run on the page's). */
  async function advance(ms: number) {
    clock.advance(ms);
    await page.clock.fastForward(ms);
  }

  /** The messages the server queued for `email`, newest first. */
  async function messagesTo(email: string) {
    const all = await suite.app.runtime.services.outbox.list(suite.tenant.id, { limit: 50 });
    return all.filter((m) => m.recipient === email);
  }

  async function newestCode(email: string): Promise<string> {
    const [newest] = await messagesTo(email);
    return /\b(\d{6})\b/.exec(newest?.body ?? '')?.[1] ?? '';
  }

  async function toPasswordStep(email: string) {
    await context.clearCookies();
    await page.goto(url('sign-in'));
    await page.getByLabel('Email or username').fill(email);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password', { exact: true }).waitFor();
  }

  async function signIn(email: string, secret: string, withPassword = password) {
    await toPasswordStep(email);
    await page.getByLabel('Password', { exact: true }).fill(withPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Code', { exact: true }).fill(oathtool(secret, clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
  }

  /** The message next to a field, once it shows. */
  async function fieldError(inputId: string): Promise<string> {
    const error = page.locator(`#${inputId}-error`);
    await error.filter({ hasText: /\S/ }).waitFor();
    expect(await page.locator(`#${inputId}`).getAttribute('aria-invalid')).toBe('true');
    return (await error.textContent()) ?? '';
  }

  beforeAll(async () => {
    context = await suite.browser.newContext({ viewport: { width: 900, height: 760 } });
    await context.clock.install({ time: clock.now() });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
  });

  it('changes the password on Security info after "Confirm it\'s you"; the old password is refused, the new one signs in', async () => {
    const { secret } = await enrolUser(suite, { email: 'ann@example.com', displayName: 'Ann', password });
    await signIn('ann@example.com', secret);
    await page.getByRole('heading', { name: 'Password', exact: true }).waitFor();

    // More than ten minutes after the second factor: the change asks for a code first.
    await advance(11 * 60_000);
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByRole('heading', { name: 'Change your password' }).waitFor();
    await check(page, 'security info: change password');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    expect(await fieldError('current-password')).toBe('Enter your current password.');
    await check(page, 'security info: change password, current password missing');

    await dialog.getByLabel('Current password').fill(password);
    await dialog.getByLabel('New password', { exact: true }).fill(newPassword);
    await dialog.getByLabel('Type the new password again').fill('tangerine otter');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    expect(await fieldError('confirm-password')).toBe(
      'The two passwords are not the same. Type the new password again.',
    );
    await dialog.getByLabel('New password', { exact: true }).fill(commonPassword);
    await dialog.getByLabel('Type the new password again').fill(commonPassword);
    await shot(page, 'change-password.png', false);
    await dialog.getByRole('button', { name: 'Change password' }).click();

    await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
    await check(page, "security info: change password, confirm it's you");
    await page.locator('#step-up-code').fill(oathtool(secret, clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    // Sent again after the code: the server now refuses the password itself.
    expect(await fieldError('new-password')).toBe(
      'This password is too common: it is on lists attackers try first. Choose another one.',
    );
    await check(page, 'security info: change password, too common');

    await dialog.getByLabel('Current password').fill('not my password');
    await dialog.getByLabel('New password', { exact: true }).fill(newPassword);
    await dialog.getByLabel('Type the new password again').fill(newPassword);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    expect(await fieldError('current-password')).toBe('Your current password is not right.');
    await check(page, 'security info: change password, wrong current password');

    await dialog.getByLabel('Current password').fill(password);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await page
      .getByRole('status')
      .filter({
        hasText: 'Your password is changed. Every other browser and app signed in as you was signed out',
      })
      .waitFor();
    await check(page, 'security info: password changed');
    const [notice] = await messagesTo('ann@example.com');
    expect(notice?.subject).toBe('Your Acme password was changed');

    // The old password is refused at sign-in; the new one works.
    await toPasswordStep('ann@example.com');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await fieldError('password')).toBe('That email or password is not right.');
    await advance(stepMs);
    await signIn('ann@example.com', secret, newPassword);
  });

  it('a session started with a Temporary Access Pass changes the password without the current one', async () => {
    const { user, secret } = await enrolUser(suite, {
      email: 'eve@example.com',
      displayName: 'Eve',
      password,
    });
    const { pass } = await suite.app.runtime.services.passes.issue(
      {
        tenantId: suite.tenant.id,
        userId: user.id,
        lifetimeMinutes: 60,
        reusable: false,
        issuerRole: 'operator',
      },
      operatorActor,
    );
    await toPasswordStep('eve@example.com');
    await page.getByRole('button', { name: 'Use a Temporary Access Pass instead' }).click();
    await page.getByLabel('Temporary Access Pass').fill(pass);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByText('You signed in with a Temporary Access Pass').waitFor();
    expect(await dialog.getByLabel('Current password').count()).toBe(0);
    await check(page, 'security info: change password after a pass');
    await dialog.getByLabel('New password', { exact: true }).fill(newPassword);
    await dialog.getByLabel('Type the new password again').fill(newPassword);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password is changed.' }).waitFor();
    await advance(stepMs);
    await signIn('eve@example.com', secret, newPassword);
  });

  it('"Forgot password?": a user proves it with their authenticator and chooses a new password', async () => {
    const { secret } = await enrolUser(suite, { email: 'bea@example.com', displayName: 'Bea', password });
    await toPasswordStep('bea@example.com');
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    expect(await page.getByLabel('Email or username').inputValue()).toBe('bea@example.com');
    await shot(page, 'forgot-password.png', false);
    await check(page, 'password reset: username');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Prove it’s you' }).waitFor();
    await check(page, 'password reset: choose a method');
    await page.getByRole('button', { name: 'Use a verification code from Phone' }).click();
    await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    await check(page, 'password reset: code');
    await page.getByLabel('Code', { exact: true }).fill(oathtool(secret, clock.now() + 40 * stepMs));
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await fieldError('code')).toMatch(/^That code is not right\./);
    await check(page, 'password reset: wrong code');
    await page.getByLabel('Code', { exact: true }).fill(oathtool(secret, clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();

    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await check(page, 'password reset: new password');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Reset password' }).click();
    expect(await fieldError('new-password')).toBe('Choose a password of at least 8 characters.');
    await page.getByLabel('New password', { exact: true }).fill(commonPassword);
    await page.getByLabel('Type the new password again').fill(commonPassword);
    await page.getByRole('button', { name: 'Reset password' }).click();
    expect(await fieldError('new-password')).toBe(
      'This password is too common: it is on lists attackers try first. Choose another one.',
    );
    await shot(page, 'reset-new-password.png', false);
    await check(page, 'password reset: too common');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Type the new password again').fill(newPassword);
    await page.getByRole('button', { name: 'Reset password' }).click();

    await page.getByRole('heading', { name: 'Your password is reset' }).waitFor();
    await check(page, 'password reset: done');
    const [notice] = await messagesTo('bea@example.com');
    expect(notice?.subject).toBe('Your Acme password was changed');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back at the password step for the same user: the old password is refused, the new one works.
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await fieldError('password')).toBe('That email or password is not right.');
    await advance(stepMs);
    await signIn('bea@example.com', secret, newPassword);
  });

  it('"Forgot password?": five wrong codes end the reset, which says so and starts again', async () => {
    const { secret } = await enrolUser(suite, { email: 'hal@example.com', displayName: 'Hal', password });
    await toPasswordStep('hal@example.com');
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Use a verification code from Phone' }).click();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page
        .getByLabel('Code', { exact: true })
        .fill(oathtool(secret, clock.now() + (40 + attempt) * stepMs));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.locator('#code-error').filter({ hasText: /\S/ }).waitFor();
      if (attempt < 5) await page.getByLabel('Code', { exact: true }).fill('');
    }
    expect(await fieldError('code')).toBe(
      'That was too many wrong codes, so this password reset has ended. Start again.',
    );
    await check(page, 'password reset: ended');
    await page.getByRole('button', { name: 'Start again' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
  });

  it('"Forgot password?": an admin proves it with two different methods, the second a code by email', async () => {
    const { user, secret } = await enrolUser(suite, {
      email: 'cid@example.com',
      displayName: 'Cid',
      password,
      roles: ['global-admin'],
    });
    const { messageCodes } = suite.app.runtime.services;
    const email = await messageCodes.register(
      { tenantId: suite.tenant.id, userId: user.id, type: 'email', destination: 'cid@example.com' },
      operatorActor,
    );
    const confirmed = await messageCodes.verify({
      tenantId: suite.tenant.id,
      userId: user.id,
      methodId: email.methodId,
      code: await newestCode('cid@example.com'),
    });
    expect(confirmed.ok).toBe(true);
    await advance(60_000);

    await toPasswordStep('cid@example.com');
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Prove it’s you' }).waitFor();
    await page.getByRole('button', { name: 'Use a verification code from Phone' }).click();
    await page.getByLabel('Code', { exact: true }).fill(oathtool(secret, clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();

    // One method is not enough for an admin: the one proven is no longer offered.
    await page.getByText('That worked. An administrator proves it twice').waitFor();
    await check(page, 'password reset: admin, second method');
    const choices = page.locator('ul.choices button');
    expect(await choices.allTextContents()).toEqual(['Email c•••@example.com']);
    await choices.first().click();
    await page.getByText('We emailed a code to c•••@example.com.').waitFor();
    await check(page, 'password reset: emailed code');
    await page.getByLabel('Code', { exact: true }).fill(await newestCode('cid@example.com'));
    await page.getByRole('button', { name: 'Verify' }).click();

    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Type the new password again').fill(newPassword);
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('heading', { name: 'Your password is reset' }).waitFor();
    await advance(stepMs);
    await signIn('cid@example.com', secret, newPassword);
  });

  it("the console names who issued a pass, and its policy shows and saves 'registration needs a Temporary Access Pass'", async () => {
    const { secret } = await enrolUser(suite, {
      email: 'gus@example.com',
      displayName: 'Gus',
      password,
      roles: ['global-admin'],
    });
    const { tenants } = suite.app.runtime.services;
    expect((await tenants.getBySlug('acme')).policy.registrationRequiresPass).toBe(false);
    // A pass Gus issued for Fay: her details name him as its issuer.
    const gus = await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'gus@example.com');
    const fay = await suite.app.runtime.services.users.create(
      { tenantId: suite.tenant.id, email: 'fay@example.com', displayName: 'Fay', password },
      operatorActor,
    );
    await suite.app.runtime.services.passes.issue(
      {
        tenantId: suite.tenant.id,
        userId: fay.id,
        lifetimeMinutes: 60,
        reusable: false,
        issuerRole: 'global-admin',
      },
      { type: 'user', id: gus?.id ?? '' },
    );
    await signIn('gus@example.com', secret);
    await page.goto(url('admin'));
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByLabel('Search users').fill('fay');
    await page.getByRole('link', { name: 'fay@example.com' }).click();
    await page.getByText('Issued by gus@example.com (Global admin)').waitFor();
    await check(page, 'console: a user with a pass and its issuer');
    await page.getByRole('link', { name: 'Policy' }).click();
    await page.getByRole('heading', { name: 'Policy' }).waitFor();
    const box = page.getByRole('checkbox', {
      name: /^Registering a method at sign-in needs a Temporary Access Pass/,
    });
    expect(await box.isChecked()).toBe(false);
    for (const wanted of [true, false]) {
      await box.setChecked(wanted);
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.getByText('Policy saved.').first().waitFor();
      expect((await tenants.getBySlug('acme')).policy.registrationRequiresPass).toBe(wanted);
      if (wanted) {
        await page.reload();
        await page.getByRole('heading', { name: 'Policy' }).waitFor();
        expect(await box.isChecked()).toBe(true);
        await check(page, 'console: policy, registration needs a pass');
      }
    }
  });

  it('an unknown username sees the page a user without a method sees, in the page language', async () => {
    await suite.app.runtime.services.users.create(
      { tenantId: suite.tenant.id, email: 'dan@example.com', displayName: 'Dan', password },
      operatorActor,
    );
    async function unavailable(username: string): Promise<string> {
      await context.clearCookies();
      await page.goto(url('sign-in'));
      await page.getByLabel('Email or username').fill(username);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Forgot password?' }).click();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Your password can’t be reset here' }).waitFor();
      return ((await page.locator('main').textContent()) ?? '').replace(username, '{username}');
    }
    const withoutMethod = await unavailable('dan@example.com');
    await check(page, 'password reset: unavailable');
    expect(await unavailable('nobody@example.com')).toBe(withoutMethod);
    expect(withoutMethod).toContain('ask your admin for a Temporary Access Pass');

    // In German: the page's language, its picker, and the same flow.
    await page.goto(url('sign-in?lang=de'));
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByLabel('E-Mail-Adresse oder Benutzername').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Weiter' }).click();
    await page.getByRole('button', { name: 'Passwort vergessen?' }).click();
    await page.getByRole('heading', { name: 'Passwort zurücksetzen' }).waitFor();
    await page.getByLabel('Sprache').waitFor();
    await check(page, 'password reset: username, German');
    await page.getByRole('button', { name: 'Weiter' }).click();
    await page.getByRole('heading', { name: 'Ihr Passwort kann hier nicht zurückgesetzt werden' }).waitFor();
    await check(page, 'password reset: unavailable, German');
  });
});
