import { decodeBase32, generateTotp } from '@twofold/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../audit/audit-log.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { seedDirectory } from '../test-support/fixtures.js';
import { createTestServices, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import type { User } from '../users/user-service.js';

const aliceActor: Actor = { type: 'user', id: 'alice' };

for (const backend of testBackends) {
  describe(`method service (${backend.name})`, () => {
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

    /** Registers a method and confirms it with a code, a minute after the previous one. */
    async function activeMethod(type: 'totp' | 'authenticator', label: string, user = alice) {
      services.clock.advance(60_000);
      const method = await services.totp.register(
        { tenantId: user.tenantId, userId: user.id, type, label },
        aliceActor,
      );
      const code = generateTotp({ secret: decodeBase32(method.secret), time: services.clock.now() / 1000 });
      const result = await services.totp.verify({
        tenantId: user.tenantId,
        userId: user.id,
        methodId: method.methodId,
        code,
      });
      expect(result).toMatchObject({ ok: true, activated: true });
      return method.methodId;
    }
    function defaults() {
      return handle.db.selectFrom('methods').select(['id', 'user_id']).where('is_default', '=', 1).execute();
    }

    it('lists active methods, the default first, then the oldest, with their details', async () => {
      const { clock, methods } = services;
      const first = await activeMethod('authenticator', 'Phone');
      const firstAt = clock.now();
      const second = await activeMethod('totp', 'Laptop');
      const secondAt = clock.now();
      const third = await activeMethod('totp', 'Tablet');
      await services.totp.register(
        { tenantId: acme.id, userId: alice.id, type: 'authenticator' },
        aliceActor,
      );
      await activeMethod('totp', 'Bob phone', bob);
      await methods.setDefault(acme.id, alice.id, second, aliceActor);

      const listed = await methods.listForUser(acme.id, alice.id);
      expect(listed.map((m) => [m.label, m.isDefault])).toEqual([
        ['Laptop', true],
        ['Phone', false],
        ['Tablet', false],
      ]);
      expect(listed[0]).toEqual({
        id: second,
        type: 'totp',
        label: 'Laptop',
        status: 'active',
        isDefault: true,
        createdAt: secondAt,
        confirmedAt: secondAt,
        lastUsedAt: secondAt,
        driftSteps: 0,
        failures: 0,
        period: 30,
        serial: null,
        manufacturer: null,
        model: null,
      });
      expect(listed[1]).toMatchObject({ id: first, type: 'authenticator', createdAt: firstAt });
      expect(listed[2]?.id).toBe(third);
      // Pending and disabled methods only on request (admins see them).
      await handle.db.updateTable('methods').set({ status: 'disabled' }).where('id', '=', third).execute();
      expect((await methods.listForUser(acme.id, alice.id)).map((m) => m.id)).toEqual([second, first]);
      expect(
        (await methods.listForUser(acme.id, alice.id, { includeDisabled: true })).map((m) => [
          m.id,
          m.status,
        ]),
      ).toEqual([
        [second, 'active'],
        [first, 'active'],
        [third, 'disabled'],
      ]);
      expect(await methods.listForUser(other.id, alice.id)).toEqual([]);
    });

    it('get finds any of the user’s methods and refuses other users’ and tenants’', async () => {
      const { methods } = services;
      const mine = await activeMethod('totp', 'Phone');
      const pending = await services.totp.register(
        { tenantId: acme.id, userId: alice.id, type: 'authenticator' },
        aliceActor,
      );
      expect(await methods.get(acme.id, alice.id, mine)).toMatchObject({ id: mine, status: 'active' });
      expect(await methods.get(acme.id, alice.id, pending.methodId)).toMatchObject({ status: 'pending' });
      for (const [tenantId, userId, methodId] of [
        [acme.id, bob.id, mine],
        [other.id, alice.id, mine],
        [acme.id, alice.id, 'nope'],
      ] as const) {
        await expect(methods.get(tenantId, userId, methodId)).rejects.toMatchObject({
          code: 'method_not_found',
          status: 404,
        });
      }
    });

    it('the first active method becomes the default; setDefault moves it, audited', async () => {
      const { methods } = services;
      const first = await activeMethod('totp', 'One');
      const second = await activeMethod('totp', 'Two');
      expect(await defaults()).toEqual([{ id: first, user_id: alice.id }]);
      expect(await methods.setDefault(acme.id, alice.id, second, aliceActor)).toMatchObject({
        id: second,
        isDefault: true,
      });
      expect(await defaults()).toEqual([{ id: second, user_id: alice.id }]);
      // Setting the current default again changes nothing.
      await methods.setDefault(acme.id, alice.id, second, aliceActor);
      expect(await defaults()).toEqual([{ id: second, user_id: alice.id }]);
      const audit = await handle.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'method.set_default')
        .execute();
      expect(audit).toHaveLength(2);
      expect(audit[0]).toMatchObject({ actor_id: 'alice', target_type: 'method', target_id: second });
    });

    it('setDefault refuses pending methods and other users’ methods, changing nothing', async () => {
      const { methods } = services;
      const mine = await activeMethod('totp', 'Mine');
      const bobs = await activeMethod('totp', 'Bob', bob);
      const pending = await services.totp.register(
        { tenantId: acme.id, userId: alice.id, type: 'authenticator' },
        aliceActor,
      );
      for (const methodId of [bobs, pending.methodId, 'nope']) {
        await expect(methods.setDefault(acme.id, alice.id, methodId, aliceActor)).rejects.toMatchObject({
          code: 'method_not_found',
        });
      }
      await expect(methods.setDefault(other.id, alice.id, mine, aliceActor)).rejects.toMatchObject({
        code: 'method_not_found',
      });
      expect((await defaults()).map((d) => d.id).sort()).toEqual([mine, bobs].sort());
    });

    it('at most one default per user, enforced by the database itself', async () => {
      const first = await activeMethod('totp', 'One');
      const second = await activeMethod('totp', 'Two');
      const error = await handle.db
        .updateTable('methods')
        .set({ is_default: 1 })
        .where('id', '=', second)
        .execute()
        .catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(await defaults()).toEqual([{ id: first, user_id: alice.id }]);
    });

    it('delete removes a method, audited with its reason; the oldest remaining becomes the default', async () => {
      const { methods } = services;
      const first = await activeMethod('totp', 'One');
      const second = await activeMethod('authenticator', 'Two');
      const third = await activeMethod('totp', 'Three');
      const admin: Actor = { type: 'user', id: 'admin-1' };
      expect(await methods.delete(acme.id, alice.id, first, admin, { reason: 'lost phone' })).toMatchObject({
        id: first,
        isDefault: true,
      });
      expect(await defaults()).toEqual([{ id: second, user_id: alice.id }]);
      await methods.delete(acme.id, alice.id, third, admin);
      expect(await defaults()).toEqual([{ id: second, user_id: alice.id }]);
      const audit = await handle.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'method.delete')
        .orderBy('at')
        .execute();
      expect(audit).toMatchObject([
        { actor_id: 'admin-1', target_id: first, reason: 'lost phone' },
        { actor_id: 'admin-1', target_id: third, reason: null },
      ]);
      expect(JSON.parse(audit[0]!.details!)).toEqual({
        userId: alice.id,
        type: 'totp',
        label: 'One',
        status: 'active',
      });
      expect((await methods.listForUser(acme.id, alice.id)).map((m) => m.id)).toEqual([second]);
    });

    it('delete refuses other users’ and tenants’ methods and leaves them be', async () => {
      const bobs = await activeMethod('totp', 'Bob', bob);
      await expect(services.methods.delete(acme.id, alice.id, bobs, aliceActor)).rejects.toMatchObject({
        code: 'method_not_found',
      });
      await expect(services.methods.delete(other.id, bob.id, bobs, aliceActor)).rejects.toMatchObject({
        code: 'method_not_found',
      });
      expect(await services.methods.get(acme.id, bob.id, bobs)).toMatchObject({ isDefault: true });
      const deletes = await handle.db
        .selectFrom('audit_events')
        .select('id')
        .where('action', '=', 'method.delete')
        .execute();
      expect(deletes).toEqual([]);
    });

    it('hasUsableMethod: only active methods count', async () => {
      const { methods } = services;
      expect(await methods.hasUsableMethod(acme.id, alice.id)).toBe(false);
      await services.totp.register({ tenantId: acme.id, userId: alice.id, type: 'totp' }, aliceActor);
      await services.recoveryCodes.issue(acme.id, alice.id, aliceActor);
      expect(await methods.hasUsableMethod(acme.id, alice.id)).toBe(false);
      const method = await activeMethod('authenticator', 'Phone');
      expect(await methods.hasUsableMethod(acme.id, alice.id)).toBe(true);
      expect(await methods.hasUsableMethod(other.id, alice.id)).toBe(false);
      expect(await methods.hasUsableMethod(acme.id, bob.id)).toBe(false);
      await handle.db.updateTable('methods').set({ status: 'disabled' }).where('id', '=', method).execute();
      expect(await methods.hasUsableMethod(acme.id, alice.id)).toBe(false);
    });
  });
}
