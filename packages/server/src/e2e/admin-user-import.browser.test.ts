/**
 * Importing users from CSV in the admin console, in real Chromium (issue 20): the file is checked first,
 * refused lines are listed with their numbers and reasons (and nothing is imported), a corrected file
 * imports every user. Every state is checked with axe. With TWOFOLD_SCREENSHOTS=1 the refused-lines
 * report goes to docs/screenshots/admin-import.png (SQLite run).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, enrolUser, oathtool, stepMs } from '../test-support/browser.js';

const password = 'correct horse battery staple';

describeInChromium(
  'admin console: user import in Chromium',
  { scratchPrefix: 'twofold-admin-import-e2e-' },
  (suite) => {
    const { check, clock, shot, url } = suite;
    let context: BrowserContext;
    let admin: Page;
    let secret = '';

    beforeAll(async () => {
      context = await suite.browser.newContext({ viewport: { width: 1200, height: 900 } });
      admin = await context.newPage();
      secret = (
        await enrolUser(suite, {
          email: 'grace@example.com',
          displayName: 'Grace Hopper',
          password,
          roles: ['global-admin'],
        })
      ).secret;
    });
    afterAll(async () => {
      await context?.close();
    });

    const csvFile = (text: string) => ({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(text),
    });

    it('checks the file first and lists every refused line; nothing is imported', async () => {
      await admin.goto(url('admin'));
      await admin.getByRole('link', { name: 'Sign in' }).click();
      await admin.getByLabel('Email or username').fill('grace@example.com');
      await admin.getByRole('button', { name: 'Next' }).click();
      await admin.getByLabel('Password', { exact: true }).fill(password);
      await admin.getByRole('button', { name: 'Sign in' }).click();
      await admin.getByLabel('Code', { exact: true }).fill(oathtool(secret, clock.now()));
      await admin.getByRole('button', { name: 'Verify' }).click();
      await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
      clock.advance(stepMs);

      await admin.getByRole('button', { name: 'Import from CSV' }).click();
      const dialog = admin.getByRole('dialog', { name: 'Import users from a CSV file' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Check file' }).click();
      await dialog.getByText('Choose a CSV file first.').waitFor();
      await check(admin, 'console: import, no file');

      await dialog
        .getByLabel('CSV file')
        .setInputFiles(
          csvFile(
            'email,name,role\nada@example.com,Ada Lovelace,\nnot-an-email,Nobody,\nada@example.com,Ada again,\nlinus@example.com,Linus,superuser\n',
          ),
        );
      await dialog.getByRole('button', { name: 'Check file' }).click();
      await dialog.getByText('3 lines of 4 refused: nothing was imported.').waitFor();
      const rows = dialog.locator('table.refused-lines tbody tr');
      expect(await rows.count()).toBe(3);
      expect(await rows.nth(0).locator('td').first().textContent()).toBe('3');
      expect(await rows.nth(1).textContent()).toContain('is on line 2 already');
      expect(await rows.nth(2).locator('td').first().textContent()).toBe('5');
      expect(
        await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'ada@example.com'),
      ).toBeUndefined();
      await check(admin, 'console: import, refused lines');
      await shot(admin, 'admin-import.png', false);
    });

    it('a corrected file imports every user at once', async () => {
      const dialog = admin.getByRole('dialog', { name: 'Import users from a CSV file' });
      await dialog.getByRole('button', { name: 'Choose another file' }).click();
      await dialog
        .getByLabel('CSV file')
        .setInputFiles(
          csvFile(
            'email,name,role\nada@example.com,Ada Lovelace,\nlinus@example.com,Linus,helpdesk\nmargaret@example.com,,\n',
          ),
        );
      await dialog.getByRole('button', { name: 'Check file' }).click();
      await dialog.getByText('All 3 lines can be imported.').waitFor();
      await check(admin, 'console: import, ready');
      await dialog.getByRole('button', { name: 'Import 3 users' }).click();
      await admin.getByText('Imported 3 users.').waitFor();
      expect(await dialog.isVisible()).toBe(false);
      await admin.getByRole('link', { name: 'ada@example.com' }).waitFor();
      expect(
        (await suite.app.runtime.services.users.findByEmail(suite.tenant.id, 'linus@example.com'))?.roles,
      ).toEqual(['helpdesk']);
      await check(admin, 'console: users after an import');
    });
  },
);
