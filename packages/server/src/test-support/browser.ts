/**
 * What the browser tests (src/e2e/*.browser.test.ts) share: real Chromium, TOTP codes from oathtool
 * (an implementation other than ours), QR codes read back by zbarimg from the pixels on screen, and
 * the folders their files and screenshots go to.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock, createRunningClock } from '../platform/clock.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { User } from '../users/user-service.js';
import { expectAccessible } from './accessibility.js';
import { createTestApp, type TestApp } from './app.js';
import { type TestBackend, testBackends } from './databases.js';
import { unusedPort } from './message-servers.js';

export const chromiumPath = '/usr/bin/chromium';
/** Browser suites are skipped (and say why) on a machine without Chromium. */
export const hasChromium = existsSync(chromiumPath);

/** Headless Chromium, without the background traffic a test has no use for. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
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
}

/** `oathtool --now` takes a date in this form. */
export function oathDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The TOTP code of `secret` at `ms`, computed by oathtool (RFC 6238 defaults: SHA-1, 6 digits, 30 s). */
export function oathtool(secret: string, ms: number): string {
  return execFileSync('oathtool', ['--totp', '-b', secret, '--now', oathDate(ms)], {
    encoding: 'utf8',
  }).trim();
}

/** Reads the QR code image on the page with zbarimg, as a phone camera would; returns its text (the otpauth URI). */
export async function scanQrCode(page: Page, dir: string): Promise<string> {
  const file = join(dir, `qr-${Date.now()}.png`);
  await page.locator('.qr img').screenshot({ path: file });
  return execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' }).trim();
}

/** The key of an otpauth URI. */
export function secretOf(otpauthUri: string): string {
  const secret = new URL(otpauthUri).searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${otpauthUri}`);
  return secret;
}

/** The README's pictures. */
const docsScreenshots = new URL('../../../../docs/screenshots/', import.meta.url).pathname;

/** TOTP's time step (the server's clock starts 10 s into one). */
export const stepMs = 30_000;

/** One database's run of a browser suite: a real server on a loopback port, with tenant `acme`. */
export interface BrowserSuite {
  readonly backend: TestBackend;
  /**
   * The server's clock: manual, started on a TOTP step boundary plus 10 s (so "the current code" is
   * never at the edge of a step) and moved by the test, so that codes are computed for exactly its time.
   * With `runningClock` it also runs on its own from the system's time, as it does for real users.
   */
  readonly clock: ReturnType<typeof createManualClock>;
  /** The Chromium of the suite. */
  readonly browser: Browser;
  readonly app: TestApp;
  readonly tenant: Tenant;
  /** `http://127.0.0.1:<port>` (or `http://localhost:<port>`) */
  readonly origin: string;
  /** A temporary folder of the run's own (QR code images, screenshots nobody keeps). */
  readonly scratch: string;
  /** A page of the tenant: `url('sign-in')`. */
  url(path: string): string;
  /**
   * A screenshot of the page: whole, or with `fullPage` false only as far as the window shows. They go
   * to the temporary folder, or with TWOFOLD_SCREENSHOTS=1 to docs/screenshots/ from the SQLite run.
   */
  shot(page: Page, name: string, fullPage?: boolean): Promise<Buffer>;
  /**
   * Checks the page as it stands with axe-core (no serious or critical violation) and that it shows no raw
   * message key. Pages are the same whatever the database, so it runs in the SQLite run only.
   */
  check(page: Page, state: string): Promise<void>;
}

/**
 * A browser suite: `body` runs once for each test database, in one Chromium launched before and closed
 * after; the suite is skipped, saying why, on a machine without Chromium. The server and tenant of a run
 * exist from its first `beforeAll` (the body's run after this one's) to its last `afterAll`.
 */
