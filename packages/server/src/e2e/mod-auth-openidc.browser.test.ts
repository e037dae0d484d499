/**
 * docs/apps.md's Apache guide, run: Debian's Apache httpd with mod_auth_openidc (a relying party
 * nobody here wrote) protects a static page on a loopback port, configured as the guide says
 * (`OIDCPKCEMethod S256`, the back-channel logout URI at its redirect URI with
 * `?logout=backchannel`). Chromium signs in through Twofold (password and TOTP) and reaches the
 * page, in two browsers (two Twofold sessions). "Sign out" in one ends that browser's Apache
 * session alone (mod_auth_openidc matches the logout token's `sid`, which its ID token carried);
 * "Sign out everywhere" in the other then ends the other's, and each page asks for a sign-in again.
 *
 * Apache comes from Debian's packages (`apache2`, `libapache2-mod-auth-openidc`): .ci/run installs
 * them; when they are absent the suite tries to install them itself, and is skipped, saying why,
 * only when that fails. Apache runs in the foreground as a child of the test, and is stopped after.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { describeInChromium, enrolUser, oathtool, stepMs } from '../test-support/browser.js';
import { unusedPort } from '../test-support/message-servers.js';

const apacheBinary = '/usr/sbin/apache2';
const modules = '/usr/lib/apache2/modules';
const password = 'correct horse battery staple';

/** Apache and mod_auth_openidc, installed if they are not (idempotent); the reason when they cannot be. */
function ensureApache(): string | undefined {
  const present = () => existsSync(apacheBinary) && existsSync(join(modules, 'mod_auth_openidc.so'));
  if (present()) return undefined;
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: 'ignore',
      timeout: 180_000,
    });
  const install = ['install', '-y', '-qq', 'apache2', 'libapache2-mod-auth-openidc'];
  try {
    apt(install);
  } catch {
    // No package lists yet: read them, then try once more. Not root, or no apt: said below.
    try {
      apt(['update', '-qq']);
      apt(install);
    } catch {}
  }
  return present() ? undefined : 'apache2 with libapache2-mod-auth-openidc is not installed and could not be';
}

const missing = ensureApache();

interface Apache {
  readonly origin: string;
  readonly redirectUri: string;
  readonly logoutUri: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** Writes the guide's configuration for this run and starts Apache in the foreground. */
async function startApache(
  dir: string,
  port: number,
  provider: { issuer: string; clientId: string; clientSecret: string },
  options: { pkce?: boolean } = {},
): Promise<Apache> {
  const origin = `http://127.0.0.1:${port}`;
  const redirectUri = `${origin}/protected/redirect_uri`;
  const www = join(dir, 'www');
  mkdirSync(join(www, 'protected'), { recursive: true });
  writeFileSync(
    join(www, 'protected', 'index.html'),
    '<!doctype html><title>Wiki</title><h1>Protected wiki</h1>\n',
  );
  // Apache's children run as nobody when the test runs as root: they must read the page.
  for (const path of [dir, www, join(www, 'protected')]) chmodSync(path, 0o755);
  const root = process.getuid?.() === 0;
  const load = (name: string, file: string) => `LoadModule ${name} ${join(modules, file)}`;
  const config = [
    load('mpm_event_module', 'mod_mpm_event.so'),
    load('authn_core_module', 'mod_authn_core.so'),
    load('authz_core_module', 'mod_authz_core.so'),
    load('authz_user_module', 'mod_authz_user.so'),
    load('dir_module', 'mod_dir.so'),
    load('mime_module', 'mod_mime.so'),
    load('auth_openidc_module', 'mod_auth_openidc.so'),
    ...(root ? ['User nobody', 'Group nogroup'] : []),
    `ServerRoot "${dir}"`,
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    `PidFile "${join(dir, 'httpd.pid')}"`,
    `DefaultRuntimeDir "${dir}"`,
    `ErrorLog "${join(dir, 'error.log')}"`,
    'LogLevel warn auth_openidc:info',
    `DocumentRoot "${www}"`,
    'DirectoryIndex index.html',
    `TypesConfig /etc/mime.types`,
    // The guide's lines.
    `OIDCProviderMetadataURL ${provider.issuer}/.well-known/openid-configuration`,
    `OIDCClientID ${provider.clientId}`,
    `OIDCClientSecret ${provider.clientSecret}`,
    `OIDCRedirectURI ${redirectUri}`,
    `OIDCCryptoPassphrase ${randomBytes(24).toString('hex')}`,
    ...(options.pkce === false ? [] : ['OIDCPKCEMethod S256']),
    'OIDCScope "openid email profile"',
    'OIDCRemoteUserClaim preferred_username',
    '<Location /protected>',
    '  AuthType openid-connect',
    '  Require valid-user',
    '</Location>',
    '',
  ].join('\n');
  const file = join(dir, 'httpd.conf');
  writeFileSync(file, config);
  const child: ChildProcess = spawn(apacheBinary, ['-f', file, '-DFOREGROUND'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errorLog = () =>
    `${stderr}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`;
  // Listening when a request is answered (bounded: 15 s).
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`apache2 exited: ${errorLog()}`);
    const answer = await fetch(`${origin}/`, { redirect: 'manual' }).catch(() => undefined);
    if (answer) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`apache2 did not listen within 15 s: ${errorLog()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    origin,
    redirectUri,
    logoutUri: `${redirectUri}?logout=backchannel`,
    errorLog,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

describeInChromium(
  `Apache httpd with mod_auth_openidc signs in through Twofold${missing ? ` (skipped: ${missing})` : ''}`,
  { scratchPrefix: 'twofold-apache-', exactPublicUrl: true },
  (suite) => {
    let apache: Apache | undefined;
    let context: BrowserContext;
    let page: Page;
    let secret = '';
    let logoutClientId = '';

    beforeAll(async () => {
      if (missing) return;
      const { secret: key } = await enrolUser(suite, {
        email: 'ada@example.com',
        displayName: 'Ada Lovelace',
        password,
      });
      secret = key;
      const port = await unusedPort();
      const origin = `http://127.0.0.1:${port}`;
      // The Twofold side of the guide: the client, its redirect URI and its back-channel logout URI.
      const created = await suite.app.runtime.services.oidcClients.create(
        {
          tenantId: suite.tenant.id,
          name: 'Apache wiki',
          redirectUris: [`${origin}/protected/redirect_uri`],
          backchannelLogoutUri: `${origin}/protected/redirect_uri?logout=backchannel`,
        },
        operatorActor,
      );
      logoutClientId = created.client.id;
      apache = await startApache(suite.scratch, port, {
        issuer: `${suite.origin}/t/acme`,
        clientId: created.client.id,
        clientSecret: created.clientSecret ?? '',
      });
      // As `twofold serve` does: the courier delivers the logout tokens.
      suite.app.runtime.services.courier.start();
      context = await suite.browser.newContext({ viewport: { width: 900, height: 720 } });
      page = await context.newPage();
    });
    afterAll(async () => {
      await context?.close();
      await apache?.stop();
      await suite.app?.runtime.services.courier.stop();
    });

