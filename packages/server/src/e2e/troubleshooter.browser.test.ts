/**
 * "I can't get a code" in real Chromium (spec section 6, issue 15): the seed story's four cases from
 * the challenge to signed in. A phone whose clock is behind (codes from oathtool at a skewed time: the
 * troubleshooter says how far and how to fix it, then the right clock's code signs in); a lockout (a
 * countdown that screen readers are not told every second, then a new sign-in); a lost phone (a help
 * request, the helpdesk acts on it from the console's queue, the user signs in with the pass and
 * registers a new authenticator); and the tenant's only global admin (told that the operator recovers
 * them with `twofold recover-admin`, which the operator does, and they get in).
 *
 * Each case measures, with the test process's real clock, how long it takes from clicking "I can't get
 * a code" to signed in, and prints it (`seed-case <name>: <seconds> s`). The server runs on a manual
 * clock; each person's browser clock starts at the server's time, and a wait is moved on in both.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import {
  type BrowserSuite,
  describeInChromium,
  enrolUser,
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

describeInChromium(
  '"I can\'t get a code" in Chromium',
  { scratchPrefix: 'twofold-trouble-e2e-' },
  (suite) => {
    const { clock, scratch, url } = suite;
    /** Time spent on the test's own looks (axe-core, screenshots), left out of the figures. */
    let aside = 0;
    async function set(work: () => Promise<unknown>): Promise<void> {
      const before = performance.now();
      await work();
      aside += performance.now() - before;
    }
    const check = (page: Page, state: string) => set(() => suite.check(page, state));
    const shot = (page: Page, name: string) => set(() => suite.shot(page, name));
    /** The real clock of the test process (performance.now()), with the test's own looks taken out. */
    function startWatch(): number {
      aside = 0;
      return performance.now();
    }
    const secrets = new Map<string, string>();
    const contexts: BrowserContext[] = [];
    const figures: string[] = [];

    /** A person's own browser, its clock set to the server's time (the countdown runs on it). */
    async function browserOf(s: BrowserSuite, viewport = { width: 900, height: 900 }): Promise<Page> {
      const context = await s.browser.newContext({ viewport });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.origin });
      await context.clock.install({ time: clock.now() });
      contexts.push(context);
      return context.newPage();
    }

    async function signInWithPassword(page: Page, email: string) {
      await page.goto(url('sign-in'));
      await page.getByLabel('Email or username').fill(email);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    }

    async function enterCode(page: Page, code: string) {
      await page.getByLabel('Code', { exact: true }).fill(code);
      await page.getByRole('button', { name: 'Verify' }).click();
    }

    async function atSecurityInfo(page: Page) {
      await page.waitForURL(url('security-info'));
      await page.getByRole('heading', { name: 'Security info' }).waitFor();
    }

    /** From "More information required" through the QR code to the saved recovery codes. */
    async function registerAuthenticator(page: Page) {
      await page.getByRole('heading', { name: 'More information required' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Start by getting the app' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Scan the QR code' }).waitFor();
      await page.locator('.qr img').waitFor();
      const key = secretOf(await scanQrCode(page, scratch));
      await page.getByRole('button', { name: 'Next' }).click();
      await enterCode(page, oathtool(key, clock.now()));
      await page.getByLabel('I have saved these codes').check();
      await page.getByRole('button', { name: 'Continue' }).click();
    }

    /**
     * The browser's clock runs on from the server's time while the server's stands still: set it right
     * again before the page sends it, so a slow run never reads as a device clock that is off.
     */
    async function syncClock(page: Page) {
      await page.clock.setSystemTime(clock.now());
    }

    async function openTroubleshooter(page: Page) {
      await syncClock(page);
      await page.getByRole('button', { name: "I can't get a code" }).click();
      await page.getByRole('heading', { name: "Why can't I get a code?" }).waitFor();
      await page.getByRole('heading', { name: 'What we found' }).waitFor();
    }

    function report(name: string, start: number, note = '') {
      const line = `seed-case ${name}: ${((performance.now() - start - aside) / 1000).toFixed(1)} s${note}`;
      figures.push(`${suite.backend.name} ${line}`);
      console.log(line);
    }

    beforeAll(async () => {
      for (const [email, displayName, roles] of [
        ['grace@example.com', 'Grace Hopper', ['global-admin']],
        ['desk@example.com', 'Service Desk', ['helpdesk']],
        ['sam@example.com', 'Sam Skew', []],
        ['lou@example.com', 'Lou Locked', []],
        ['pat@example.com', 'Pat Lostphone', []],
      ] as const) {
        const enrolled = await enrolUser(suite, { email, displayName, password, roles: [...roles] });
        secrets.set(email, enrolled.secret);
      }
    });
    afterAll(async () => {
      for (const context of contexts) await context.close();
    });

    it('a phone clock 3 minutes behind: the troubleshooter says so and how to fix it; the right clock signs in', async () => {
      const page = await browserOf(suite);
      const secret = secrets.get('sam@example.com') ?? '';
      await signInWithPassword(page, 'sam@example.com');
      // The phone's clock is 3 minutes and 5 seconds behind: its code is refused as a skewed clock.
      await enterCode(page, oathtool(secret, clock.now() - 185_000));
      await page
        .locator('#code-error')
        .filter({ hasText: /behind/ })
        .waitFor();

      const start = startWatch();
      await openTroubleshooter(page);
      const finding = page.locator('[data-finding="clock_behind"]');
      await finding.waitFor();
      expect(await finding.textContent()).toMatch(/3 minutes.*behind/);
      await page.getByRole('heading', { name: "Set your phone's clock right" }).waitFor();
      await shot(page, 'troubleshooter.png');
      await check(page, 'troubleshooter: clock behind');

      await page.getByRole('button', { name: "I've set the clock: type a code" }).click();
      await page.getByRole('heading', { name: 'Enter code' }).waitFor();
      clock.advance(stepMs);
      await enterCode(page, oathtool(secret, clock.now()));
      await atSecurityInfo(page);
      report('skewed-clock', start);
    });

    it('a lockout: a countdown not announced every second, then a new sign-in', async () => {
      const page = await browserOf(suite);
      const secret = secrets.get('lou@example.com') ?? '';
      const wrong = wrongCode(secret, clock.now());
      for (let round = 0; round < 2; round++) {
        await signInWithPassword(page, 'lou@example.com');
        for (let attempt = 1; attempt <= 5; attempt++) {
          await enterCode(page, wrong);
          await page.locator('#code-error').filter({ hasText: /\S/ }).waitFor();
        }
        await page.getByRole('button', { name: 'Start again' }).waitFor();
      }
      await signInWithPassword(page, 'lou@example.com');
      await enterCode(page, oathtool(secret, clock.now()));
      await page
        .locator('#code-error')
        .filter({ hasText: /locked/ })
        .waitFor();

      const start = startWatch();
      await openTroubleshooter(page);
      await page.locator('[data-finding="locked_out"]').waitFor();
      const timer = page.getByRole('timer');
      await timer.waitFor();
      // The clock ticks without being a live region; the announced line says the time once.
      expect(await timer.getAttribute('aria-live')).toBe('off');
      const status = page.locator('section[aria-labelledby="wait-title"] [role="status"]');
      const announced = await status.textContent();
      expect(announced).toMatch(/^You can try again in about 15 minutes, at .+\.$/);
      const before = await timer.textContent();
      await page.clock.fastForward(2_000);
      await expect.poll(() => timer.textContent()).not.toBe(before);
      expect(await status.textContent()).toBe(announced);
      await check(page, 'troubleshooter: locked out, countdown');

      // The lock's 15 minutes pass (on the server and in the browser).
      clock.advance(15 * 60_000);
      await page.clock.fastForward(15 * 60_000);
      await status.filter({ hasText: 'The lock has ended: you can try again now.' }).waitFor();
      await check(page, 'troubleshooter: lock over');
      await page.getByRole('button', { name: 'Try again' }).click();
      // The sign-in outlived its ten minutes: a new one, with the email already there.
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await page.getByLabel('Email or username').inputValue()).toBe('lou@example.com');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Enter code' }).waitFor();
      await enterCode(page, oathtool(secret, clock.now()));
      await atSecurityInfo(page);
      report('lockout', start, ' (plus the 15-minute lock, moved on in the test)');
    });

    it('a lost phone: a help request, the helpdesk issues a pass from the queue, the user registers a new authenticator', async () => {
      // The helpdesk is at their console already.
      const desk = await browserOf(suite, { width: 1200, height: 900 });
      await signInWithPassword(desk, 'desk@example.com');
      await enterCode(desk, oathtool(secrets.get('desk@example.com') ?? '', clock.now()));
      await atSecurityInfo(desk);
      await desk.goto(url('admin'));
      await desk.getByRole('link', { name: 'Help requests' }).waitFor();

      const page = await browserOf(suite);
      await signInWithPassword(page, 'pat@example.com');
      const start = startWatch();
      await openTroubleshooter(page);
      await page.getByText("Your account and this device's clock look fine.").waitFor();
      await check(page, 'troubleshooter: nothing found');
      await page.getByRole('button', { name: 'Ask for help' }).click();
      await page.getByLabel('What happened (optional)').fill('I lost my phone on the train.');
      await page.getByLabel('How can they reach you? (optional)').fill('+44 7700 900123');
      await shot(page, 'help-request.png');
      await check(page, 'troubleshooter: help request form');
      await syncClock(page);
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.getByRole('heading', { name: 'Your request was sent' }).waitFor();
      await check(page, 'troubleshooter: help request sent');
      expect(await page.getByRole('heading', { name: 'Only the operator can let you in' }).count()).toBe(0);

      // The helpdesk: the queue, the request, re-registration and a pass, resolved.
      await desk.getByRole('link', { name: 'Help requests' }).click();
      await desk.getByRole('heading', { name: 'Help requests' }).waitFor();
      await desk.getByRole('link', { name: 'Pat Lostphone' }).click();
      await desk.getByRole('heading', { name: 'Help request from Pat Lostphone' }).waitFor();
      await desk.getByText('I lost my phone on the train.').waitFor();
      await desk.getByRole('button', { name: 'Require re-registration' }).waitFor();
      await shot(desk, 'admin-help-requests.png');
      await check(desk, 'console: help request');
      await desk.getByRole('button', { name: 'Require re-registration' }).click();
      await desk.locator('#confirm-reason').fill('Lost phone, help request');
      await desk.locator('#confirm-title').waitFor();
      await desk.locator('form:has(#confirm-title) button[type="submit"]').click();
      await desk.locator('#confirm-title').waitFor({ state: 'detached' });
      await desk.getByRole('button', { name: 'Issue a Temporary Access Pass' }).click();
      await desk.getByRole('heading', { name: 'Issue a Temporary Access Pass' }).waitFor();
      await check(desk, 'console: help request, pass dialog');
      await desk.locator('form:has(#pass-title) button[type="submit"]').click();
      const pass = ((await desk.getByTestId('issued-pass').textContent()) ?? '').trim();
      expect(pass).not.toBe('');
      await desk.getByRole('button', { name: 'Done' }).click();
      await desk.getByLabel('What was done').fill('Re-registration required, pass given by phone');
      await desk.getByRole('button', { name: 'Resolve' }).click();
      await desk.getByText('The request from pat@example.com is resolved.').waitFor();
      // It left the open requests.
      await desk.getByText('No help requests here.').waitFor();
      expect(await desk.getByRole('link', { name: 'Pat Lostphone' }).count()).toBe(0);
      await check(desk, 'console: help requests, after resolving');
      await desk.getByLabel('Show').selectOption('resolved');
      await desk.getByRole('link', { name: 'Pat Lostphone' }).click();
      await desk.getByText(/Re-registration required, pass given by phone/).waitFor();
      await check(desk, 'console: a resolved help request');

      // Pat, with the pass read out by the helpdesk.
      await page.getByRole('button', { name: 'I have a pass: sign in with it' }).click();
      await page.getByLabel('Temporary Access Pass').fill(pass);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await registerAuthenticator(page);
      await atSecurityInfo(page);
      report('lost-phone', start, ' (the helpdesk acting at once)');
    });

    it("the tenant's only global admin: told that the operator runs `twofold recover-admin`, who does; then a new authenticator", async () => {
      const page = await browserOf(suite);
      await signInWithPassword(page, 'grace@example.com');
      // Issue 15, defect 3: "I can't use any of these" no longer says "contact your admin" to the only admin.
      await page.getByRole('button', { name: 'Sign in another way' }).click();
      const start = startWatch();
      await page.getByRole('button', { name: "I can't use any of these" }).click();
      await page.getByRole('heading', { name: 'Only the operator can let you in' }).waitFor();
      const command = (await page.getByTestId('recover-admin-command').textContent()) ?? '';
      expect(command).toContain('twofold recover-admin --tenant acme --email grace@example.com');
      await check(page, 'troubleshooter: sole global admin');
      await page.getByRole('button', { name: 'Ask for help' }).click();
      await page.getByLabel('What happened (optional)').fill('Phone reset, no codes');
      await syncClock(page);
      await page.getByRole('button', { name: 'Send request' }).click();
      await page.getByRole('heading', { name: 'Your request was sent' }).waitFor();
      await page.getByRole('heading', { name: 'Only the operator can let you in' }).waitFor();
      // Nobody but the operator can give the only global admin a pass: the page does not say an admin can.
      expect(await page.getByText('they can give you a').count()).toBe(0);
      await check(page, 'troubleshooter: sole global admin, request sent');

      // The operator runs the command on the host.
      const recovered = await suite.app.runtime.services.admin.recoverAdmin({
        tenantSlug: 'acme',
        email: 'grace@example.com',
        reason: 'Only global admin, phone reset',
        publicUrl: suite.origin,
      });
      await page.getByRole('button', { name: 'I have a pass: sign in with it' }).click();
      await page.getByLabel('Temporary Access Pass').fill(recovered.pass);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await registerAuthenticator(page);
      await atSecurityInfo(page);
      report('sole-admin', start, ' (the operator acting at once)');
    });

    it('offers what works now as buttons: a recovery code straight from the troubleshooter', async () => {
      const { recoveryCodes } = suite.app.runtime.services;
      const enrolled = await enrolUser(suite, {
        email: 'rita@example.com',
        displayName: 'Rita Recovery',
        password,
      });
      const codes = await recoveryCodes.issue(suite.tenant.id, enrolled.user.id, operatorActor);
      const page = await browserOf(suite);
      await signInWithPassword(page, 'rita@example.com');
      await openTroubleshooter(page);
      await page.getByRole('heading', { name: 'What you can do now' }).waitFor();
      // The method being tried is not offered again; the recovery codes are, with how many are left.
      expect(await page.locator('.choices button').count()).toBe(1);
      await check(page, 'troubleshooter: another way');
      await page.getByRole('button', { name: 'Use a recovery code (10 left)' }).click();
      await page.getByRole('heading', { name: 'Enter a recovery code' }).waitFor();
      await page.getByLabel('Recovery code', { exact: true }).fill(codes[0] ?? '');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: 'You signed in with a recovery code' }).waitFor();
    });

    it('a text message sent moments ago: the troubleshooter says when the next can be sent', async () => {
      const { users, messageCodes, outbox } = suite.app.runtime.services;
      const tina = await users.create(
        { tenantId: suite.tenant.id, email: 'tina@example.com', displayName: 'Tina Text', password },
        operatorActor,
      );
      const added = await messageCodes.register(
        { tenantId: suite.tenant.id, userId: tina.id, type: 'sms', destination: '+44 7700 900456' },
        operatorActor,
      );
      const [texted] = await outbox.list(suite.tenant.id, { limit: 1 });
      const confirmed = await messageCodes.verify({
        tenantId: suite.tenant.id,
        userId: tina.id,
        methodId: added.methodId,
        code: /\b(\d{6})\b/.exec(texted?.body ?? '')?.[1] ?? '',
      });
      expect(confirmed.ok).toBe(true);
      clock.advance(60_000);

      // Signing in texts a code at once; a new one waits 30 seconds.
      const page = await browserOf(suite);
      await signInWithPassword(page, 'tina@example.com');
      await openTroubleshooter(page);
      const finding = page.locator('[data-finding="send_limit"]');
      await finding.waitFor();
      expect(await finding.textContent()).toMatch(
        /^The next code to \+44 ••• •• 56 can be sent in 30 seconds \(at .+\): codes are limited/,
      );
      await check(page, 'troubleshooter: send limit');
    });

    it("speaks the page's language: a phone clock ahead, in German", async () => {
      const dora = await enrolUser(suite, { email: 'dora@example.com', displayName: 'Dora', password });
      const page = await browserOf(suite);
      await page.goto(url('sign-in?lang=de'));
      await page.getByLabel('E-Mail-Adresse oder Benutzername').fill('dora@example.com');
      await page.getByRole('button', { name: 'Weiter' }).click();
      await page.getByLabel('Passwort', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Anmelden' }).click();
      await page.getByRole('heading', { name: 'Code eingeben' }).waitFor();
      // The phone is 4 minutes fast.
      await page.getByLabel('Code', { exact: true }).fill(oathtool(dora.secret, clock.now() + 240_000));
      await page.getByRole('button', { name: 'Bestätigen' }).click();
      await page.locator('#code-error').filter({ hasText: /\S/ }).waitFor();
      await syncClock(page);
      await page.getByRole('button', { name: 'Ich bekomme keinen Code' }).click();
      const finding = page.locator('[data-finding="clock_ahead"]');
      await finding.waitFor();
      expect(await finding.textContent()).toBe(
        'Die eingegebenen Codes stammen von einer Uhr, die 4 Minuten vorgeht: Die Uhr des Telefons mit Ihrer Authenticator-App ist falsch gestellt.',
      );
      await page.getByRole('heading', { name: 'Stellen Sie die Uhr Ihres Telefons richtig' }).waitFor();
      await check(page, 'troubleshooter in German: clock ahead');
    });

    it('prints the figures of this run', () => {
      expect(figures).toHaveLength(4);
      console.log(figures.join('\n'));
    });
  },
);
