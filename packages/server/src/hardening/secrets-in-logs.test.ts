/**
 * Issue 14, item 9 (secrets in logs): the log equivalent of secrets-at-rest.test.ts. A real server
 * (listening on a port, its production logger at trace level writing to a captured stream) is
 * driven over HTTP through every flow that carries a secret: the setup link, passwords, an API key,
 * sign-in flow ids and their cookies, session tokens, an authenticator's secret and codes, a push
 * activation token, an SMS code, recovery codes, a Temporary Access Pass, an application's client
 * secret, authorization codes, OpenID Connect interaction ids, access, refresh and ID tokens (the
 * last as `id_token_hint` of an RP-initiated sign-out). Every cookie the server sets counts as a
 * secret too. The log must hold none of them in any readable form; a canary proves the scan finds
 * what is there.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { decodeBase32, encodeBase32, generateTotp } from '@twofold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { testBackends } from '../test-support/databases.js';
import { unusedPort } from '../test-support/message-servers.js';
import { createTestPushDevice } from '../test-support/push-device.js';
import { formsOf, type Secret, scan } from '../test-support/secret-scan.js';
import { createHttpBrowser, type HttpAnswer, type HttpBrowser } from '../test-support/serve-processes.js';

const base = '/t/acme/api/v1';
const rp = 'https://wiki.example.com';

for (const backend of testBackends) {
  describe(`secrets in logs on ${backend.name}`, () => {
    // Near the real time: the HTTP client drops cookies whose expiry is past on the system clock.
    const clock = createManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
    const logChunks: Buffer[] = [];
    const logDestination = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        logChunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        done();
      },
    });
    let t: TestApp;
    let origin = '';

    beforeAll(async () => {
      const port = await unusedPort();
      origin = `http://127.0.0.1:${port}`;
      t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: origin }, { clock, logDestination });
      await t.app.listen({ port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('no secret of any flow is readable in the log', { timeout: 60_000 }, async () => {
      const secrets: Secret[] = [];
      const keep = (name: string, value: unknown, raw?: Uint8Array) => {
        expect(typeof value, name).toBe('string');
        expect((value as string).length, name).toBeGreaterThan(0);
        if (!secrets.some((s) => s.value === value))
          secrets.push({ name, value: value as string, ...(raw ? { raw } : {}) });
      };
      const browsers: HttpBrowser[] = [];
      const browser = () => {
        const made = createHttpBrowser(origin);
        browsers.push(made);
        return made;
      };
      /** A request that must succeed with `status`; every cookie the server sets is kept as a secret. */
      const call = async (
        who: HttpBrowser,
        method: string,
        path: string,
        status: number,
        options: Parameters<HttpBrowser['request']>[3] = {},
      ): Promise<HttpAnswer> => {
        const answer = await who.request(origin, method, path, { redirect: 'manual', ...options });
        expect(answer.status, `${method} ${path}: ${answer.text.slice(0, 300)}`).toBe(status);
        for (const [name, value] of who.cookies) keep(`cookie ${name}`, value);
        return answer;
      };
      const now = () => Math.floor(clock.now() / 1000);
      const { tenants, apiKeys, setup, outbox } = t.runtime.services;
      const acme = await tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);

      // The setup link: its token is posted with the first admin's password.
      const link = await setup.issueLink(acme, origin, operatorActor);
      keep('setup link', link.setupUrl);
      const setupToken = new URL(link.setupUrl).hash.replace('#token=', '');
      keep('setup token', setupToken);
      const rootPassword = `root-${randomBytes(9).toString('base64url')}`;
      keep('first admin password', rootPassword);
      await call(browser(), 'POST', `${base}/setup`, 201, {
        json: { token: setupToken, email: 'root@example.com', password: rootPassword },
      });

      // An API key creates a user with a password.
      const { key: apiKey } = await apiKeys.create(
        { tenantId: acme.id, role: 'global-admin' },
        operatorActor,
      );
      keep('API key', apiKey);
      const admin = { authorization: `Bearer ${apiKey}` };
      const password = `pw-${randomBytes(12).toString('base64url')}`;
      keep('password', password);
      const created = await call(browser(), 'POST', `${base}/admin/users`, 201, {
        json: { email: 'ann@example.com', password },
        headers: admin,
      });
      const userId = created.json.id as string;

      // First sign-in: registration of an authenticator, its code, recovery codes, a session.
      const ann = browser();
      const flow = (
        await call(ann, 'POST', `${base}/sign-in`, 200, { json: { username: 'ann@example.com', password } })
      ).json;
      expect(flow.status).toBe('registration_required');
      keep('sign-in flow id', flow.flowId);
      const reg = (
        await call(ann, 'POST', `${base}/sign-in/${flow.flowId}/register`, 200, {
          json: { type: 'authenticator' },
        })
      ).json;
      const totpSecret = decodeBase32(reg.secret);
      keep('authenticator secret', reg.secret, totpSecret);
      const pushToken = new URL(reg.otpauthUri).searchParams.get('twofold_push');
      keep('push activation token', pushToken);
      const code = generateTotp({ secret: totpSecret, time: now() });
      keep('authenticator code', code);
      const done = (
        await call(ann, 'POST', `${base}/sign-in/${flow.flowId}/verify`, 200, {
          json: { methodId: reg.methodId, code },
        })
      ).json;
      expect(done.status).toBe('signed_in');
      keep('session token', done.session.token);
      for (const [i, recovery] of (done.recoveryCodes as string[]).entries())
        keep(`recovery code ${i + 1}`, recovery);

      // The push device is activated with the token from the URI.
      const device = createTestPushDevice();
      await call(browser(), 'POST', `${base}/devices/activate`, 201, {
        json: { activationToken: pushToken, publicKey: device.publicKey, name: 'Phone' },
      });

      // An SMS method: its code (kept by the development outbox) proves the number.
      const sms = await call(ann, 'POST', `${base}/me/methods`, 201, {
        json: { type: 'sms', phoneNumber: '+1 415 555 2671' },
      });
      const texts = await outbox.list(acme.id);
      const smsCode = /\b(\d{6})\b/.exec(texts.find((m) => m.channel === 'sms')?.body ?? '')?.[1];
      keep('SMS code', smsCode);
      await call(ann, 'POST', `${base}/me/methods/${sms.json.methodId}/verify`, 200, {
        json: { code: smsCode },
      });

      // A sign-in with a recovery code, and one with a Temporary Access Pass.
      clock.advance(60_000);
      const second = browser();
      const flow2 = (
        await call(second, 'POST', `${base}/sign-in`, 200, {
          json: { username: 'ann@example.com', password },
        })
      ).json;
      keep('second sign-in flow id', flow2.flowId);
      const recovered = await call(second, 'POST', `${base}/sign-in/${flow2.flowId}/verify`, 200, {
        json: { methodId: 'recovery-codes', code: done.recoveryCodes[4] },
      });
      keep('session token (recovery code)', recovered.json.session.token);
      const issued = await call(
        browser(),
        'POST',
        `${base}/admin/users/${userId}/temporary-access-pass`,
        201,
        {
          json: { lifetimeMinutes: 60 },
          headers: admin,
        },
      );
      keep('Temporary Access Pass', issued.json.pass);
      const byPass = await call(browser(), 'POST', `${base}/sign-in`, 200, {
        json: { username: 'ann@example.com', temporaryAccessPass: issued.json.pass },
      });
      keep('session token (pass)', byPass.json.session.token);

      // An application: its secret, an authorization (interaction ids, the code), its tokens.
      const app = await call(browser(), 'POST', `${base}/admin/oidc-clients`, 201, {
        json: { name: 'Wiki', redirectUris: [`${rp}/callback`], postLogoutRedirectUris: [`${rp}/bye`] },
        headers: admin,
      });
      const clientId = app.json.client.clientId as string;
      keep('client secret', app.json.clientSecret);
      const basic = {
        authorization: `Basic ${Buffer.from(`${clientId}:${app.json.clientSecret}`).toString('base64')}`,
      };
      const verifier = randomBytes(32).toString('base64url');
      keep('PKCE verifier', verifier);
      const authorization = `/t/acme/oidc/auth?${new URLSearchParams({
        client_id: clientId,
        redirect_uri: `${rp}/callback`,
        response_type: 'code',
        scope: 'openid email profile offline_access',
        prompt: 'consent',
        login_hint: 'ann@example.com',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: randomBytes(12).toString('base64url'),
        nonce: randomBytes(12).toString('base64url'),
      })}`;
      /** Follows Twofold's redirects as the browser would; returns where the browser leaves Twofold. */
      const follow = async (who: HttpBrowser, path: string): Promise<URL> => {
        let next = new URL(path, origin);
        for (let hop = 0; hop < 10 && next.origin === origin; hop++) {
          for (const id of /\/oidc\/(?:interaction|auth)\/([^/?]+)/.exec(next.pathname)?.slice(1) ?? [])
            keep('interaction id', id);
          const answer = await who.request(origin, 'GET', `${next.pathname}${next.search}`, {
            redirect: 'manual',
          });
          for (const [name, value] of who.cookies) keep(`cookie ${name}`, value);
          const location = answer.headers.get('location');
          if (!location) return next;
          next = new URL(location, next);
        }
        return next;
      };
      const back = await follow(ann, authorization);
      expect(`${back.origin}${back.pathname}`).toBe(`${rp}/callback`);
      keep('authorization code', back.searchParams.get('code'));
      const tokens = (
        await call(browser(), 'POST', '/t/acme/oidc/token', 200, {
          form: {
            grant_type: 'authorization_code',
            code: back.searchParams.get('code') ?? '',
            redirect_uri: `${rp}/callback`,
            code_verifier: verifier,
          },
          headers: { ...basic, origin: '' },
        })
      ).json;
      keep('access token', tokens.access_token);
      keep('refresh token', tokens.refresh_token);
      keep('ID token', tokens.id_token);
      await call(browser(), 'GET', '/t/acme/oidc/userinfo', 200, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      const refreshed = (
        await call(browser(), 'POST', '/t/acme/oidc/token', 200, {
          form: { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
          headers: { ...basic, origin: '' },
        })
      ).json;
      keep('refreshed access token', refreshed.access_token);
      keep('refreshed refresh token', refreshed.refresh_token);
      keep('refreshed ID token', refreshed.id_token);
      await call(browser(), 'POST', '/t/acme/oidc/token/revocation', 200, {
        form: { token: refreshed.refresh_token },
        headers: { ...basic, origin: '' },
      });

      // A browser without a session: the sign-in page is asked with the interaction id, and the
      // sign-in is given up.
      const stranger = browser();
      const page = await follow(stranger, authorization);
      expect(page.pathname).toBe('/t/acme/sign-in');
      const uid = page.searchParams.get('interaction') ?? '';
      keep('interaction id', uid);
      await call(stranger, 'GET', `${page.pathname}${page.search}`, 200);
      await call(stranger, 'GET', `/t/acme/oidc/interaction/${uid}/details`, 200);
      await call(stranger, 'POST', `/t/acme/oidc/interaction/${uid}/abort`, 200, { json: {} });

      // RP-initiated sign-out with the ID token as its hint.
      const end = await call(
        ann,
        'GET',
        `/t/acme/oidc/session/end?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: `${rp}/bye` })}`,
        200,
      );
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(end.text)?.[1];
      keep('sign-out form token', xsrf);
      await call(ann, 'POST', '/t/acme/oidc/session/end/confirm', 303, {
        form: { xsrf: xsrf ?? '', logout: 'yes' },
      });
      expect(browsers.length).toBeGreaterThan(5);

      // Control: a canary written to the log in one derived form is found.
      const canaryBytes = randomBytes(20);
      const canaryForms = formsOf({ name: 'canary', value: encodeBase32(canaryBytes), raw: canaryBytes });
      t.app.log.info({ note: `probe ${canaryBytes.toString('base64')}` }, 'leak probe');
      const log = Buffer.concat(logChunks);
      expect(scan('log', log, canaryForms).map((h) => h.form)).toContain('base64 of raw bytes');

      // The log has the requests (in their redacted form), and none of the secrets.
      const lines = log
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { msg?: string; req?: { url?: string } });
      const urls = lines.flatMap((line) =>
        line.msg === 'incoming request' && line.req?.url ? [line.req.url] : [],
      );
      expect(urls).toContain('/t/acme/api/v1/sign-in/[redacted]/verify');
      expect(urls.some((url) => url.startsWith('/t/acme/oidc/session/end?id_token_hint=[redacted]'))).toBe(
        true,
      );
      expect(urls).toContain('/t/acme/oidc/interaction/[redacted]/details');
      const forms = secrets.flatMap(formsOf);
      const hits = scan('log', log, forms);
      console.info(
        `secrets in logs (${backend.name}): ${secrets.length} secrets in ${forms.length} forms, ` +
          `${lines.length} log lines (${urls.length} requests, ${log.length} bytes), ${hits.length} hits`,
      );
      expect(hits).toEqual([]);
    });
  });
}
