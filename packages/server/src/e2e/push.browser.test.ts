/**
 * The sign-in page's push step in real Chromium against a real server: the page shows the number
 * big and waits (role=status); a device (a real ECDSA P-256 key from node:crypto, signing as the
 * push protocol says) answers over HTTP; the page signs in on approval, and says what happened on
 * a denial, a wrong number, a timeout or a report, with a way on.
 */
import { decodeBase32, generateTotp, parseOtpauthUri } from '@twofold/core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { pushLifetimeMs } from '../factors/push/push-service.js';
import { describeInChromium } from '../test-support/browser.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { createTestPushDevice, type TestPushDevice } from '../test-support/push-device.js';

const password = 'correct horse battery staple';

describeInChromium(
  'push approvals on the sign-in page in Chromium',
  { scratchPrefix: 'twofold-push-e2e-' },
  (suite) => {
    const { check, clock, shot, url } = suite;
    let context: BrowserContext;
    let page: Page;
    let key: TestPushDevice;
    let deviceId = '';
    const base = '/t/acme/api/v1';

    /** Ada, enrolled with an authenticator, and her phone activated for push with the token from its URI. */
    beforeAll(async () => {
      const { app } = suite.app;
      await suite.app.runtime.services.users.create(
        { tenantId: suite.tenant.id, email: 'ada@example.com', displayName: 'Ada Lovelace', password },
        operatorActor,
      );
      const browser = createBrowserClient(app, suite.origin);
      const flow = (await browser.post(`${base}/sign-in`, { username: 'ada@example.com', password })).json();
      const reg = (
        await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
      ).json();
      const code = generateTotp({ secret: decodeBase32(reg.secret), time: clock.now() / 1000 });
      expect(
        (await browser.post(`${base}/sign-in/${flow.flowId}/verify`, { methodId: reg.methodId, code }))
          .statusCode,
      ).toBe(200);
      key = createTestPushDevice();
      const activated = await app.inject({
        method: 'POST',
        url: `${base}/devices/activate`,
        payload: {
          activationToken: parseOtpauthUri(reg.otpauthUri).account.extra['twofold_push'],
          publicKey: key.publicKey,
          name: "Ada's phone",
        },
      });
      expect(activated.statusCode, activated.body).toBe(201);
      deviceId = activated.json().deviceId;

      context = await suite.browser.newContext({ viewport: { width: 900, height: 720 } });
      page = await context.newPage();
    });
    afterAll(async () => {
      await context?.close();
    });

    /** The device's pending pushes (a signed request, at the server's time). */
    async function pending(): Promise<{ id: string; tenantName: string; ip: string }[]> {
      const path = `${base}/devices/${deviceId}/challenges?wait=5`;
      const response = await suite.app.app.inject({
        method: 'GET',
        url: path,
        headers: key.headers(deviceId, 'GET', path, undefined, clock.now()),
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().challenges;
    }

    async function answer(challengeId: string, body: Record<string, unknown>) {
      const path = `${base}/devices/${deviceId}/challenges/${challengeId}`;
      const text = JSON.stringify(body);
      return suite.app.app.inject({
        method: 'POST',
        url: path,
        headers: key.headers(deviceId, 'POST', path, text, clock.now()),
        payload: text,
      });
    }

    async function signIn() {
      await context.clearCookies();
      await page.goto(url('sign-in'));
      await page.getByLabel('Email or username').fill('ada@example.com');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }

    /** The number on the page, once the push step shows it and says it is waiting. */
    async function shownNumber(): Promise<number> {
      await page.getByRole('heading', { name: 'Approve sign-in request' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'Waiting for your approval' }).waitFor();
      const text = (await page.locator('.push-prompt').textContent()) ?? '';
      const match = /^Open Twofold Authenticator on Ada's phone and enter (\d{2})$/.exec(text.trim());
      expect(match, text).not.toBeNull();
      return Number(match![1]);
    }

    it('push is the default: the page shows the number, the device approves it, the user is signed in', async () => {
      await signIn();
      const number = await shownNumber();
      expect(await page.locator('.push-number').textContent()).toBe(String(number));
      await shot(page, 'push-number.png');
      await check(page, 'sign-in: push number');
      const [challenge] = await pending();
      expect(challenge).toMatchObject({ tenantName: 'Acme', ip: '127.0.0.1' });
      expect((await answer(challenge!.id, { decision: 'approve', number })).json()).toEqual({
        status: 'approved',
      });
      await page.waitForURL(url('security-info'));
      await page.getByRole('heading', { name: 'Security info' }).waitFor();
    });

    it('a denial and a wrong number are said, with another request and the other ways offered', async () => {
      await signIn();
      await shownNumber();
      const [first] = await pending();
      await answer(first!.id, { decision: 'deny' });
      await page.getByRole('heading', { name: 'Request denied' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'was denied in Twofold Authenticator' }).waitFor();
      await shot(page, 'push-denied.png');
      await check(page, 'sign-in: push denied');

      await page.getByRole('button', { name: 'Send another request' }).click();
      const number = await shownNumber();
      const [second] = await pending();
      const mismatch = await answer(second!.id, {
        decision: 'approve',
        number: number === 99 ? 98 : number + 1,
      });
      expect(mismatch.json().code).toBe('push_number_mismatch');
      await page.getByRole('heading', { name: 'Request denied' }).waitFor();

      await page.getByRole('button', { name: 'Sign in another way' }).click();
      await page.getByRole('heading', { name: 'Sign in another way' }).waitFor();
      await page.getByRole('button', { name: 'Use a verification code from Authenticator app' }).waitFor();
      await page.getByRole('button', { name: 'Use a recovery code' }).waitFor();
      // Back from the list: the push step still says what happened; another request has a new number.
      await page.getByRole('button', { name: 'Back' }).click();
      await page.getByRole('heading', { name: 'Request denied' }).waitFor();
      await page.getByRole('button', { name: 'Send another request' }).click();
      const third = await shownNumber();
      const [request] = await pending();
      await answer(request!.id, { decision: 'approve', number: third });
      await page.waitForURL(url('security-info'));
    });

    it('an unanswered request times out after 2 minutes', async () => {
      await signIn();
      await shownNumber();
      clock.advance(pushLifetimeMs);
      await page.getByRole('heading', { name: 'Request timed out' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'within 2 minutes' }).waitFor();
      await page.getByRole('button', { name: 'Send another request' }).waitFor();
      await page.getByRole('button', { name: 'Sign in another way' }).waitFor();
      await check(page, 'sign-in: push timed out');
    });

    it('a reported request stops the sign-in; push is off until an admin clears it', async () => {
      clock.advance(60_000);
      await signIn();
      await shownNumber();
      const [challenge] = await pending();
      expect((await answer(challenge!.id, { decision: 'report' })).json()).toEqual({ status: 'reported' });
      await page.getByRole('heading', { name: 'Sign-in reported' }).waitFor();
      await page.getByRole('status').filter({ hasText: 'You reported this sign-in' }).waitFor();
      await shot(page, 'push-reported.png');
      await check(page, 'sign-in: push reported');
      expect(await page.getByRole('button', { name: 'Sign in another way' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Start again' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      // The next sign-in asks for a code: push is blocked.
      await page.getByLabel('Email or username').fill('ada@example.com');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Enter code' }).waitFor();
    });
  },
);