    it.skipIf(Boolean(missing))(
      "without OIDCPKCEMethod the sign-in is refused, and the refusal says PKCE (the guide's warning)",
      async () => {
        const port = await unusedPort();
        const origin = `http://127.0.0.1:${port}`;
        const created = await suite.app.runtime.services.oidcClients.create(
          { tenantId: suite.tenant.id, name: 'No PKCE', redirectUris: [`${origin}/protected/redirect_uri`] },
          operatorActor,
        );
        const dir = join(suite.scratch, 'no-pkce');
        mkdirSync(dir);
        const bare = await startApache(
          dir,
          port,
          {
            issuer: `${suite.origin}/t/acme`,
            clientId: created.client.id,
            clientSecret: created.clientSecret ?? '',
          },
          { pkce: false },
        );
        const probe = await context.newPage();
        try {
          // Twofold sends the browser back at once with the reason; what Apache then shows is its own
          // (mod_auth_openidc 2.4.12: a message about OIDCDefaultURL, quoted in docs/apps.md).
          await probe.goto(`${origin}/protected/`);
          const back = new URL(probe.url());
          expect(back.origin + back.pathname).toBe(`${origin}/protected/redirect_uri`);
          expect(back.searchParams.get('error')).toBe('invalid_request');
          expect(back.searchParams.get('error_description')).toContain('PKCE');
          expect(await probe.getByRole('heading', { name: 'Protected wiki' }).count()).toBe(0);
        } finally {
          await probe.close();
          await bare.stop();
        }
      },
    );

