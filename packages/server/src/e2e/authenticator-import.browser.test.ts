/**
 * Issue 18 in the web authenticator (real Chromium): each format's fixture file is picked, its format
 * recognised, its password typed when it has one, its accounts shown in a preview before anything is added,
 * and afterwards the vault (read back from the encrypted backup the page downloads) holds exactly the
 * expected accounts; a wrong password says so and adds nothing, and so does a preview that is cancelled.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Catalog, createTranslator, type ImportFormat, openVault, type VaultEntry } from '@twofold/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entryShape,
  fixture,
  IMPORT_FIXTURE_DIR,
  IMPORT_FIXTURES,
} from '../../../core/src/test-support/import-fixtures.js';
import { expectAccessible } from '../test-support/accessibility.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { chromiumPath, hasChromium, launchChromium } from '../test-support/browser.js';
import { testBackends } from '../test-support/databases.js';
import { unusedPort } from '../test-support/message-servers.js';

const passphrase = 'a long vault passphrase';
/** With TWOFOLD_SCREENSHOTS set, the preview's screenshot is the README's (docs/screenshots/). */
const docsShots = new URL('../../../../docs/screenshots/', import.meta.url).pathname;

/** The page's English words, to find what it says. */
const english = createTranslator(
  'en',
  JSON.parse(
    readFileSync(new URL('../../../web/src/i18n/catalogs/authenticator/en.json', import.meta.url), 'utf8'),
  ) as Catalog,
);
/** A format's name as the English page shows it ("2FAS backup"). */
const formatTitle = (format: ImportFormat) =>
  english.text('authenticator.format', {
    format: format.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
  });

describe.skipIf(!hasChromium)(
  `web authenticator import in Chromium${hasChromium ? '' : ` (skipped: ${chromiumPath} is absent)`}`,
  { timeout: 120_000 },
  () => {
    let browser: Browser;
    let t: TestApp;
    let page: Page;
    let origin: string;
    /** This run's own folder: other runs on the machine write theirs at the same time. */
    const scratch = mkdtempSync(join(tmpdir(), 'twofold-authenticator-import-'));
    const shotsDir = process.env['TWOFOLD_SCREENSHOTS'] ? docsShots : scratch;
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
      rmSync(scratch, { recursive: true, force: true });
    });

    async function vaultEntries(): Promise<VaultEntry[]> {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#backup')]);
      const text = readFileSync((await download.path())!, 'utf8');
      return (await openVault(text, passphrase)).vault.entries;
    }

    /** Picks the file and reads it: the preview's title, or the error shown. */
    async function readFile(file: string, password: string | undefined): Promise<string> {
      // Switching tabs clears the last report, error and preview, so the next one is seen even when it reads the same.
      await page.click('#tab-uri');
      await page.click('#tab-import');
      await page.setInputFiles('#import-file', new URL(file, IMPORT_FIXTURE_DIR).pathname);
      await page.fill('#import-password', password ?? '');
      await page.click('#import-submit');
      await page.waitForFunction(
        () =>
          document.getElementById('import-preview') !== null ||
          (document.getElementById('add-error')?.textContent ?? '') !== '',
        undefined,
        { timeout: 60_000 },
      );
      return shown();
    }

    /** Reads the file and adds what the preview shows: the preview and the report (or the error). */
    async function importFile(file: string, password: string | undefined): Promise<string> {
      const read = await readFile(file, password);
      if ((await page.$('#import-confirm')) === null) return read;
      await page.click('#import-confirm');
      await page.waitForSelector('#add-report');
      return `${read} then ${await shown()}`;
    }

    function shown(): Promise<string> {
      return page.evaluate(
        () =>
          `${document.getElementById('import-preview-title')?.textContent ?? ''}|${document.getElementById('add-report')?.textContent ?? ''}|${document.getElementById('add-error')?.textContent ?? ''}`,
      );
    }

    it('shows what a file holds before adding anything, and a cancelled preview adds nothing', async () => {
      const { expected } = fixture('2fas-schema4.2fas');
      const title = await readFile('2fas-schema4.2fas', undefined);
      expect(title).toContain(`${expected.accounts.length} accounts to add from 2FAS backup`);
      const rows = await page.$$eval('.import-list li', (items) =>
        items.map((item) => item.textContent ?? ''),
      );
      expect(rows).toHaveLength(expected.accounts.length);
      expect(rows.join('\n')).toMatch(/TOTP, 30 seconds, 6 digits, SHA-1/);
      expect(rows.join('\n')).toMatch(/HOTP, counter \d+, 8 digits, SHA-1/);
      // Focus moves to the preview's title once it is drawn (an effect: waited for, not assumed).
      await page.waitForFunction(() => document.activeElement?.id === 'import-preview-title');
      await page.screenshot({ path: join(shotsDir, 'authenticator-import.png'), fullPage: true });
      await expectAccessible(page, 'authenticator: import preview');
      await page.click('#import-cancel');
      expect(await page.$('#import-preview')).toBeNull();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('import-file');
      expect(await vaultEntries()).toEqual([]);
    });

    it('a wrong password says so and adds nothing', async () => {
      const message = await importFile('2fas-encrypted.2fas', 'not the password');
      expect(message).toContain('That password does not open the file. Nothing was imported.');
      expect(message).toContain('2FAS backup: the password does not open it');
      const none = await importFile('raivo-otp-export.zip', undefined);
      expect(none).toContain('This file is encrypted');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('import-password');
      expect(await vaultEntries()).toEqual([]);
    });

    for (const { file, format } of IMPORT_FIXTURES) {
      it(`${file}: recognised as ${format}, and the vault then holds each account exactly`, async () => {
        const { expected } = fixture(file);
        const report = await importFile(file, expected.password);
        // The preview names the format (a file whose accounts an earlier fixture brought adds none of them again).
        expect(report).toContain(`from ${formatTitle(format)}|`);
        const held = (await vaultEntries()).map(entryShape);
        for (const account of expected.accounts) expect(held).toContainEqual(account);
      });
    }

    it('takes screenshots of the import view at desktop and phone widths', async () => {
      await page.screenshot({ path: join(scratch, 'authenticator-import-report.png'), fullPage: true });
      await page.setViewportSize({ width: 375, height: 800 });
      await page.screenshot({ path: join(scratch, 'authenticator-import-375.png'), fullPage: true });
      expect(await page.textContent('#tab-import')).toContain('Import');
      await expectAccessible(page, 'authenticator: import report, 375 px');
    });
  },
);
