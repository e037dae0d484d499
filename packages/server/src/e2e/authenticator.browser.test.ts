/**
 * The web authenticator at /authenticator/ in real Chromium against a running server (issue 6's
 * "done when"): Ann registers an authenticator at sign-in; the web authenticator adds the account
 * from a picture of its QR code, shows the code the server accepts, turns on push, and approves a
 * push sign-in by typing the number the sign-in page shows; a wrong number denies the next one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase32, encodeBase32, generateTotp, importFromText } from '@twofold/core';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { expectAccessible } from '../test-support/accessibility.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { chromiumPath, hasChromium, launchChromium } from '../test-support/browser.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';
import { unusedPort } from '../test-support/message-servers.js';

const password = 'correct horse battery staple';
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_ACTIVE = /[\u202e\r\x1b]/;
const docsShots = new URL('../../../../docs/screenshots/', import.meta.url).pathname;

describe.skipIf(!hasChromium)(
  `web authenticator in Chromium${hasChromium ? '' : ` (skipped: ${chromiumPath} is absent)`}`,
  () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    for (const backend of testBackends) {
      describe(`on ${backend.name}`, { timeout: 90_000 }, () => {
        const scratch = mkdtempSync(join(tmpdir(), 'twofold-authenticator-e2e-'));
        const shotsDir =
          process.env['TWOFOLD_SCREENSHOTS'] && backend.name === 'sqlite' ? docsShots : scratch;
        let t: TestApp;
        let origin: string;
        let page: Page;
        let secret: Uint8Array;
        /** The page has no database in it: checked in one run only. */
        const check = async (state: string) => {
          if (backend.name === 'sqlite') await expectAccessible(page, state);
        };

        beforeAll(async () => {
          const port = await unusedPort();
          origin = `http://127.0.0.1:${port}`;
          // The page may only talk to the server it came from: the public URL is that server.
          t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: origin });
          await t.app.listen({ port, host: '127.0.0.1' });
          const acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
          await t.runtime.services.users.create(
            { tenantId: acme.id, email: 'ann@example.com', password },
            operatorActor,
          );
          page = await (await browser.newContext({ viewport: { width: 900, height: 900 } })).newPage();
        });
        afterAll(async () => {
          // The page first: its push panel's long-poll would hold the server's close open.
          await page?.context().close();
          await t?.close();
          rmSync(scratch, { recursive: true, force: true });
        });

        const api = () => createBrowserClient(t.app, origin);

        it('adds the account from a QR image and shows the code the server accepts', async () => {
          const ann = api();
          const flow = (
            await ann.post('/t/acme/api/v1/sign-in', { username: 'ann@example.com', password })
          ).json();
          const reg = (
            await ann.post(`/t/acme/api/v1/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
          ).json();
          secret = decodeBase32(reg.secret);
          const done = await ann.post(`/t/acme/api/v1/sign-in/${flow.flowId}/verify`, {
            methodId: reg.methodId,
            code: generateTotp({ secret, time: Date.now() / 1000 }),
          });
          expect(done.statusCode, done.body).toBe(200);
          const qr = join(scratch, 'qr.png');
          await QRCode.toFile(qr, reg.otpauthUri, { width: 320 });

          await page.goto(`${origin}/authenticator/`);
          await page.waitForSelector('#new-passphrase');
          await check('authenticator: new vault');
          await page.fill('#new-passphrase', 'a long vault passphrase');
          await page.fill('#new-passphrase-again', 'a long vault passphrase');
          await page.click('button[type=submit]');
          await page.waitForSelector('#search');
          await page.click('#tab-qr');
          await page.setInputFiles('#qr-file', qr);
          await page.waitForSelector('text=Push approvals are on', { timeout: 15_000 });
          const shown = ((await page.textContent('.account-code')) ?? '').replace(/\s/g, '');
          const now = Date.now() / 1000;
          expect([generateTotp({ secret, time: now }), generateTotp({ secret, time: now - 30 })]).toContain(
            shown,
          );
          await page.screenshot({ path: join(shotsDir, 'authenticator.png'), fullPage: true });
          await check('authenticator: unlocked, an account');

          // Moving to another app: an encrypted Aegis export that opens with its password.
          await page.selectOption('#export-format', 'aegis');
          await page.fill('#export-password', 'aegis export password');
          const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-other')]);
          const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
          expect(exported.header.slots[0].type).toBe(1);
          expect(JSON.stringify(exported)).not.toContain(encodeBase32(secret));
          const reopened = await importFromText(JSON.stringify(exported), {
            format: 'aegis',
            password: 'aegis export password',
          });
          expect(reopened.entries).toHaveLength(1);
        });

        it('approves a push sign-in by typing the number the sign-in page shows', async () => {
          const ann = api();
          const flow = (
            await ann.post('/t/acme/api/v1/sign-in', { username: 'ann@example.com', password })
          ).json();
          const push = flow.methods.find((m: { type: string }) => m.type === 'push');
          expect(push, JSON.stringify(flow.methods)).toBeDefined();
          const { number } = (
            await ann.post(`/t/acme/api/v1/sign-in/${flow.flowId}/challenge`, { methodId: push.id })
          ).json();
          await page.waitForSelector('.challenge', { timeout: 10_000 });
          expect(await page.textContent('.challenge')).toContain('Acme');
          await page.screenshot({ path: join(shotsDir, 'authenticator-push.png'), fullPage: true });
          await check('authenticator: push request');
          await page.fill('.push-number-input', String(number));
          await page.click('.challenge button[type=submit]');
          const outcome = await ann.get(`/t/acme/api/v1/sign-in/${flow.flowId}/push?wait=10`);
          expect(outcome.json()).toMatchObject({ status: 'signed_in' });
          await page.waitForSelector('text=Sign-in approved.');
        });

        it('a wrong number denies the sign-in', async () => {
          const ann = api();
          const flow = (
            await ann.post('/t/acme/api/v1/sign-in', { username: 'ann@example.com', password })
          ).json();
          const push = flow.methods.find((m: { type: string }) => m.type === 'push');
          const { number } = (
            await ann.post(`/t/acme/api/v1/sign-in/${flow.flowId}/challenge`, { methodId: push.id })
          ).json();
          await page.waitForSelector('.challenge', { timeout: 10_000 });
          await page.fill('.push-number-input', String(number === 99 ? 98 : number + 1));
          await page.click('.challenge button[type=submit]');
          await page.waitForSelector('text=Wrong number', { timeout: 10_000 });
          const outcome = await ann.get(`/t/acme/api/v1/sign-in/${flow.flowId}/push?wait=5`);
          expect(outcome.json()).toMatchObject({ status: 'denied' });
        });

        it('with the vault locked, nothing stored on the origin can sign a device request (security review 14.5)', async () => {
          const devices = await t.runtime.database.db
            .selectFrom('push_devices')
            .select('id')
            .where('revoked_at', 'is', null)
            .execute();
          expect(devices).toHaveLength(1);
          const deviceId = devices[0]!.id;
          await page.click('#lock');
          await page.waitForSelector('#passphrase');
          // A script on the origin (or whoever holds the browser profile) takes every key the origin stores and
          // signs the device's request for pending challenges; the server must refuse each attempt.
          const attempts = await page.evaluate(forgeDeviceRequests, { deviceId, tenant: 'acme' });
          expect(attempts.stored).toBeGreaterThan(0); // the vault is there, sealed
          expect(attempts.accepted).toEqual([]);
          expect(attempts.plainPrivateKeys).toBe(0);

          // Unlocked again, the same device answers (its key comes out of the vault).
          await page.fill('#passphrase', 'a long vault passphrase');
          await page.click('button[type=submit]');
          await page.waitForSelector('#search');
          const ann = api();
          const flow = (
            await ann.post('/t/acme/api/v1/sign-in', { username: 'ann@example.com', password })
          ).json();
          const push = flow.methods.find((m: { type: string }) => m.type === 'push');
          const { number } = (
            await ann.post(`/t/acme/api/v1/sign-in/${flow.flowId}/challenge`, { methodId: push.id })
          ).json();
          await page.waitForSelector('.challenge', { timeout: 10_000 });
          await page.fill('.push-number-input', String(number));
          await page.click('.challenge button[type=submit]');
          const outcome = await ann.get(`/t/acme/api/v1/sign-in/${flow.flowId}/push?wait=10`);
          expect(outcome.json()).toMatchObject({ status: 'signed_in' });
        });

        it('a push key that an earlier version kept outside the vault is deleted at unlock, and its account named for activating again (security review 14.5)', async () => {
          await page.click('#lock');
          await page.waitForSelector('#passphrase');
          await page.evaluate(plantLegacyDevice);
          await page.fill('#passphrase', 'a long vault passphrase');
          await page.click('button[type=submit]');
          await page.waitForSelector('#push-migrated');
          const notice = (await page.textContent('#push-migrated')) ?? '';
          expect(notice).toContain('legacy@example.com (Acme)');
          expect(notice).toContain('add push approvals again');
          const attempts = await page.evaluate(forgeDeviceRequests, {
            deviceId: 'legacy-device',
            tenant: 'acme',
          });
          expect(attempts.keys).toBe(0);
        });

        it('shows control and bidi characters of crafted names as visible escapes (security review 14.6)', async () => {
          const secretText = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
          const crafted = [
            `otpauth://totp/${encodeURIComponent('elgoog\u202e')}:${encodeURIComponent('\u202ebob')}?secret=${secretText}`,
            `otpauth://totp/Shop:${encodeURIComponent('mallory\rShop\x1b[2K')}?secret=${secretText}`,
          ];
          await page.click('#tab-uri');
          await page.fill('#uri', crafted.join('\n'));
          await page.click('form:has(#uri) button[type=submit]');
          await page.waitForSelector('#add-report');
          const labels = await page.$$eval('.account-label', (nodes) =>
            nodes.map((node) => node.textContent ?? ''),
          );
          const shown = labels.join('\n');
          expect(shown).toContain('elgoog\\u202e');
          expect(shown).toContain('\\u202ebob');
          expect(shown).toContain('mallory\\x0dShop\\x1b[2K');
          expect(shown).not.toMatch(RAW_ACTIVE);
          expect((await page.textContent('#add-report')) ?? '').not.toMatch(RAW_ACTIVE);
          // What screen readers hear, and the status line after a copy, are inert too.
          const heard = await page.$$eval('.account-main', (nodes) =>
            nodes.map((node) => node.getAttribute('aria-label') ?? ''),
          );
          expect(heard.join('\n')).toContain('elgoog\\u202e');
          expect(heard.join('\n')).not.toMatch(RAW_ACTIVE);
          await page.click('.account:has-text("mallory") .account-main');
          await page.waitForSelector('#status:has-text("mallory")');
          expect((await page.textContent('#status')) ?? '').not.toMatch(RAW_ACTIVE);

          // A file's crafted names in the import preview, before anything is added.
          const file = join(scratch, 'crafted.txt');
          writeFileSync(
            file,
            `otpauth://totp/${encodeURIComponent('Bank\u202e')}:${encodeURIComponent('eve\x1b]0;pwned\x07')}?secret=${secretText}&digits=8\n`,
          );
          await page.click('#tab-import');
          await page.setInputFiles('#import-file', file);
          await page.click('#import-submit');
          await page.waitForSelector('#import-preview');
          const preview = (await page.textContent('#import-preview')) ?? '';
          expect(preview).toContain('Bank\\u202e');
          expect(preview).toContain('eve\\x1b]0;pwned\\x07');
          expect(preview).not.toMatch(RAW_ACTIVE);
          expect(preview).not.toContain('\x07');
          await page.click('#import-cancel');
        });

        it('is accessible locked', async () => {
          await page.click('#lock');
          await page.waitForSelector('#passphrase');
          await check('authenticator: locked');
        });
      });
    }

    describe('in German, and against a device clock that is off', { timeout: 120_000 }, () => {
      const scratch = mkdtempSync(join(tmpdir(), 'twofold-authenticator-de-'));
      const shotsDir = process.env['TWOFOLD_SCREENSHOTS'] ? docsShots : scratch;
      let t: TestApp;
      let origin: string;
      beforeAll(async () => {
        const port = await unusedPort();
        origin = `http://127.0.0.1:${port}`;
        // The page is the same on both databases: one is enough.
        t = await createTestApp(testBackends[0]!, { TWOFOLD_PUBLIC_URL: origin });
        await t.app.listen({ port, host: '127.0.0.1' });
        const acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
        await t.runtime.services.users.create(
          { tenantId: acme.id, email: 'bea@example.com', password },
          operatorActor,
        );
      });
      afterAll(async () => {
        await t?.close();
        rmSync(scratch, { recursive: true, force: true });
      });

      it('speaks the browser’s language in every state, and the picker changes it', async () => {
        const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 900, height: 900 } });
        const page = await context.newPage();
        const api = createBrowserClient(t.app, origin);
        // Bea's registration QR code carries the push activation, as in the English run.
        const flow = (
          await api.post('/t/acme/api/v1/sign-in', { username: 'bea@example.com', password })
        ).json();
        const reg = (
          await api.post(`/t/acme/api/v1/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
        ).json();
        const beaSecret = decodeBase32(reg.secret);
        const done = await api.post(`/t/acme/api/v1/sign-in/${flow.flowId}/verify`, {
          methodId: reg.methodId,
          code: generateTotp({ secret: beaSecret, time: Date.now() / 1000 }),
        });
        expect(done.statusCode, done.body).toBe(200);

        await page.goto(`${origin}/authenticator/`);
        await page.waitForSelector('#new-passphrase');
        expect(await page.getAttribute('html', 'lang')).toBe('de');
        expect(await page.textContent('h1')).toBe('Tresor anlegen');
        await expectAccessible(page, 'authenticator (de): new vault');
        await page.fill('#new-passphrase', 'kurz');
        await page.click('button[type=submit]');
        await page.waitForSelector('text=Verwenden Sie mindestens 8 Zeichen.');
        await page.fill('#new-passphrase', 'eine lange Tresor-Passphrase');
        await page.fill('#new-passphrase-again', 'eine lange Tresor-Passphrase');
        await page.click('button[type=submit]');
        await page.waitForSelector('#search');
        expect(await page.textContent('h1')).toBe('Konten');

        await page.fill('#uri', reg.otpauthUri);
        await page.click('form:has(#uri) button[type=submit]');
        await page.waitForSelector('text=1 Konto hinzugefügt (otpauth-Links).');
        await page.waitForSelector('text=Push-Bestätigungen sind für', { timeout: 15_000 });
        const ring = await page.getAttribute('.ring', 'aria-label');
        expect(ring).toMatch(/^noch \d+ Sekunden?$/);
        await expectAccessible(page, 'authenticator (de): unlocked, an account');

        // A push request, in German.
        const signIn = (
          await api.post('/t/acme/api/v1/sign-in', { username: 'bea@example.com', password })
        ).json();
        const pushEntry = signIn.methods.find((m: { type: string }) => m.type === 'push');
        expect(pushEntry, JSON.stringify(signIn.methods)).toBeDefined();
        const { number } = (
          await api.post(`/t/acme/api/v1/sign-in/${signIn.flowId}/challenge`, { methodId: pushEntry.id })
        ).json();
        await page.waitForSelector('.challenge', { timeout: 10_000 });
        expect(await page.textContent('.challenge-title')).toBe('Melden Sie sich gerade bei Acme an?');
        await page.screenshot({ path: join(shotsDir, 'authenticator-de.png'), fullPage: true });
        await expectAccessible(page, 'authenticator (de): push request');
        await page.click('.challenge button[type=submit]');
        await page.waitForSelector('text=Geben Sie die zweistellige Zahl ein');
        await page.fill('.push-number-input', String(number));
        await page.click('.challenge button[type=submit]');
        await page.waitForSelector('text=Anmeldung bestätigt.');
        await page.waitForFunction(() => document.activeElement?.tagName === 'H1');

        // The import view and its preview, reached with the keyboard: the tabs are one stop, the arrows move.
        await page.focus('#tab-uri');
        await page.keyboard.press('ArrowLeft');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-import');
        expect(await page.getAttribute('#tab-import', 'aria-selected')).toBe('true');
        expect(await page.getAttribute('#tab-uri', 'tabindex')).toBe('-1');
        await expectAccessible(page, 'authenticator (de): import view');
        const file = join(scratch, 'links.txt');
        writeFileSync(
          file,
          `${reg.otpauthUri}\notpauth://totp/Shop:bea?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8\nnot a link\n`,
        );
        await page.setInputFiles('#import-file', file);
        await page.click('#import-submit');
        await page.waitForSelector('#import-preview');
        expect(await page.textContent('#import-preview-title')).toBe(
          '1 Konto zum Hinzufügen aus: otpauth-Links',
        );
        const preview = (await page.textContent('#import-preview')) ?? '';
        expect(preview).toContain('TOTP, 30 Sekunden, 8 Stellen, SHA-1');
        expect(preview).toContain('1 Konto ist schon im Tresor und wird ausgelassen.');
        expect(preview).toContain('1 Eintrag ist nicht lesbar und wird ausgelassen:');
        await expectAccessible(page, 'authenticator (de): import preview');
        await page.click('#import-confirm');
        await page.waitForSelector('#add-report');
        expect(await page.textContent('#add-report')).toContain('1 Konto hinzugefügt (otpauth-Links).');

        await page.click('#lock');
        await page.waitForSelector('#passphrase');
        await page.fill('#passphrase', 'nicht die Passphrase');
        await page.click('button[type=submit]');
        await page.waitForSelector('text=Diese Passphrase ist nicht richtig.');
        await expectAccessible(page, 'authenticator (de): locked, wrong passphrase');

        // The picker: French from now on, for this page and every other Twofold page of the site.
        await Promise.all([page.waitForEvent('load'), page.selectOption('#language', 'fr')]);
        await page.waitForSelector('#passphrase');
        expect(await page.getAttribute('html', 'lang')).toBe('fr');
        expect(await page.textContent('h1')).toBe('Déverrouiller votre coffre');
        expect(await page.title()).toBe('Authentificateur · Twofold');
        await expectAccessible(page, 'authenticator (fr): locked');
        await context.close();
      });

      it('warns when the device clock is off against its server, saying how to fix it (issue 15)', async () => {
        const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 900, height: 900 } });
        const page = await context.newPage();
        // This device's clock runs 3 minutes ahead of the server's.
        await page.clock.install({ time: Date.now() + 3 * 60_000 });
        await page.goto(`${origin}/authenticator/`);
        await page.fill('#new-passphrase', 'a long vault passphrase');
        await page.fill('#new-passphrase-again', 'a long vault passphrase');
        await page.click('button[type=submit]');
        await page.waitForSelector('#clock-warning');
        const warning = (await page.textContent('#clock-warning')) ?? '';
        expect(warning).toContain(`This device’s clock is about 3 minutes ahead of the clock of 127.0.0.1:`);
        expect(warning).toContain('Turn on automatic date and time');
        await expectAccessible(page, 'authenticator: clock warning');

        await context.close();

        // With the clock right, no warning once the three measurements are in.
        const rightContext = await browser.newContext({ viewport: { width: 900, height: 900 } });
        const right = await rightContext.newPage();
        let measured = 0;
        right.on('response', (response) => {
          if (response.url().endsWith('/api/v1/time')) measured += 1;
        });
        await right.goto(`${origin}/authenticator/`);
        await right.fill('#new-passphrase', 'a long vault passphrase');
        await right.fill('#new-passphrase-again', 'a long vault passphrase');
        await right.click('button[type=submit]');
        await right.waitForSelector('#search');
        await expect.poll(() => measured, { timeout: 10_000 }).toBe(3);
        await right.evaluate(
          () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))),
        );
        expect(await right.$('#clock-warning')).toBeNull();
        await rightContext.close();
      });
    });
  },
);

