/**
 * Issue 18 in the web authenticator (real Chromium): each format's fixture file is picked, its format
 * recognised, its password typed when it has one, and afterwards the vault (read back from the encrypted backup
 * the page downloads) holds exactly the expected accounts; a wrong password says so and adds nothing.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openVault, type VaultEntry } from '@twofold/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entryShape,
  fixture,
  IMPORT_FIXTURE_DIR,
  IMPORT_FIXTURES,
} from '../../../core/src/test-support/import-fixtures.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { chromiumPath, hasChromium, launchChromium } from '../test-support/browser.js';
import { testBackends } from '../test-support/databases.js';
import { unusedPort } from '../test-support/message-servers.js';

const passphrase = 'a long vault passphrase';

describe.skipIf(!hasChromium)(
  `web authenticator import in Chromium${hasChromium ? '' : ` (skipped: ${chromiumPath} is absent)`}`,
  { timeout: 120_000 },
  () => {
    let browser: Browser;
    let t: TestApp;
    let page: Page;
    let origin: string;
    beforeAll(async () => {
      browser = await launchChromium();
      const port = await unusedPort();
      origin = `http://127.0.0.1:${port}`;
      // The page is static: one database is enough to serve it.
      t = await createTestApp(testBackends[0]!, { TWOFOLD_PUBLIC_URL: origin });
      await t.app.listen({ port, host: '127.0.0.1' });
      page = await (
        await browser.newContext({ viewport: { width: 900, height: 900 }, acceptDownloads: true })
      ).newPage();
      await page.goto(`${origin}/authenticator/`);
      await page.fill('#new-passphrase', passphrase);
      await page.fill('#new-passphrase-again', passphrase);
      await page.click('button[type=submit]');
      await page.waitForSelector('#search');
      await page.click('#tab-import');
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    async function vaultEntries(): Promise<VaultEntry[]> {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#backup')]);
      const text = readFileSync((await download.path())!, 'utf8');
      return (await openVault(text, passphrase)).vault.entries;
    }

    async function importFile(file: string, password: string | undefined): Promise<string> {
      // Switching tabs clears the last report and error, so the next one is seen even when it reads the same.
      await page.click('#tab-uri');
      await page.click('#tab-import');
      const before = await shown();
      await page.setInputFiles('#import-file', new URL(file, IMPORT_FIXTURE_DIR).pathname);
      await page.fill('#import-password', password ?? '');
      await page.click('#import-submit');
      await page.waitForFunction(
        (previous) =>
          `${document.getElementById('add-report')?.textContent ?? ''}|${document.getElementById('add-error')?.textContent ?? ''}` !==
          previous,
        before,
        { timeout: 60_000 },
      );
      return shown();
    }

    function shown(): Promise<string> {
      return page.evaluate(
        () =>
          `${document.getElementById('add-report')?.textContent ?? ''}|${document.getElementById('add-error')?.textContent ?? ''}`,
      );
    }

    it('a wrong password says so and adds nothing', async () => {
      const message = await importFile('2fas-encrypted.2fas', 'not the password');
      expect(message).toContain('2FAS backup: the password does not open it');
      const none = await importFile('raivo-otp-export.zip', undefined);
      expect(none).toContain('This file is encrypted');
      expect(await vaultEntries()).toEqual([]);
    });

    for (const { file, format } of IMPORT_FIXTURES) {
      it(`${file}: recognised as ${format}, and the vault then holds each account exactly`, async () => {
        const { expected } = fixture(file);
        const report = await importFile(file, expected.password);
        expect(report).toContain(`(${format}).`);
        const held = (await vaultEntries()).map(entryShape);
        for (const account of expected.accounts) expect(held).toContainEqual(account);
      });
    }

    it('takes screenshots of the import view at desktop and phone widths', async () => {
      await page.screenshot({ path: join(tmpdir(), 'twofold-authenticator-import.png'), fullPage: true });
      await page.setViewportSize({ width: 375, height: 800 });
      await page.screenshot({ path: join(tmpdir(), 'twofold-authenticator-import-375.png'), fullPage: true });
      expect(await page.textContent('#tab-import')).toContain('Import');
    });
  },
);
