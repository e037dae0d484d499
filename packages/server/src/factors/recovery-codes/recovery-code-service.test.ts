import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { seedDirectory, useInstanceFleet } from '../../test-support/fixtures.js';
import { createTestServices, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import type { User } from '../../users/user-service.js';
import {
  digestRecoveryCode,
  generateRecoveryCode,
  normalizeRecoveryCode,
  recoveryCodeBits,
} from './recovery-code-service.js';

/** Crockford base32 in lower case (no i, l, o, u), as xxxxx-xxxxx. */
const codeFormat = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;
const aliceActor: Actor = { type: 'user', id: 'alice' };

describe('recovery code format', () => {
  it('xxxxx-xxxxx from 32 unambiguous symbols: 50 random bits', () => {
    const codes = Array.from({ length: 2000 }, generateRecoveryCode);
    for (const code of codes) expect(code).toMatch(codeFormat);
    expect(new Set(codes).size).toBe(codes.length);
    expect(recoveryCodeBits).toBe(50);
    // Every symbol of the alphabet turns up, and no look-alike does.
    expect(new Set(codes.join('').replace(/-/g, '')).size).toBe(32);
    expect(codes.join('')).not.toMatch(/[ilou]/);
  });

  it('reads what people type: any case, spaces, dashes, O for 0 and I or L for 1', () => {
    expect(normalizeRecoveryCode('ab0c1-23def')).toBe('ab0c123def');
    expect(normalizeRecoveryCode(' AB0C1 23DEF ')).toBe('ab0c123def');
    expect(normalizeRecoveryCode('aBOcI--23dEf')).toBe('ab0c123def');
    expect(normalizeRecoveryCode('abocl23def')).toBe('ab0c123def');
    for (const bad of ['', 'ab0c1-23de', 'ab0c1-23defg', 'ab0c1-23deu', 'ab0c1-23de!', 'x'.repeat(100)]) {
      expect(normalizeRecoveryCode(bad), bad).toBeUndefined();
    }
  });

  it('digests are bound to the user', () => {
    expect(digestRecoveryCode('u1', 'ab0c123def')).toMatch(/^[0-9a-f]{64}$/);
    expect(digestRecoveryCode('u1', 'ab0c123def')).not.toBe(digestRecoveryCode('u2', 'ab0c123def'));
  });
});

for (const backend of testBackends) {
  describe(`recovery codes (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;
    let other: Tenant;
    let alice: User;
    let bob: User;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      ({ acme, other, alice, bob } = await seedDirectory(services));
    });

    function issue(user = alice) {
      return services.recoveryCodes.issue(user.tenantId, user.id, aliceActor);
    }
    function redeem(code: string, user = alice) {
      return services.recoveryCodes.redeem(user.tenantId, user.id, code);
    }
    function rows() {
      return handle.db.selectFrom('recovery_codes').selectAll().execute();
    }

    it('issues 10 codes, shown once and stored only as digests; audited', async () => {
      const codes = await issue();
      expect(codes).toHaveLength(10);
      for (const code of codes) expect(code).toMatch(codeFormat);
      expect(new Set(codes).size).toBe(10);
      const stored = await rows();
      expect(stored).toHaveLength(10);
      expect(stored.map((r) => r.code_hash).sort()).toEqual(
        codes.map((c) => digestRecoveryCode(alice.id, c.replace('-', ''))).sort(),
      );
      for (const r of stored)
        expect(r).toMatchObject({ tenant_id: acme.id, user_id: alice.id, used_at: null });
      const audit = await handle.db.selectFrom('audit_events').selectAll().execute();
      const text = JSON.stringify([stored, audit]);
      for (const code of codes) {
        expect(text).not.toContain(code);
        expect(text).not.toContain(code.replace('-', ''));
      }
      expect(audit.filter((e) => e.action === 'recovery_codes.issue')).toMatchObject([
        {
          tenant_id: acme.id,
          actor_id: 'alice',
          target_id: alice.id,
          details: JSON.stringify({ count: 10 }),
        },
      ]);
      expect(await services.recoveryCodes.remaining(acme.id, alice.id)).toBe(10);
    });

    it('each code works once and tells how many remain, typed any way', async () => {
      const codes = await issue();
      expect(await redeem(codes[0]!)).toEqual({ ok: true, remaining: 9 });
      expect(await redeem(codes[0]!)).toEqual({ ok: false, reason: 'recovery_code_invalid' });
      expect(await redeem(` ${codes[1]!.toUpperCase().replace('-', ' ')} `)).toEqual({
        ok: true,
        remaining: 8,
      });
      expect(await redeem(codes[2]!.replace('-', '').replace(/0/g, 'O').replace(/1/g, 'l'))).toEqual({
        ok: true,
        remaining: 7,
      });
      for (const code of codes.slice(3)) expect((await redeem(code)).ok).toBe(true);
      expect(await services.recoveryCodes.remaining(acme.id, alice.id)).toBe(0);
      const used = await rows();
      expect(used.every((r) => r.used_at === services.clock.now())).toBe(true);
      const redemptions = await handle.db
        .selectFrom('audit_events')
        .select(['actor_id', 'details'])
        .where('action', '=', 'recovery_code.redeem')
        .execute();
      const remainingCounts = redemptions.map((r) => JSON.parse(r.details!).remaining as number);
      expect(remainingCounts.sort((a, b) => b - a)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      expect(redemptions.every((r) => r.actor_id === alice.id)).toBe(true);
    });

    it('refuses wrong and malformed codes without spending any', async () => {
      await issue();
      for (const code of ['', 'aaaaa-aaaaa', 'not a code', '0'.repeat(10_000)]) {
        expect(await redeem(code)).toEqual({ ok: false, reason: 'recovery_code_invalid' });
      }
      expect(await services.recoveryCodes.remaining(acme.id, alice.id)).toBe(10);
    });

    it('a new issue replaces every older code, used or not', async () => {
      const first = await issue();
      await redeem(first[0]!);
      const second = await issue();
      for (const code of first) expect((await redeem(code)).ok).toBe(false);
      expect(await services.recoveryCodes.remaining(acme.id, alice.id)).toBe(10);
      expect(await redeem(second[0]!)).toEqual({ ok: true, remaining: 9 });
      expect(await rows()).toHaveLength(10);
    });

    it('a code is only ever good for its own user in its own tenant', async () => {
      const aliceCodes = await issue(alice);
      await issue(bob);
      expect((await redeem(aliceCodes[0]!, bob)).ok).toBe(false);
      expect(await services.recoveryCodes.redeem(other.id, alice.id, aliceCodes[0]!)).toEqual({
        ok: false,
        reason: 'recovery_code_invalid',
      });
      expect(await services.recoveryCodes.remaining(acme.id, bob.id)).toBe(10);
      expect(await services.recoveryCodes.remaining(other.id, alice.id)).toBe(0);
      expect(await redeem(aliceCodes[0]!, alice)).toEqual({ ok: true, remaining: 9 });
      // Issuing for a user of another tenant is refused.
      await expect(services.recoveryCodes.issue(other.id, alice.id, aliceActor)).rejects.toMatchObject({
        code: 'user_not_found',
      });
    });

    describe('concurrent redemptions on several instances', () => {
      const instances = 4;
      const attempts = 20;
      const fleet = useInstanceFleet(database, () => services, instances);

      it(`one code redeemed ${attempts} times at once succeeds exactly once`, async () => {
        const codes = await issue();
        const results = await Promise.all(
          Array.from({ length: attempts }, (_, i) =>
            fleet()[i % instances]!.recoveryCodes.redeem(acme.id, alice.id, codes[0]!),
          ),
        );
        expect(results.filter((r) => r.ok)).toEqual([{ ok: true, remaining: 9 }]);
        expect(await services.recoveryCodes.remaining(acme.id, alice.id)).toBe(9);
      });

      it('ten different codes redeemed at once all succeed, leaving none', async () => {
        const codes = await issue();
        const results = await Promise.all(
          codes.map((code, i) => fleet()[i % instances]!.recoveryCodes.redeem(acme.id, alice.id, code)),
        );
        expect(results.every((r) => r.ok)).toBe(true);
        expect(await services.recoveryCodes.remaining(acme.id, alice.id)).toBe(0);
      });
    });
  });
}
