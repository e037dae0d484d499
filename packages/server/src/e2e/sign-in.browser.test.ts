/**
 * The sign-in and Security info pages in real Chromium against a real server on a loopback port.
 * Codes come from oathtool (an implementation other than ours) and the QR code is read back by zbarimg
 * from a screenshot of the page. The server runs on a manual clock, set to now and moved by the test,
 * so codes are computed for exactly the server's time with `oathtool --now` and nothing ever sleeps.
 *
 * Screenshots go to a temporary folder; with TWOFOLD_SCREENSHOTS=1 they go to docs/screenshots/ (the
 * README's pictures), from the SQLite run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import {
  describeInChromium,
  oathDate,
  oathtool,
  scanQrCode,
  secretOf,
  stepMs,
} from '../test-support/browser.js';

const password = 'correct horse battery staple';

/** A 6-digit code that matches no step within 10.5 minutes either side of `ms`: wrong, never merely skewed. */
function wrongCode(secret: string, ms: number): string {
  const near = new Set(
    execFileSync('oathtool', ['--totp', '-b', secret, '-w', '42', '--now', oathDate(ms - 21 * stepMs)], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n'),
  );
  for (let n = 0; ; n++) {
    const candidate = String((n * 142_857) % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/** The message next to a field: visible, announced (role=alert) and tied to the input by aria-describedby. */
async function fieldError(page: Page, inputId: string): Promise<string> {
  const error = page.locator(`#${inputId}-error`);
  await error.filter({ hasText: /\S/ }).waitFor();
  const input = page.locator(`#${inputId}`);
  expect(await input.getAttribute('aria-invalid')).toBe('true');
  expect(await input.getAttribute('aria-describedby')).toContain(`${inputId}-error`);
  expect(await error.getAttribute('role')).toBe('alert');
  return (await error.textContent()) ?? '';
}

describeInChromium('sign-in pages in Chromium', { scratchPrefix: 'twofold-e2e-' }, (suite) => {
  const { check, clock, scratch, shot, url } = suite;
  let context: BrowserContext;
  let page: Page;
  /** Ada's authenticator key, as read from the QR code; her recovery codes, as shown once. */
  let secret = '';
  let recoveryCodes: string[] = [];
  /** Her second set, from Security info. */
  let fresh: string[] = [];

  async function createUser(email: string, displayName: string) {
    return suite.app.runtime.services.users.create(
      { tenantId: suite.tenant.id, email, displayName, password },
      operatorActor,
    );
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

  async function enterCode(code: string, label = 'Code') {
    await page.getByLabel(label, { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
  }

  async function signOut() {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(url('sign-in'));
  }

  /** Each test starts signed out on the sign-in page, whatever the one before left behind. */
  async function startOver() {
    await context.clearCookies();
    await page.goto(url('sign-in'));
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  }

  async function atSecurityInfo() {
    await page.waitForURL(url('security-info'));
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
  }

  /** Registers an authenticator through the wizard by scanning its QR code; returns the key. */
  async function registerByScanning(): Promise<string> {
    await page.getByRole('heading', { name: 'More information required' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Start by getting the app' }).waitFor();
    await check(page, 'registration: get the app');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Scan the QR code' }).waitFor();
    await page.locator('.qr img').waitFor();
    const key = secretOf(await scanQrCode(page, scratch));
    await page.getByRole('button', { name: 'Next' }).click();
    await enterCode(oathtool(key, clock.now()));
    return key;
  }

  beforeAll(async () => {
    context = await suite.browser.newContext({
      viewport: { width: 900, height: 720 },
      acceptDownloads: true,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.origin });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
  });

  it('a new user registers an authenticator by scanning the QR code, and saves recovery codes once', async () => {
    await createUser('ada@example.com', 'Ada Lovelace');
    await page.goto(url('sign-in'));
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, 'sign-in.png');
    await check(page, 'sign-in: email');

    // Errors in plain words next to the field.
    await page.getByRole('button', { name: 'Next' }).click();
    expect(await fieldError(page, 'username')).toBe('Enter your email or username.');
    await check(page, 'sign-in: email missing');
    await page.getByLabel('Email or username').fill('ada@example.com');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Enter password' }).waitFor();
    await shot(page, 'password.png');
    await check(page, 'sign-in: password');
    await page.getByLabel('Password', { exact: true }).fill('not her password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await fieldError(page, 'password')).toBe('That email or password is not right.');
    await shot(page, 'error-password.png');
    await check(page, 'sign-in: wrong password');

    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'More information required' }).waitFor();
    await shot(page, 'more-information-required.png');
    await check(page, 'registration: more information required');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.qr img').waitFor();
    await shot(page, 'registration-qr.png');
    await check(page, 'registration: QR code');

    // The QR code, read by another program from the pixels on screen, holds the key the page shows.
    const uri = await scanQrCode(page, scratch);
    expect(uri).toMatch(/^otpauth:\/\/totp\/[^?]+\?/);
    secret = secretOf(uri);
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    await page.getByRole('button', { name: "Can't scan the QR code?" }).click();
    const shownKey = (await page.getByTestId('secret-key').textContent()) ?? '';
    expect(shownKey).toMatch(/^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/);
    expect(shownKey.replace(/ /g, '')).toBe(secret);
    await expect_text(page, '.manual-key', 'ada@example.com');
    await shot(page, 'manual-key.png');
    await check(page, 'registration: key to type');

    await page.getByRole('button', { name: 'Next' }).click();
    // A wrong code does not confirm the method.
    await enterCode(wrongCode(secret, clock.now()));
    expect(await fieldError(page, 'code')).toMatch(/^That code is not right\./);
    await check(page, 'registration: wrong code');
    await enterCode(oathtool(secret, clock.now()));

    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    recoveryCodes = (await page.locator('ul.codes li').allTextContents()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    await shot(page, 'recovery-codes.png');
    await check(page, 'recovery codes');

    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied the codes.' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.trim().split('\n')).toEqual(recoveryCodes);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('twofold-recovery-codes.txt');
    const file = readFileSync(await download.path(), 'utf8');
    for (const code of recoveryCodes) expect(file).toContain(`\n${code}\n`);
    expect(file).toContain('ada@example.com');

    // Continue only once the user says they saved them.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#saved-error').filter({ hasText: 'Save your codes first' }).waitFor();
    await check(page, 'recovery codes: not saved yet');
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await atSecurityInfo();
    await page.getByRole('cell', { name: 'Authenticator app', exact: true }).first().waitFor();
    await expect_text(page, 'main', 'You have 10 unused recovery codes.');
    await shot(page, 'security-info.png');
    await check(page, 'security info');
  });

  it('signs in again with a fresh code; wrong, skewed and replayed codes each get their own message', async () => {
    await signOut();
    clock.advance(stepMs);
    await signInWithPassword('ada@example.com');
    await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    expect(await page.getByLabel('Code', { exact: true }).getAttribute('inputmode')).toBe('numeric');
    expect(await page.getByLabel('Code', { exact: true }).getAttribute('autocomplete')).toBe('one-time-code');
    await shot(page, 'challenge.png');
    await check(page, 'sign-in: enter code');

    await enterCode(wrongCode(secret, clock.now()));
    expect(await fieldError(page, 'code')).toBe(
      'That code is not right. Check the code in your app and try again.',
    );
    await shot(page, 'error-wrong-code.png');
    await check(page, 'sign-in: wrong code');

    // A phone whose clock runs 5 minutes fast.
    await enterCode(oathtool(secret, clock.now() + 5 * 60_000));
    expect(await fieldError(page, 'code')).toBe(
      "Your device's clock looks about 5 minutes ahead. Set it to automatic date and time, then try a new code.",
    );
    await shot(page, 'error-clock-skew.png');
    await check(page, 'sign-in: device clock wrong');

    const code = oathtool(secret, clock.now());
    await enterCode(code);
    await atSecurityInfo();

    // The same code again, in the same 30 seconds, on a new sign-in: refused as a replay.
    await signOut();
    await signInWithPassword('ada@example.com');
    await enterCode(code);
    expect(await fieldError(page, 'code')).toBe(
      'This code was already used. Wait for the next code in your app, then enter it.',
    );
    await shot(page, 'error-replayed-code.png');
    await check(page, 'sign-in: code already used');

    // The next code works.
    clock.advance(stepMs);
    await enterCode(oathtool(secret, clock.now()));
    await atSecurityInfo();
  });

  it('"Sign in another way": a recovery code works once; "I can\'t use any of these" says who can help', async () => {
    await startOver();
    clock.advance(stepMs);
    await signInWithPassword('ada@example.com');
    await page.getByRole('button', { name: 'Sign in another way' }).click();
    await page.getByRole('heading', { name: 'Sign in another way' }).waitFor();
    await shot(page, 'other-ways.png');
    await check(page, 'sign-in: other ways');
    await page.getByRole('button', { name: "I can't use any of these" }).click();
    // The troubleshooter: what it found, and who can help (issue 15).
    await page.getByRole('heading', { name: "Why can't I get a code?" }).waitFor();
    await page.getByRole('heading', { name: 'Ask your helpdesk' }).waitFor();
    await expect_text(page, 'main', 'Temporary Access Pass');
    await shot(page, 'cannot-use.png');
    await check(page, "sign-in: can't use any of these");
    await page.getByRole('button', { name: 'Back', exact: true }).click();

    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByRole('heading', { name: 'Enter a recovery code' }).waitFor();
    await check(page, 'sign-in: recovery code');
    const [first] = recoveryCodes;
    await enterCode(first ?? '', 'Recovery code');
    await page.getByRole('heading', { name: 'You signed in with a recovery code' }).waitFor();
    await expect_text(page, 'main', 'You have 9 recovery codes left.');
    await shot(page, 'recovery-code-used.png');
    await check(page, 'sign-in: signed in with a recovery code');
    await page.getByRole('button', { name: 'Continue' }).click();
    await atSecurityInfo();
    await expect_text(page, 'main', 'You have 9 unused recovery codes.');

    await signOut();
    await signInWithPassword('ada@example.com');
    await page.getByRole('button', { name: 'Sign in another way' }).click();
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await enterCode(first ?? '', 'Recovery code');
    expect(await fieldError(page, 'code')).toBe(
      'That recovery code is not right, or it was already used. Each code works once.',
    );
    await shot(page, 'error-recovery-code-used.png');
    await check(page, 'sign-in: recovery code used');
    await enterCode(recoveryCodes[1] ?? '', 'Recovery code');
    await page.getByRole('heading', { name: 'You signed in with a recovery code' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await atSecurityInfo();
  });

  it('a Temporary Access Pass signs in once', async () => {
    const user = await suite.app.runtime.services.users.create(
      { tenantId: suite.tenant.id, email: 'tap@example.com', password },
      operatorActor,
    );
    await startOver();
    // A user with no method signs in with a pass and goes straight to registration.
    const issued = await suite.app.runtime.services.passes.issue(
      {
        tenantId: suite.tenant.id,
        userId: user.id,
        lifetimeMinutes: 60,
        reusable: false,
        issuerRole: 'operator',
      },
      operatorActor,
    );
    await enterUsername('tap@example.com');
    await page.getByRole('button', { name: 'Use a Temporary Access Pass instead' }).click();
    await page.getByLabel('Temporary Access Pass').fill(issued.pass);
    await shot(page, 'temporary-access-pass.png');
    await check(page, 'sign-in: Temporary Access Pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await registerByScanning();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await atSecurityInfo();
    await signOut();

    await enterUsername('tap@example.com');
    await page.getByRole('button', { name: 'Use a Temporary Access Pass instead' }).click();
    await page.getByLabel('Temporary Access Pass').fill(issued.pass);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await fieldError(page, 'pass')).toBe(
      'This Temporary Access Pass has expired or was already used. Ask your admin for a new one.',
    );
    await shot(page, 'error-pass-used.png');
    await check(page, 'sign-in: pass used');
  });

  it('too many wrong codes end the sign-in, then lock code sign-in with a time to try again', async () => {
    await startOver();
    await createUser('bob@example.com', 'Bob');
    await signInWithPassword('bob@example.com');
    const bobSecret = await registerByScanning();
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await atSecurityInfo();
    await signOut();

    clock.advance(stepMs);
    const wrong = wrongCode(bobSecret, clock.now());
    for (let round = 0; round < 2; round++) {
      await signInWithPassword('bob@example.com');
      await page.getByRole('heading', { name: 'Enter code' }).waitFor();
      for (let attempt = 1; attempt <= 4; attempt++) {
        await enterCode(wrong);
        expect(await fieldError(page, 'code')).toMatch(/^That code is not right\./);
      }
      await enterCode(wrong);
      await page
        .locator('#code-error')
        .filter({ hasText: 'That was too many wrong codes, so this sign-in has ended. Start again.' })
        .waitFor();
      if (round === 0) {
        await shot(page, 'error-too-many-codes.png');
        await check(page, 'sign-in: too many wrong codes');
      }
      await page.getByRole('button', { name: 'Start again' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    }

    // Ten wrong codes in a row: even the right code is refused for 15 minutes, and the page says until when.
    await signInWithPassword('bob@example.com');
    await enterCode(oathtool(bobSecret, clock.now()));
    const locked = await fieldError(page, 'code');
    expect(locked).toMatch(
      /^Too many wrong codes, so signing in with a code is locked for now\. You can try again at .+ \(in about 15 minutes\)\.$/,
    );
    await shot(page, 'error-locked-out.png');
    await check(page, 'sign-in: locked out');

    clock.advance(15 * 60_000 + stepMs);
    await signInWithPassword('bob@example.com');
    await enterCode(oathtool(bobSecret, clock.now()));
    await atSecurityInfo();
  });

  it('Security info: add a method (asks for a code after 10 minutes), set it as default, delete one, new recovery codes, sign out everywhere', async () => {
    await startOver();
    clock.advance(stepMs);
    await signInWithPassword('ada@example.com');
    await enterCode(oathtool(secret, clock.now()));
    await atSecurityInfo();

    await page.getByRole('button', { name: '+ Add sign-in method' }).click();
    await page.getByLabel('Which method would you like to add?').waitFor();
    await check(page, 'security info: add a method');
    await page.getByLabel('Which method would you like to add?').selectOption('totp');
    await page.getByLabel('Name (optional)').fill('Tablet');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('dialog .qr img').waitFor();
    await shot(page, 'add-method.png', false);
    await check(page, 'security info: add a method, QR code');
    const tabletSecret = secretOf(await scanQrCode(page, scratch));
    expect(tabletSecret).not.toBe(secret);
    await page.getByRole('button', { name: 'Next' }).click();
    await check(page, 'security info: add a method, code');
    await enterCode(oathtool(tabletSecret, clock.now()));
    await page.getByRole('status').filter({ hasText: 'Other authenticator app added.' }).waitFor();
    await page.getByRole('cell', { name: 'Tablet', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Set Tablet as default' }).click();
    await page.getByRole('status').filter({ hasText: 'is now your default sign-in method' }).waitFor();

    // More than 10 minutes after the last second factor, changes ask for a code first.
    clock.advance(11 * 60_000);
    await page.getByRole('button', { name: 'Delete Tablet' }).click();
    await page.getByRole('heading', { name: 'Delete this method?' }).waitFor();
    await check(page, 'security info: delete a method');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
    await shot(page, 'step-up.png', false);
    await check(page, "security info: confirm it's you");
    await page.getByLabel('Method', { exact: true }).selectOption({ label: 'Authenticator app' });
    await page.locator('#step-up-code').fill(oathtool(secret, clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('status').filter({ hasText: 'deleted' }).waitFor();
    // The notice comes after the table is reloaded: the row is gone by then.
    expect(await page.getByRole('cell', { name: 'Tablet', exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: 'Get new recovery codes' }).click();
    await page.getByRole('button', { name: 'Get new codes' }).waitFor();
    await check(page, 'security info: new recovery codes?');
    await page.getByRole('button', { name: 'Get new codes' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    await check(page, 'security info: new recovery codes');
    fresh = (await page.locator('dialog ul.codes li').allTextContents()).map((c) => c.trim());
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => recoveryCodes.includes(c))).toBe(false);
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await expect_text(page, 'main', 'You have 10 unused recovery codes.');

    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('heading', { name: 'Sign out everywhere?' }).waitFor();
    await check(page, 'security info: sign out everywhere?');
    await page.locator('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(url('sign-in'));
    await page.goto(url('security-info'));
    await page.waitForURL(url('sign-in'));
  });

  it('speaks the browser language from the first paint; the picker switches every page and remembers it', async () => {
    await context.clearCookies();
    const german = await suite.browser.newContext({
      viewport: { width: 900, height: 720 },
      locale: 'de-DE',
    });
    try {
      const page = await german.newPage();
      await page.goto(url('sign-in'));
      // Chosen by the server from Accept-Language: right before any script ran.
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
      expect(await page.title()).toBe('Anmelden · Twofold');
      await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
      await shot(page, 'sign-in-de.png');
      await check(page, 'sign-in in German');
      await page.getByRole('button', { name: 'Weiter' }).click();
      expect(await fieldError(page, 'username')).toBe(
        'Geben Sie Ihre E-Mail-Adresse oder Ihren Benutzernamen ein.',
      );
      await check(page, 'sign-in in German: email missing');

      // The picker: French, remembered in the cookie, for this page and the next.
      await page.getByLabel('Sprache').selectOption('fr');
      await page.getByRole('heading', { name: 'Connexion' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
      expect((await german.cookies()).find((c) => c.name === 'twofold_lang')?.value).toBe('fr');
      await shot(page, 'sign-in-fr.png');
      await check(page, 'sign-in in French');
      await page.getByLabel('E-mail ou nom d’utilisateur').fill('ada@example.com');
      await page.getByRole('button', { name: 'Suivant' }).click();
      await page.getByLabel('Mot de passe', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { name: 'Saisissez le code' }).waitFor();
      clock.advance(stepMs);
      await page.getByLabel('Code', { exact: true }).fill(oathtool(secret, clock.now()));
      await page.getByRole('button', { name: 'Vérifier' }).click();
      await page.waitForURL(url('security-info'));
      await page.getByRole('heading', { name: 'Informations de sécurité' }).waitFor();
      await check(page, 'security info in French');

      // ?lang= outranks the cookie for one page; the picker drops it when it reloads.
      await page.goto(`${url('security-info')}?lang=es`);
      await page.getByRole('heading', { name: 'Información de seguridad' }).waitFor();
      await page.getByLabel('Idioma', { exact: true }).selectOption('de');
      await page.getByRole('heading', { name: 'Sicherheitsinformationen' }).waitFor();
      expect(new URL(page.url()).search).toBe('');

      // Her emails and texts: German from now on, chosen on the page.
      await page.getByLabel('E-Mails und SMS von Twofold').selectOption('de');
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
      await check(page, 'security info in German, language of messages saved');
      const ada = await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'ada@example.com');
      expect(ada?.locale).toBe('de');
      await suite.app.runtime.services.admin.updateUser({
        tenantId: suite.tenant.id,
        userId: ada?.id ?? '',
        changes: { locale: null },
        actor: operatorActor,
      });
    } finally {
      await german.close();
    }
  });

  it('works at 375 px wide with the keyboard alone', async () => {
    await context.clearCookies();
    const mobile = await context.newPage();
    try {
      await mobile.setViewportSize({ width: 375, height: 740 });
      clock.advance(stepMs);
      await mobile.goto(url('sign-in'));
      const focused = () =>
        mobile.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return {
            id: el?.id ?? '',
            text: el?.textContent?.trim() ?? '',
            outline: el ? getComputedStyle(el).outlineStyle : 'none',
          };
        });
      const noSideways = async () =>
        expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

      await expect.poll(async () => (await focused()).id).toBe('username');
      await noSideways();
      await shot(mobile, 'sign-in-375.png');
      await check(mobile, 'sign-in at 375 px');
      await mobile.keyboard.type('ada@example.com');
      await mobile.keyboard.press('Enter');
      await mobile.getByRole('heading', { name: 'Enter password' }).waitFor();
      // Focus moves in an effect after the screen renders: wait for it rather than race it.
      await expect.poll(async () => (await focused()).id).toBe('password');
      await mobile.keyboard.type(password);
      await mobile.keyboard.press('Enter');
      await mobile.getByRole('heading', { name: 'Enter code' }).waitFor();
      await expect.poll(async () => (await focused()).id).toBe('code');
      await noSideways();
      await shot(mobile, 'challenge-375.png');
      await check(mobile, 'sign-in: enter code at 375 px');

      // Tab past Verify to "Sign in another way"; its focus ring shows.
      await mobile.keyboard.press('Tab');
      await mobile.keyboard.press('Tab');
      const link = await focused();
      expect(link.text).toBe('Sign in another way');
      expect(link.outline).not.toBe('none');
      await mobile.keyboard.press('Enter');
      await mobile.getByRole('heading', { name: 'Sign in another way' }).waitFor();
      await expect.poll(async () => (await focused()).text).toBe('Sign in another way');
      await mobile.keyboard.press('Tab');
      expect((await focused()).text).toBe('Use a recovery code');
      await noSideways();
      await mobile.keyboard.press('Enter');
      await mobile.getByRole('heading', { name: 'Enter a recovery code' }).waitFor();
      await expect.poll(async () => (await focused()).id).toBe('code');
      await mobile.keyboard.type(fresh[0] ?? '');
      await mobile.keyboard.press('Enter');
      await mobile.getByRole('heading', { name: 'You signed in with a recovery code' }).waitFor();
      await expect.poll(async () => (await focused()).text).toBe('You signed in with a recovery code');
      await mobile.keyboard.press('Tab');
      expect((await focused()).text).toBe('Continue');
      await mobile.keyboard.press('Enter');
      await mobile.waitForURL(url('security-info'));
      await mobile.getByRole('heading', { name: 'Security info' }).waitFor();
      await mobile.getByRole('cell', { name: 'Authenticator app', exact: true }).first().waitFor();
      await noSideways();
      await shot(mobile, 'security-info-375.png');
      await check(mobile, 'security info at 375 px');
    } finally {
      await mobile.close();
    }
  });
});

/** Waits until the element holds the text (Playwright's own expect is not part of playwright-core). */
async function expect_text(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).filter({ hasText: text }).first().waitFor();
}
