import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { hashToken } from '../platform/crypto/tokens.js';
import type { Database } from '../platform/db/schema.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { type MoreHandles, openMoreHandles } from '../test-support/connections.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { seedDirectory } from '../test-support/fixtures.js';
import { tally } from '../test-support/outcomes.js';
import { createTestServices, type ManualClock, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import {
  createPasswordThrottle,
  defaultPasswordThrottlePolicy,
  deviceTokenPrefix,
  ipThrottleKey,
  knownDeviceCookieName,
  knownDeviceCookieOptions,
  type PasswordThrottle,
  type ThrottleSubject,
  usernameThrottleKey,
} from './password-throttle.js';
import type { User } from './user-service.js';

const second = 1000;
const minute = 60 * second;
const day = 24 * 60 * minute;
const deviceFormat = /^tfd_[A-Za-z0-9_-]{43}$/;

const attacker = '203.0.113.66';
const home = '198.51.100.10';

describe('password throttle policy', () => {
  it("is the issue's: 10 failures then 60 s doubling to 1 hour per account, 50 per 15 minutes per address", () => {
    expect(defaultPasswordThrottlePolicy).toEqual({
      accountThreshold: 10,
      accountBaseLockMs: 60 * second,
      accountMaxLockMs: 60 * minute,
      ipThreshold: 50,
      ipWindowMs: 15 * minute,
      ipLockMs: 15 * minute,
      knownDeviceLifetimeMs: 90 * day,
    });
  });

  it('the device cookie is HttpOnly, SameSite=Lax and lives as long as a device stays known', () => {
    expect(knownDeviceCookieName).toBe('twofold_device');
    expect(knownDeviceCookieOptions({ secure: true })).toEqual({
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: true,
      maxAge: 90 * 24 * 60 * 60,
    });
  });

  it('refuses a policy that makes no sense', () => {
    const db = {} as Kysely<Database>;
    const clock = createManualClock();
    expect(() => createPasswordThrottle({ db, clock, policy: { accountThreshold: 0 } })).toThrow(RangeError);
    expect(() => createPasswordThrottle({ db, clock, policy: { ipWindowMs: 1.5 } })).toThrow(RangeError);
    expect(() =>
      createPasswordThrottle({
        db,
        clock,
        policy: { accountBaseLockMs: 10 * minute, accountMaxLockMs: minute },
      }),
    ).toThrow(RangeError);
  });
});

for (const backend of testBackends) {
  describe(`password throttle (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let clock: ManualClock;
    let throttle: PasswordThrottle;
    let acme: Tenant;
    let other: Tenant;
    let alice: User;
    let bob: User;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      clock = services.clock;
      throttle = services.passwordThrottle;
      ({ acme, other, alice, bob } = await seedDirectory(services));
    });

    async function fail(times: number, subject: Partial<ThrottleSubject> = {}) {
      let last: Awaited<ReturnType<PasswordThrottle['recordFailure']>> | undefined;
      for (let i = 0; i < times; i++) {
        last = await throttle.recordFailure({
          tenantId: acme.id,
          userId: alice.id,
          ip: attacker,
          ...subject,
        });
      }
      return last;
    }
    function check(subject: Partial<Parameters<PasswordThrottle['check']>[0]> = {}) {
      return throttle.check({ tenantId: acme.id, userId: alice.id, ip: home, ...subject });
    }
    function userRow(id: string) {
      return handle.db
        .selectFrom('users')
        .select(['password_failures', 'password_locked_until'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    }

    describe('per account', () => {
      it('allows 9 failures; the 10th makes the account wait 60 s', async () => {
        expect(await fail(9)).toEqual({ accountFailures: 9, ipFailures: 9 });
        expect(await check()).toEqual({ allowed: true });
        expect(await fail(1)).toEqual({ accountFailures: 10, ipFailures: 10 });
        expect(await check()).toEqual({ allowed: false, retryAfter: 60, scope: 'account' });
        expect(await userRow(alice.id)).toEqual({
          password_failures: 10,
          password_locked_until: clock.now() + 60 * second,
        });
        clock.advance(59 * second + 1);
        expect(await check()).toEqual({ allowed: false, retryAfter: 1, scope: 'account' });
        clock.advance(999);
        expect(await check()).toEqual({ allowed: true });
        // Other users of the tenant are not affected.
        expect(await check({ userId: bob.id })).toEqual({ allowed: true });
      });

      it('each further failure doubles the wait, up to one hour', async () => {
        await fail(9);
        const waits: number[] = [];
        for (let failures = 10; failures <= 18; failures++) {
          await fail(1);
          const decision = await check();
          if (decision.allowed) throw new Error(`not locked after ${failures} failures`);
          waits.push(decision.retryAfter);
          clock.advance(decision.retryAfter * second);
          expect(await check()).toEqual({ allowed: true });
        }
        expect(waits).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
      });

      it('a success resets the account counter', async () => {
        await fail(12);
        await throttle.recordSuccess({ tenantId: acme.id, userId: alice.id, ip: home });
        expect(await userRow(alice.id)).toEqual({ password_failures: 0, password_locked_until: null });
        expect(await check()).toEqual({ allowed: true });
        expect(await fail(9)).toMatchObject({ accountFailures: 9 });
        expect(await check()).toEqual({ allowed: true });
      });

      it('counters read with the user (a sign-in): the lock is taken from them, and zero ones are not written', async () => {
        const counters = async () => {
          const row = await userRow(alice.id);
          return { failures: row.password_failures, lockedUntil: row.password_locked_until };
        };
        await fail(10);
        const locked = await counters();
        expect(await check({ account: locked })).toEqual({
          allowed: false,
          retryAfter: 60,
          scope: 'account',
        });
        // What was read is what counts: the row is not read again.
        expect(await check({ account: { failures: 0, lockedUntil: null } })).toEqual({ allowed: true });
        clock.advance(60 * second);
        await throttle.recordSuccess({ tenantId: acme.id, userId: alice.id, ip: home, account: locked });
        expect(await userRow(alice.id)).toEqual({ password_failures: 0, password_locked_until: null });

        // Read as zero before the password's check, with a failure counted meanwhile (a concurrent
        // guess): nothing is written, so that failure stays counted (an unconditional reset wiped it).
        const zero = await counters();
        expect(zero).toEqual({ failures: 0, lockedUntil: null });
        await fail(1);
        await throttle.recordSuccess({ tenantId: acme.id, userId: alice.id, ip: home, account: zero });
        expect(await userRow(alice.id)).toEqual({ password_failures: 1, password_locked_until: null });
        // A lock without failures (never left by the throttle itself) is still something to reset.
        await throttle.recordSuccess({
          tenantId: acme.id,
          userId: alice.id,
          ip: home,
          account: { failures: 0, lockedUntil: clock.now() },
        });
        expect(await userRow(alice.id)).toEqual({ password_failures: 0, password_locked_until: null });
      });

      it('a user id of another tenant counts nothing for that user (only the address)', async () => {
        expect(await throttle.recordFailure({ tenantId: other.id, userId: alice.id, ip: attacker })).toEqual({
          accountFailures: null,
          ipFailures: 1,
        });
        expect(await userRow(alice.id)).toEqual({ password_failures: 0, password_locked_until: null });
        await fail(10);
        expect(await throttle.check({ tenantId: other.id, userId: alice.id, ip: home })).toEqual({
          allowed: true,
        });
      });
    });

    describe('unknown users', () => {
      it('without a username: counted per address only, and checked like a user without failures', async () => {
        for (let i = 0; i < 30; i++) {
          expect(await throttle.recordFailure({ tenantId: acme.id, ip: attacker })).toEqual({
            accountFailures: null,
            ipFailures: i + 1,
          });
        }
        expect(await throttle.check({ tenantId: acme.id, ip: home })).toEqual({ allowed: true });
        expect(await throttle.check({ tenantId: acme.id, ip: attacker })).toEqual({ allowed: true });
        expect(await throttle.check({ tenantId: acme.id, userId: 'no-such-user', ip: home })).toEqual({
          allowed: true,
        });
      });

      it('with the username: a made-up name locks exactly as a real account, so lockouts do not reveal which exist', async () => {
        const start = clock.now();
        const decisions = async (subject: Partial<ThrottleSubject>, network: string) => {
          clock.set(start);
          const seen: unknown[] = [];
          for (let i = 0; i < 14; i++) {
            const before = await throttle.check({ tenantId: acme.id, ip: home, ...subject });
            seen.push(before);
            if (!before.allowed) clock.advance(before.retryAfter * second);
            seen.push(await throttle.recordFailure({ tenantId: acme.id, ip: `${network}.${i}`, ...subject }));
          }
          seen.push(await throttle.check({ tenantId: acme.id, ip: home, ...subject }));
          return seen;
        };
        const real = await decisions({ userId: alice.id, username: 'alice@example.com' }, '192.0.2');
        const fake = await decisions({ username: 'ghost@example.com' }, '198.51.100');
        expect(fake).toEqual(real);
        expect(real.at(-1)).toEqual({ allowed: false, retryAfter: 960, scope: 'account' });
        // The username key is normalised like emails and stored hashed.
        expect(
          await throttle.check({ tenantId: acme.id, ip: home, username: ' GHOST@example.com ' }),
        ).toEqual(real.at(-1));
        const keys = (await handle.db.selectFrom('throttles').select('key').execute()).map((r) => r.key);
        expect(keys).toContain(usernameThrottleKey(acme.id, 'ghost@example.com'));
        expect(keys.join(' ')).not.toContain('ghost');
        // Another tenant's ghost is another counter.
        expect(await throttle.check({ tenantId: other.id, ip: home, username: 'ghost@example.com' })).toEqual(
          {
            allowed: true,
          },
        );
      });
    });

    describe('known devices', () => {
      it('issues a device token on success, stored hashed, and keeps it while it is known', async () => {
        const { deviceToken } = await throttle.recordSuccess({
          tenantId: acme.id,
          userId: alice.id,
          ip: home,
        });
        expect(deviceToken).toMatch(deviceFormat);
        expect(deviceToken.startsWith(deviceTokenPrefix)).toBe(true);
        const rows = await handle.db.selectFrom('known_devices').selectAll().execute();
        expect(rows).toEqual([
          {
            tenant_id: acme.id,
            user_id: alice.id,
            device_hash: hashToken(deviceToken),
            last_success_at: clock.now(),
          },
        ]);
        clock.advance(day);
        expect(
          await throttle.recordSuccess({ tenantId: acme.id, userId: alice.id, ip: home, deviceToken }),
        ).toEqual({
          deviceToken,
        });
        expect(await handle.db.selectFrom('known_devices').selectAll().execute()).toEqual([
          { ...rows[0], last_success_at: clock.now() },
        ]);
      });

      it("a token unknown for this user (forged, malformed, or another user's) is replaced, never adopted", async () => {
        const bobs = await throttle.recordSuccess({ tenantId: acme.id, userId: bob.id, ip: home });
        for (const presented of [`${deviceTokenPrefix}${'A'.repeat(43)}`, 'garbage', bobs.deviceToken]) {
          const { deviceToken } = await throttle.recordSuccess({
            tenantId: acme.id,
            userId: alice.id,
            ip: home,
            deviceToken: presented,
          });
          expect(deviceToken).toMatch(deviceFormat);
          expect(deviceToken).not.toBe(presented);
        }
        const hashes = await handle.db
          .selectFrom('known_devices')
          .select('device_hash')
          .where('user_id', '=', alice.id)
          .execute();
        expect(hashes).toHaveLength(3);
        expect(hashes.map((r) => r.device_hash)).not.toContain(hashToken(bobs.deviceToken));
      });

      it('a sign-in from a known device is not held back by failures from elsewhere', async () => {
        const { deviceToken } = await throttle.recordSuccess({
          tenantId: acme.id,
          userId: alice.id,
          ip: home,
        });
        await fail(16); // an hour-long lock, from the attacker's address
        expect(await check()).toEqual({ allowed: false, retryAfter: 3600, scope: 'account' });
        expect(await check({ deviceToken })).toEqual({ allowed: true });
        // The device must be known for this user, in this tenant.
        const bobs = await throttle.recordSuccess({ tenantId: acme.id, userId: bob.id, ip: home });
        expect(await check({ deviceToken: bobs.deviceToken })).toMatchObject({ allowed: false });
        expect(await check({ deviceToken: `${deviceTokenPrefix}${'B'.repeat(43)}` })).toMatchObject({
          allowed: false,
        });
        expect(await check({ deviceToken: deviceToken.slice(0, -1) })).toMatchObject({ allowed: false });
        // The attacker learns nothing from sending some device token: still held back.
        expect(await check({ ip: attacker, deviceToken: bobs.deviceToken })).toMatchObject({
          allowed: false,
        });
      });

      it('a device stays known for 90 days after its last success', async () => {
        const { deviceToken } = await throttle.recordSuccess({
          tenantId: acme.id,
          userId: alice.id,
          ip: home,
        });
        await fail(10);
        clock.advance(90 * day - 1);
        await fail(10);
        expect(await check({ deviceToken })).toEqual({ allowed: true });
        clock.advance(1);
        expect(await check({ deviceToken })).toMatchObject({ allowed: false, scope: 'account' });
        // A success then issues a new token and clears the lapsed one away.
        const renewed = await throttle.recordSuccess({
          tenantId: acme.id,
          userId: alice.id,
          ip: home,
          deviceToken,
        });
        expect(renewed.deviceToken).not.toBe(deviceToken);
        expect(await handle.db.selectFrom('known_devices').select('device_hash').execute()).toEqual([
          { device_hash: hashToken(renewed.deviceToken) },
        ]);
      });

      it("a known device is still held back by its own address's counter", async () => {
        const { deviceToken } = await throttle.recordSuccess({
          tenantId: acme.id,
          userId: alice.id,
          ip: home,
        });
        await fail(50, { ip: home, userId: bob.id });
        expect(await check({ deviceToken })).toEqual({ allowed: false, retryAfter: 900, scope: 'ip' });
      });
    });

    describe('per address', () => {
      it('50 failures within 15 minutes make the address wait 15 minutes, whichever accounts they tried', async () => {
        for (let i = 0; i < 49; i++) {
          await throttle.recordFailure({ tenantId: acme.id, ip: attacker, username: `user${i}@example.com` });
          clock.advance(10 * second);
        }
        expect(await check({ ip: attacker, userId: bob.id })).toEqual({ allowed: true });
        expect(await throttle.recordFailure({ tenantId: acme.id, ip: attacker })).toEqual({
          accountFailures: null,
          ipFailures: 50,
        });
        for (const subject of [{ userId: bob.id }, { userId: undefined }, { username: 'new@example.com' }]) {
          expect(await check({ ip: attacker, ...subject })).toEqual({
            allowed: false,
            retryAfter: 900,
            scope: 'ip',
          });
        }
        // Other addresses and other tenants are not affected.
        expect(await check({ ip: home, userId: bob.id })).toEqual({ allowed: true });
        expect(await throttle.check({ tenantId: other.id, ip: attacker })).toEqual({ allowed: true });
        clock.advance(15 * minute);
        expect(await check({ ip: attacker, userId: bob.id })).toEqual({ allowed: true });
      });

      it('failures spread over more than the window do not add up', async () => {
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < 49; i++) await throttle.recordFailure({ tenantId: acme.id, ip: attacker });
          expect(await throttle.check({ tenantId: acme.id, ip: attacker })).toEqual({ allowed: true });
          clock.advance(15 * minute);
        }
        expect((await throttle.recordFailure({ tenantId: acme.id, ip: attacker })).ipFailures).toBe(1);
      });

      it('a success does not reset the address counter (one own account must not wipe it between guesses)', async () => {
        await fail(45, { userId: bob.id });
        await throttle.recordSuccess({ tenantId: acme.id, userId: alice.id, ip: attacker });
        await fail(5, { userId: bob.id });
        expect(await check({ ip: attacker })).toEqual({ allowed: false, retryAfter: 900, scope: 'ip' });
      });

      it('an IPv6 client counts by its /64, and IPv4-mapped addresses as IPv4', async () => {
        for (let i = 0; i < 50; i++) {
          await throttle.recordFailure({ tenantId: acme.id, ip: `2001:db8:1:2::${i.toString(16)}` });
        }
        expect(await throttle.check({ tenantId: acme.id, ip: '2001:db8:1:2:ffff::1' })).toMatchObject({
          allowed: false,
          scope: 'ip',
        });
        expect(await throttle.check({ tenantId: acme.id, ip: '2001:db8:1:3::1' })).toEqual({ allowed: true });
        await fail(50, { userId: bob.id, ip: '192.0.2.7' });
        expect(await throttle.check({ tenantId: acme.id, ip: '::ffff:192.0.2.7' })).toMatchObject({
          allowed: false,
        });
        expect(ipThrottleKey(acme.id, '::ffff:192.0.2.7')).toBe(ipThrottleKey(acme.id, '192.0.2.7'));
      });

      it('when both counters hold a request back, it waits for the longer', async () => {
        await fail(16, { ip: home }); // account: 1 hour; address: 16 failures, not locked
        await fail(34, { ip: home, userId: undefined }); // address: 50, locked 15 minutes
        expect(await check()).toEqual({ allowed: false, retryAfter: 3600, scope: 'account' });
        expect(await check({ userId: bob.id })).toEqual({ allowed: false, retryAfter: 900, scope: 'ip' });
      });
    });

    it('an attacker elsewhere cannot lock the real user out of their own browser', async () => {
      // Alice signs in at home once; her browser keeps the device cookie.
      const { deviceToken } = await throttle.recordSuccess({ tenantId: acme.id, userId: alice.id, ip: home });
      // A botnet guesses her password from many addresses, for hours.
      for (let i = 0; i < 200; i++) {
        await throttle.recordFailure({ tenantId: acme.id, userId: alice.id, ip: `203.0.113.${i % 250}` });
        clock.advance(minute);
      }
      expect(await check({ ip: '203.0.113.251' })).toEqual({
        allowed: false,
        retryAfter: 3540,
        scope: 'account',
      });
      // Alice at home, with her cookie: let through; she mistypes once, then signs in.
      expect(await check({ deviceToken })).toEqual({ allowed: true });
      await throttle.recordFailure({ tenantId: acme.id, userId: alice.id, ip: home });
      expect(await check({ deviceToken })).toEqual({ allowed: true });
      await throttle.recordSuccess({ tenantId: acme.id, userId: alice.id, ip: home, deviceToken });
      // Her success resets the account: a new browser of hers works too.
      expect(await check()).toEqual({ allowed: true });
    });

    it('purges address and username counters idle for a day, keeping live ones and other kinds', async () => {
      await fail(3, { userId: undefined, ip: '192.0.2.1' });
      await fail(3, { userId: undefined, username: 'ghost@example.com', ip: '192.0.2.2' });
      await handle.db
        .insertInto('throttles')
        .values({
          key: 'sms:destination:+15550100',
          failures: 1,
          window_started_at: clock.now(),
          locked_until: null,
        })
        .execute();
      clock.advance(day + 15 * minute + 1);
      await fail(1, { userId: undefined, ip: '192.0.2.3' });
      expect(await throttle.purgeStale()).toBe(3); // 192.0.2.1, 192.0.2.2 and the ghost's counter
      const keys = (await handle.db.selectFrom('throttles').select('key').orderBy('key').execute()).map(
        (r) => r.key,
      );
      expect(keys).toEqual([ipThrottleKey(acme.id, '192.0.2.3'), 'sms:destination:+15550100']);
    });
  });

  describe(`password throttle across instances (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    const attempts = 40;
    let more: MoreHandles;
    let services: TestServices;
    let fleet: TestServices[];
    let acme: Tenant;
    let alice: User;

    beforeAll(async () => {
      more = await openMoreHandles(database(), 4);
    });
    afterAll(async () => {
      await more.close();
    });
    beforeEach(async () => {
      const clock = createManualClock();
      services = createTestServices(database(), { clock });
      fleet = more.handles.map((h) => createTestServices(h, { clock }));
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      alice = await services.users.create({ tenantId: acme.id, email: 'alice@example.com' }, operatorActor);
      await more.warm();
    });

    function race<T>(attempt: (instance: TestServices) => Promise<T>) {
      return Promise.allSettled(
        Array.from({ length: attempts }, (_, i) => attempt(fleet[i % fleet.length]!)),
      );
    }
    function values<T>(results: PromiseSettledResult<T>[]): T[] {
      return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    }

    it(`${attempts} concurrent failures from 4 instances are each counted: per account, per address, per username`, async () => {
      const known = await race((instance) =>
        instance.passwordThrottle.recordFailure({ tenantId: acme.id, userId: alice.id, ip: attacker }),
      );
      const unknown = await race((instance) =>
        instance.passwordThrottle.recordFailure({
          tenantId: acme.id,
          username: 'ghost@example.com',
          ip: home,
        }),
      );
      expect(tally(known)).toEqual({ ok: attempts });
      expect(tally(unknown)).toEqual({ ok: attempts });
      // Each failure saw its own count: no two increments read the same value.
      const sequence = Array.from({ length: attempts }, (_, i) => i + 1);
      expect(
        values(known)
          .map((v) => v.accountFailures)
          .sort((a, b) => a! - b!),
      ).toEqual(sequence);
      expect(
        values(known)
          .map((v) => v.ipFailures)
          .sort((a, b) => a - b),
      ).toEqual(sequence);
      expect(
        values(unknown)
          .map((v) => v.accountFailures)
          .sort((a, b) => a! - b!),
      ).toEqual(sequence);
      expect(
        values(unknown)
          .map((v) => v.ipFailures)
          .sort((a, b) => a - b),
      ).toEqual(sequence);

      const now = services.clock.now();
      expect(
        await services.db
          .selectFrom('users')
          .select(['password_failures', 'password_locked_until'])
          .where('id', '=', alice.id)
          .executeTakeFirstOrThrow(),
      ).toEqual({ password_failures: attempts, password_locked_until: now + 60 * minute });
      const counters = await services.db.selectFrom('throttles').selectAll().orderBy('key').execute();
      expect(counters).toEqual(
        [
          {
            key: ipThrottleKey(acme.id, attacker),
            failures: attempts,
            window_started_at: now,
            locked_until: null,
          },
          {
            key: ipThrottleKey(acme.id, home),
            failures: attempts,
            window_started_at: now,
            locked_until: null,
          },
          {
            key: usernameThrottleKey(acme.id, 'ghost@example.com'),
            failures: attempts,
            window_started_at: now,
            locked_until: now + 60 * minute,
          },
        ].sort((a, b) => (a.key < b.key ? -1 : 1)),
      );
    });

    it('the address lock lands exactly at the 50th of 60 concurrent failures', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          fleet[i % fleet.length]!.passwordThrottle.recordFailure({ tenantId: acme.id, ip: attacker }),
        ),
      );
      expect(
        values(results)
          .map((v) => v.ipFailures)
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(await services.passwordThrottle.check({ tenantId: acme.id, ip: attacker })).toEqual({
        allowed: false,
        retryAfter: 900,
        scope: 'ip',
      });
    });

    it('negative control: a naive read-then-write counter loses failures under the same race', async () => {
      /** Reads the count, then writes count + 1 without re-checking. Do not copy. */
      async function recordFailureNaively(db: Kysely<Database>) {
        const row = await db
          .selectFrom('users')
          .select('password_failures')
          .where('id', '=', alice.id)
          .executeTakeFirstOrThrow();
        await db
          .updateTable('users')
          .set({ password_failures: row.password_failures + 1 })
          .where('id', '=', alice.id)
          .execute();
      }
      const results = await race((instance) => recordFailureNaively(instance.db));
      expect(tally(results)).toEqual({ ok: attempts });
      const { password_failures } = await services.db
        .selectFrom('users')
        .select('password_failures')
        .where('id', '=', alice.id)
        .executeTakeFirstOrThrow();
      // Reliable on both: the reads are answered before the writes land, so most increments vanish.
      expect(password_failures).toBeLessThan(attempts);
    });
  });
}
