import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { createTestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import {
  alignStatsRange,
  createSignInLog,
  type SignInEventInput,
  type SignInLog,
  statsRangeProblem,
} from './sign-in-log.js';

const hour = 3_600_000;
const day = 24 * hour;

describe('stats ranges', () => {
  it('widen to whole UTC buckets', () => {
    const t = Date.UTC(2026, 5, 9, 13, 25);
    expect(alignStatsRange(t, t + hour, 'hour')).toEqual({
      from: Date.UTC(2026, 5, 9, 13),
      to: Date.UTC(2026, 5, 9, 15),
      buckets: 2,
    });
    expect(alignStatsRange(Date.UTC(2026, 5, 9), Date.UTC(2026, 5, 10), 'day').buckets).toBe(1);
  });

  it('hold at most 62 days of hours or 366 days', () => {
    const from = Date.UTC(2026, 0, 1);
    expect(statsRangeProblem(from, from + 62 * day, 'hour')).toBeUndefined();
    expect(statsRangeProblem(from, from + 62 * day + 1, 'hour')).toMatch(
      /1489 hours.*at most 1488.*bucket=day/,
    );
    expect(statsRangeProblem(from, from + 366 * day, 'day')).toBeUndefined();
    expect(statsRangeProblem(from, from + 367 * day, 'day')).toMatch(/367 days/);
  });
});

for (const backend of testBackends) {
  describe(`sign-in stats on ${backend.name}`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let log: SignInLog;
    const start = Date.UTC(2026, 5, 9, 10);
    const clock = createManualClock(start);

    let t1: string;
    let t2: string;

    beforeEach(async () => {
      handle = database();
      clock.set(start);
      log = createSignInLog({ db: handle.db, clock });
      const { tenants } = createTestServices(handle, { clock });
      t1 = (await tenants.create({ slug: 'acme' }, operatorActor)).id;
      t2 = (await tenants.create({ slug: 'other' }, operatorActor)).id;
    });

    async function at(ms: number, input: Partial<SignInEventInput>) {
      clock.set(ms);
      await log.record({ tenantId: t1, username: 'ann', result: 'success', ...input });
    }

    it('counts per hour by result and failure reason, in the database, with empty hours filled in', async () => {
      await at(start + 5 * 60_000, { result: 'success' });
      await at(start + 59 * 60_000, { result: 'success' });
      await at(start + 30 * 60_000, { result: 'failure', reason: 'otp_invalid' });
      await at(start + 31 * 60_000, { result: 'failure', reason: 'otp_invalid' });
      await at(start + 32 * 60_000, { result: 'failure', reason: 'invalid_credentials' });
      await at(start + 2 * hour, { result: 'interrupted', reason: 'registration_required' });
      await at(start + 2 * hour + 1, { result: 'failure', reason: 'locked_out' });
      // Outside the range, and another tenant: not counted.
      await at(start - 1, { result: 'success' });
      await at(start + 3 * hour, { result: 'success' });
      await at(start + 10, { tenantId: t2, result: 'failure', reason: 'otp_invalid' });

      const stats = await log.stats({ tenantId: t1, from: start, to: start + 3 * hour, bucket: 'hour' });
      expect(stats).toEqual({
        bucket: 'hour',
        from: start,
        to: start + 3 * hour,
        series: [
          { start, success: 2, interrupted: 0, failures: { otp_invalid: 2, invalid_credentials: 1 } },
          { start: start + hour, success: 0, interrupted: 0, failures: {} },
          { start: start + 2 * hour, success: 0, interrupted: 1, failures: { locked_out: 1 } },
        ],
      });
    });

    it('counts per UTC day, widening the range to whole days', async () => {
      const midnight = Date.UTC(2026, 5, 9);
      await at(midnight + 1, { result: 'success' });
      await at(midnight + day - 1, { result: 'failure', reason: 'otp_replayed' });
      await at(midnight + 2 * day + 5, { result: 'success' });
      const stats = await log.stats({
        tenantId: t1,
        from: midnight + hour,
        to: midnight + 2 * day + hour,
        bucket: 'day',
      });
      expect(stats.from).toBe(midnight);
      expect(stats.to).toBe(midnight + 3 * day);
      expect(stats.series.map((b) => [b.start, b.success, b.failures])).toEqual([
        [midnight, 1, { otp_replayed: 1 }],
        [midnight + day, 0, {}],
        [midnight + 2 * day, 1, {}],
      ]);
    });

    it('refuses a range too long for the bucket, or backwards', async () => {
      await expect(
        log.stats({ tenantId: t1, from: start, to: start + 63 * day, bucket: 'hour' }),
      ).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/bucket=day/) });
      await expect(log.stats({ tenantId: t1, from: start, to: start, bucket: 'hour' })).rejects.toMatchObject(
        {
          code: 'validation_failed',
        },
      );
    });
  });
}
