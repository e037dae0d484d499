import { errorRegistry, isErrorCode } from '@twofold/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Tenant } from '../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { seedDirectory } from '../test-support/fixtures.js';
import { createTestServices, type ManualClock, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import type { User } from '../users/user-service.js';
import {
  type SignInEvent,
  type SignInEventInput,
  type SignInLog,
  type SignInReason,
  signInLogPageLimits,
  signInReasons,
} from './sign-in-log.js';

describe('sign-in reasons', () => {
  it('lists the reasons of spec section 4 and the ones sign-in adds', () => {
    expect([...signInReasons].sort()).toEqual(
      [
        'invalid_credentials',
        'otp_invalid',
        'otp_replayed',
        'otp_clock_skew',
        'locked_out',
        'push_denied',
        'push_reported',
        'push_timeout',
        'registration_required',
        'tap_expired',
        'tap_revoked',
        'tap_not_allowed',
        'recovery_code_invalid',
        'passkey_invalid',
        'passkey_challenge_invalid',
        'passkey_counter_replayed',
        'passkey_unknown',
        'flow_expired',
        'too_many_attempts',
        'user_disabled',
        'mfa_admin_required',
        'otp_expired',
        'send_limited',
        'delivery_failed',
      ].sort(),
    );
  });

  it.each(signInReasons)(
    '%s is an error code with a 4xx status (a refusal answers the same code)',
    (reason) => {
      expect(isErrorCode(reason)).toBe(true);
      const { status, title, description } = errorRegistry[reason];
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(title.length).toBeGreaterThan(0);
      expect(description.length).toBeGreaterThan(0);
    },
  );

  it('waiting helps for locked_out and too_many_attempts: both are 429 like rate_limited', () => {
    expect(errorRegistry.locked_out.status).toBe(429);
    expect(errorRegistry.too_many_attempts.status).toBe(429);
  });
});

for (const backend of testBackends) {
  describe(`sign-in log (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let clock: ManualClock;
    let log: SignInLog;
    let acme: Tenant;
    let other: Tenant;
    let alice: User;
    let bob: User;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      clock = services.clock;
      log = services.signInLog;
      ({ acme, other, alice, bob } = await seedDirectory(services));
    });

    function failure(reason: SignInReason, extra: Partial<SignInEventInput> = {}) {
      return log.record({
        tenantId: acme.id,
        userId: alice.id,
        username: 'alice@example.com',
        result: 'failure',
        reason,
        ...extra,
      });
    }

    /** Every page of a listing, following nextCursor. */
    async function listAll(query: Omit<Parameters<SignInLog['list']>[0], 'cursor'>) {
      const pages: SignInEvent[][] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await log.list({ ...query, ...(cursor ? { cursor } : {}) });
        pages.push(page.items);
        if (page.nextCursor === null) return pages;
        cursor = page.nextCursor;
        if (pages.length > 1000) throw new Error('pagination does not end');
      }
    }

    it('records an attempt with result, reason, method, address, user agent and details', async () => {
      const event = await log.record({
        tenantId: acme.id,
        userId: alice.id,
        username: ' Alice@Example.com ',
        result: 'failure',
        reason: 'otp_clock_skew',
        methodType: 'authenticator',
        methodId: 'method-1',
        ip: '203.0.113.5',
        userAgent: 'Mozilla/5.0',
        details: { offsetSeconds: -420 },
      });
      expect(event).toEqual({
        id: expect.any(String),
        tenantId: acme.id,
        userId: alice.id,
        username: 'Alice@Example.com',
        at: clock.now(),
        result: 'failure',
        reason: 'otp_clock_skew',
        methodType: 'authenticator',
        methodId: 'method-1',
        ip: '203.0.113.5',
        userAgent: 'Mozilla/5.0',
        details: { offsetSeconds: -420 },
      });
      expect((await log.list({ tenantId: acme.id })).items).toEqual([event]);
    });

    it('records an unknown username without a user, and a success without a reason', async () => {
      const unknown = await log.record({
        tenantId: acme.id,
        username: 'nobody@example.com',
        result: 'failure',
        reason: 'invalid_credentials',
      });
      expect(unknown).toMatchObject({ userId: null, ip: null, userAgent: null, details: null });
      const success = await log.record({
        tenantId: acme.id,
        userId: bob.id,
        username: 'bob',
        result: 'success',
      });
      expect(success.reason).toBeNull();
      const interrupted = await log.record({
        tenantId: acme.id,
        userId: bob.id,
        username: 'bob',
        result: 'interrupted',
        reason: 'registration_required',
      });
      expect(interrupted.reason).toBe('registration_required');
    });

    it('keeps hostile input within bounds instead of failing', async () => {
      const event = await failure('invalid_credentials', {
        username: 'u'.repeat(5000),
        userAgent: 'a'.repeat(5000),
        ip: 'i'.repeat(500),
      });
      expect(event.username).toHaveLength(320);
      expect(event.userAgent).toHaveLength(512);
      expect(event.ip).toHaveLength(64);
    });

    it('refuses a reason outside the list and a failure without a reason (caller bugs)', async () => {
      await expect(
        log.record({
          tenantId: acme.id,
          username: 'x',
          result: 'failure',
          reason: 'wrong_password' as SignInReason,
        }),
      ).rejects.toThrow("unknown reason 'wrong_password'");
      await expect(log.record({ tenantId: acme.id, username: 'x', result: 'failure' })).rejects.toThrow(
        'a failure needs a reason',
      );
      await expect(
        log.record({ tenantId: acme.id, username: 'x', result: 'maybe' as 'success' }),
      ).rejects.toThrow("unknown result 'maybe'");
      expect((await log.list({ tenantId: acme.id })).items).toEqual([]);
    });

    it('lists newest first and keeps tenants apart', async () => {
      const first = await failure('invalid_credentials');
      clock.advance(1000);
      const second = await failure('otp_invalid');
      clock.advance(1000);
      const third = await log.record({
        tenantId: acme.id,
        userId: alice.id,
        username: 'alice',
        result: 'success',
      });
      await log.record({
        tenantId: other.id,
        username: 'mallory',
        result: 'failure',
        reason: 'invalid_credentials',
      });
      const page = await log.list({ tenantId: acme.id });
      expect(page.items.map((e) => e.id)).toEqual([third.id, second.id, first.id]);
      expect(page.nextCursor).toBeNull();
      expect((await log.list({ tenantId: other.id })).items.map((e) => e.username)).toEqual(['mallory']);
    });

    it('filters by user, result, reason and time range (from inclusive, to exclusive)', async () => {
      const t0 = clock.now();
      const a1 = await failure('invalid_credentials');
      clock.advance(1000);
      const b1 = await failure('otp_invalid', { userId: bob.id, username: 'bob' });
      clock.advance(1000);
      const a2 = await failure('otp_invalid');
      clock.advance(1000);
      const a3 = await log.record({
        tenantId: acme.id,
        userId: alice.id,
        username: 'alice',
        result: 'success',
      });
      const ids = async (query: Partial<Parameters<SignInLog['list']>[0]>) =>
        (await log.list({ tenantId: acme.id, ...query })).items.map((e) => e.id);
      expect(await ids({ userId: alice.id })).toEqual([a3.id, a2.id, a1.id]);
      expect(await ids({ userId: bob.id })).toEqual([b1.id]);
      expect(await ids({ result: 'success' })).toEqual([a3.id]);
      expect(await ids({ result: 'failure' })).toEqual([a2.id, b1.id, a1.id]);
      expect(await ids({ reason: 'otp_invalid' })).toEqual([a2.id, b1.id]);
      expect(await ids({ reason: 'otp_invalid', userId: alice.id })).toEqual([a2.id]);
      expect(await ids({ from: t0 + 1000 })).toEqual([a3.id, a2.id, b1.id]);
      expect(await ids({ to: t0 + 2000 })).toEqual([b1.id, a1.id]);
      expect(await ids({ from: t0 + 1000, to: t0 + 3000 })).toEqual([a2.id, b1.id]);
      expect(await ids({ reason: 'push_denied' })).toEqual([]);
    });

    it('pages with an opaque cursor: every event exactly once, in order, even many in one millisecond', async () => {
      const recorded: SignInEvent[] = [];
      for (let i = 0; i < 23; i++) {
        // Bursts of events sharing a timestamp: the cursor must not skip or repeat within a tie.
        if (i % 5 === 0) clock.advance(1);
        recorded.push(await failure('invalid_credentials', { username: `user${i}` }));
      }
      await log.record({ tenantId: other.id, username: 'elsewhere', result: 'success' });
      const pages = await listAll({ tenantId: acme.id, limit: 4 });
      expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 4, 4, 3]);
      const listed = pages.flat();
      const expected = [...recorded].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
      expect(listed.map((e) => e.id)).toEqual(expected.map((e) => e.id));
      for (let i = 1; i < listed.length; i++) expect(listed[i]!.at).toBeLessThanOrEqual(listed[i - 1]!.at);

      const first = await log.list({ tenantId: acme.id, limit: 4 });
      expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(first.nextCursor).not.toMatch(/^\d+$/); // not an offset
      // An event recorded after the first page was read does not shift the next page.
      clock.advance(1);
      await failure('otp_invalid');
      const second = await log.list({ tenantId: acme.id, limit: 4, cursor: first.nextCursor! });
      expect(second.items.map((e) => e.id)).toEqual(expected.slice(4, 8).map((e) => e.id));
    });

    it('pages within the filters, and a page exactly at the end says there is no next page', async () => {
      for (let i = 0; i < 6; i++) {
        clock.advance(10);
        await failure(i % 2 ? 'otp_invalid' : 'invalid_credentials');
      }
      const pages = await listAll({ tenantId: acme.id, reason: 'otp_invalid', limit: 3 });
      expect(pages.map((p) => p.length)).toEqual([3]);
      expect(pages.flat().every((e) => e.reason === 'otp_invalid')).toBe(true);
    });

    it('limits pages to 1..500 (default 50)', async () => {
      expect(signInLogPageLimits).toEqual({ default: 50, max: 500 });
      for (let i = 0; i < 51; i++) await failure('invalid_credentials');
      expect((await log.list({ tenantId: acme.id })).items).toHaveLength(50);
      expect((await log.list({ tenantId: acme.id, limit: 500 })).items).toHaveLength(51);
      for (const limit of [0, 501, 1.5, -1, Number.NaN]) {
        await expect(log.list({ tenantId: acme.id, limit }), String(limit)).rejects.toMatchObject({
          code: 'validation_failed',
        });
      }
    });

    it('refuses a cursor it did not make, and bad times', async () => {
      await failure('invalid_credentials');
      const forged = [
        'not a cursor',
        '12',
        Buffer.from('{"at":1}').toString('base64url'),
        Buffer.from('[1.5,"x"]').toString('base64url'),
        Buffer.from(`[1,"${'x'.repeat(100)}"]`).toString('base64url'),
        'A'.repeat(300),
      ];
      for (const cursor of forged) {
        await expect(log.list({ tenantId: acme.id, cursor }), cursor.slice(0, 20)).rejects.toMatchObject({
          code: 'validation_failed',
        });
      }
      await expect(log.list({ tenantId: acme.id, from: 1.5 })).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });
  });
}
