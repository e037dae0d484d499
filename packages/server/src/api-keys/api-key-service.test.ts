import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { createTestServices, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { apiKeyPrefix } from './api-key-service.js';

for (const backend of testBackends) {
  describe(`API key service (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
    });

    async function keyRow(id: string) {
      return handle.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }

    it('creates a key that starts with tfk_ and returns it once with its record', async () => {
      const { apiKeys, clock } = services;
      const { apiKey, key } = await apiKeys.create({ tenantId: acme.id, role: 'helpdesk' }, operatorActor);
      expect(apiKeyPrefix).toBe('tfk_');
      expect(key).toMatch(/^tfk_[A-Za-z0-9_-]{43}$/);
      expect(apiKey).toEqual({
        id: expect.any(String),
        tenantId: acme.id,
        name: 'helpdesk key',
        role: 'helpdesk',
        prefix: key.slice(0, 10),
        createdAt: clock.now(),
        lastUsedAt: null,
      });
      expect(await apiKeys.list(acme.id)).toEqual([apiKey]);
      const second = await apiKeys.create(
        { tenantId: acme.id, role: 'global-admin', name: ' CI ' },
        operatorActor,
      );
      expect(second.key).not.toBe(key);
      expect(second.apiKey.name).toBe('CI');
    });

    it('stores the key only as a hash: the plain key appears nowhere in the database', async () => {
      const { apiKeys } = services;
      const { apiKey, key } = await apiKeys.create({ tenantId: acme.id, role: 'helpdesk' }, operatorActor);
      const row = await keyRow(apiKey.id);
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      const secretPart = key.slice(apiKeyPrefix.length);
      for (const [column, value] of Object.entries(row)) {
        expect(String(value), column).not.toContain(key);
        expect(String(value), column).not.toContain(secretPart);
      }
      // Only the 10-character prefix may be shown, here and in the audit trail.
      expect(row.key_prefix).toBe(key.slice(0, 10));
      const audit = await handle.db.selectFrom('audit_events').selectAll().execute();
      expect(JSON.stringify(audit)).not.toContain(secretPart);
      expect(audit.find((e) => e.action === 'api_key.create')).toMatchObject({
        target_id: apiKey.id,
        details: JSON.stringify({ name: 'helpdesk key', role: 'helpdesk', prefix: key.slice(0, 10) }),
      });
    });

    it('refuses an unknown role or an overlong name and writes nothing', async () => {
      const { apiKeys } = services;
      await expect(apiKeys.create({ tenantId: acme.id, role: 'root' }, operatorActor)).rejects.toMatchObject({
        code: 'role_invalid',
      });
      await expect(
        apiKeys.create({ tenantId: acme.id, role: 'helpdesk', name: 'n'.repeat(201) }, operatorActor),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      expect(await handle.db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
    });

    it('authenticates a key to its record', async () => {
      const { apiKeys } = services;
      const { apiKey, key } = await apiKeys.create({ tenantId: acme.id, role: 'helpdesk' }, operatorActor);
      expect(await apiKeys.authenticate(key)).toMatchObject({
        id: apiKey.id,
        tenantId: acme.id,
        role: 'helpdesk',
        prefix: apiKey.prefix,
      });
    });

    it('answers unknown, garbage and near-miss keys with undefined', async () => {
      const { apiKeys } = services;
      const { key } = await apiKeys.create({ tenantId: acme.id, role: 'helpdesk' }, operatorActor);
      const lastChar = key.at(-1) === 'A' ? 'B' : 'A';
      for (const candidate of [
        '',
        'tfk_',
        'garbage',
        key.slice(apiKeyPrefix.length), // without the prefix
        `tfs_${key.slice(apiKeyPrefix.length)}`, // another token type
        key.toUpperCase(),
        `${key.slice(0, -1)}${lastChar}`,
        `${key} `,
        `${key}x`,
        `tfk_${'A'.repeat(43)}`,
        `tfk_${'x'.repeat(500)}`,
        "tfk_' or 1=1 --",
      ]) {
        expect(await apiKeys.authenticate(candidate), JSON.stringify(candidate)).toBeUndefined();
      }
      const [row] = await handle.db.selectFrom('api_keys').select('last_used_at').execute();
      expect(row?.last_used_at).toBeNull();
    });

    it('a revoked key no longer authenticates and is no longer listed', async () => {
      const { apiKeys, clock } = services;
      const revoked = await apiKeys.create(
        { tenantId: acme.id, role: 'helpdesk', name: 'old' },
        operatorActor,
      );
      const kept = await apiKeys.create({ tenantId: acme.id, role: 'helpdesk', name: 'new' }, operatorActor);
      // There is no revoke operation yet; the column is what a revocation will set.
      await handle.db
        .updateTable('api_keys')
        .set({ revoked_at: clock.now() })
        .where('id', '=', revoked.apiKey.id)
        .execute();
      expect(await apiKeys.authenticate(revoked.key)).toBeUndefined();
      expect(await apiKeys.authenticate(kept.key)).toMatchObject({ id: kept.apiKey.id });
      expect((await apiKeys.list(acme.id)).map((k) => k.name)).toEqual(['new']);
    });

    it('lists only the tenant’s own keys, oldest first', async () => {
      const { apiKeys, tenants, clock } = services;
      const other = await tenants.create({ slug: 'other' }, operatorActor);
      await apiKeys.create({ tenantId: acme.id, role: 'helpdesk', name: 'first' }, operatorActor);
      clock.advance(1);
      await apiKeys.create({ tenantId: other.id, role: 'helpdesk', name: 'theirs' }, operatorActor);
      clock.advance(1);
      await apiKeys.create({ tenantId: acme.id, role: 'global-admin', name: 'second' }, operatorActor);
      expect((await apiKeys.list(acme.id)).map((k) => k.name)).toEqual(['first', 'second']);
      expect((await apiKeys.list(other.id)).map((k) => k.name)).toEqual(['theirs']);
    });

    it('records last use at most once a minute', async () => {
      const { apiKeys, clock } = services;
      const { apiKey, key } = await apiKeys.create({ tenantId: acme.id, role: 'helpdesk' }, operatorActor);
      const t0 = clock.now();
      const lastUsed = async () => (await keyRow(apiKey.id)).last_used_at;

      await apiKeys.authenticate(key);
      expect(await lastUsed()).toBe(t0);
      clock.advance(30_000);
      await apiKeys.authenticate(key);
      clock.advance(29_000);
      await apiKeys.authenticate(key);
      expect(await lastUsed()).toBe(t0); // 59 s later: not written again
      clock.advance(2_000);
      await apiKeys.authenticate(key);
      expect(await lastUsed()).toBe(t0 + 61_000);
      clock.advance(1_000);
      await apiKeys.authenticate(key);
      expect(await lastUsed()).toBe(t0 + 61_000);
      expect((await apiKeys.list(acme.id))[0]?.lastUsedAt).toBe(t0 + 61_000);
    });
  });
}