    /** Signs in at Apache's protected page through Twofold (password and TOTP) in `at`. */
    async function signInAtApache(at: Page) {
      if (!apache) throw new Error('apache did not start');
      const protectedPage = `${apache.origin}/protected/`;
      await at.goto(protectedPage);
      try {
        await at.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15_000 });
      } catch (error) {
        throw new Error(`no sign-in page at ${at.url()}; apache: ${apache.errorLog().slice(-1500)}`, {
          cause: error,
        });
      }
      await at.getByText('to continue to Apache wiki').waitFor();
      await at.getByLabel('Email or username').fill('ada@example.com');
      await at.getByRole('button', { name: 'Next' }).click();
      await at.getByLabel('Password', { exact: true }).fill(password);
      await at.getByRole('button', { name: 'Sign in' }).click();
      await at.getByLabel('Code', { exact: true }).fill(oathtool(secret, suite.clock.now()));
      await at.getByRole('button', { name: 'Verify' }).click();
      try {
        await at.getByRole('heading', { name: 'Protected wiki' }).waitFor({ timeout: 20_000 });
      } catch (error) {
        const text = await at
          .locator('body')
          .textContent()
          .catch(() => '');
        throw new Error(
          `not on the protected page: at ${at.url()} showing ${(text ?? '').slice(0, 300)}; apache: ${apache.errorLog().slice(-1500)}`,
          { cause: error },
        );
      }
      expect(at.url()).toBe(protectedPage);
      // The next sign-in's code is another one (a code is accepted once).
      suite.clock.advance(stepMs);
    }

    /** Waits until `count` logout tokens were accepted by Apache (recorded by the courier); ms since `since`. */
    async function logoutTokensAccepted(count: number, since: number): Promise<number> {
      const { outbox } = suite.app.runtime.services;
      for (;;) {
        const tokens = (await outbox.list(suite.tenant.id)).filter(
          (m) => m.channel === 'logout' && m.recipient === apache?.logoutUri,
        );
        const refused = tokens.find((m) => m.status === 'failed' || m.attempts > 1);
        if (refused)
          throw new Error(
            `a logout token was refused: ${refused.lastError}; apache: ${apache?.errorLog().slice(-1500)}`,
          );
        if (tokens.filter((m) => m.status === 'sent').length >= count) return Date.now() - since;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    /** Whether Apache still lets `at` in, or sends it to Twofold's sign-in. */
    async function apacheLetsIn(at: Page): Promise<boolean> {
      await at.goto(`${apache?.origin}/protected/`);
      const wiki = at.getByRole('heading', { name: 'Protected wiki' });
      const signIn = at.getByRole('heading', { name: 'Sign in' });
      await wiki.or(signIn).first().waitFor({ timeout: 15_000 });
      if (await wiki.count()) return true;
      expect(at.url()).toContain(`${suite.origin}/t/acme/sign-in`);
      return false;
    }

    it.skipIf(Boolean(missing))(
      'Chromium signs in with password and TOTP and reaches the protected page; one "Sign out" ends that Apache session only, sign out everywhere the other',
      async () => {
        // Two browsers of Ada's: this page, and a laptop (its own cookies, so another Twofold session).
        await signInAtApache(page);
        const laptopContext = await suite.browser.newContext({ viewport: { width: 900, height: 720 } });
        try {
          const laptop = await laptopContext.newPage();
          await signInAtApache(laptop);

          // "Sign out" on this browser's Security info page (this session alone).
          await page.goto(suite.url('security-info'));
          const signedOutAt = Date.now();
          await page.getByRole('button', { name: 'Sign out', exact: true }).click();
          await page.waitForURL(suite.url('sign-in'));
          const oneMs = await logoutTokensAccepted(1, signedOutAt);
          console.info(
            `mod_auth_openidc on ${suite.backend.name}: logout token accepted ${oneMs} ms after "Sign out"`,
          );
          expect(oneMs).toBeLessThan(10_000);
          // Apache matched the token's sid: this browser's Apache session ended, the laptop's did not.
          expect(await apacheLetsIn(page)).toBe(false);
          expect(await apacheLetsIn(laptop)).toBe(true);

          // Sign out everywhere, from the laptop's Security info page.
          await laptop.goto(suite.url('security-info'));
          await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
          await laptop.getByRole('heading', { name: 'Sign out everywhere?' }).waitFor();
          const everywhereAt = Date.now();
          await laptop.locator('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
          await laptop.waitForURL(suite.url('sign-in'));
          const everywhereMs = await logoutTokensAccepted(2, everywhereAt);
          console.info(
            `mod_auth_openidc on ${suite.backend.name}: logout token accepted ${everywhereMs} ms after "Sign out everywhere"`,
          );
          expect(everywhereMs).toBeLessThan(10_000);
          const audited = await suite.app.runtime.database.db
            .selectFrom('audit_events')
            .select('details')
            .where('action', '=', 'oidc.backchannel_logout')
            .where('tenant_id', '=', suite.tenant.id)
            .execute();
          expect(audited).toHaveLength(2);
          expect(audited.map((row) => row.details).join()).toContain(logoutClientId);
          expect(await apacheLetsIn(laptop)).toBe(false);
        } finally {
          await laptopContext.close();
        }
      },
    );
  },
);