export function describeInChromium(
  title: string,
  options: {
    scratchPrefix: string;
    /** Serve on a port picked first, with TWOFOLD_PUBLIC_URL set to exactly `origin` (an OIDC issuer must match). */
    exactPublicUrl?: boolean;
    /** The server's clock runs like the system's (and can still be moved on) instead of standing still. */
    runningClock?: boolean;
    /**
     * Pages at http://localhost:<port> instead of 127.0.0.1 (WebAuthn takes a domain as the relying
     * party, never an IP address); with exactPublicUrl, TWOFOLD_PUBLIC_URL says localhost too.
     */
    localhost?: boolean;
  },
  body: (suite: BrowserSuite) => void,
): void {
  describe.skipIf(!hasChromium)(
    `${title}${hasChromium ? '' : ` (skipped: ${chromiumPath} is absent)`}`,
    () => {
      let browser: Browser | undefined;
      beforeAll(async () => {
        browser = await launchChromium();
      });
      afterAll(async () => {
        await browser?.close();
      });

      for (const backend of testBackends) {
        describe(`on ${backend.name}`, { timeout: 90_000 }, () => {
          const clock = options.runningClock
            ? createRunningClock()
            : createManualClock(Math.floor(Date.now() / stepMs) * stepMs + 10_000);
          const scratch = mkdtempSync(join(tmpdir(), options.scratchPrefix));
          const host = options.localhost ? 'localhost' : '127.0.0.1';
          const shotsDir =
            process.env['TWOFOLD_SCREENSHOTS'] && backend.name === 'sqlite' ? docsScreenshots : scratch;
          let app: TestApp | undefined;
          let tenant: Tenant | undefined;
          let origin = '';
          const running = <T>(value: T | undefined, what: string): T => {
            if (value === undefined)
              throw new Error(`describeInChromium: no ${what} outside the suite's hooks and tests`);
            return value;
          };

          beforeAll(async () => {
            const port = options.exactPublicUrl ? await unusedPort() : 0;
            const env: Record<string, string> = options.exactPublicUrl
              ? { TWOFOLD_PUBLIC_URL: `http://${host}:${port}` }
              : {};
            app = await createTestApp(backend, env, { clock });
            await app.app.listen({ port, host: '127.0.0.1' });
            const address = app.app.server.address();
            origin = `http://${host}:${typeof address === 'object' && address ? address.port : 0}`;
            tenant = await app.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
            mkdirSync(shotsDir, { recursive: true });
          });
          afterAll(async () => {
            await app?.close();
            rmSync(scratch, { recursive: true, force: true });
          });

          body({
            backend,
            clock,
            scratch,
            get browser() {
              return running(browser, 'Chromium');
            },
            get app() {
              return running(app, 'server');
            },
            get tenant() {
              return running(tenant, 'tenant');
            },
            get origin() {
              return origin;
            },
            url: (path) => `${origin}/t/acme/${path}`,
            shot: (page, name, fullPage = true) => page.screenshot({ path: join(shotsDir, name), fullPage }),
            check: async (page, state) => {
              if (backend.name === 'sqlite') await expectAccessible(page, state);
            },
          });
        });
      }
    },
  );
}

/**
 * A user with a password and an active authenticator whose key the test knows (its code is
 * computed with oathtool at the suite's clock); the clock then moves a step on, so the user's next
 * code is not a replay of the one that confirmed the method.
 */
export async function enrolUser(
  suite: BrowserSuite,
  input: { email: string; displayName: string; password: string; roles?: string[] },
): Promise<{ user: User; secret: string }> {
  const { users, totp } = suite.app.runtime.services;
  const user = await users.create(
    {
      tenantId: suite.tenant.id,
      email: input.email,
      displayName: input.displayName,
      password: input.password,
      roles: input.roles ?? [],
    },
    operatorActor,
  );
  const registered = await totp.register(
    { tenantId: suite.tenant.id, userId: user.id, type: 'authenticator', label: 'Phone' },
    operatorActor,
  );
  const confirmed = await totp.verify({
    tenantId: suite.tenant.id,
    userId: user.id,
    methodId: registered.methodId,
    code: oathtool(registered.secret, suite.clock.now()),
  });
  if (!confirmed.ok) throw new Error(`enrolUser: the code for ${input.email} was refused`);
  suite.clock.advance(stepMs);
  return { user, secret: registered.secret };
}
