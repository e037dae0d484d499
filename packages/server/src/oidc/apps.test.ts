/**
 * What applications get besides signing users in (spec section 6, "Groups, provisioning and
 * apps"), over real HTTP on both databases: the profile and email claims, back-channel logout
 * tokens delivered through the courier to a real receiver (verified against the JWKS that
 * discovery names, retried after a 500), services with client_credentials, token introspection,
 * and the RFC 8414 metadata.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { bearer, type Enrolled, enrol } from '../test-support/attack-kit.js';
import { testBackends } from '../test-support/databases.js';
import { unusedPort } from '../test-support/message-servers.js';
import { backchannelLogoutEvent } from './logout-token.js';

const redirectUri = 'https://wiki.example.com/callback';

/** An application's back-channel logout endpoint: records each POST; answers `statuses` in turn, then 200. */
async function logoutReceiver(statuses: number[] = []) {
  const received: { token: string; at: number; contentType: string | undefined }[] = [];
  const waiting: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status === 200) {
        received.push({
          token: new URLSearchParams(body).get('logout_token') ?? '',
          at: Date.now(),
          contentType: req.headers['content-type'],
        });
        for (const wake of waiting.splice(0)) wake();
      }
      res.writeHead(status, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/backchannel-logout`,
    received,
    /** Resolves once `count` tokens arrived (the test's timeout bounds it). */
    async until(count: number) {
      while (received.length < count) await new Promise<void>((resolve) => waiting.push(resolve));
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const backend of testBackends) {
  describe(`Applications and services on ${backend.name}`, { timeout: 60_000 }, () => {
    const clock = createManualClock(Date.now());
    let t: TestApp;
    let origin = '';
    let acme: Tenant;
    let adminKey = '';
    let ada: Enrolled;

    beforeAll(async () => {
      const port = await unusedPort();
      origin = `http://127.0.0.1:${port}`;
      t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: origin }, { clock });
      await t.app.listen({ port, host: '127.0.0.1' });
      const { tenants, apiKeys } = t.runtime.services;
      acme = await tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      adminKey = (await apiKeys.create({ tenantId: acme.id, role: 'global-admin' }, operatorActor)).key;
      ada = await enrol(t, clock, { email: 'ada@example.com' });
      // As `twofold serve` does: the courier delivers what is queued.
      t.runtime.services.courier.start();
    });
    afterAll(async () => {
      await t?.runtime.services.courier.stop();
      await t?.close();
    });

    const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
      fetch(`${origin}/t/acme/api/v1/admin${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${init.key ?? adminKey}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });

    async function createClient(body: Record<string, unknown>) {
      const created = await api('/oidc-clients', { method: 'POST', body });
      expect(created.status, await created.clone().text()).toBe(201);
      return (await created.json()) as {
        client: { clientId: string; service: boolean; backchannelLogoutUri: string | null };
        clientSecret: string;
      };
    }

    /** The browser's part without a browser (see oidc.test.ts): follows redirects with the session cookie. */
    async function authorize(
      sessionToken: string,
      params: Record<string, string>,
      jar = new Map<string, string>([['twofold_session', sessionToken]]),
    ): Promise<URL> {
      let next = new URL(`${origin}/t/acme/oidc/auth?${new URLSearchParams(params)}`);
      for (let hop = 0; hop < 10; hop++) {
        if (next.origin !== origin) return next;
        const response = await fetch(next, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        keepCookies(jar, response);
        const location = response.headers.get('location') ?? (await submitForm(response, next, jar));
        if (!location) throw new Error(`no redirect from ${next.pathname}: ${response.status}`);
        next = new URL(location, next);
      }
      throw new Error('too many redirects');
    }

    function keepCookies(jar: Map<string, string>, response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const [name, ...value] = (pair ?? '').split('=');
        if (name) jar.set(name.trim(), value.join('='));
      }
    }

    /**
     * What a browser does with the provider's auto-submitting form (the account switch posts to
     * the end-session confirmation): posts its fields; the answer's Location, if any.
     */
    async function submitForm(response: Response, at: URL, jar: Map<string, string>) {
      const html = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      if (!action) return undefined;
      const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)];
      const posted = await fetch(new URL(action.replaceAll('&amp;', '&'), at), {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
          origin,
        },
        body: new URLSearchParams(fields.map((m) => [m[1] ?? '', m[2] ?? ''])),
      });
      keepCookies(jar, posted);
      return posted.headers.get('location') ?? undefined;
    }

    const discover = (id: string, secret: string) =>
      client.discovery(new URL(`${origin}/t/acme`), id, secret, undefined, {
        execute: [client.allowInsecureRequests],
      });

    /** Signs `user` in to the application and returns its tokens. */
    async function signIn(
      app: { clientId: string; secret: string },
      user: Enrolled,
      scope = 'openid',
      jar?: Map<string, string>,
    ) {
      const config = await discover(app.clientId, app.secret);
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const answer = await authorize(
        user.sessionToken,
        {
          client_id: app.clientId,
          redirect_uri: redirectUri,
          response_type: 'code',
          scope,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        },
        jar,
      );
      const tokens = await client.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      return { config, tokens };
    }

    async function verifyAgainstDiscovery(token: string, audience: string): Promise<JWTPayload> {
      const metadata = await (await fetch(`${origin}/t/acme/.well-known/openid-configuration`)).json();
      const jwks = createLocalJWKSet(await (await fetch(metadata.jwks_uri)).json());
      const { payload } = await jwtVerify(token, jwks, {
        issuer: metadata.issuer,
        audience,
        typ: 'logout+jwt',
        currentDate: new Date(clock.now()),
      });
      return payload;
    }

    /** An application with a back-channel logout URI at a new receiver (the caller closes it). */
    async function appWithReceiver(name: string) {
      const receiver = await logoutReceiver();
      const created = await createClient({
        name,
        redirectUris: [redirectUri],
        backchannelLogoutUri: receiver.url,
      });
      return { app: { clientId: created.client.clientId, secret: created.clientSecret }, receiver };
    }

    it('profile gives preferred_username; email gives email_verified, true only once a code sent there was typed back', async () => {
      const created = await createClient({ name: 'Claims', redirectUris: [redirectUri] });
      const app = { clientId: created.client.clientId, secret: created.clientSecret };

      const first = await signIn(app, ada, 'openid profile email');
      const claims = first.tokens.claims();
      expect(claims).toMatchObject({
        sub: ada.user.id,
        email: 'ada@example.com',
        email_verified: false,
        preferred_username: 'ada@example.com',
      });

      // Ada adds an email method at her address and confirms it with the code sent there.
      const { messageCodes, outbox } = t.runtime.services;
      const actor = { type: 'user' as const, id: ada.user.id };
      const registered = await messageCodes.register(
        { tenantId: acme.id, userId: ada.user.id, type: 'email', destination: 'Ada@Example.com' },
        actor,
      );
      const mail = (await outbox.list(acme.id)).find((m) => m.recipient.toLowerCase() === 'ada@example.com');
      const code = /\b(\d{6})\b/.exec(mail?.body ?? '')?.[1] ?? '';
      const checked = await messageCodes.verify({
        tenantId: acme.id,
        userId: ada.user.id,
        methodId: registered.methodId,
        code,
        actor,
      });
      expect(checked).toMatchObject({ ok: true, activated: true });

      const second = await signIn(app, ada, 'openid profile email');
      expect(second.tokens.claims()).toMatchObject({ email_verified: true });
      const info = await client.fetchUserInfo(second.config, second.tokens.access_token, ada.user.id);
      expect(info).toMatchObject({ email_verified: true, preferred_username: 'ada@example.com' });

      // Without the scopes, neither claim.
      const bare = await signIn(app, ada, 'openid');
      expect(bare.tokens.claims()).not.toHaveProperty('email_verified');
      expect(bare.tokens.claims()).not.toHaveProperty('preferred_username');
    });

    it('"Sign out everywhere" sends each application with a logout URI a signed logout token within seconds', async () => {
      const receiver = await logoutReceiver();
      const other = await logoutReceiver();
      try {
        const wiki = await createClient({
          name: 'Wiki',
          redirectUris: [redirectUri],
          backchannelLogoutUri: receiver.url,
        });
        expect(wiki.client.backchannelLogoutUri).toBe(receiver.url);
        const quiet = await createClient({ name: 'No logout URI', redirectUris: [redirectUri] });
        // An application the user never signed in to is not told.
        await createClient({ name: 'Unused', redirectUris: [redirectUri], backchannelLogoutUri: other.url });
        const grace = await enrol(t, clock, { email: 'grace@example.com' });
        const { tokens } = await signIn({ clientId: wiki.client.clientId, secret: wiki.clientSecret }, grace);
        const quietSignIn = await signIn(
          { clientId: quiet.client.clientId, secret: quiet.clientSecret },
          grace,
        );
        // ID tokens carry `sid` for the applications told of logouts, and only for them.
        const sid = tokens.claims()?.sid;
        expect(typeof sid).toBe('string');
        expect(quietSignIn.tokens.claims()).not.toHaveProperty('sid');

        const metadata = await (await fetch(`${origin}/t/acme/.well-known/openid-configuration`)).json();
        expect(metadata).toMatchObject({
          backchannel_logout_supported: true,
          backchannel_logout_session_supported: true,
        });

        const signedOutAt = Date.now();
        const answer = await fetch(`${origin}/t/acme/api/v1/me/sign-out-everywhere`, {
          method: 'POST',
          headers: bearer(grace.sessionToken),
        });
        expect(answer.status).toBe(200);
        const [delivery] = await receiver.until(1);
        const latencyMs = (delivery?.at ?? 0) - signedOutAt;
        console.info(
          `back-channel logout on ${backend.name}: token received ${latencyMs} ms after sign out everywhere`,
        );
        expect(latencyMs).toBeLessThan(5_000);
        expect(delivery?.contentType).toBe('application/x-www-form-urlencoded');

        const token = delivery?.token ?? '';
        expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'logout+jwt' });
        const payload = await verifyAgainstDiscovery(token, wiki.client.clientId);
        expect(payload).toMatchObject({
          iss: `${origin}/t/acme`,
          aud: wiki.client.clientId,
          sub: grace.user.id,
          sid,
          events: { [backchannelLogoutEvent]: {} },
        });
        expect(typeof payload.jti).toBe('string');
        expect(typeof payload.iat).toBe('number');
        expect(payload).not.toHaveProperty('nonce');

        // Audited in the transaction that ended the sessions; the delivery is recorded in the outbox.
        const audit = await t.runtime.database.db
          .selectFrom('audit_events')
          .select(['action', 'details'])
          .where('tenant_id', '=', acme.id)
          .where('action', '=', 'oidc.backchannel_logout')
          .where('target_id', '=', grace.user.id)
          .execute();
        expect(audit).toHaveLength(1);
        expect(JSON.parse(audit[0]?.details ?? '{}').clients).toEqual([
          { clientId: wiki.client.clientId, sid, messageId: payload.jti },
        ]);
        // The courier records the delivery once the receiver's answer is back (a moment after the POST).
        let sent = await t.runtime.services.outbox.get(String(payload.jti));
        while (sent?.status !== 'sent' && sent?.status !== 'failed') {
          await new Promise((resolve) => setTimeout(resolve, 20));
          sent = await t.runtime.services.outbox.get(String(payload.jti));
        }
        expect(sent).toMatchObject({ channel: 'logout', recipient: receiver.url, status: 'sent' });
        expect(other.received).toEqual([]);
      } finally {
        await receiver.close();
        await other.close();
      }
    });

    it('a logout token refused with a 500 is sent again after the back-off; disabling a user tells the application too', async () => {
      const receiver = await logoutReceiver([500]);
      try {
        const wiki = await createClient({
          name: 'Flaky wiki',
          redirectUris: [redirectUri],
          backchannelLogoutUri: receiver.url,
        });
        const lin = await enrol(t, clock, { email: 'lin@example.com' });
        await signIn({ clientId: wiki.client.clientId, secret: wiki.clientSecret }, lin);
        await t.runtime.services.admin.updateUser({
          tenantId: acme.id,
          userId: lin.user.id,
          changes: { disabled: true },
          actor: operatorActor,
        });
        const { outbox } = t.runtime.services;
        const first = async () =>
          (await outbox.list(acme.id)).find((m) => m.channel === 'logout' && m.recipient === receiver.url);
        // The first attempt is answered 500 and recorded as a retry in 10 s.
        for (;;) {
          const message = await first();
          if (message?.attempts === 1 && message.status === 'pending') {
            expect(message.lastError).toContain('500');
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(receiver.received).toEqual([]);
        clock.advance(10_000);
        const [delivery] = await receiver.until(1);
        const payload = await verifyAgainstDiscovery(delivery?.token ?? '', wiki.client.clientId);
        expect(payload.sub).toBe(lin.user.id);
        expect(await first()).toMatchObject({ status: 'sent', attempts: 2 });
      } finally {
        await receiver.close();
      }
    });

    it('every other event that ends the sessions tells the application: revoke, re-registration, a new password, deletion', async () => {
      const { app, receiver } = await appWithReceiver('Events wiki');
      try {
        const { admin } = t.runtime.services;
        const events: [string, (user: Enrolled) => Promise<unknown>][] = [
          [
            'revoke',
            (u) => admin.revokeSessions({ tenantId: acme.id, userId: u.user.id, actor: operatorActor }),
          ],
          [
            'reregistration',
            (u) =>
              admin.requireReregistration({
                tenantId: acme.id,
                userId: u.user.id,
                reason: 'lost phone',
                actor: operatorActor,
              }),
          ],
          [
            'password',
            (u) =>
              admin.setPasswordByOperator({
                tenantSlug: 'acme',
                email: u.user.email,
                password: 'a brand new passphrase 42',
              }),
          ],
          ['delete', (u) => admin.deleteUser({ tenantId: acme.id, userId: u.user.id, actor: operatorActor })],
        ];
        for (const [index, [name, end]] of events.entries()) {
          const user = await enrol(t, clock, { email: `event-${name}@example.com` });
          await signIn(app, user);
          await end(user);
          const received = await receiver.until(index + 1);
          const payload = await verifyAgainstDiscovery(received[index]?.token ?? '', app.clientId);
          expect(payload.sub, name).toBe(user.user.id);
        }
      } finally {
        await receiver.close();
      }
    });

    it('signing out at one application (RP-initiated logout) tells the applications of that browser', async () => {
      const first = await logoutReceiver();
      const second = await logoutReceiver();
      try {
        const one = await createClient({
          name: 'One',
          redirectUris: [redirectUri],
          backchannelLogoutUri: first.url,
        });
        const two = await createClient({
          name: 'Two',
          redirectUris: [redirectUri],
          backchannelLogoutUri: second.url,
        });
        const mo = await enrol(t, clock, { email: 'mo@example.com' });
        const jar = new Map<string, string>([['twofold_session', mo.sessionToken]]);
        const { tokens } = await signIn(
          { clientId: one.client.clientId, secret: one.clientSecret },
          mo,
          'openid',
          jar,
        );
        const twoSignIn = await signIn(
          { clientId: two.client.clientId, secret: two.clientSecret },
          mo,
          'openid',
          jar,
        );
        const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
        const form = await fetch(
          `${origin}/t/acme/oidc/session/end?${new URLSearchParams({
            client_id: one.client.clientId,
            id_token_hint: tokens.id_token ?? '',
          })}`,
          { headers: { cookie: cookie() } },
        );
        expect(form.status).toBe(200);
        const xsrf = /name="xsrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
        expect(xsrf).not.toBe('');
        const confirmed = await fetch(`${origin}/t/acme/oidc/session/end/confirm`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded', origin },
          body: new URLSearchParams({ xsrf, logout: 'yes' }),
        });
        expect(confirmed.status).toBeLessThan(400);
        const [toOne] = await first.until(1);
        const [toTwo] = await second.until(1);
        expect(await verifyAgainstDiscovery(toOne?.token ?? '', one.client.clientId)).toMatchObject({
          sub: mo.user.id,
          sid: tokens.claims()?.sid,
        });
        expect(await verifyAgainstDiscovery(toTwo?.token ?? '', two.client.clientId)).toMatchObject({
          sub: mo.user.id,
          sid: twoSignIn.tokens.claims()?.sid,
        });
        // The Twofold session ended too, and its ending told no application a second time.
        expect(await t.runtime.services.sessions.authenticate(mo.sessionToken)).toBeUndefined();
        const queued = (await t.runtime.services.outbox.list(acme.id)).filter(
          (m) => m.recipient === first.url || m.recipient === second.url,
        );
        expect(queued).toHaveLength(2);
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('one sign-out tells the applications of that session with their sid, within seconds; another session keeps its applications', async () => {
      const { app: wiki, receiver: wikiReceiver } = await appWithReceiver('Session wiki');
      const { app: chat, receiver: chatReceiver } = await appWithReceiver('Session chat');
      try {
        const kim = await enrol(t, clock, { email: 'kim@example.com' });
        // Kim's second session: another browser (its own cookies, so its own provider session).
        const laptop = await t.runtime.services.sessions.create({
          tenantId: acme.id,
          userId: kim.user.id,
          amr: ['pwd', 'otp', 'mfa'],
          mfaAt: clock.now(),
        });
        const laptopUser = { ...kim, sessionToken: laptop.token };
        const phoneJar = new Map<string, string>([['twofold_session', kim.sessionToken]]);
        const laptopJar = new Map<string, string>([['twofold_session', laptop.token]]);
        const phoneWiki = (await signIn(wiki, kim, 'openid', phoneJar)).tokens.claims()?.sid;
        const phoneChat = (await signIn(chat, kim, 'openid', phoneJar)).tokens.claims()?.sid;
        const laptopWiki = (await signIn(wiki, laptopUser, 'openid', laptopJar)).tokens.claims()?.sid;
        expect(typeof phoneWiki).toBe('string');
        expect(typeof phoneChat).toBe('string');
        expect(typeof laptopWiki).toBe('string');
        expect(laptopWiki).not.toBe(phoneWiki);

        // "Sign out" on the phone.
        const signedOutAt = Date.now();
        const answer = await fetch(`${origin}/t/acme/api/v1/sign-out`, {
          method: 'POST',
          headers: bearer(kim.sessionToken),
        });
        expect(answer.status).toBe(204);
        const [toWiki] = await wikiReceiver.until(1);
        const [toChat] = await chatReceiver.until(1);
        const latencyMs = Math.max(toWiki?.at ?? 0, toChat?.at ?? 0) - signedOutAt;
        console.info(
          `back-channel logout on ${backend.name}: tokens received ${latencyMs} ms after one sign-out`,
        );
        expect(latencyMs).toBeLessThan(5_000);
        expect(await verifyAgainstDiscovery(toWiki?.token ?? '', wiki.clientId)).toMatchObject({
          sub: kim.user.id,
          sid: phoneWiki,
          events: { [backchannelLogoutEvent]: {} },
        });
        expect(await verifyAgainstDiscovery(toChat?.token ?? '', chat.clientId)).toMatchObject({
          sub: kim.user.id,
          sid: phoneChat,
        });

        // The tokens were queued with the sign-out: nothing else is on its way to the laptop's wiki.
        const toReceivers = async () =>
          (await t.runtime.services.outbox.list(acme.id)).filter(
            (m) => m.recipient === wikiReceiver.url || m.recipient === chatReceiver.url,
          );
        expect(await toReceivers()).toHaveLength(2);
        const audit = await t.runtime.database.db
          .selectFrom('audit_events')
          .select('details')
          .where('tenant_id', '=', acme.id)
          .where('action', '=', 'oidc.backchannel_logout')
          .where('target_id', '=', kim.user.id)
          .execute();
        expect(audit).toHaveLength(1);
        expect(JSON.parse(audit[0]?.details ?? '{}').clients).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ clientId: wiki.clientId, sid: phoneWiki }),
            expect.objectContaining({ clientId: chat.clientId, sid: phoneChat }),
          ]),
        );
        // The laptop is still signed in, at Twofold and at the wiki (a new sign-in asks nothing).
        expect(await t.runtime.services.sessions.authenticate(laptop.token)).toBeDefined();
        const again = await signIn(wiki, laptopUser, 'openid', laptopJar);
        expect(again.tokens.claims()?.sid).toBe(laptopWiki);
        expect(wikiReceiver.received).toHaveLength(1);

        // An admin revokes the laptop's session alone: the wiki is told of that sid.
        expect(await t.runtime.services.sessions.revoke(acme.id, laptop.session.id, operatorActor)).toBe(
          true,
        );
        const [, toLaptopWiki] = await wikiReceiver.until(2);
        expect(await verifyAgainstDiscovery(toLaptopWiki?.token ?? '', wiki.clientId)).toMatchObject({
          sub: kim.user.id,
          sid: laptopWiki,
        });
        expect(chatReceiver.received).toHaveLength(1);
        expect(await toReceivers()).toHaveLength(3);

        // Every session ending now (an admin's revoke) tells no application again: each was told of
        // its sessions, and its grants from them need no token with `sub` alone.
        await t.runtime.services.admin.revokeSessions({
          tenantId: acme.id,
          userId: kim.user.id,
          actor: operatorActor,
        });
        expect(await toReceivers()).toHaveLength(3);
      } finally {
        await wikiReceiver.close();
        await chatReceiver.close();
      }
    });

    it('ending the other sessions but this one tells the applications of those sessions only', async () => {
      const { app, receiver } = await appWithReceiver('Other sessions wiki');
      try {
        const lee = await enrol(t, clock, { email: 'lee@example.com' });
        const other = await t.runtime.services.sessions.create({
          tenantId: acme.id,
          userId: lee.user.id,
          amr: ['pwd', 'otp', 'mfa'],
          mfaAt: clock.now(),
        });
        await signIn(app, lee);
        const otherSid = (await signIn(app, { ...lee, sessionToken: other.token })).tokens.claims()?.sid;
        const { sessions } = t.runtime.services;
        const current = await sessions.authenticate(lee.sessionToken);
        expect(
          await sessions.revokeAllForUser(acme.id, lee.user.id, operatorActor, {
            exceptSessionId: current?.id ?? '',
            endGrants: false,
          }),
        ).toBe(1);
        const [delivery] = await receiver.until(1);
        expect(await verifyAgainstDiscovery(delivery?.token ?? '', app.clientId)).toMatchObject({
          sub: lee.user.id,
          sid: otherSid,
        });
        const queued = (await t.runtime.services.outbox.list(acme.id)).filter(
          (m) => m.recipient === receiver.url,
        );
        expect(queued).toHaveLength(1);
      } finally {
        await receiver.close();
      }
    });

    it("another user signing in in the same browser ends the first user's session at the provider, not the new Twofold session", async () => {
      const { app, receiver } = await appWithReceiver('Shared computer wiki');
      try {
        const first = await enrol(t, clock, { email: 'first@example.com' });
        const second = await enrol(t, clock, { email: 'second@example.com' });
        const jar = new Map<string, string>([['twofold_session', first.sessionToken]]);
        const firstSid = (await signIn(app, first, 'openid', jar)).tokens.claims()?.sid;
        // The first user's Twofold session ends here; the second signs in in the same browser: the
        // provider ends the first user's session there (its form, posted), then signs the second in.
        jar.set('twofold_session', second.sessionToken);
        const signedIn = await signIn(app, second, 'openid', jar);
        expect(signedIn.tokens.claims()?.sub).toBe(second.user.id);
        expect(await t.runtime.services.sessions.authenticate(second.sessionToken)).toBeDefined();
        // The application was told that the first user's session there ended.
        const [delivery] = await receiver.until(1);
        expect(await verifyAgainstDiscovery(delivery?.token ?? '', app.clientId)).toMatchObject({
          sub: first.user.id,
          sid: firstSid,
        });
      } finally {
        await receiver.close();
      }
    });

    it('an application signed in before sessions were linked is told with sub alone when every session ends', async () => {
      const { app, receiver } = await appWithReceiver('Old wiki');
      try {
        const old = await enrol(t, clock, { email: 'old@example.com' });
        await signIn(app, old);
        // As a sign-in from before migration 0014 left it: a grant, and no link.
        await t.runtime.database.db
          .deleteFrom('oidc_session_links')
          .where('user_id', '=', old.user.id)
          .execute();
        // One sign-out tells nobody (the session's applications are unknown)...
        const signedOut = await fetch(`${origin}/t/acme/api/v1/sign-out`, {
          method: 'POST',
          headers: bearer(old.sessionToken),
        });
        expect(signedOut.status).toBe(204);
        const queued = async () =>
          (await t.runtime.services.outbox.list(acme.id)).filter((m) => m.recipient === receiver.url);
        expect(await queued()).toHaveLength(0);
        // ...and every session's end tells the application with `sub` alone: all of the user's sessions there.
        await t.runtime.services.admin.revokeSessions({
          tenantId: acme.id,
          userId: old.user.id,
          actor: operatorActor,
        });
        const [delivery] = await receiver.until(1);
        const payload = await verifyAgainstDiscovery(delivery?.token ?? '', app.clientId);
        expect(payload.sub).toBe(old.user.id);
        expect(payload).not.toHaveProperty('sid');
        expect(await queued()).toHaveLength(1);
      } finally {
        await receiver.close();
      }
    });

    it('refuses a back-channel logout URI that is not https (or http to a loopback host)', async () => {
      for (const uri of [
        'https://user:secret@wiki.example.com/logout',
        'https://*.example.com/logout',
        'http://wiki.example.com/logout',
        'https://wiki.example.com/logout#x',
        'nope',
        'ftp://x.example',
        'com.example.app:/logout',
      ]) {
        const answer = await api('/oidc-clients', {
          method: 'POST',
          body: { name: 'Bad', redirectUris: [redirectUri], backchannelLogoutUri: uri },
        });
        expect(answer.status, uri).toBe(400);
        expect(await answer.json()).toMatchObject({ code: 'validation_failed' });
      }
    });

    /** POST to the introspection endpoint with HTTP Basic client authentication. */
    const introspect = async (token: string, as: { clientId: string; secret: string }) => {
      const answer = await fetch(`${origin}/t/acme/oidc/token/introspection`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(as.clientId)}:${encodeURIComponent(as.secret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token }),
      });
      expect(answer.status).toBe(200);
      return (await answer.json()) as Record<string, unknown>;
    };

    const serviceToken = async (as: { clientId: string; secret: string }) => {
      const answer = await fetch(`${origin}/t/acme/oidc/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(as.clientId)}:${encodeURIComponent(as.secret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
    };

    it('a service gets a token with client_credentials; introspection says whose tokens are active, to whom', async () => {
      const created = await createClient({ name: 'Billing API', service: true });
      expect(created.client).toMatchObject({ service: true, redirectUris: [], confidential: true });
      const billing = { clientId: created.client.clientId, secret: created.clientSecret };
      const got = await serviceToken(billing);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      const own = String(got.body.access_token);
      expect(await introspect(own, billing)).toMatchObject({ active: true, client_id: billing.clientId });

      // A user's access token, issued to the wiki: the service (an API it calls) may check it.
      const wikiCreated = await createClient({ name: 'Wiki for the API', redirectUris: [redirectUri] });
      const wiki = { clientId: wikiCreated.client.clientId, secret: wikiCreated.clientSecret };
      const { tokens } = await signIn(wiki, ada);
      expect(await introspect(tokens.access_token, billing)).toMatchObject({
        active: true,
        client_id: wiki.clientId,
        sub: ada.user.id,
      });
      expect(await introspect(tokens.access_token, wiki)).toMatchObject({ active: true });
      // Another application may not learn about the wiki's tokens, nor about the service's.
      const otherCreated = await createClient({ name: 'Another app', redirectUris: [redirectUri] });
      const other = { clientId: otherCreated.client.clientId, secret: otherCreated.clientSecret };
      expect(await introspect(tokens.access_token, other)).toEqual({ active: false });
      expect(await introspect(own, other)).toEqual({ active: false });
      // A wrong secret is refused outright.
      const refused = await fetch(`${origin}/t/acme/oidc/token/introspection`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${billing.clientId}:tfcs_wrong`).toString('base64')}`,
        },
        body: new URLSearchParams({ token: own }),
      });
      expect(refused.status).toBe(401);

      // Revoked: inactive. Expired: inactive.
      await client.tokenRevocation(await discover(wiki.clientId, wiki.secret), tokens.access_token);
      expect(await introspect(tokens.access_token, billing)).toEqual({ active: false });
      clock.advance(61 * 60_000);
      expect(await introspect(own, billing)).toEqual({ active: false });
      expect(await introspect('not-a-token', billing)).toEqual({ active: false });
    });

    it('a service cannot sign users in, and an application cannot use client_credentials', async () => {
      const created = await createClient({ name: 'Batch job', service: true });
      const job = { clientId: created.client.clientId, secret: created.clientSecret };
      const answer = await fetch(
        `${origin}/t/acme/oidc/auth?${new URLSearchParams({
          client_id: job.clientId,
          redirect_uri: redirectUri,
          response_type: 'code',
          scope: 'openid',
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
        })}`,
        { redirect: 'manual' },
      );
      expect(answer.status).toBe(400);
      const appCreated = await createClient({ name: 'Plain app', redirectUris: [redirectUri] });
      const refused = await serviceToken({
        clientId: appCreated.client.clientId,
        secret: appCreated.clientSecret,
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_request' });
      expect(String(refused.body.error_description)).toContain('grant type is not allowed');
      // A service has no redirect URIs, no logout URI, and always a secret.
      for (const body of [
        { name: 'S', service: true, redirectUris: [redirectUri] },
        { name: 'S', service: true, confidential: false },
        { name: 'S', service: true, backchannelLogoutUri: 'https://x.example.com/logout' },
        { name: 'App without redirect URIs' },
      ]) {
        const bad = await api('/oidc-clients', { method: 'POST', body });
        expect(bad.status, JSON.stringify(body)).toBe(400);
      }
    });

    it('publishes RFC 8414 metadata: introspection, client_credentials and back-channel logout are in it', async () => {
      const oidc = await (await fetch(`${origin}/t/acme/.well-known/openid-configuration`)).json();
      for (const url of [
        `${origin}/.well-known/oauth-authorization-server/t/acme`,
        `${origin}/t/acme/.well-known/oauth-authorization-server`,
      ]) {
        const answer = await fetch(url);
        expect(answer.status, url).toBe(200);
        const metadata = await answer.json();
        expect(metadata).toEqual(oidc);
      }
      expect(oidc).toMatchObject({
        issuer: `${origin}/t/acme`,
        introspection_endpoint: `${origin}/t/acme/oidc/token/introspection`,
        revocation_endpoint: `${origin}/t/acme/oidc/token/revocation`,
        code_challenge_methods_supported: ['S256'],
        backchannel_logout_supported: true,
      });
      expect(oidc.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials']));
      expect(oidc.claims_supported).toEqual(expect.arrayContaining(['preferred_username', 'email_verified']));
      expect((await fetch(`${origin}/.well-known/oauth-authorization-server/t/nope`)).status).toBe(404);
    });
  });
}
