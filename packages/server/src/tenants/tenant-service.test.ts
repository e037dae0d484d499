import { beforeEach, describe, expect, it } from 'vitest';
import { type AuditLog, createAuditLog, operatorActor } from '../audit/audit-log.js';
import { openMoreHandles } from '../test-support/connections.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { sqliteBusy, tally } from '../test-support/outcomes.js';
import { createTestServices, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { defaultTenantPolicy } from './tenant-policy.js';

for (const backend of testBackends) {
  describe(`tenant service (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
    });

    async function tenantRows() {
      return handle.db.selectFrom('tenants').selectAll().execute();
    }
    async function auditRows() {
      return handle.db.selectFrom('audit_events').selectAll().orderBy('id').execute();
    }

    it('creates a tenant with the default policy, finds it by slug and lists it', async () => {
      const { tenants, clock } = services;
      const created = await tenants.create({ slug: 'acme', name: '  Acme Corp  ' }, operatorActor);
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        slug: 'acme',
        name: 'Acme Corp',
        policy: defaultTenantPolicy,
        createdAt: clock.now(),
      });
      expect(await tenants.findBySlug('acme')).toEqual(created);
      expect(await tenants.getBySlug('acme')).toEqual(created);
      expect(await tenants.list()).toEqual([created]);
      expect(await tenants.count()).toBe(1);
    });

    it('names a tenant after its slug when no name is given, and lists tenants by slug', async () => {
      const { tenants } = services;
      await tenants.create({ slug: 'zeta' }, operatorActor);
      await tenants.create({ slug: 'alpha', name: '   ' }, operatorActor);
      await tenants.create({ slug: 'mid', name: 'Middle' }, operatorActor);
      const listed = await tenants.list();
      expect(listed.map((t) => [t.slug, t.name])).toEqual([
        ['alpha', 'alpha'],
        ['mid', 'Middle'],
        ['zeta', 'zeta'],
      ]);
      expect(await tenants.count()).toBe(3);
    });

    it('answers an unknown slug with undefined (find) or tenant_not_found (get)', async () => {
      const { tenants } = services;
      await tenants.create({ slug: 'acme' }, operatorActor);
      expect(await tenants.findBySlug('nope')).toBeUndefined();
      expect(await tenants.findBySlug('ACME')).toBeUndefined(); // slugs are lowercase by rule
      await expect(tenants.getBySlug('nope')).rejects.toMatchObject({
        code: 'tenant_not_found',
        message: "no tenant 'nope'",
      });
    });

    it('refuses a bad slug or an overlong name and writes nothing', async () => {
      const { tenants } = services;
      await expect(tenants.create({ slug: 'Acme' }, operatorActor)).rejects.toMatchObject({
        code: 'tenant_slug_invalid',
      });
      await expect(tenants.create({ slug: 'admin' }, operatorActor)).rejects.toMatchObject({
        code: 'tenant_slug_invalid',
      });
      await expect(
        tenants.create({ slug: 'acme', name: 'x'.repeat(201) }, operatorActor),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      expect(await tenantRows()).toEqual([]);
      expect(await auditRows()).toEqual([]);
      // 200 characters is still fine
      expect(
        (await tenants.create({ slug: 'acme', name: 'x'.repeat(200) }, operatorActor)).name,
      ).toHaveLength(200);
    });

    it('refuses a duplicate slug with tenant_exists and keeps the first tenant', async () => {
      const { tenants } = services;
      const first = await tenants.create({ slug: 'acme', name: 'First' }, operatorActor);
      await expect(tenants.create({ slug: 'acme', name: 'Second' }, operatorActor)).rejects.toMatchObject({
        code: 'tenant_exists',
        message: "tenant 'acme' already exists",
      });
      expect(await tenants.list()).toEqual([first]);
      expect(await auditRows()).toHaveLength(1);
    });

    it('two concurrent creates of one slug on one instance: one tenant, the other gets tenant_exists', async () => {
      const { tenants } = services;
      const results = await Promise.allSettled([
        tenants.create({ slug: 'acme', name: 'One' }, operatorActor),
        tenants.create({ slug: 'acme', name: 'Two' }, operatorActor),
      ]);
      expect(tally(results)).toEqual({ ok: 1, tenant_exists: 1 });
      expect(await tenantRows()).toHaveLength(1);
      expect(await auditRows()).toHaveLength(1);
    });

    it('two creates of one slug racing on two instances: one tenant, and the loser is refused', async () => {
      const more = await openMoreHandles(handle, 2, { poolSize: 1 });
      try {
        const [one, two] = more.handles.map((h) => createTestServices(h, { clock: services.clock }));
        const results = await Promise.allSettled([
          one!.tenants.create({ slug: 'acme', name: 'One' }, operatorActor),
          two!.tenants.create({ slug: 'acme', name: 'Two' }, operatorActor),
        ]);
        const outcomes = tally(results);
        expect(outcomes['ok']).toBe(1);
        if (backend.name === 'postgres') {
          // The unique index makes the second insert wait for the first and then fail.
          expect(outcomes).toEqual({ ok: 1, tenant_exists: 1 });
        } else {
          // Two handles in one thread cannot wait for each other (see openMoreHandles): the loser
          // is refused either way, as tenant_exists or as a busy database.
          expect([
            { ok: 1, tenant_exists: 1 },
            { ok: 1, [sqliteBusy]: 1 },
          ]).toContainEqual(outcomes);
        }
        const rows = await tenantRows();
        expect(rows).toHaveLength(1);
        const audit = await auditRows();
        expect(audit).toHaveLength(1);
        expect(audit[0]?.target_id).toBe(rows[0]?.id);
      } finally {
        await more.close();
      }
    });

    it('records tenant.create in the audit log', async () => {
      const { tenants, clock } = services;
      clock.advance(5_000);
      const created = await tenants.create({ slug: 'acme' }, { type: 'user', id: 'u-1', ip: '192.0.2.7' });
      expect(await auditRows()).toEqual([
        {
          id: expect.any(String),
          tenant_id: created.id,
          at: clock.now(),
          actor_type: 'user',
          actor_id: 'u-1',
          action: 'tenant.create',
          target_type: 'tenant',
          target_id: created.id,
          reason: null,
          ip: '192.0.2.7',
          details: JSON.stringify({ slug: 'acme' }),
          chain: created.id,
          seq: 1,
          prev_hash: '0'.repeat(64),
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ]);
    });

    it('writes the audit event in the same transaction: if it fails, no tenant is left behind', async () => {
      const realAudit = createAuditLog({ db: handle.db, clock: services.clock });
      // Writes its row through the caller's executor, then fails, as a full disk would.
      const failingAudit: AuditLog = {
        async record(event, executor) {
          await realAudit.record(event, executor);
          throw new Error('audit write failed');
        },
        async recordMany(events, executor) {
          await realAudit.recordMany(events, executor);
          throw new Error('audit write failed');
        },
      };
      const { tenants } = createTestServices(handle, { clock: services.clock, audit: failingAudit });
      await expect(tenants.create({ slug: 'acme' }, operatorActor)).rejects.toThrow('audit write failed');
      expect(await tenantRows()).toEqual([]);
      expect(await auditRows()).toEqual([]);
      // ...and the slug is still free.
      expect((await services.tenants.create({ slug: 'acme' }, operatorActor)).slug).toBe('acme');
    });

    it('fills policy fields a stored row lacks from the defaults', async () => {
      const { tenants } = services;
      const created = await tenants.create({ slug: 'acme' }, operatorActor);
      await handle.db
        .updateTable('tenants')
        .set({ policy: JSON.stringify({ mfaRequired: false, totp: { digits: 8 } }) })
        .where('id', '=', created.id)
        .execute();
      const policy = (await tenants.getBySlug('acme')).policy;
      expect(policy.mfaRequired).toBe(false);
      expect(policy.totp).toEqual({ ...defaultTenantPolicy.totp, digits: 8 });
      expect(policy.temporaryAccessPass).toEqual(defaultTenantPolicy.temporaryAccessPass);
    });
  });
}
