/**
 * docs/apps.md's Apache guide, run: Debian's Apache httpd with mod_auth_openidc (a relying party
 * nobody here wrote) protects a static page on a loopback port, configured as the guide says
 * (`OIDCPKCEMethod S256`, the back-channel logout URI at its redirect URI with
 * `?logout=backchannel`). Chromium signs in through Twofold (password and TOTP) and reaches the
 * page; "Sign out everywhere" on Security info then ends Apache's session through a back-channel
 * logout token, and the page asks for a sign-in again.
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
import { describeInChromium, enrolUser, oathtool } from '../test-support/browser.js';
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

    it.skipIf(Boolean(missing))(
      'Chromium signs in with password and TOTP and reaches the protected page; sign out everywhere ends the Apache session',
      async () => {
        if (!apache) throw new Error('apache did not start');
        const protectedPage = `${apache.origin}/protected/`;
        await page.goto(protectedPage);
        try {
          await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15_000 });
        } catch (error) {
          throw new Error(`no sign-in page at ${page.url()}; apache: ${apache.errorLog().slice(-1500)}`, {
            cause: error,
          });
        }
        await page.getByText('to continue to Apache wiki').waitFor();
        await page.getByLabel('Email or username').fill('ada@example.com');
        await page.getByRole('button', { name: 'Next' }).click();
        await page.getByLabel('Password', { exact: true }).fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByLabel('Code', { exact: true }).fill(oathtool(secret, suite.clock.now()));
        await page.getByRole('button', { name: 'Verify' }).click();
        try {
          await page.getByRole('heading', { name: 'Protected wiki' }).waitFor({ timeout: 20_000 });
        } catch (error) {
          const text = await page
            .locator('body')
            .textContent()
            .catch(() => '');
          throw new Error(
            `not on the protected page: at ${page.url()} showing ${(text ?? '').slice(0, 300)}; apache: ${apache.errorLog().slice(-1500)}`,
            { cause: error },
          );
        }
        expect(page.url()).toBe(protectedPage);

        // Sign out everywhere, from Twofold's Security info page.
        await page.goto(suite.url('security-info'));
        await page.getByRole('button', { name: 'Sign out everywhere' }).click();
        await page.getByRole('heading', { name: 'Sign out everywhere?' }).waitFor();
        const signedOutAt = Date.now();
        await page.locator('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
        await page.waitForURL(suite.url('sign-in'));

        // The logout token reaches Apache (its answer recorded by the courier), within seconds.
        const { outbox } = suite.app.runtime.services;
        let deliveredMs = -1;
        while (deliveredMs < 0) {
          const token = (await outbox.list(suite.tenant.id)).find(
            (m) => m.channel === 'logout' && m.recipient === apache?.logoutUri,
          );
          if (token?.status === 'sent') deliveredMs = Date.now() - signedOutAt;
          else if (token?.status === 'failed' || (token?.attempts ?? 0) > 1)
            throw new Error(
              `the logout token was refused: ${token?.lastError}; apache: ${apache.errorLog().slice(-1500)}`,
            );
          else await new Promise((resolve) => setTimeout(resolve, 25));
        }
        console.info(
          `mod_auth_openidc on ${suite.backend.name}: logout token accepted ${deliveredMs} ms after "Sign out everywhere"`,
        );
        expect(deliveredMs).toBeLessThan(10_000);
        const audited = await suite.app.runtime.database.db
          .selectFrom('audit_events')
          .select('details')
          .where('action', '=', 'oidc.backchannel_logout')
          .where('tenant_id', '=', suite.tenant.id)
          .execute();
        expect(audited.map((row) => row.details).join()).toContain(logoutClientId);

        // Apache's session is gone: the protected page sends the browser to Twofold's sign-in again.
        await page.goto(protectedPage);
        await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15_000 });
        expect(page.url()).toContain(`${suite.origin}/t/acme/sign-in`);
      },
    );
  },
);
