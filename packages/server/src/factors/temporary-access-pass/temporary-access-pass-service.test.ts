import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { createTestServices, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import type { User } from '../../users/user-service.js';
import { generatePass, normalizePass, passLifetimeBounds } from './temporary-access-pass-service.js';

/** 16 symbols of the unambiguous alphabet in four groups. */
const passFormat = /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/;
const minute = 60_000;

describe('generatePass and normalizePass', () => {
  it('generates XXXX-XXXX-XXXX-XXXX without look-alike characters (0/O, 1/I/L)', () => {
    const passes = Array.from({ length: 500 }, () => generatePass());
    for (const pass of passes) expect(pass).toMatch(passFormat);
    expect(passes.join('')).not.toMatch(/[01OIL]/);
    expect(new Set(passes).size).toBe(passes.length);
  });

  it('accepts what people type: any case, spaces and dashes', () => {
    expect(normalizePass('abcd-efgh-jkmn-pqrs')).toBe('ABCDEFGHJKMNPQRS');
    expect(normalizePass(' abcd efgh\tjkmn--pqrs ')).toBe('ABCDEFGHJKMNPQRS');
  });

  it('allows 10 minutes to 30 days, as the spec says', () => {
    expect(passLifetimeBounds).toEqual({ minMinutes: 10, maxMinutes: 43_200 });
  });
});

for (const backend of testBackends) {
  describe(`temporary access pass service (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;
    let alice: User;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      alice = await services.users.create({ tenantId: acme.id, email: 'alice@example.com' }, operatorActor);
    });

    function issue(options: { lifetimeMinutes?: number; reusable?: boolean; user?: User } = {}) {
      const user = options.user ?? alice;
      return services.passes.issue(
        {
          tenantId: user.tenantId,
          userId: user.id,
          lifetimeMinutes: options.lifetimeMinutes ?? 60,
          reusable: options.reusable ?? false,
          issuerRole: 'operator',
        },
        operatorActor,
      );
    }
    function passRows() {
      return handle.db.selectFrom('temporary_access_passes').selectAll().execute();
    }

    it('issues a pass in the readable format that expires after its lifetime', async () => {
      const { clock } = services;
      const issued = await issue({ lifetimeMinutes: 90, reusable: true });
      expect(issued).toEqual({
        id: expect.any(String),
        userId: alice.id,
        pass: expect.stringMatching(passFormat),
        reusable: true,
        expiresAt: clock.now() + 90 * minute,
      });
      expect(await passRows()).toMatchObject([
        {
          id: issued.id,
          tenant_id: acme.id,
          user_id: alice.id,
          reusable: 1,
          used_at: null,
          created_by: 'operator',
        },
      ]);
    });

    it.each([9, 43_201, 0, -10, 10.5, Number.NaN])(
      'refuses a lifetime of %s minutes',
      async (lifetimeMinutes) => {
        await expect(issue({ lifetimeMinutes })).rejects.toMatchObject({
          code: 'validation_failed',
          message: expect.stringContaining('lifetimeMinutes: must be a whole number from 10 to 43200'),
        });
        expect(await passRows()).toEqual([]);
      },
    );

    it.each([10, 43_200])('accepts a lifetime of %s minutes', async (lifetimeMinutes) => {
      const issued = await issue({ lifetimeMinutes });
      expect(issued.expiresAt - services.clock.now()).toBe(lifetimeMinutes * minute);
      expect(await services.passes.redeem(acme.id, issued.pass)).toEqual({
        userId: alice.id,
        reusable: false,
      });
    });

    it('stores the pass only as a hash', async () => {
      const issued = await issue();
      const [row] = await passRows();
      expect(row?.pass_hash).toMatch(/^[0-9a-f]{64}$/);
      const text = JSON.stringify(row);
      expect(text).not.toContain(issued.pass);
      expect(text).not.toContain(normalizePass(issued.pass));
      const audit = await handle.db.selectFrom('audit_events').selectAll().execute();
      expect(JSON.stringify(audit)).not.toContain(normalizePass(issued.pass));
    });

    it('records the issue, with its reason, in the audit log', async () => {
      await services.passes.issue(
        {
          tenantId: acme.id,
          userId: alice.id,
          lifetimeMinutes: 30,
          reusable: false,
          reason: 'lost phone',
          issuerRole: 'helpdesk',
        },
        { type: 'user', id: 'admin-1' },
      );
      const events = await handle.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'temporary_access_pass.issue')
        .execute();
      expect(events).toMatchObject([
        {
          tenant_id: acme.id,
          actor_type: 'user',
          actor_id: 'admin-1',
          target_type: 'user',
          target_id: alice.id,
          reason: 'lost phone',
          details: JSON.stringify({ lifetimeMinutes: 30, reusable: false, issuerRole: 'helpdesk' }),
        },
      ]);
      expect((await passRows())[0]?.created_by).toBe('admin-1');
    });

    it('a one-time pass is redeemed once', async () => {
      const { pass } = await issue();
      expect(await services.passes.redeem(acme.id, pass)).toEqual({ userId: alice.id, reusable: false });
      expect(await services.passes.redeem(acme.id, pass)).toBeUndefined();
      expect((await passRows())[0]?.used_at).toBe(services.clock.now());
    });

    it('a reusable pass is redeemed many times until it expires', async () => {
      const { clock, passes } = services;
      const { pass } = await issue({ lifetimeMinutes: 10, reusable: true });
      for (let i = 0; i < 4; i++) {
        expect(await passes.redeem(acme.id, pass)).toEqual({ userId: alice.id, reusable: true });
        clock.advance(2 * minute);
      }
      clock.advance(2 * minute - 1); // 1 ms before expiry
      expect(await passes.redeem(acme.id, pass)).toEqual({ userId: alice.id, reusable: true });
      clock.advance(1); // at expiry
      expect(await passes.redeem(acme.id, pass)).toBeUndefined();
    });

    it('an expired pass fails, even unused', async () => {
      const { clock, passes } = services;
      const { pass } = await issue({ lifetimeMinutes: 10 });
      clock.advance(10 * minute);
      expect(await passes.redeem(acme.id, pass)).toBeUndefined();
      expect((await passRows())[0]?.used_at).toBeNull();
    });

    it('issuing a second pass replaces the first: the old one stops working', async () => {
      const { passes } = services;
      const first = await issue({ reusable: true });
      const second = await issue();
      expect(second.pass).not.toBe(first.pass);
      expect(await passRows()).toHaveLength(1);
      expect(await passes.redeem(acme.id, first.pass)).toBeUndefined();
      expect(await passes.redeem(acme.id, second.pass)).toEqual({ userId: alice.id, reusable: false });
    });

    it('a new pass after a used one works again (the used mark does not carry over)', async () => {
      const { passes } = services;
      const first = await issue();
      expect(await passes.redeem(acme.id, first.pass)).toBeDefined();
      const second = await issue();
      expect(await passes.redeem(acme.id, second.pass)).toEqual({ userId: alice.id, reusable: false });
    });

    it('each user has their own pass', async () => {
      const bob = await services.users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
      const forAlice = await issue();
      const forBob = await issue({ user: bob });
      expect(await passRows()).toHaveLength(2);
      expect(await services.passes.redeem(acme.id, forBob.pass)).toMatchObject({ userId: bob.id });
      expect(await services.passes.redeem(acme.id, forAlice.pass)).toMatchObject({ userId: alice.id });
    });

    it('a pass of tenant A does not work in tenant B, and is not spent by trying', async () => {
      const other = await services.tenants.create({ slug: 'other' }, operatorActor);
      const { pass } = await issue();
      expect(await services.passes.redeem(other.id, pass)).toBeUndefined();
      expect(await services.passes.redeem(acme.id, pass)).toEqual({ userId: alice.id, reusable: false });
    });

    it('accepts the pass typed in lowercase, with spaces or without dashes', async () => {
      const { passes } = services;
      const { pass } = await issue({ reusable: true });
      const bare = pass.replaceAll('-', '');
      for (const typed of [
        pass.toLowerCase(),
        bare,
        ` ${bare.slice(0, 4)} ${bare.slice(4, 8)} ${bare.slice(8, 12)} ${bare.slice(12)} `,
        pass.replaceAll('-', ' - '),
      ]) {
        expect(await passes.redeem(acme.id, typed), typed).toEqual({ userId: alice.id, reusable: true });
      }
    });

    it('answers wrong, short, long and garbage input with undefined', async () => {
      const { pass } = await issue({ reusable: true });
      const bare = pass.replaceAll('-', '');
      const swapped = `${bare.slice(0, 15)}${bare.at(15) === 'A' ? 'B' : 'A'}`;
      for (const typed of [
        '',
        '----',
        bare.slice(0, 15),
        `${bare}A`,
        swapped,
        generatePass(),
        'x'.repeat(10_000),
      ]) {
        expect(await services.passes.redeem(acme.id, typed), typed.slice(0, 20)).toBeUndefined();
      }
      expect((await passRows())[0]?.used_at).toBeNull();
    });
  });
}
