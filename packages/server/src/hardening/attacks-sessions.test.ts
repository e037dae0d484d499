import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { generateId } from '../platform/ids.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { bearer, codeAt, type Enrolled, enrol, password } from '../test-support/attack-kit.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';
import { type JsonSchema, type Operation, sampleOf } from '../test-support/openapi-schema.js';
import { createTestPushDevice } from '../test-support/push-device.js';
import { rowCounts as countRows } from '../test-support/row-counts.js';
import { knownDeviceCookieName } from '../throttle/password-throttle.js';

const publicUrl = 'https://mfa.acme.test';
const base = '/t/acme/api/v1';
const crossSite = /another site/;
/** Tables that legitimately change under refused requests. */
const appendOnlyOrCounters = new Set(['audit_events', 'sign_in_events', 'throttles', 'send_limits']);

/** A value that satisfies the schema, so validation lets the request reach its handler. */
const sample = (schema: JsonSchema | undefined) =>
  sampleOf(schema, { minString: 8, number: 60, plausible: true });

for (const backend of testBackends) {
  describe(`CSRF, session fixation and sign-out on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: publicUrl }, { clock });
      await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
    });
    afterAll(async () => {
      await t?.close();
    });

    const rowCounts = () => countRows(t.runtime.database.db, appendOnlyOrCounters);

    it('every cookie-authenticated route that changes state refuses requests from another site', async () => {
      const admin = await enrol(t, clock, {
        email: 'ann@example.com',
        roles: ['global-admin'],
        origin: publicUrl,
      });
      const cookie = `twofold_session=${admin.sessionToken}`;
      const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();

      const routes: { method: string; url: string; contentType: string; payload: string }[] = [];
      for (const [path, operations] of Object.entries(
        spec.paths as Record<string, Record<string, Operation>>,
      )) {
        for (const [lower, operation] of Object.entries(operations)) {
          const method = lower.toUpperCase();
          if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
          const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
            name === 'tenant' ? 'acme' : generateId(),
          );
          const content = operation.requestBody?.content ?? {};
          const contentType = Object.keys(content)[0] ?? 'application/json';
          const payload =
            contentType === 'text/csv'
              ? 'upn,serial number,secret key,time interval,manufacturer,model\n'
              : JSON.stringify(sample(content[contentType]?.schema) ?? {});
          routes.push({ method, url, contentType, payload });
        }
      }
      // Sign-out routes last, so the control requests reach every other route signed in.
      const order = (url: string) => (/sign-out-everywhere/.test(url) ? 2 : /sign-out/.test(url) ? 1 : 0);
      routes.sort((a, b) => order(a.url) - order(b.url));

      const send = (route: (typeof routes)[number], headers: Record<string, string>) =>
        t.app.inject({
          method: route.method as 'POST',
          url: route.url,
          headers: { 'content-type': route.contentType, ...headers },
          payload: route.payload,
        });

      // The routes that take the session cookie: without credentials they say `unauthenticated`,
      // with the cookie (from our own origin) they do not.
      const cookieRoutes: typeof routes = [];
      for (const route of routes) {
        const anonymous = await send(route, { origin: publicUrl });
        if (anonymous.statusCode !== 401 || anonymous.json().code !== 'unauthenticated') continue;
        cookieRoutes.push(route);
      }
      // Every self-service and admin route is among them (none slipped out by answering otherwise).
      const signedInOnly = routes.filter((r) => /\/api\/v1\/(me|admin|sign-out)\b/.test(r.url));
      expect(
        signedInOnly.filter((r) => !cookieRoutes.includes(r)).map((r) => `${r.method} ${r.url}`),
      ).toEqual([]);
      expect(cookieRoutes.length).toBeGreaterThan(20);

      const before = await rowCounts();
      const forgeries: Record<string, Record<string, string>> = {
        'foreign Origin': { origin: 'https://evil.example' },
        'look-alike Origin': { origin: 'https://mfa.acme.test.evil.example' },
        'http Origin of our host': { origin: 'http://mfa.acme.test' },
        'Origin null': { origin: 'null' },
        'Sec-Fetch-Site cross-site': { 'sec-fetch-site': 'cross-site' },
        'Sec-Fetch-Site same-site': { 'sec-fetch-site': 'same-site' },
      };
      const failures: string[] = [];
      let forged = 0;
      for (const route of cookieRoutes) {
        for (const [label, headers] of Object.entries(forgeries)) {
          forged++;
          const answer = await send(route, { cookie, ...headers });
          const body = answer.json();
          if (answer.statusCode !== 403 || body.code !== 'forbidden' || !crossSite.test(body.detail)) {
            failures.push(
              `${route.method} ${route.url} [${label}]: ${answer.statusCode} ${answer.body.slice(0, 200)}`,
            );
          }
        }
      }
      const after = await rowCounts();
      // The control: from our own origin the same requests pass the check (whatever they answer next).
      const passed: string[] = [];
      for (const route of cookieRoutes) {
        // A sign-out ends the session it is sent with: each one gets a session of its own.
        const own = /sign-out/.test(route.url)
          ? `twofold_session=${
              (
                await t.runtime.services.sessions.create({
                  tenantId: admin.user.tenantId,
                  userId: admin.user.id,
                  amr: ['pwd', 'otp', 'mfa'],
                  mfaAt: clock.now(),
                })
              ).token
            }`
          : cookie;
        const answer = await send(route, { cookie: own, origin: publicUrl });
        const body = answer.statusCode >= 400 ? answer.json() : {};
        if (answer.statusCode === 401 || crossSite.test(String(body.detail ?? ''))) {
          failures.push(
            `control ${route.method} ${route.url}: ${answer.statusCode} ${answer.body.slice(0, 200)}`,
          );
        } else passed.push(`${route.method} ${route.url}`);
      }
      console.info(
        `CSRF (${backend.name}): ${cookieRoutes.length} cookie routes of ${routes.length} unsafe routes, ${forged} forged requests, ${failures.length} failures`,
      );
      expect(failures).toEqual([]);
      expect(after).toEqual(before);
      expect(passed).toHaveLength(cookieRoutes.length);
    });

    it('a session or device cookie planted before sign-in is not adopted', async () => {
      const victim = await enrol(t, clock, { email: 'vic@example.com', origin: publicUrl });
      const mallory = await enrol(t, clock, { email: 'mallory@example.com', origin: publicUrl });
      const malloryDevice = mallory.browser.cookies.get(knownDeviceCookieName);
      expect(malloryDevice).toMatch(/^tfd_/);

      // Mallory plants her own session, her own known-device token and a made-up flow cookie in
      // the victim's browser; the victim then signs in there.
      const browser = createBrowserClient(t.app, publicUrl);
      browser.cookies.set('twofold_session', mallory.sessionToken);
      browser.cookies.set(knownDeviceCookieName, malloryDevice ?? '');
      browser.cookies.set('twofold_flow', 'planted-flow-secret');
      const flow = (await browser.post(`${base}/sign-in`, { username: 'vic@example.com', password })).json();
      expect(flow.status).toBe('mfa_required');
      expect(browser.cookies.get('twofold_flow')).not.toBe('planted-flow-secret');
      expect(browser.cookies.get(knownDeviceCookieName)).not.toBe(malloryDevice);
      clock.advance(30_000);
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: victim.methodId,
        code: codeAt(victim.secret, clock),
      });
      expect(done.statusCode, done.body).toBe(200);
      const issued = browser.cookies.get('twofold_session');
      expect(issued).toBe(done.json().session.token);
      expect(issued).not.toBe(mallory.sessionToken);
      // Mallory's token is still only Mallory's: it did not become the victim's session.
      const hers = await t.app.inject({
        method: 'GET',
        url: `${base}/me`,
        headers: bearer(mallory.sessionToken),
      });
      expect(hers.json().user.email).toBe('mallory@example.com');
      expect((await browser.get(`${base}/me`)).json().user.email).toBe('vic@example.com');
      // A made-up session token is no session.
      const madeUp = await t.app.inject({
        method: 'GET',
        url: `${base}/me`,
        headers: { cookie: 'twofold_session=tfsess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      });
      expect(madeUp.statusCode).toBe(401);
    });

    it('after sign-out the token is refused; after sign-out everywhere every token and push device is', async () => {
      const user: Enrolled = await enrol(t, clock, { email: 'sam@example.com', origin: publicUrl });
      const device = createTestPushDevice();
      const activated = await t.app.inject({
        method: 'POST',
        url: `${base}/devices/activate`,
        payload: { activationToken: user.pushToken, publicKey: device.publicKey, name: 'Phone' },
      });
      expect(activated.statusCode, activated.body).toBe(201);
      const deviceId = activated.json().deviceId as string;
      const poll = () => {
        const path = `${base}/devices/${deviceId}/challenges?wait=0`;
        return t.app.inject({
          method: 'GET',
          url: path,
          headers: device.headers(deviceId, 'GET', path, undefined, clock.now()),
        });
      };
      expect((await poll()).statusCode).toBe(200);

      // Two more sessions: a laptop (cookie) and a script (bearer).
      const signIn = async () => {
        const browser = createBrowserClient(t.app, publicUrl);
        const flow = (
          await browser.post(`${base}/sign-in`, { username: 'sam@example.com', password })
        ).json();
        clock.advance(30_000);
        const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
          methodId: user.methodId,
          code: codeAt(user.secret, clock),
        });
        expect(done.statusCode, done.body).toBe(200);
        return { browser, token: done.json().session.token as string };
      };
      const laptop = await signIn();
      const script = await signIn();

      // Signing out on the laptop ends that session only.
      const laptopCookie = laptop.browser.cookies.get('twofold_session') ?? '';
      const out = await laptop.browser.post(`${base}/sign-out`);
      expect(out.statusCode).toBe(204);
      expect(laptop.browser.cookies.has('twofold_session')).toBe(false);
      const replayedCookie = await t.app.inject({
        method: 'GET',
        url: `${base}/me`,
        headers: { cookie: `twofold_session=${laptopCookie}` },
      });
      expect(replayedCookie.statusCode).toBe(401);
      expect(
        (await t.app.inject({ method: 'GET', url: `${base}/me`, headers: bearer(script.token) })).statusCode,
      ).toBe(200);

      // Sign out everywhere (a lost phone): every other session and the push device end too.
      const oldCookie = user.browser.cookies.get('twofold_session') ?? '';
      const everywhere = await user.browser.post(`${base}/me/sign-out-everywhere`);
      expect(everywhere.statusCode, everywhere.body).toBe(200);
      expect(everywhere.json()).toEqual({ revokedSessions: 2, revokedPushDevices: 1 });
      for (const [label, headers] of [
        ['old cookie', { cookie: `twofold_session=${oldCookie}` }],
        ['old token as bearer', bearer(user.sessionToken)],
        ['script token', bearer(script.token)],
      ] as const) {
        const answer = await t.app.inject({ method: 'GET', url: `${base}/me`, headers });
        expect(answer.statusCode, label).toBe(401);
        expect(answer.json().code, label).toBe('unauthenticated');
        const unsafe = await t.app.inject({
          method: 'POST',
          url: `${base}/me/recovery-codes`,
          headers: { ...headers, origin: publicUrl },
        });
        expect(unsafe.statusCode, label).toBe(401);
      }
      const polled = await poll();
      expect(polled.statusCode).toBe(401);
      expect(polled.json().code).toBe('device_signature_invalid');
    });
  });
}
