/**
 * Issue 9, attacks as tests: floods that cost the victim or the operator. Push fatigue: an
 * attacker who knows the password fires bursts of push sign-ins to wear the user down into
 * approving one. SMS pumping: an attacker makes the server text many numbers (premium-rate
 * fraud) from one address, rotating accounts and destinations, then from many addresses at once.
 * The limits under test are factors/push/push-challenges.ts (3 pending, 10 an hour per user) and
 * factors/message-codes/send-limits.ts (per user, destination, client address and tenant);
 * send-limits.test.ts covers each counter alone, this file the attacker's view over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { maxPendingPushesPerUser, maxPushesPerHour, pushLifetimeMs } from '../factors/push/push-service.js';
import { createManualClock } from '../platform/clock.js';
import { defaultTenantPolicy } from '../tenants/tenant-policy.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { enrol, password } from '../test-support/attack-kit.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';
import { createTestPushDevice } from '../test-support/push-device.js';

const minute = 60_000;

for (const backend of testBackends) {
  describe(`push fatigue and SMS pumping on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
    });
    afterAll(async () => {
      await t?.close();
    });

    it(`a burst of push sign-ins reaches the phone ${maxPendingPushesPerUser} at a time and ${maxPushesPerHour} an hour; the rest are 429`, async () => {
      await t.runtime.services.tenants.create({ slug: 'push', name: 'Push' }, operatorActor);
      const base = '/t/push/api/v1';
      const ann = await enrol(t, clock, { slug: 'push', email: 'ann@example.com' });
      const device = createTestPushDevice();
      const activated = await t.app.inject({
        method: 'POST',
        url: `${base}/devices/activate`,
        payload: { activationToken: ann.pushToken, publicKey: device.publicKey, name: 'Phone' },
      });
      expect(activated.statusCode, activated.body).toBe(201);
      const deviceId = activated.json().deviceId as string;
      const pending = async () => {
        const path = `${base}/devices/${deviceId}/challenges?wait=0`;
        const polled = await t.app.inject({
          method: 'GET',
          url: path,
          headers: device.headers(deviceId, 'GET', path, undefined, clock.now()),
        });
        return (polled.json().challenges as unknown[]).length;
      };

      // The attacker knows the password and opens 20 sign-ins.
      const flows: { browser: ReturnType<typeof createBrowserClient>; flowId: string; methodId: string }[] =
        [];
      for (let i = 0; i < 20; i++) {
        const browser = createBrowserClient(t.app);
        const flow = (
          await browser.post(`${base}/sign-in`, { username: 'ann@example.com', password })
        ).json();
        const push = flow.methods.find((m: { type: string }) => m.type === 'push');
        expect(push, JSON.stringify(flow.methods)).toBeDefined();
        flows.push({ browser, flowId: flow.flowId as string, methodId: push.id as string });
      }
      const burst = () =>
        Promise.all(
          flows.map((f) => f.browser.post(`${base}/sign-in/${f.flowId}/challenge`, { methodId: f.methodId })),
        );

      const first = await burst();
      const sent = first.filter((r) => r.statusCode === 200);
      const refused = first.filter((r) => r.statusCode !== 200);
      expect(sent).toHaveLength(maxPendingPushesPerUser);
      for (const r of refused) {
        expect(r.statusCode).toBe(429);
        expect(r.json()).toMatchObject({ code: 'send_limited', scope: 'push_pending' });
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(await pending()).toBe(maxPendingPushesPerUser);

      // The attacker keeps going as the pushes expire, for the rest of the hour.
      let total = sent.length;
      const lastRefusals = new Set<string>();
      // Four more bursts, two minutes apart, while the sign-ins (10 minutes) are alive.
      for (let round = 0; round < 4; round++) {
        clock.advance(pushLifetimeMs + 1000);
        const answers = await burst();
        total += answers.filter((r) => r.statusCode === 200).length;
        lastRefusals.clear();
        for (const r of answers.filter((a) => a.statusCode !== 200)) {
          expect(r.statusCode).toBe(429);
          lastRefusals.add(r.json().scope);
        }
        expect(await pending()).toBeLessThanOrEqual(maxPendingPushesPerUser);
      }
      expect(clock.now() - Date.UTC(2026, 10, 12, 9, 0, 0)).toBeLessThan(60 * minute);
      expect(total).toBe(maxPushesPerHour);
      expect([...lastRefusals]).toEqual(['push_hourly']);
    });

    async function registrationFlows(slug: string, count: number) {
      const tenant = await t.runtime.services.tenants.getBySlug(slug);
      const flows: { browser: ReturnType<typeof createBrowserClient>; flowId: string }[] = [];
      for (let i = 0; i < count; i++) {
        const email = `user${i}@${slug}.example.com`;
        await t.runtime.services.users.create({ tenantId: tenant.id, email, password }, operatorActor);
        const browser = createBrowserClient(t.app);
        const flow = (await browser.post(`/t/${slug}/api/v1/sign-in`, { username: email, password })).json();
        expect(flow.status).toBe('registration_required');
        flows.push({ browser, flowId: flow.flowId as string });
      }
      return { tenant, flows };
    }

    /** Registers an SMS method on a sign-in that needs one: the server texts a code to `phone`. */
    function register(
      slug: string,
      flow: { browser: ReturnType<typeof createBrowserClient>; flowId: string },
      phone: string,
      remoteAddress: string,
    ) {
      return flow.browser.request({
        method: 'POST',
        url: `/t/${slug}/api/v1/sign-in/${flow.flowId}/register`,
        json: { type: 'sms', phoneNumber: phone },
        remoteAddress,
      });
    }

    const phone = (n: number) => `+1 415 555 ${String(1000 + n).slice(-4)}`;

    for (const [label, slug, addressOf] of [
      ['one IPv4 address', 'pump4', () => '203.0.113.7'],
      [
        'one IPv6 /64, a fresh address for every request',
        'pump6',
        (n: number) => `2001:db8:0:1::${(n + 1).toString(16)}`,
      ],
    ] as const) {
      it(`SMS pumping from ${label}: many accounts and numbers, at most the per-address limit is sent`, async () => {
        await t.runtime.services.tenants.create({ slug, name: slug }, operatorActor);
        const { perUser, perIp } = defaultTenantPolicy.sendLimits;
        const accounts = Math.ceil(perIp / perUser) + 1;
        const { tenant, flows } = await registrationFlows(slug, accounts);
        const statuses: number[] = [];
        const scopes = new Set<string>();
        let n = 0;
        for (const flow of flows) {
          for (let i = 0; i < perUser; i++, n++) {
            const answer = await register(slug, flow, phone(n), addressOf(n));
            statuses.push(answer.statusCode);
            if (answer.statusCode !== 200) {
              expect(answer.statusCode, answer.body).toBe(429);
              expect(answer.json().code).toBe('send_limited');
              scopes.add(answer.json().scope);
            }
          }
        }
        const texts = await t.runtime.services.outbox.list(tenant.id);
        console.info(
          `SMS pumping (${backend.name}, ${label}): ${statuses.length} sends to ${n} numbers from ${accounts} accounts, ${texts.length} texted`,
        );
        expect(statuses.filter((s) => s === 200)).toHaveLength(perIp);
        expect(texts).toHaveLength(perIp);
        expect([...scopes]).toEqual(['ip']);
      });
    }

    it('SMS pumping from many addresses at once: the tenant-wide limit holds', async () => {
      const slug = 'pumpmany';
      const tenant = await t.runtime.services.tenants.create({ slug, name: slug }, operatorActor);
      const perTenant = 12;
      await t.runtime.services.tenants.updatePolicy(
        tenant.id,
        { ...tenant.policy, sendLimits: { ...tenant.policy.sendLimits, perTenant } },
        operatorActor,
      );
      const { flows } = await registrationFlows(slug, 4);
      const statuses: number[] = [];
      const scopes = new Set<string>();
      let n = 0;
      for (const flow of flows) {
        for (let i = 0; i < 5; i++, n++) {
          const answer = await register(slug, flow, phone(n), `198.51.100.${n + 1}`);
          statuses.push(answer.statusCode);
          if (answer.statusCode !== 200) scopes.add(answer.json().scope);
        }
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(perTenant);
      expect(statuses.filter((s) => s === 429)).toHaveLength(statuses.length - perTenant);
      expect([...scopes]).toEqual(['tenant']);
      expect(await t.runtime.services.outbox.list(tenant.id)).toHaveLength(perTenant);
    });
  });
}
