/**
 * Issue 15, defect 4: `twofold-authenticator add --qr` must read Twofold's own registration QR code
 * from a screenshot of the page, as zbarimg does. Real Chromium shows the registration page at device
 * scale 1 and 2; the whole window's screenshot is decoded by the authenticator's own decoder (the
 * same functions `add --qr` calls) and by zbarimg, and both must give the URI the server issued.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { describeInChromium, secretOf } from '../test-support/browser.js';

const authenticatorBin = new URL('../../../authenticator/bin/twofold-authenticator.js', import.meta.url)
  .pathname;

/** Runs `twofold-authenticator` on a vault in the scratch folder. */
function authenticator(vault: string, args: string[]): string {
  return execFileSync(process.execPath, [authenticatorBin, '--vault', vault, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TWOFOLD_VAULT_PASSPHRASE: 'screenshots are not secret here' },
  });
}

const password = 'correct horse battery staple';

describeInChromium(
  'the registration QR code from a screenshot',
  { scratchPrefix: 'twofold-qr-' },
  (suite) => {
    for (const deviceScaleFactor of [1, 2]) {
      for (const viewport of [
        { width: 900, height: 900 },
        { width: 375, height: 812 },
      ]) {
        it(`is read by the authenticator's decoder and by zbarimg at device scale ${deviceScaleFactor}, ${viewport.width} px wide`, async () => {
          const email = `qr-${deviceScaleFactor}-${viewport.width}@example.com`;
          await suite.app.runtime.services.users.create(
            { tenantId: suite.tenant.id, email, displayName: 'Quinn', password },
            operatorActor,
          );
          const context = await suite.browser.newContext({ viewport, deviceScaleFactor });
          try {
            const page = await context.newPage();
            await page.goto(suite.url('sign-in'));
            await page.getByLabel('Email or username').fill(email);
            await page.getByRole('button', { name: 'Next' }).click();
            await page.getByLabel('Password', { exact: true }).fill(password);
            await page.getByRole('button', { name: 'Sign in' }).click();
            await page.getByRole('heading', { name: 'More information required' }).waitFor();
            await page.getByRole('button', { name: 'Next' }).click();
            await page.getByRole('heading', { name: 'Start by getting the app' }).waitFor();
            const registered = page.waitForResponse(
              (r) => r.url().endsWith('/register') && r.status() === 200,
            );
            await page.getByRole('button', { name: 'Next' }).click();
            const { otpauthUri } = (await (await registered).json()) as { otpauthUri: string };
            await page.getByRole('heading', { name: 'Scan the QR code' }).waitFor();
            await page.locator('.qr img').waitFor();
            await page.locator('.qr img').evaluate((img) => (img as HTMLImageElement).decode());
            const file = join(suite.scratch, `register-${deviceScaleFactor}x-${viewport.width}.png`);
            await page.screenshot({ path: file });

            // The authenticator's own `add --qr`, then its export: the same key and account.
            const vault = join(suite.scratch, `vault-${deviceScaleFactor}-${viewport.width}.json`);
            authenticator(vault, ['add', '--qr', file, '--json']);
            const exported = join(suite.scratch, `export-${deviceScaleFactor}-${viewport.width}.txt`);
            authenticator(vault, ['export', '--format', 'otpauth', '--out', exported]);
            const [uri] = readFileSync(exported, 'utf8').trim().split('\n');
            expect(secretOf(uri!)).toBe(secretOf(otpauthUri));
            expect(decodeURIComponent(new URL(uri!).pathname)).toContain(email);
            expect(execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' }).trim()).toBe(
              otpauthUri,
            );
          } finally {
            await context.close();
          }
        });
      }
    }
  },
);
