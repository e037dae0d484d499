/**
 * Issue 9, hostile input: walks every route of `/api/openapi.json` and sends malformed JSON, wrong
 * types, missing and extra fields, huge strings and bodies, odd Unicode, hostile path parameters
 * (other tenants' ids among them), hostile query strings and odd content types, with an admin API
 * key and with a signed-in user's session. Every answer is fast, never a 5xx, and every refusal is
 * problem+json with a registered code; afterwards the server is healthy and no table changed except
 * the append-only logs and the counters.
 */
import { decodeBase32, generateTotp, isErrorCode } from '@twofold/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { generateId } from '../platform/ids.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';
import { type JsonSchema, type Operation, sampleOf } from '../test-support/openapi-schema.js';
import { rowCounts as countRows } from '../test-support/row-counts.js';

const publicUrl = 'https://mfa.acme.test';
const password = 'correct horse battery';
const bodyLimit = 1024 * 1024;
const requestTimeoutMs = 5_000;
/**
 * Tables that legitimately grow or change under refused requests; and passkey challenges: a sign-in
 * without a password starts from no input at all, so any request to start one issues a challenge
 * (single use, 5 minutes, purged with expired sign-ins).
 */
const appendOnlyOrCounters = new Set([
  'audit_events',
  'sign_in_events',
  'throttles',
  'send_limits',
  'passkey_challenges',
]);

