import cookie from '@fastify/cookie';
import { parse } from 'csv-parse/sync';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import { createAuditQuery } from '../../audit/audit-query.js';
import { createManualClock } from '../../platform/clock.js';
import type { Runtime } from '../../runtime.js';
import type { SignInEventInput } from '../../sign-in-log/sign-in-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { testBackends } from '../../test-support/databases.js';
import { emptyDatabase } from '../../test-support/shared-database.js';
import type { User } from '../../users/user-service.js';
import { exportTruncatedHeader } from '../export.js';
import { registerProblemHandlers } from '../problem.js';
import { registerValidation } from '../validation.js';
import { registerAdminLogRoutes } from './admin-logs.js';

const now = Date.UTC(2026, 5, 9, 13, 30);
const hour = 3_600_000;

/** The log routes on their own, over a runtime's services, as app.ts wires them. */
async function buildLogsApp(
  runtime: Runtime,
  options: { exportMaxRows?: number } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });
  registerValidation(app);
  await app.register(cookie);
  registerProblemHandlers(app);
  const { services } = runtime;
  registerAdminLogRoutes(app, {
    tenants: services.tenants,
    apiKeys: services.apiKeys,
    sessions: services.sessions,
    users: services.users,
    factors: services.factors,
    signInLog: services.signInLog,
    auditQuery: createAuditQuery({ db: runtime.database.db }),
    clock: runtime.clock,
    publicUrl: runtime.config.publicUrl,
    ...options,
  });
  await app.ready();
  return app;
}

