/**
 * What one TOTP verification costs the database, counted (not timed): the statements and round
 * trips of a step-up and of a sign-in's code, read from the handle's counters and from /metrics.
 */
import { decodeBase32, generateTotp } from '@twofold/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import { createManualClock } from '../../platform/clock.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { type BrowserClient, createBrowserClient } from '../../test-support/browser-client.js';
import { testBackends } from '../../test-support/databases.js';
import { emptyDatabase } from '../../test-support/shared-database.js';

const base = '/t/default/api/v1';
const password = 'correct horse battery';

for (const backend of testBackends) {
  describe(`the cost of a verification on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 5, 9, 13, 10, 0));
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await emptyDatabase(t.runtime.database as never);
      clock.set(Date.UTC(2026, 5, 9, 13, 10, 0));
      const tenant = await t.runtime.services.tenants.create({ slug: 'default' }, operatorActor);
      await t.runtime.services.users.create(
        { tenantId: tenant.id, email: 'ann@example.com', password },
        operatorActor,
      );
    });

    const code = (secret: Uint8Array) => generateTotp({ secret, time: Math.floor(clock.now() / 1000) });

    /** Signs Ann in for the first time (password, an authenticator, its first code). */
    async function enrol(browser: BrowserClient) {
      const flow = (await browser.post(`${base}/sign-in`, { username: 'ann@example.com', password })).json();
      const reg = (
        await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
      ).json();
      const secret = decodeBase32(reg.secret);
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        code: code(secret),
      });
      expect(done.statusCode).toBe(200);
      return { methodId: reg.methodId as string, secret };
    }

    /** The statements and round trips `work` made. */
    async function cost(work: () => Promise<void>) {
      const counters = t.runtime.database.counters;
      const before = { ...counters };
      await work();
      return {
        statements: counters.statements - before.statements,
        roundTrips: counters.roundTrips - before.roundTrips,
      };
    }

    /** A counter's value on /metrics. */
    async function metric(name: string): Promise<number> {
      const body = (await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).body;
      const line = body.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
      return Number(line?.split(' ').at(-1));
    }

    it('a step-up: its statements and round trips, as /metrics reports them', async () => {
      const browser = createBrowserClient(t.app);
      const { methodId, secret } = await enrol(browser);
      clock.advance(60_000);
      const statementsBefore = await metric('twofold_db_statements_total');
      const tripsBefore = await metric('twofold_db_round_trips_total');
      const spent = await cost(async () => {
        const stepUp = await browser.post(`${base}/me/step-up`, { methodId, code: code(secret) });
        expect(stepUp.statusCode).toBe(200);
      });
      expect((await metric('twofold_db_statements_total')) - statementsBefore).toBe(spent.statements);
      expect((await metric('twofold_db_round_trips_total')) - tripsBefore).toBe(spent.roundTrips);
      console.log(backend.name, 'step-up', spent);
      expect(spent.statements).toBeGreaterThan(0);
      if (backend.name === 'sqlite') expect(spent.roundTrips).toBe(0);
      else expect(spent.roundTrips).toBe(spent.statements);
    });

    it('a sign-in code: its statements and round trips', async () => {
      const first = createBrowserClient(t.app);
      const { methodId, secret } = await enrol(first);
      clock.advance(60_000);
      const browser = createBrowserClient(t.app);
      const flow = (await browser.post(`${base}/sign-in`, { username: 'ann@example.com', password })).json();
      const spent = await cost(async () => {
        const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
          methodId,
          code: code(secret),
        });
        expect(done.statusCode).toBe(200);
      });
      console.log(backend.name, 'sign-in verify', spent);
      expect(spent.statements).toBeGreaterThan(0);
    });
  });
}