interface Route {
  method: string;
  path: string;
  operation: Operation;
}
interface Hostile {
  label: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** A value that satisfies the schema's shape (never sent alone: only as the base that a variant breaks). */
const sample = (schema: JsonSchema | undefined) => sampleOf(schema);

function typeOf(schema: JsonSchema | undefined): string {
  if (!schema) return 'unknown';
  if (schema.anyOf?.[0]) return typeOf(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  return type ?? 'unknown';
}

/** Values of the wrong JSON type for a property of the given type. */
function wrongTypes(type: string): unknown[] {
  switch (type) {
    case 'string':
      return [12345, { a: 1 }, true, null];
    case 'boolean':
      return [{ a: 1 }, 'yes', 7];
    case 'integer':
    case 'number':
      return ['ten', { a: 1 }, 1.5, 1e308];
    case 'array':
      return [{ a: 1 }, 'x'];
    case 'object':
      return ['x', [1, 2], 3];
    default:
      return [{ a: 1 }, 12345];
  }
}

const oddStrings: Record<string, string> = {
  'lone surrogate': '\ud800x\udfff',
  nul: 'a\u0000b',
  'rtl override': '\u202egnp.exe',
  emoji: '👩‍👩‍👧‍👦🔐',
  combining: `e${'\u0301'.repeat(5000)}`,
};

const huge = 'A'.repeat(100 * 1024);

function idFor(name: string, others: Record<string, string>): string {
  return others[name] ?? generateId();
}

for (const backend of testBackends) {
  describe(`hostile input on every route on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 9, 10, 0, 0));
    let t: TestApp;
    let adminKey: string;
    let sessionCookie: string;
    /** Ids of the other tenant's objects, by path parameter name. */
    const others: Record<string, string> = {};

    const now = () => Math.floor(clock.now() / 1000);

    async function enrol(slug: string, email: string, roles: string[]) {
      const tenant = await t.runtime.services.tenants.getBySlug(slug);
      const user = await t.runtime.services.users.create(
        { tenantId: tenant.id, email, password, roles },
        operatorActor,
      );
      const browser = createBrowserClient(t.app, publicUrl);
      const base = `/t/${slug}/api/v1`;
      const flow = (await browser.post(`${base}/sign-in`, { username: email, password })).json();
      expect(flow.status).toBe('registration_required');
      const reg = (
        await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
      ).json();
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        code: generateTotp({ secret: decodeBase32(reg.secret), time: now() }),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json().status).toBe('signed_in');
      return { user, browser, methodId: reg.methodId as string };
    }

    beforeAll(async () => {
      t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: publicUrl }, { clock });
      const acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      await t.runtime.services.tenants.create({ slug: 'other', name: 'Other' }, operatorActor);
      ({ key: adminKey } = await t.runtime.services.apiKeys.create(
        { tenantId: acme.id, role: 'global-admin', name: 'hostile' },
        operatorActor,
      ));
      const ann = await enrol('acme', 'ann@example.com', ['global-admin']);
      sessionCookie = [...ann.browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      expect((await ann.browser.get('/t/acme/api/v1/me')).statusCode).toBe(200);
      clock.advance(60_000);
      const bob = await enrol('other', 'bob@example.com', []);
      others['id'] = bob.user.id;
      others['methodId'] = bob.methodId;
      // A sign-in of the other tenant's user, waiting for a code.
      clock.advance(60_000);
      const pending = createBrowserClient(t.app, publicUrl);
      const waiting = (
        await pending.post('/t/other/api/v1/sign-in', { username: 'bob@example.com', password })
      ).json();
      expect(waiting.status).toBe('mfa_required');
      others['flowId'] = waiting.flowId;
    });
    afterAll(async () => {
      await t?.close();
    });

    const rowCounts = () => countRows(t.runtime.database.db);

    function routesOf(spec: { paths: Record<string, Record<string, Operation>> }): Route[] {
      const routes: Route[] = [];
      for (const [path, operations] of Object.entries(spec.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          routes.push({ method: method.toUpperCase(), path, operation });
        }
      }
      // Routes that end the session go last, so the session reaches every other route first.
      const endsSession = (r: Route) => /sign-out/.test(r.path);
      return [...routes.filter((r) => !endsSession(r)), ...routes.filter(endsSession)];
    }

    /** Every hostile request for one route, without credentials. */
    function hostileRequests(route: Route): Hostile[] {
      const params = route.operation.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const queryParams = params.filter((p) => p.in === 'query');
      const longPoll = queryParams.some((p) => p.name === 'wait');
      const content = route.operation.requestBody?.content ?? {};
      const mediaType = Object.keys(content)[0];
      const bodySchema = mediaType ? content[mediaType]?.schema : undefined;
      const isJsonObjectBody = mediaType === 'application/json' && typeOf(bodySchema) === 'object';

      const fill = (values: Record<string, string>) =>
        route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? generateId());
      const baseValues: Record<string, string> = {};
      for (const p of pathParams) baseValues[p.name] = p.name === 'tenant' ? 'acme' : generateId();
      const query = (extra: string) => {
        const parts = [...(longPoll ? ['wait=0'] : []), ...(extra ? [extra] : [])];
        return parts.length > 0 ? `?${parts.join('&')}` : '';
      };
      const baseUrl = fill(baseValues) + query('');
      const out: Hostile[] = [];
      const json = (label: string, payload: string, url = baseUrl) =>
        out.push({ label, url, headers: { 'content-type': 'application/json' }, payload });

      // Path parameters.
      for (const p of pathParams) {
        const values =
          p.name === 'tenant'
            ? ['other', 'no-such-tenant', '..%2F..', 'T'.repeat(300), '%00', 'acme%00']
            : [
                generateId(),
                idFor(p.name, others),
                '..%2F..',
                '..%2F..%2Fadmin',
                'i'.repeat(300),
                '%00',
                'a%00b',
              ];
        for (const value of values) {
          const url = fill({ ...baseValues, [p.name]: value }) + query('');
          const label = `path ${p.name}=${value.slice(0, 20)}`;
          if (bodySchema && isJsonObjectBody) json(label, JSON.stringify(sample(bodySchema)), url);
          else out.push({ label, url, headers: {} });
        }
      }
      // With the other tenant's object ids under the other tenant's slug (acme's credentials there).
      if (pathParams.length > 1) {
        const url = fill({
          ...Object.fromEntries(pathParams.map((p) => [p.name, idFor(p.name, others)])),
          tenant: 'other',
        });
        if (bodySchema && isJsonObjectBody)
          json('other tenant objects', JSON.stringify(sample(bodySchema)), url + query(''));
        else out.push({ label: 'other tenant objects', url: url + query(''), headers: {} });
      }

      // Query strings.
      const withBody = (label: string, url: string) => {
        if (bodySchema && isJsonObjectBody) json(label, '{"a":', url);
        else out.push({ label, url, headers: {} });
      };
      withBody('unknown query parameter', fill(baseValues) + query('zz_unknown=1&__proto__=x'));
      withBody('huge unknown query parameter', fill(baseValues) + query(`zz=${'q'.repeat(100 * 1024)}`));
      for (const p of queryParams) {
        if (p.name === 'wait') {
          withBody('wait wrong type', `${fill(baseValues)}?wait=abc`);
          withBody('wait array', `${fill(baseValues)}?wait=0&wait=abc`);
          continue;
        }
        for (const value of ['abc', '-1', '1e400', '%00', '[object Object]', 'x'.repeat(100 * 1024)]) {
          withBody(`query ${p.name}=${value.slice(0, 12)}`, fill(baseValues) + query(`${p.name}=${value}`));
        }
        withBody(`query ${p.name} twice`, fill(baseValues) + query(`${p.name}=1&${p.name}=2`));
        withBody(`query ${p.name}[]`, fill(baseValues) + query(`${p.name}[a]=1`));
      }

      // Content types.
      if (route.method !== 'GET') {
        out.push({
          label: 'text/plain',
          url: baseUrl,
          headers: { 'content-type': 'text/plain' },
          payload: '{"a":1}',
        });
        out.push({
          label: 'form',
          url: baseUrl,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'a=1&b=2',
        });
        out.push({ label: 'no content type', url: baseUrl, headers: {}, payload: '{"a":1}' });
        out.push({
          label: 'text/csv garbage',
          url: baseUrl,
          headers: { 'content-type': 'text/csv' },
          payload: 'a,"b\n\u0000,',
        });
        out.push({
          label: 'json charset latin1',
          url: baseUrl,
          headers: { 'content-type': 'application/json; charset=latin1' },
          payload: '{}',
        });
      }

      // Bodies.
      if (route.method !== 'GET') {
        json('malformed JSON', '{"a":');
        json('JSON array', '[]');
        json('JSON string', '"hello"');
        json('JSON number', '42');
        json('JSON null', 'null');
        json('JSON with BOM and trailing comma', '\ufeff{"a":1,}');
        json('deeply nested', `${'['.repeat(5000)}${']'.repeat(5000)}`);
        json('prototype pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}');
        out.push({
          label: 'over the body limit',
          url: baseUrl,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ a: 'B'.repeat(bodyLimit + 16) }),
        });
      }
      if (bodySchema && isJsonObjectBody) {
        const base = sample(bodySchema) as Record<string, unknown>;
        const properties = bodySchema.properties ?? {};
        json('extra property', JSON.stringify({ ...base, zzUnknown: 1 }));
        for (const name of bodySchema.required ?? []) {
          const { [name]: _dropped, ...rest } = base;
          json(`missing ${name}`, JSON.stringify(rest));
        }
        for (const [name, schema] of Object.entries(properties)) {
          for (const wrong of wrongTypes(typeOf(schema))) {
            json(`${name} as ${JSON.stringify(wrong)}`, JSON.stringify({ ...base, [name]: wrong }));
          }
          if (typeOf(schema) === 'string') json(`huge ${name}`, JSON.stringify({ ...base, [name]: huge }));
        }
        const stringProps = Object.entries(properties).filter(([, s]) => typeOf(s) === 'string');
        if (stringProps.length > 0) {
          for (const [kind, odd] of Object.entries(oddStrings)) {
            const body: Record<string, unknown> = { ...base };
            for (const [name, schema] of stringProps) {
              body[name] = schema.maxLength !== undefined ? odd.slice(0, schema.maxLength) : odd;
            }
            json(`odd unicode: ${kind}`, JSON.stringify(body));
          }
        }
      }
      if (out.length === 0 || route.method === 'GET') out.push({ label: 'plain', url: baseUrl, headers: {} });
      return out;
    }

    it('answers every hostile request with a quick 4xx problem (never a 5xx) and changes nothing', async () => {
      const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      const routes = routesOf(spec);
      expect(routes.length).toBeGreaterThan(30);
      const before = await rowCounts();
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      /** Requests that changed something and were answered 2xx. */
      const accepted: string[] = [];
      let sent = 0;

      const credentials: [string, Record<string, string>][] = [
        ['admin key', { authorization: `Bearer ${adminKey}` }],
        ['session', { cookie: sessionCookie, origin: publicUrl }],
      ];
      for (const route of routes) {
        for (const request of hostileRequests(route)) {
          for (const [who, auth] of credentials) {
            const where = `${route.method} ${request.url.slice(0, 120)} [${request.label}] (${who})`;
            sent++;
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<'timeout'>((resolve) => {
              timer = setTimeout(() => resolve('timeout'), requestTimeoutMs);
            });
            const answer = await Promise.race([
              t.app.inject({
                method: route.method as 'GET',
                url: request.url,
                headers: { ...request.headers, ...auth },
                ...(request.payload !== undefined ? { payload: request.payload } : {}),
              }),
              timeout,
            ]);
            clearTimeout(timer);
            if (answer === 'timeout') {
              failures.push(`${where}: no answer within ${requestTimeoutMs} ms`);
              continue;
            }
            statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
            if (route.method === 'POST' && answer.statusCode === 201)
              accepted.push(`${route.method} ${route.path} [${request.label}] (${who})`);
            if (answer.statusCode >= 500) {
              failures.push(`${where}: ${answer.statusCode} ${answer.body.slice(0, 300)}`);
              continue;
            }
            if (answer.statusCode >= 400) {
              const type = String(answer.headers['content-type'] ?? '');
              let code: unknown;
              try {
                code = JSON.parse(answer.body).code;
              } catch {
                code = undefined;
              }
              if (
                !type.startsWith('application/problem+json') ||
                typeof code !== 'string' ||
                !isErrorCode(code)
              ) {
                failures.push(`${where}: ${answer.statusCode} ${type} ${answer.body.slice(0, 200)}`);
              }
            }
          }
        }
      }

      const health = await t.app.inject({ method: 'GET', url: '/healthz' });
      const after = await rowCounts();
      // A group name of emoji is a name like any other (every other odd string is refused): the one
      // thing a hostile request may create.
      expect(accepted).toEqual(['POST /t/{tenant}/api/v1/admin/groups [odd unicode: emoji] (admin key)']);
      const created: Record<string, number> = { groups: 1 };
      const changed = Object.keys({ ...before, ...after })
        .filter(
          (name) =>
            !appendOnlyOrCounters.has(name) &&
            (before[name] ?? 0) + (created[name] ?? 0) !== (after[name] ?? 0),
        )
        .map((name) => `${name}: ${before[name]} -> ${after[name]}`);

      console.log(
        `hostile input on ${backend.name}: ${routes.length} routes, ${sent} requests, statuses ${JSON.stringify(
          Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
        )}, ${failures.length} failures, ${changed.length} tables changed`,
      );
      expect({ failures, health: health.statusCode, changed }).toEqual({
        failures: [],
        health: 200,
        changed: [],
      });
    }, 180_000);
  });
}