/**
 * In the page, as an attacker's script: finds every CryptoKey and every private JWK in the origin's IndexedDB
 * (at any depth) and signs GET .../devices/{id}/challenges with each, as the push protocol asks; returns how
 * many it found and the statuses the server accepted.
 */
async function forgeDeviceRequests(target: { deviceId: string; tenant: string }) {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('twofold-authenticator');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const values: unknown[] = [];
  for (const name of Array.from(db.objectStoreNames)) {
    values.push(
      ...(await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      })),
    );
  }
  db.close();
  const keys: CryptoKey[] = [];
  let plainPrivateKeys = 0;
  const walk = (value: unknown, depth: number) => {
    if (depth > 8 || value === null || typeof value !== 'object') {
      if (typeof value === 'string' && /"d"\s*:/.test(value)) plainPrivateKeys += 1;
      return;
    }
    if (value instanceof CryptoKey) {
      keys.push(value);
      return;
    }
    if ('d' in value && 'kty' in value) plainPrivateKeys += 1;
    for (const inner of Object.values(value)) walk(inner, depth + 1);
  };
  for (const value of values) walk(value, 0);
  const path = `/t/${target.tenant}/api/v1/devices/${encodeURIComponent(target.deviceId)}/challenges?wait=0`;
  const accepted: number[] = [];
  for (const key of keys) {
    const timestamp = Date.now();
    const digest = await crypto.subtle.digest('SHA-256', new Uint8Array());
    const bodyHash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const data = new TextEncoder().encode(`GET\n${path}\n${timestamp}\n${bodyHash}`);
    let signature: ArrayBuffer;
    try {
      signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, data);
    } catch {
      continue;
    }
    let binary = '';
    for (const byte of new Uint8Array(signature)) binary += String.fromCharCode(byte);
    const response = await fetch(path, {
      headers: {
        'x-twofold-device': target.deviceId,
        'x-twofold-timestamp': String(timestamp),
        'x-twofold-signature': btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
      },
    });
    if (response.ok) accepted.push(response.status);
  }
  return { stored: values.length, keys: keys.length, plainPrivateKeys, accepted };
}

/**
 * In the page: what an earlier version stored for an activated device, a non-extractable CryptoKey beside the
 * vault under 'pushDevices' (here for an account the vault does not know, so the notice names it by its e-mail).
 */
async function plantLegacyDevice(): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('twofold-authenticator');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]);
  await new Promise<void>((resolve, reject) => {
    const transaction = db.transaction('kv', 'readwrite');
    const device = {
      entryId: 'not-in-this-vault',
      server: location.origin,
      tenant: 'acme',
      tenantName: 'Acme',
      deviceId: 'legacy-device',
      userEmail: 'legacy@example.com',
      activatedAt: new Date().toISOString(),
      privateKey: pair.privateKey,
    };
    transaction.objectStore('kv').put([device], 'pushDevices');
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
  });
  db.close();
}
