/**
 * The admin console in real Chromium against a real server on a loopback port (issue 4's "done when"):
 * an admin signs in with a password and a code and lands in the console, finds a user, requires
 * re-registration, and that user's next sign-in walks them through registering a new authenticator
 * while their old codes fail; an admin issues a Temporary Access Pass that lets a user in once; the
 * operator's break-glass recovery shows in the audit log. Codes come from oathtool; the server runs on
 * a manual clock. With TWOFOLD_SCREENSHOTS=1 the pictures go to docs/screenshots/ (SQLite run).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { generateId } from '../platform/ids.js';
import {
  describeInChromium,
  enrolUser,
  oathtool,
  scanQrCode,
  secretOf,
  stepMs,
} from '../test-support/browser.js';

const password = 'correct horse battery staple';

describeInChromium('admin console in Chromium', { scratchPrefix: 'twofold-admin-e2e-' }, (suite) => {
  const { check, clock, scratch, shot, url } = suite;
  /** The admin's browser, and the users' browser (another person, another machine). */
  let adminContext: BrowserContext;
  let admin: Page;
  let userContext: BrowserContext;
  let user: Page;
  const secrets = new Map<string, string>();

  /** A user with a password and an active authenticator whose key the test knows. */
  async function createEnrolledUser(email: string, displayName: string, roles: string[] = []) {
    const enrolled = await enrolUser(suite, { email, displayName, password, roles });
    secrets.set(email, enrolled.secret);
    return enrolled.user;
  }

  async function signInWithCode(page: Page, email: string, path = 'sign-in') {
    await page.goto(url(path));
    await page.getByLabel('Email or username').fill(email);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    await page.getByLabel('Code', { exact: true }).fill(oathtool(secrets.get(email) ?? '', clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
  }

  async function openUser(email: string) {
    await admin.getByRole('link', { name: 'Users', exact: true }).click();
    await admin.getByLabel('Search users').fill(email.split('@')[0] ?? email);
    await admin.getByRole('link', { name: email }).click();
    await admin.getByRole('heading', { name: 'Authentication methods' }).waitFor();
  }

  beforeAll(async () => {
    adminContext = await suite.browser.newContext({ viewport: { width: 1200, height: 800 } });
    admin = await adminContext.newPage();
    userContext = await suite.browser.newContext({ viewport: { width: 900, height: 720 } });
    user = await userContext.newPage();
    await createEnrolledUser('grace@example.com', 'Grace Hopper', ['global-admin']);
    await createEnrolledUser('ada@example.com', 'Ada Lovelace');
    await createEnrolledUser('bob@example.com', 'Bob Builder');
    for (const [email, name] of [
      ['carol@example.com', 'Carol Shaw'],
      ['dennis@example.com', 'Dennis Ritchie'],
      ['desk@example.com', 'Service Desk'],
    ] as const) {
      await suite.app.runtime.services.users.create(
        {
          tenantId: suite.tenant.id,
          email,
          displayName: name,
          password,
          roles: email.startsWith('desk') ? ['helpdesk'] : [],
        },
        operatorActor,
      );
    }
  });
  afterAll(async () => {
    await adminContext?.close();
    await userContext?.close();
  });

  it('an admin signs in with a second factor and comes back to the console', async () => {
    await admin.goto(url('admin'));
    await admin.getByRole('heading', { name: 'Sign in to use the admin console' }).waitFor();
    await check(admin, 'console: signed out');
    await admin.getByRole('link', { name: 'Sign in' }).click();
    await admin.getByLabel('Email or username').waitFor();
    expect(new URL(admin.url()).searchParams.get('returnTo')).toBe('/t/acme/admin');
    await admin.getByLabel('Email or username').fill('grace@example.com');
    await admin.getByRole('button', { name: 'Next' }).click();
    await admin.getByLabel('Password', { exact: true }).fill(password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin
      .getByLabel('Code', { exact: true })
      .fill(oathtool(secrets.get('grace@example.com') ?? '', clock.now()));
    await admin.getByRole('button', { name: 'Verify' }).click();
    await admin.waitForURL(/\/t\/acme\/admin/);
    await admin.getByRole('heading', { name: 'Users' }).waitFor();
    await admin.getByRole('link', { name: 'ada@example.com' }).waitFor();
    await shot(admin, 'admin-users.png');
    await check(admin, 'console: users');
  });

  it('requires re-registration: the user registers a new authenticator at the next sign-in, the old codes fail', async () => {
    const oldSecret = secrets.get('ada@example.com') ?? '';
    // Ada is signed in somewhere.
    await signInWithCode(user, 'ada@example.com');
    await user.getByRole('heading', { name: 'Security info' }).waitFor();
    clock.advance(stepMs);

    await openUser('ada@example.com');
    await admin.getByRole('cell', { name: 'Phone' }).first().waitFor();
    await shot(admin, 'admin-user.png');
    await check(admin, 'console: a user');
    await admin.getByRole('button', { name: 'Require re-register MFA' }).click();
    const confirm = admin.getByRole('button', { name: 'Require re-registration' });
    expect(await confirm.isDisabled()).toBe(true);
    await admin.getByLabel('Reason').fill('Ticket 4711: new phone, app shows no codes');
    expect(await confirm.isDisabled()).toBe(false);
    await shot(admin, 'admin-require-reregistration.png', false);
    await check(admin, 'console: require re-registration dialog');
    await confirm.click();
    await admin
      .getByRole('status')
      .filter({ hasText: /re-regist/i })
      .waitFor();
    await admin.getByText('Must register a new method').waitFor();

    // Her session ended at once.
    await user.reload();
    await user.getByRole('heading', { name: 'Sign in' }).waitFor();

    // Her next sign-in: password, then registration; the old authenticator's code is refused.
    await user.getByLabel('Email or username').fill('ada@example.com');
    await user.getByRole('button', { name: 'Next' }).click();
    await user.getByLabel('Password', { exact: true }).fill(password);
    await user.getByRole('button', { name: 'Sign in' }).click();
    await user.getByRole('heading', { name: 'More information required' }).waitFor();
    await user.getByRole('button', { name: 'Next' }).click();
    await user.getByRole('button', { name: 'Next' }).click();
    await user.getByRole('heading', { name: 'Scan the QR code' }).waitFor();
    await user.locator('.qr img').waitFor();
    const newSecret = secretOf(await scanQrCode(user, scratch));
    expect(newSecret).not.toBe(oldSecret);
    await user.getByRole('button', { name: 'Next' }).click();
    await user.getByLabel('Code', { exact: true }).fill(oathtool(oldSecret, clock.now()));
    await user.getByRole('button', { name: 'Verify' }).click();
    await user.locator('#code-error').filter({ hasText: /\S/ }).waitFor();
    await user.getByLabel('Code', { exact: true }).fill(oathtool(newSecret, clock.now()));
    await user.getByRole('button', { name: 'Verify' }).click();
    await user.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    await user.getByLabel('I have saved these codes').check();
    await user.getByRole('button', { name: 'Continue' }).click();
    await user.getByRole('heading', { name: 'Security info' }).waitFor();
    await user.getByRole('button', { name: 'Sign out', exact: true }).click();
    await user.waitForURL(url('sign-in'));

    // The console shows the new method only, and the audit log says who did it and why.
    await admin.reload();
    await admin.getByText('Uses their registered methods').waitFor();
    const rows = await admin.locator('table').last().locator('tbody tr').count();
    expect(rows).toBe(1);
    await admin.getByRole('link', { name: 'Audit log' }).click();
    await admin.getByLabel('Action').fill('user.require_reregistration');
    await admin.getByRole('button', { name: 'Apply' }).click();
    await admin.getByText('Ticket 4711: new phone, app shows no codes').first().waitFor();
  });

  it('a Temporary Access Pass issued in the console lets the user in once', async () => {
    await openUser('bob@example.com');
    await admin.getByRole('button', { name: 'Issue Temporary Access Pass' }).click();
    await admin.getByLabel('Lifetime in minutes').waitFor();
    await check(admin, 'console: issue a pass dialog');
    await admin.getByRole('button', { name: 'Issue pass' }).click();
    const issued = admin.getByTestId('issued-pass');
    await issued.waitFor();
    const pass = ((await issued.textContent()) ?? '').trim();
    expect(pass).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await shot(admin, 'admin-pass.png', false);
    await check(admin, 'console: pass issued');
    await admin.getByRole('button', { name: 'Done' }).click();

    for (const attempt of [1, 2]) {
      await userContext.clearCookies();
      await user.goto(url('sign-in'));
      await user.getByLabel('Email or username').fill('bob@example.com');
      await user.getByRole('button', { name: 'Next' }).click();
      await user.getByRole('button', { name: 'Use a Temporary Access Pass instead' }).click();
      await user.getByLabel('Temporary Access Pass').fill(pass);
      await user.getByRole('button', { name: 'Sign in' }).click();
      if (attempt === 1) {
        await user.getByRole('heading', { name: 'Security info' }).waitFor();
      } else {
        await user
          .locator('#pass-error')
          .filter({ hasText: /expired or was already used/ })
          .waitFor();
      }
    }
  });

  it("break-glass: the operator's recovery of an admin shows in the audit log", async () => {
    // Another global admin, locked out: recovering her re-registers her (her sessions end), so it
    // is not the admin whose console shows the audit log.
    await createEnrolledUser('olga@example.com', 'Olga Locked', ['global-admin']);
    const recovered = await suite.app.runtime.services.admin.recoverAdmin({
      tenantSlug: 'acme',
      email: 'olga@example.com',
      reason: 'Every admin locked out: ticket 99',
      publicUrl: suite.origin,
    });
    expect(recovered.notified).toEqual(['desk@example.com', 'grace@example.com']);
    await admin.getByRole('link', { name: 'Audit log' }).click();
    await admin.getByLabel('Action').fill('break_glass.*');
    await admin.getByRole('button', { name: 'Apply' }).click();
    await admin.getByText('Every admin locked out: ticket 99').first().waitFor();
    await shot(admin, 'admin-audit.png');
    await check(admin, 'console: audit log');
  });

  it('the sign-in log charts successes and failures by reason; the policy editor shows the policy', async () => {
    // A day of history, as a working tenant would have: mostly successes, some wrong codes and
    // passwords, a clock-skewed phone in the morning, a few registrations.
    const people = await Promise.all(
      ['carol@example.com', 'dennis@example.com'].map((email) =>
        suite.app.runtime.services.users.findByEmail(suite.tenant.id, email),
      ),
    );
    const history = [];
    for (let hoursAgo = 23; hoursAgo >= 1; hoursAgo--) {
      const at = clock.now() - hoursAgo * 3_600_000;
      const busy = hoursAgo >= 6 && hoursAgo <= 15 ? 6 : 2;
      for (let i = 0; i < busy; i++) {
        const failure = (hoursAgo * 7 + i) % 5 === 0;
        const reason = failure
          ? (['otp_invalid', 'invalid_credentials', 'otp_clock_skew'] as const)[(hoursAgo + i) % 3]
          : undefined;
        history.push({
          id: generateId(at + i),
          tenant_id: suite.tenant.id,
          user_id: people[i % 2]?.id ?? null,
          username: people[i % 2]?.email ?? '',
          at: at + i * 60_000,
          result: failure ? 'failure' : hoursAgo % 9 === 0 && i === 0 ? 'interrupted' : 'success',
          reason: failure ? (reason ?? null) : hoursAgo % 9 === 0 && i === 0 ? 'registration_required' : null,
          method_type: 'authenticator',
          method_id: null,
          ip: '203.0.113.7',
          user_agent: 'Mozilla/5.0',
          details: null,
        });
      }
    }
    await suite.app.runtime.database.db.insertInto('sign_in_events').values(history).execute();
    // And two failures now, through the pages.
    for (const code of ['000000', '111111']) {
      await userContext.clearCookies();
      await user.goto(url('sign-in'));
      await user.getByLabel('Email or username').fill('ada@example.com');
      await user.getByRole('button', { name: 'Next' }).click();
      await user
        .getByLabel('Password', { exact: true })
        .fill(code === '000000' ? 'wrong password' : password);
      await user.getByRole('button', { name: 'Sign in' }).click();
      if (code === '111111') {
        await user.getByLabel('Code', { exact: true }).fill(code);
        await user.getByRole('button', { name: 'Verify' }).click();
        await user.locator('#code-error').filter({ hasText: /\S/ }).waitFor();
      } else {
        await user.locator('#password-error').filter({ hasText: /\S/ }).waitFor();
      }
    }
    await admin.getByRole('link', { name: 'Sign-in log' }).click();
    await admin.getByRole('heading', { name: 'Sign-in log' }).waitFor();
    const chart = admin.locator('svg[role="img"]').first();
    await chart.waitFor();
    expect(await chart.locator('rect').count()).toBeGreaterThan(0);
    await admin.getByRole('cell', { name: 'ada@example.com' }).first().waitFor();
    await shot(admin, 'admin-sign-ins.png', false);
    await check(admin, 'console: sign-in log');
    await admin.getByRole('link', { name: 'Policy' }).click();
    await admin.getByRole('heading', { name: 'Policy' }).waitFor();
    await shot(admin, 'admin-policy.png');
    await check(admin, 'console: policy');
  });

  it('every other view and dialog of the console passes the accessibility check', async () => {
    /** Opens a dialog with its button, checks it, and closes it with Cancel. */
    async function dialog(button: string, state: string) {
      await admin.getByRole('button', { name: button, exact: true }).click();
      await admin.locator('dialog[open]').waitFor();
      await check(admin, state);
      await admin.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
      await admin.locator('dialog[open]').waitFor({ state: 'detached' });
    }

    await admin.getByRole('link', { name: 'Users', exact: true }).click();
    await admin.getByRole('link', { name: 'ada@example.com' }).waitFor();
    await dialog('+ Create user', 'console: create user dialog');
    await admin.getByLabel('Search users').fill('nobody-here');
    await admin.getByText('No user').waitFor();
    await check(admin, 'console: users, nothing found');

    await openUser('bob@example.com');
    await dialog('Revoke sessions', 'console: revoke sessions dialog');
    await dialog('Edit name and roles', 'console: edit user dialog');
    await dialog('Disable user', 'console: disable user dialog');
    await dialog('Delete user', 'console: delete user dialog');
    await admin
      .getByRole('button', { name: /^Resync: / })
      .first()
      .click();
    await admin.locator('dialog[open]').waitFor();
    await check(admin, 'console: resync dialog');
    await admin.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();
    await admin
      .getByRole('button', { name: /^Delete: / })
      .first()
      .click();
    await admin.locator('dialog[open]').waitFor();
    await check(admin, 'console: delete method dialog');
    await admin.locator('dialog[open]').getByRole('button', { name: 'Cancel' }).click();

    await admin.getByRole('link', { name: 'Messages' }).click();
    await admin.getByRole('heading', { name: 'Messages' }).waitFor();
    await admin.locator('table').waitFor();
    await check(admin, 'console: messages');

    // Someone without an admin role is told so.
    await userContext.clearCookies();
    clock.advance(stepMs);
    await signInWithCode(user, 'bob@example.com');
    await user.getByRole('heading', { name: 'Security info' }).waitFor();
    await user.goto(url('admin'));
    await user.getByRole('heading', { name: 'You are not an admin' }).waitFor();
    await check(user, 'console: not an admin');
  });
});