for (const backend of testBackends) {
  describe(`admin log routes on ${backend.name}`, () => {
    const clock = createManualClock(now);
    let t: TestApp;
    let app: FastifyInstance;
    let acme: Tenant;
    let other: Tenant;
    let ann: User;
    let keys: { helpdesk: string; authAdmin: string; globalAdmin: string; otherTenant: string };

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      // Once app.ts wires these routes, test them through the real app.
      const wired = t.app.hasRoute({ method: 'GET', url: '/t/:tenant/api/v1/admin/audit' });
      app = wired ? t.app : await buildLogsApp(t.runtime);
    });
    afterAll(async () => {
      if (app !== t?.app) await app?.close();
      await t?.close();
    });
    beforeEach(async () => {
      await emptyDatabase(t.runtime.database as never);
      clock.set(now - 5 * hour);
      const { tenants, apiKeys, users } = t.runtime.services;
      acme = await tenants.create({ slug: 'acme' }, operatorActor);
      other = await tenants.create({ slug: 'other' }, operatorActor);
      ann = await users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
      const key = async (tenantId: string, role: string) =>
        (await apiKeys.create({ tenantId, role }, operatorActor)).key;
      keys = {
        helpdesk: await key(acme.id, 'helpdesk'),
        authAdmin: await key(acme.id, 'authentication-admin'),
        globalAdmin: await key(acme.id, 'global-admin'),
        otherTenant: await key(other.id, 'global-admin'),
      };
    });

    function get(url: string, key: string | null = keys.globalAdmin) {
      return app.inject({
        method: 'GET',
        url,
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
    }

    async function signIn(atMs: number, input: Partial<SignInEventInput>) {
      clock.set(atMs);
      return t.runtime.services.signInLog.record({
        tenantId: acme.id,
        username: 'ann@example.com',
        result: 'success',
        ...input,
      });
    }

    /** A morning of sign-ins in acme, and some in the other tenant. */
    async function seedSignIns() {
      const start = now - 4 * hour;
      const events = [
        await signIn(start + 60_000, { userId: ann.id, result: 'success', methodType: 'authenticator' }),
        await signIn(start + 120_000, { userId: ann.id, result: 'failure', reason: 'otp_invalid' }),
        await signIn(start + hour + 1, {
          result: 'failure',
          reason: 'invalid_credentials',
          username: '=HYPERLINK("http://x","y")',
        }),
        await signIn(start + hour + 2, {
          result: 'failure',
          reason: 'otp_invalid',
          username: 'with, comma "and" quotes',
        }),
        await signIn(start + 3 * hour, {
          result: 'interrupted',
          reason: 'registration_required',
          userAgent: '+cmd|calc',
        }),
      ];
      await signIn(start + 90_000, {
        tenantId: other.id,
        username: 'mallory@other.test',
        result: 'failure',
        reason: 'otp_invalid',
      });
      clock.set(now);
      return events;
    }

    const base = '/t/acme/api/v1/admin';

    describe('GET /admin/sign-ins', () => {
      it('lists the tenant attempts newest first, for a helpdesk key', async () => {
        const events = await seedSignIns();
        const res = await get(`${base}/sign-ins`, keys.helpdesk);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.nextCursor).toBeNull();
        expect(body.events.map((e: { id: string }) => e.id)).toEqual(events.map((e) => e.id).reverse());
        expect(body.events.at(-1)).toEqual({
          id: events[0]?.id,
          at: new Date(now - 4 * hour + 60_000).toISOString(),
          userId: ann.id,
          username: 'ann@example.com',
          result: 'success',
          reason: null,
          methodType: 'authenticator',
          ip: null,
          userAgent: null,
          details: null,
        });
        expect(body.events.some((e: { username: string }) => e.username.includes('mallory'))).toBe(false);
      });

      it('filters by user, result, reason and time (dates and date-times)', async () => {
        const events = await seedSignIns();
        const ids = async (query: string) =>
          (await get(`${base}/sign-ins?${query}`)).json().events.map((e: { id: string }) => e.id);
        expect(await ids(`userId=${ann.id}`)).toEqual([events[1]?.id, events[0]?.id]);
        expect(await ids('result=failure')).toEqual([events[3]?.id, events[2]?.id, events[1]?.id]);
        expect(await ids('reason=otp_invalid')).toEqual([events[3]?.id, events[1]?.id]);
        expect(await ids('result=interrupted')).toEqual([events[4]?.id]);
        const from = new Date(now - 3 * hour).toISOString();
        const to = new Date(now - 2 * hour).toISOString();
        expect(await ids(`from=${from}&to=${to}`)).toEqual([events[3]?.id, events[2]?.id]);
        expect(await ids('from=2026-06-09&to=2026-06-09')).toHaveLength(5);
        expect(await ids('to=2026-06-08')).toEqual([]);
        expect(await ids(`from=${encodeURIComponent('2026-06-09T14:29:00+02:00')}`)).toEqual([events[4]?.id]);
        expect(await ids(`to=${encodeURIComponent('2026-06-09T11:31:00.5+02:00')}`)).toEqual([events[0]?.id]);
      });

      it('pages with an opaque cursor', async () => {
        const events = await seedSignIns();
        const seen: string[] = [];
        let url = `${base}/sign-ins?limit=2`;
        for (let i = 0; i < 10; i++) {
          const body = (await get(url)).json();
          seen.push(...body.events.map((e: { id: string }) => e.id));
          if (!body.nextCursor) break;
          url = `${base}/sign-ins?limit=2&cursor=${body.nextCursor}`;
        }
        expect(seen).toEqual(events.map((e) => e.id).reverse());
      });

      it.each([
        ['from=yesterday', 'querystring/from'],
        ['from=2026-02-30', 'querystring/from'],
        ['to=2026-06-09T25:00:00Z', 'querystring/to'],
        ['to=2026-06-09T12:00:00', 'querystring/to'],
        ['from=2026-06-10&to=2026-06-01', 'querystring/from'],
        ['result=maybe', 'querystring/result'],
        ['reason=wrong_password', 'querystring/reason'],
        ['cursor=not-a-cursor', 'querystring/cursor'],
        ['cursor=WzEsIngiXQ%3D%3D', 'querystring/cursor'],
        ['limit=0', 'querystring/limit'],
        ['limit=501', 'querystring/limit'],
        ['limit=ten', 'querystring/limit'],
        ['format=xml', 'querystring/format'],
        ['colour=blue', 'querystring'],
      ])('answers 400 validation_failed for %s', async (query, path) => {
        const res = await get(`${base}/sign-ins?${query}`, keys.helpdesk);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        const problem = res.json();
        expect(problem.code).toBe('validation_failed');
        expect(problem.detail.startsWith(path)).toBe(true);
      });

      it('says which values are allowed', async () => {
        const res = await get(`${base}/sign-ins?result=maybe`);
        expect(res.json().detail).toBe(
          "querystring/result: must be one of success, failure, interrupted, got 'maybe'",
        );
      });

      it('needs a key of this tenant', async () => {
        expect((await get(`${base}/sign-ins`, null)).statusCode).toBe(401);
        expect((await get(`${base}/sign-ins`, keys.otherTenant)).json().code).toBe('unauthenticated');
        expect((await get(`${base}/sign-ins`, 'tfk_unknown')).statusCode).toBe(401);
        expect((await get('/t/nowhere/api/v1/admin/sign-ins')).json().code).toBe('tenant_not_found');
      });

      it('exports every matching row as CSV, defusing formulas', async () => {
        await seedSignIns();
        const res = await get(`${base}/sign-ins?format=csv&limit=1`, keys.helpdesk);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(res.headers['content-disposition']).toBe(
          'attachment; filename="sign-ins-acme-2026-06-09.csv"',
        );
        expect(res.headers[exportTruncatedHeader]).toBeUndefined();
        expect(res.body).toMatch(/^id,at,userId,username,result,reason,methodType,ip,userAgent,details\r\n/);
        const rows: string[][] = parse(res.body, { relax_column_count: false });
        expect(rows[0]).toEqual([
          'id',
          'at',
          'userId',
          'username',
          'result',
          'reason',
          'methodType',
          'ip',
          'userAgent',
          'details',
        ]);
        expect(rows).toHaveLength(6);
        const usernames = rows.slice(1).map((r) => r[3]);
        expect(usernames).toContain(`'=HYPERLINK("http://x","y")`);
        expect(usernames).toContain('with, comma "and" quotes');
        expect(usernames).not.toContain('mallory@other.test');
        expect(rows.slice(1).map((r) => r[8])).toContain("'+cmd|calc");
        // No cell a spreadsheet would evaluate.
        for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      });

      it('exports the same rows as a JSON array, with the filters', async () => {
        await seedSignIns();
        const listed = (await get(`${base}/sign-ins?result=failure`)).json().events;
        const res = await get(`${base}/sign-ins?result=failure&format=json`);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.headers['content-disposition']).toBe(
          'attachment; filename="sign-ins-acme-2026-06-09.json"',
        );
        expect(res.json()).toEqual(listed);
        const none = await get(`${base}/sign-ins?reason=push_denied&format=json`);
        expect(none.json()).toEqual([]);
        const noneCsv = await get(`${base}/sign-ins?reason=push_denied&format=csv`);
        expect(noneCsv.body).toBe('id,at,userId,username,result,reason,methodType,ip,userAgent,details\r\n');
      });

      it('cuts an export at the row limit, newest first, and says so in a header', async () => {
        await seedSignIns();
        const small = await buildLogsApp(t.runtime, { exportMaxRows: 3 });
        try {
          const res = await small.inject({
            method: 'GET',
            url: `${base}/sign-ins?format=json`,
            headers: { authorization: `Bearer ${keys.helpdesk}` },
          });
          expect(res.headers[exportTruncatedHeader]).toBe('3');
          const all = (await get(`${base}/sign-ins`)).json().events;
          expect(res.json()).toEqual(all.slice(0, 3));
          const exact = await small.inject({
            method: 'GET',
            url: `${base}/sign-ins?format=csv&result=failure`,
            headers: { authorization: `Bearer ${keys.helpdesk}` },
          });
          expect(exact.headers[exportTruncatedHeader]).toBeUndefined();
          expect(parse(exact.body)).toHaveLength(4);
        } finally {
          await small.close();
        }
      });
    });

    describe('GET /admin/sign-ins/stats', () => {
      it('counts per hour, by result and reason, with empty hours, for the chart', async () => {
        await seedSignIns();
        const from = new Date(now - 4 * hour).toISOString();
        const res = await get(
          `${base}/sign-ins/stats?from=${from}&to=${new Date(now).toISOString()}&bucket=hour`,
          keys.helpdesk,
        );
        expect(res.statusCode).toBe(200);
        const h = (n: number) => new Date(Date.UTC(2026, 5, 9, 9 + n)).toISOString();
        expect(res.json()).toEqual({
          bucket: 'hour',
          from: h(0),
          to: h(5),
          series: [
            { start: h(0), success: 1, interrupted: 0, failures: { otp_invalid: 1 } },
            { start: h(1), success: 0, interrupted: 0, failures: { invalid_credentials: 1, otp_invalid: 1 } },
            { start: h(2), success: 0, interrupted: 0, failures: {} },
            { start: h(3), success: 0, interrupted: 1, failures: {} },
            { start: h(4), success: 0, interrupted: 0, failures: {} },
          ],
        });
      });

      it('defaults to the last 24 hours by hour, or 30 days by day', async () => {
        await seedSignIns();
        const hourly = (await get(`${base}/sign-ins/stats`)).json();
        expect(hourly.bucket).toBe('hour');
        expect(hourly.series).toHaveLength(25);
        expect(hourly.to).toBe(new Date(Date.UTC(2026, 5, 9, 14)).toISOString());
        const daily = (await get(`${base}/sign-ins/stats?bucket=day`)).json();
        expect(daily.series).toHaveLength(31);
        expect(daily.series.at(-1)).toEqual({
          start: '2026-06-09T00:00:00.000Z',
          success: 1,
          interrupted: 1,
          failures: { otp_invalid: 2, invalid_credentials: 1 },
        });
      });

      it.each([
        ['bucket=week', 'querystring/bucket'],
        ['from=2026-01-01&to=2026-06-01', 'querystring/from'],
        ['from=2024-01-01&to=2026-06-01&bucket=day', 'querystring/from'],
        ['from=now', 'querystring/from'],
        ['limit=5', 'querystring'],
      ])('answers 400 for %s', async (query, path) => {
        const res = await get(`${base}/sign-ins/stats?${query}`);
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('validation_failed');
        expect(res.json().detail.startsWith(path)).toBe(true);
      });

      it('explains a range too long for hourly buckets', async () => {
        const res = await get(`${base}/sign-ins/stats?from=2026-01-01&to=2026-06-01`);
        expect(res.json().detail).toMatch(/at most 1488 \(62 days\).*bucket=day/);
      });
    });

    describe('GET /admin/audit', () => {
      async function seedAudit() {
        const { audit } = t.runtime.services;
        clock.set(now - hour);
        await audit.record({
          tenantId: acme.id,
          actor: { type: 'user', id: 'admin-1', ip: '192.0.2.4' },
          action: 'method.delete',
          target: { type: 'user', id: ann.id },
          reason: '=1+1',
          details: { methodId: 'm1' },
        });
        clock.advance(1000);
        await audit.record({
          tenantId: acme.id,
          actor: { type: 'user', id: 'admin-2' },
          action: 'method.resync',
          target: { type: 'user', id: ann.id },
        });
        clock.advance(1000);
        await audit.record({
          tenantId: acme.id,
          actor: { type: 'user', id: 'admin-1' },
          action: 'user.unlock',
          target: { type: 'user', id: 'u9' },
        });
        await audit.record({
          tenantId: other.id,
          actor: operatorActor,
          action: 'method.delete',
          reason: 'other tenant',
        });
        await audit.record({ tenantId: null, actor: operatorActor, action: 'key.rotate' });
        clock.set(now);
      }

      it('lists the tenant audit log newest first with seq, for an authentication admin', async () => {
        await seedAudit();
        const res = await get(`${base}/audit`, keys.authAdmin);
        expect(res.statusCode).toBe(200);
        const { events, nextCursor } = res.json();
        expect(nextCursor).toBeNull();
        expect(events.slice(0, 3).map((e: { action: string }) => e.action)).toEqual([
          'user.unlock',
          'method.resync',
          'method.delete',
        ]);
        // Before them, the setup of this test (tenant, user, keys), all in one millisecond.
        const seqs = events.map((e: { seq: number }) => e.seq);
        expect(seqs.slice(0, 3)).toEqual([seqs.length, seqs.length - 1, seqs.length - 2]);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs.map((_: number, i: number) => i + 1));
        expect(events[2]).toEqual({
          id: expect.any(String),
          seq: expect.any(Number),
          at: new Date(now - hour).toISOString(),
          actorType: 'user',
          actorId: 'admin-1',
          action: 'method.delete',
          targetType: 'user',
          targetId: ann.id,
          reason: '=1+1',
          ip: '192.0.2.4',
          details: { methodId: 'm1' },
        });
        const everything = JSON.stringify(events);
        expect(everything).not.toContain('other tenant');
        expect(everything).not.toContain('key.rotate');
      });

      it('filters by actor, action (exact or prefix), target and time, and pages', async () => {
        await seedAudit();
        const actions = async (query: string) =>
          (await get(`${base}/audit?${query}`)).json().events.map((e: { action: string }) => e.action);
        expect(await actions('actorId=admin-1')).toEqual(['user.unlock', 'method.delete']);
        expect(await actions('action=method.*')).toEqual(['method.resync', 'method.delete']);
        expect(await actions('action=method.delete')).toEqual(['method.delete']);
        expect(await actions(`targetId=${ann.id}`)).toEqual([
          'method.resync',
          'method.delete',
          'user.create',
        ]);
        expect(await actions('targetId=u9')).toEqual(['user.unlock']);
        expect(await actions(`from=${new Date(now - hour + 500).toISOString()}`)).toEqual([
          'user.unlock',
          'method.resync',
        ]);
        const first = (await get(`${base}/audit?action=method.*&limit=1`)).json();
        expect(first.events.map((e: { action: string }) => e.action)).toEqual(['method.resync']);
        const second = (await get(`${base}/audit?action=method.*&limit=1&cursor=${first.nextCursor}`)).json();
        expect(second.events.map((e: { action: string }) => e.action)).toEqual(['method.delete']);
        expect(second.nextCursor).toBeNull();
      });

      it('refuses helpdesk (403), another tenant key (401) and bad filters (400)', async () => {
        const helpdesk = await get(`${base}/audit`, keys.helpdesk);
        expect(helpdesk.statusCode).toBe(403);
        expect(helpdesk.json().code).toBe('forbidden');
        expect((await get(`${base}/audit`, keys.otherTenant)).statusCode).toBe(401);
        const other = await get('/t/other/api/v1/admin/audit', keys.otherTenant);
        expect(other.statusCode).toBe(200);
        for (const [query, path] of [
          ['action=*.delete', 'querystring/action'],
          ['from=2026-13-01', 'querystring/from'],
          ['cursor=%%%', 'querystring/cursor'],
          ['userId=x', 'querystring'],
        ] as const) {
          const res = await get(`${base}/audit?${query}`);
          expect(res.statusCode, query).toBe(400);
          expect(res.json().detail.startsWith(path), query).toBe(true);
        }
      });

      it('exports CSV with the formula defused, and JSON, only of this tenant', async () => {
        await seedAudit();
        const csv = await get(`${base}/audit?format=csv&action=method.*`, keys.authAdmin);
        expect(csv.statusCode).toBe(200);
        expect(csv.headers['content-disposition']).toBe('attachment; filename="audit-acme-2026-06-09.csv"');
        const rows: string[][] = parse(csv.body);
        expect(rows[0]).toEqual([
          'id',
          'seq',
          'at',
          'actorType',
          'actorId',
          'action',
          'targetType',
          'targetId',
          'reason',
          'ip',
          'details',
        ]);
        expect(rows.slice(1).map((r) => [r[5], r[8], r[10]])).toEqual([
          ['method.resync', '', ''],
          ['method.delete', "'=1+1", '{"methodId":"m1"}'],
        ]);
        const json = await get(`${base}/audit?format=json`, keys.authAdmin);
        const listed = (await get(`${base}/audit?limit=500`)).json().events;
        expect(json.json()).toEqual(listed);
        expect(json.body).not.toContain('other tenant');
      });
    });
  });
}
