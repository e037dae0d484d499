import { beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { useInstanceFleet } from '../../test-support/fixtures.js';
import { createTestServices, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import { createSendLimits, type SendLimitCheck, sendLimitWindowMs } from './send-limits.js';

const limits = { perUser: 5, perDestination: 3, perIp: 8, perTenant: 20 };

function check(overrides: Partial<SendLimitCheck> = {}): SendLimitCheck {
  return {
    tenantId: 't1',
    userId: 'u1',
    channel: 'sms',
    destination: '+447911123456',
    ip: '203.0.113.7',
    limits,
    ...overrides,
  };
}

for (const backend of testBackends) {
  describe(`send limits (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;

    beforeEach(() => {
      handle = database();
      services = createTestServices(handle);
    });

    it('refuses the send past each limit with the seconds until its hour ends, then allows again', async () => {
      const sends = createSendLimits({ db: handle.db, clock: services.clock });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await sends.admit(check()));
      expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
      expect(results[3]).toEqual({ allowed: false, scope: 'destination', retryAfter: 3600 });
      // Another number of the same user still has room, until the user's own limit.
      const other = [];
      for (let i = 0; i < 3; i++) other.push(await sends.admit(check({ destination: `+44791112345${i}` })));
      expect(other.map((r) => (r.allowed ? 'ok' : r.scope))).toEqual(['ok', 'user', 'user']);
      services.clock.advance(20 * 60_000);
      const later = await sends.admit(check({ destination: '+447911000000' }));
      expect(later).toEqual({ allowed: false, scope: 'user', retryAfter: 40 * 60 });
      services.clock.advance(sendLimitWindowMs);
      expect(await sends.admit(check())).toEqual({ allowed: true });
    });

    it('counts per IP across users, and per tenant across everyone (SMS pumping)', async () => {
      const sends = createSendLimits({ db: handle.db, clock: services.clock });
      const byIp = [];
      for (let i = 0; i < 10; i++)
        byIp.push(await sends.admit(check({ userId: `u${i}`, destination: `+4479111234${10 + i}` })));
      expect(byIp.filter((r) => r.allowed)).toHaveLength(8);
      expect(byIp[8]).toMatchObject({ allowed: false, scope: 'ip' });
      const byTenant = [];
      for (let i = 0; i < 30; i++)
        byTenant.push(
          await sends.admit(
            check({ userId: `v${i}`, destination: `+4479111235${10 + i}`, ip: `198.51.100.${i}` }),
          ),
        );
      // Ten were counted above (refused sends count too, so a script that keeps asking stays
      // refused); ten more reach the tenant's 20.
      expect(byTenant.filter((r) => r.allowed)).toHaveLength(10);
      expect(byTenant.at(-1)).toMatchObject({ allowed: false, scope: 'tenant' });
      // Another tenant is counted apart.
      expect(await sends.admit(check({ tenantId: 't2', userId: 'w', ip: '192.0.2.1' }))).toEqual({
        allowed: true,
      });
    });

    describe('on several instances at once', () => {
      const instances = 4;
      const fleet = useInstanceFleet(database, () => services, instances);

      it('a burst of 40 sends to one user lets exactly the limit through', async () => {
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            createSendLimits({ db: fleet()[i % instances]!.db, clock: services.clock }).admit(
              // Only the user's limit can bind here (the others are far away).
              check({
                destination: `+4479111236${10 + i}`,
                ip: `198.51.100.${i}`,
                limits: { ...limits, perTenant: 1000, perIp: 1000 },
              }),
            ),
          ),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(limits.perUser);
      });
    });
  });
}
