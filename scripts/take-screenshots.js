// Starts a throwaway Twofold, walks the pages a newcomer sees, and saves screenshots for the README.
// Uses the system Chromium (apt-get install chromium); never downloads a browser.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = new URL('../', import.meta.url);
const out = (name) => new URL(`../docs/screenshots/${name}`, import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'twofold-shots-'));
const port = 18000 + Math.floor(Math.random() * 1000);

const server = spawn(process.execPath, ['packages/server/bin/twofold.js', 'serve'], {
  cwd: root,
  env: {
    ...process.env,
    TWOFOLD_DATA_DIR: dataDir,
    PORT: String(port),
    TWOFOLD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    TWOFOLD_LOG_LEVEL: 'warn',
    DATABASE_URL: '',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let printed = '';
const setupUrl = await new Promise((resolve, reject) => {
  server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  server.stdout.on('data', (chunk) => {
    printed += chunk;
    const match = printed.match(/(http:\S+\/setup#token=\S+)/);
    if (match) resolve(match[1]);
  });
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
  await page.goto(setupUrl);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Display name').fill('Ada Lovelace');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByText('Use at least 8 characters.').waitFor();
  await page.screenshot({ path: out('setup-error.png') });
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.getByText('Your administrator account is ready').waitFor();
  await page.screenshot({ path: out('setup-done.png') });
  const mobile = await browser.newPage({ viewport: { width: 375, height: 700 } });
  await mobile.goto(setupUrl);
  await mobile.screenshot({ path: out('setup-375.png') });
  process.stdout.write('saved docs/screenshots/setup-error.png, setup-done.png, setup-375.png\n');
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
