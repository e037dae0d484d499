/**
 * The `groups` scope gives the `groups` claim (spec section 6): the names of the user's groups, in
 * the ID token and from userinfo, verified against the published keys; without the scope, no claim. And a
 * directory deactivating the user over SCIM ends the application's session too (a logout token queued).
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { enrol } from '../test-support/attack-kit.js';
import { testBackends } from '../test-support/databases.js';
import { unusedPort } from '../test-support/message-servers.js';

const redirectUri = 'https://wiki.example.com/callback';
const logoutUri = 'https://wiki.example.com/backchannel-logout';

for (const backend of testBackends) {
  describe(`the groups claim on ${backend.name}`, { timeout: 60_000 }, () => {
    const clock = createManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 10_000);
    let t: TestApp;
    let origin = '';
    let clientId = '';
    let clientSecret = '';
    let sessionToken = '';
    let userId = '';

    beforeAll(async () => {
      const port = await unusedPort();
      origin = `http://127.0.0.1:${port}`;
      t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: origin }, { clock });
      await t.app.listen({ port, host: '127.0.0.1' });
      const { tenants, oidcClients, groups, users } = t.runtime.services;
      const acme = await tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      const created = await oidcClients.create(
        {
          tenantId: acme.id,
          name: 'Wiki',
          redirectUris: [redirectUri],
          backchannelLogoutUri: logoutUri,
        },
        operatorActor,
      );
      clientId = created.client.id;
      clientSecret = created.clientSecret ?? '';
      const ada = await enrol(t, clock, { email: 'ada@example.com' });
      sessionToken = ada.sessionToken;
      userId = ada.user.id;
      const bob = await users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
      for (const name of ['Wiki editors', 'Engineering', 'Finance']) {
        const group = await groups.create({ tenantId: acme.id, name }, operatorActor);
        await groups.addMember(acme.id, group.id, name === 'Finance' ? bob.id : userId, operatorActor);
      }
    });
    afterAll(async () => {
      await t?.close();
    });

    /** The browser's cookies, kept across sign-ins as a browser keeps them. */
    let jar = new Map<string, string>();

    /** The browser's part by hand: the session cookie goes to the authorization endpoint, redirects are followed. */
    async function authorize(params: Record<string, string>): Promise<URL> {
      if (!jar.has('twofold_session')) jar = new Map([['twofold_session', sessionToken]]);
      let next = new URL(`${origin}/t/acme/oidc/auth?${new URLSearchParams(params)}`);
      for (let hop = 0; hop < 10; hop++) {
        if (next.origin !== origin) return next;
        const response = await fetch(next, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const [name, ...value] = (pair ?? '').split('=');
          if (name) jar.set(name.trim(), value.join('='));
        }
        const location = response.headers.get('location');
        if (!location) throw new Error(`no redirect from ${next.pathname}: ${response.status}`);
        next = new URL(location, next);
      }
      throw new Error('too many redirects');
    }

    async function tokensFor(scope: string) {
      const config = await client.discovery(new URL(`${origin}/t/acme`), clientId, clientSecret, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const answer = await authorize({
        client_id: clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      const tokens = await client.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      const jwks = await (await fetch(`${origin}/t/acme/oidc/jwks`)).json();
      const { payload } = await jwtVerify(tokens.id_token ?? '', createLocalJWKSet(jwks), {
        issuer: `${origin}/t/acme`,
        audience: clientId,
      });
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, userId);
      return { payload, userinfo };
    }

    it('discovery offers the groups scope and claim', async () => {
      const discovery = await (await fetch(`${origin}/t/acme/.well-known/openid-configuration`)).json();
      expect(discovery.scopes_supported).toContain('groups');
      expect(discovery.claims_supported).toContain('groups');
    });

    it("an ID token asked with scope groups carries the user's group names, and userinfo too", async () => {
      const { payload, userinfo } = await tokensFor('openid email groups');
      expect(payload.sub).toBe(userId);
      expect(payload['groups']).toEqual(['Engineering', 'Wiki editors']);
      expect(userinfo['groups']).toEqual(['Engineering', 'Wiki editors']);
    });

    it('without the scope there is no groups claim', async () => {
      const { payload, userinfo } = await tokensFor('openid email');
      expect(payload).not.toHaveProperty('groups');
      expect(userinfo).not.toHaveProperty('groups');
    });

    it('a directory deactivating the user over SCIM disables them, ends their sessions and tells the application', async () => {
      const { apiKeys, tenants, sessions, outbox, users } = t.runtime.services;
      const acme = await tenants.getBySlug('acme');
      await tokensFor('openid groups');
      const { key } = await apiKeys.create({ tenantId: acme.id, role: 'provisioning' }, operatorActor);
      const response = await fetch(`${origin}/t/acme/scim/v2/Users/${userId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        }),
      });
      expect(response.status).toBe(200);
      expect((await response.json()).active).toBe(false);
      expect((await users.getById(acme.id, userId)).disabled).toBe(true);
      expect(await sessions.countActive(acme.id, userId)).toBe(0);
      // The application's logout token was queued in the same transaction (the courier signs and
      // sends it): one, as the three sign-ins of this browser were one session at the application.
      const queued = (await outbox.list(acme.id)).filter(
        (m) => m.channel === 'logout' && m.recipient === logoutUri,
      );
      expect(queued).toHaveLength(1);
    });
  });
}
