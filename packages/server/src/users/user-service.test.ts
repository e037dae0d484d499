import { performance } from 'node:perf_hooks';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { tally } from '../test-support/outcomes.js';
import { testPasswordHashing } from '../test-support/passwords.js';
import { createTestServices, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';

const password = 'correct horse battery staple';
/** One argon2id hasher for the file; argon2 costs ~60 ms a run, so runs are counted below. */
const passwords = testPasswordHashing();
let passwordHash: string;

beforeAll(async () => {
  passwordHash = await passwords.hash(password);
});

for (const backend of testBackends) {
  describe(`user service (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;
    let other: Tenant;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle, { passwords });
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      other = await services.tenants.create({ slug: 'other' }, operatorActor);
    });

    function userRows() {
      return handle.db.selectFrom('users').selectAll().execute();
    }
    function disable(userId: string) {
      return handle.db.updateTable('users').set({ disabled: 1 }).where('id', '=', userId).execute();
    }

    it('creates a user with roles, deduplicated and sorted, and reads them back', async () => {
      const { users, clock } = services;
      const created = await users.create(
        {
          tenantId: acme.id,
          email: '  Alice@Example.com ',
          displayName: ' Alice Liddell ',
          roles: ['helpdesk', 'global-admin', 'helpdesk'],
        },
        operatorActor,
      );
      expect(created).toEqual({
        id: expect.any(String),
        tenantId: acme.id,
        email: 'Alice@Example.com',
        displayName: 'Alice Liddell',
        roles: ['global-admin', 'helpdesk'],
        disabled: false,
        hasPassword: false,
        registrationRequired: false,
        pushBlocked: false,
        mfaFailures: 0,
        mfaLockedUntil: null,
        locale: null,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      });
      expect(await users.getById(acme.id, created.id)).toEqual(created);
      expect(await users.findByEmail(acme.id, 'ALICE@example.COM')).toEqual(created);
      const roleRows = await handle.db.selectFrom('user_roles').selectAll().orderBy('role').execute();
      expect(roleRows).toEqual([
        { tenant_id: acme.id, user_id: created.id, role: 'global-admin' },
        { tenant_id: acme.id, user_id: created.id, role: 'helpdesk' },
      ]);
      const audit = await handle.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'user.create')
        .execute();
      expect(audit).toMatchObject([
        {
          tenant_id: acme.id,
          actor_type: 'operator',
          target_type: 'user',
          target_id: created.id,
          details: JSON.stringify({ email: 'Alice@Example.com', roles: ['global-admin', 'helpdesk'] }),
        },
      ]);
    });

    it('an ordinary user has no roles and is named after the part of the address before @', async () => {
      const created = await services.users.create(
        { tenantId: acme.id, email: 'bob@example.com' },
        operatorActor,
      );
      expect(created).toMatchObject({ roles: [], displayName: 'bob', hasPassword: false });
    });

    it('treats addresses that differ only in case (or Unicode form) as one: user_exists', async () => {
      const { users } = services;
      await users.create({ tenantId: acme.id, email: 'Alice@Example.com' }, operatorActor);
      for (const email of ['alice@example.com', ' ALICE@EXAMPLE.COM ']) {
        await expect(users.create({ tenantId: acme.id, email }, operatorActor)).rejects.toMatchObject({
          code: 'user_exists',
        });
      }
      await users.create({ tenantId: acme.id, email: 'jos\u00e9@example.com' }, operatorActor);
      await expect(
        users.create({ tenantId: acme.id, email: 'JOSE\u0301@example.com' }, operatorActor),
      ).rejects.toMatchObject({ code: 'user_exists' });
      expect(await userRows()).toHaveLength(2);
      // Another tenant may have the same address.
      expect(
        (await users.create({ tenantId: other.id, email: 'alice@example.com' }, operatorActor)).tenantId,
      ).toBe(other.id);
    });

    it('two concurrent creates of one address: one user, the other gets user_exists', async () => {
      const { users } = services;
      const results = await Promise.allSettled([
        users.create({ tenantId: acme.id, email: 'Alice@Example.com', roles: ['helpdesk'] }, operatorActor),
        users.create({ tenantId: acme.id, email: 'alice@example.com', roles: ['helpdesk'] }, operatorActor),
      ]);
      expect(tally(results)).toEqual({ ok: 1, user_exists: 1 });
      expect(await userRows()).toHaveLength(1);
      expect(await handle.db.selectFrom('user_roles').selectAll().execute()).toHaveLength(1);
    });

    it('refuses a bad address, role, display name or password and writes nothing', async () => {
      const { users } = services;
      await expect(
        users.create({ tenantId: acme.id, email: 'not-an-address' }, operatorActor),
      ).rejects.toMatchObject({ code: 'email_invalid' });
      await expect(
        users.create(
          { tenantId: acme.id, email: 'a@example.com', roles: ['helpdesk', 'root'] },
          operatorActor,
        ),
      ).rejects.toMatchObject({ code: 'role_invalid', message: expect.stringContaining("role 'root'") });
      await expect(
        users.create(
          { tenantId: acme.id, email: 'a@example.com', displayName: 'x'.repeat(201) },
          operatorActor,
        ),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(
        users.create({ tenantId: acme.id, email: 'a@example.com', password: 'short' }, operatorActor),
      ).rejects.toMatchObject({ code: 'password_too_short' });
      await expect(
        users.create({ tenantId: acme.id, email: 'a@example.com', password: 'Password1' }, operatorActor),
      ).rejects.toMatchObject({ code: 'password_too_common' });
      expect(await userRows()).toEqual([]);
      expect(await handle.db.selectFrom('user_roles').selectAll().execute()).toEqual([]);
      expect(
        await handle.db.selectFrom('audit_events').selectAll().where('action', '=', 'user.create').execute(),
      ).toEqual([]);
    });

    it("keeps the language of a user's messages, audited; null hands it back to the tenant's", async () => {
      const { users } = services;
      const ann = await users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
      expect(ann.locale).toBeNull();
      const update = (changes: { locale?: 'de' | null; displayName?: string }) =>
        handle.db.transaction().execute((trx) => users.update(trx, acme.id, ann.id, changes, operatorActor));
      const german = await update({ locale: 'de' });
      expect(german.user.locale).toBe('de');
      expect((await users.getById(acme.id, ann.id)).locale).toBe('de');
      // Renaming leaves the language as it is.
      await update({ displayName: 'Ann' });
      expect((await users.getById(acme.id, ann.id)).locale).toBe('de');
      await update({ locale: null });
      expect((await users.getById(acme.id, ann.id)).locale).toBeNull();
      const changes = await handle.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'user.update')
        .orderBy('seq')
        .execute();
      const locales = changes
        .map((row) => (JSON.parse(row.details ?? '{}') as { changed?: { locale?: unknown } }).changed?.locale)
        .filter((change) => change !== undefined);
      expect(locales).toEqual([
        { from: null, to: 'de' },
        { from: 'de', to: null },
      ]);
    });

    it('keeps tenants apart: a user of one tenant is not found through another', async () => {
      const { users } = services;
      const alice = await users.create(
        { tenantId: acme.id, email: 'alice@example.com', passwordHash },
        operatorActor,
      );
      expect((await users.getById(acme.id, alice.id)).id).toBe(alice.id);
      await expect(users.getById(other.id, alice.id)).rejects.toMatchObject({ code: 'user_not_found' });
      await expect(users.getById(acme.id, 'no-such-id')).rejects.toMatchObject({ code: 'user_not_found' });
      expect(await users.findByEmail(other.id, 'alice@example.com')).toBeUndefined();
      expect(await users.verifyPassword(other.id, 'alice@example.com', password)).toBeUndefined();
    });

    it('counts users with a role per tenant, ignoring disabled users', async () => {
      const { users } = services;
      const one = await users.create(
        { tenantId: acme.id, email: 'one@example.com', roles: ['global-admin'] },
        operatorActor,
      );
      await users.create(
        { tenantId: acme.id, email: 'two@example.com', roles: ['global-admin', 'helpdesk'] },
        operatorActor,
      );
      await users.create(
        { tenantId: acme.id, email: 'three@example.com', roles: ['helpdesk'] },
        operatorActor,
      );
      await users.create(
        { tenantId: other.id, email: 'four@example.com', roles: ['global-admin'] },
        operatorActor,
      );
      expect(await users.countWithRole(acme.id, 'global-admin')).toBe(2);
      expect(await users.countWithRole(acme.id, 'helpdesk')).toBe(2);
      expect(await users.countWithRole(acme.id, 'authentication-admin')).toBe(0);
      await disable(one.id);
      expect(await users.countWithRole(acme.id, 'global-admin')).toBe(1);
      expect(await users.countWithRole(other.id, 'global-admin')).toBe(1);
      expect((await users.getById(acme.id, one.id)).disabled).toBe(true);
    });

    it('stores a password only as an argon2id hash', async () => {
      const created = await services.users.create(
        { tenantId: acme.id, email: 'carol@example.com', password },
        operatorActor,
      );
      expect(created.hasPassword).toBe(true);
      const [row] = await userRows();
      expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
      expect(JSON.stringify(row)).not.toContain(password);
    });

    it('verifies a password: the right one returns the user, anything else undefined', async () => {
      const { users } = services;
      const alice = await users.create(
        { tenantId: acme.id, email: 'Alice@Example.com', roles: ['helpdesk'], passwordHash },
        operatorActor,
      );
      const noPassword = await users.create(
        { tenantId: acme.id, email: 'nopass@example.com' },
        operatorActor,
      );
      const disabled = await users.create(
        { tenantId: acme.id, email: 'gone@example.com', passwordHash },
        operatorActor,
      );
      await disable(disabled.id);

      expect(await users.verifyPassword(acme.id, 'alice@example.com', password)).toEqual(alice);
      expect(await users.verifyPassword(acme.id, 'alice@example.com', `${password}!`)).toBeUndefined();
      expect(await users.verifyPassword(acme.id, 'nobody@example.com', password)).toBeUndefined();
      expect(await users.verifyPassword(acme.id, noPassword.email, password)).toBeUndefined();
      expect(await users.verifyPassword(acme.id, disabled.email, password)).toBeUndefined();
    });

    it('takes as long for an unknown user as for a known one with a wrong password (one hash each)', async () => {
      const { users } = services;
      await users.create({ tenantId: acme.id, email: 'alice@example.com', passwordHash }, operatorActor);
      const wrong = 'not the password at all';
      await users.verifyPassword(acme.id, 'nobody@example.com', wrong); // computes the dummy hash once

      const timeOf = async (email: string) => {
        const start = performance.now();
        expect(await users.verifyPassword(acme.id, email, wrong)).toBeUndefined();
        return performance.now() - start;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      const before = passwords.computations();
      for (let round = 0; round < 3; round++) {
        known.push(await timeOf('alice@example.com'));
        unknown.push(await timeOf('nobody@example.com'));
      }
      expect(passwords.computations() - before).toBe(6); // the unknown user paid for a hash too
      // The fastest of each is the least disturbed by other test files sharing the machine.
      const knownMs = Math.min(...known);
      const unknownMs = Math.min(...unknown);
      expect(knownMs).toBeGreaterThan(5); // bound by argon2id, not by the database
      expect(unknownMs / knownMs).toBeGreaterThan(0.5);
      expect(unknownMs / knownMs).toBeLessThan(2);
    });
  });
}
