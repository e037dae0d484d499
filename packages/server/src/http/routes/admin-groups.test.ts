import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { testBackends } from '../../test-support/databases.js';
import { emptyDatabase } from '../../test-support/shared-database.js';

for (const backend of testBackends) {
  describe(`admin API: groups (${backend.name})`, () => {
    let t: TestApp;
    let acme: Tenant;
    let key: string;
    let helpdeskKey: string;
    let authAdminKey: string;
    let betaKey: string;

    beforeAll(async () => {
      t = await createTestApp(backend);
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await emptyDatabase(t.runtime.database as never);
      const { tenants, apiKeys } = t.runtime.services;
      acme = await tenants.create({ slug: 'acme' }, operatorActor);
      const beta = await tenants.create({ slug: 'beta' }, operatorActor);
      key = (await apiKeys.create({ tenantId: acme.id, role: 'global-admin' }, operatorActor)).key;
      helpdeskKey = (await apiKeys.create({ tenantId: acme.id, role: 'helpdesk' }, operatorActor)).key;
      authAdminKey = (
        await apiKeys.create({ tenantId: acme.id, role: 'authentication-admin' }, operatorActor)
      ).key;
      betaKey = (await apiKeys.create({ tenantId: beta.id, role: 'global-admin' }, operatorActor)).key;
    });

    const call = (method: string, path: string, body?: unknown, apiKey = key, slug = 'acme') =>
      t.app.inject({
        method: method as 'GET',
        url: `/t/${slug}/api/v1/admin${path}`,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });

    it('creates, lists, reads, renames and deletes a group, with its members', async () => {
      const created = await call('POST', '/groups', { name: 'Engineering', description: 'Builds things' });
      expect(created.statusCode, created.body).toBe(201);
      const group = created.json();
      expect(group).toMatchObject({ name: 'Engineering', description: 'Builds things', memberCount: 0 });
      const ann = await t.runtime.services.users.create(
        { tenantId: acme.id, email: 'ann@example.com' },
        operatorActor,
      );
      expect((await call('PUT', `/groups/${group.id}/members/${ann.id}`)).statusCode).toBe(204);
      expect((await call('PUT', `/groups/${group.id}/members/${ann.id}`)).statusCode).toBe(204);
      const read = await call('GET', `/groups/${group.id}`, undefined, helpdeskKey);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({
        name: 'Engineering',
        memberCount: 1,
        members: [{ id: ann.id, email: 'ann@example.com', displayName: 'ann' }],
      });
      const list = await call('GET', '/groups?query=ENGIN', undefined, helpdeskKey);
      expect(list.json()).toMatchObject({ total: 1, groups: [{ id: group.id, memberCount: 1 }] });
      expect((await call('GET', `/groups?userId=${ann.id}`)).json().groups).toHaveLength(1);
      const renamed = await call('PATCH', `/groups/${group.id}`, { name: 'Platform' });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toMatchObject({ name: 'Platform', description: 'Builds things' });
      expect((await call('DELETE', `/groups/${group.id}/members/${ann.id}`)).statusCode).toBe(204);
      expect((await call('GET', `/groups/${group.id}`)).json().members).toEqual([]);
      expect((await call('DELETE', `/groups/${group.id}`)).statusCode).toBe(204);
      const gone = await call('GET', `/groups/${group.id}`);
      expect(gone.statusCode).toBe(404);
      expect(gone.json().code).toBe('group_not_found');
      const actions = await t.runtime.database.db
        .selectFrom('audit_events')
        .select(['action', 'actor_type'])
        .where('action', 'like', 'group.%')
        .orderBy('seq')
        .execute();
      expect(actions.map((a) => a.action)).toEqual([
        'group.create',
        'group.member_add',
        'group.update',
        'group.member_remove',
        'group.delete',
      ]);
      expect(new Set(actions.map((a) => a.actor_type))).toEqual(new Set(['api_key']));
    });

    it('a name taken in any case is a 409; bad input is a 400, never a 500', async () => {
      expect((await call('POST', '/groups', { name: 'Staff' })).statusCode).toBe(201);
      const dup = await call('POST', '/groups', { name: 'sTAFF' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe('group_exists');
      for (const body of [
        {},
        { name: '' },
        { name: 'x'.repeat(101) },
        { name: 'ok', extra: 1 },
        { name: 7 },
        { name: ' \t ' },
      ]) {
        const response = await call('POST', '/groups', body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.json().code).toBe('validation_failed');
      }
      const other = (await call('POST', '/groups', { name: 'Other' })).json();
      const clash = await call('PATCH', `/groups/${other.id}`, { name: 'STAFF' });
      expect(clash.statusCode).toBe(409);
      expect((await call('GET', '/groups?limit=0')).statusCode).toBe(400);
    });

    it('helpdesk and authentication admins read groups but do not change them', async () => {
      const group = (await call('POST', '/groups', { name: 'Staff' })).json();
      const ann = await t.runtime.services.users.create(
        { tenantId: acme.id, email: 'ann@example.com' },
        operatorActor,
      );
      for (const weaker of [helpdeskKey, authAdminKey]) {
        expect((await call('GET', '/groups', undefined, weaker)).statusCode).toBe(200);
        for (const [method, path, body] of [
          ['POST', '/groups', { name: 'Mine' }],
          ['PATCH', `/groups/${group.id}`, { name: 'Mine' }],
          ['DELETE', `/groups/${group.id}`, undefined],
          ['PUT', `/groups/${group.id}/members/${ann.id}`, undefined],
          ['DELETE', `/groups/${group.id}/members/${ann.id}`, undefined],
        ] as const) {
          const response = await call(method, path, body, weaker);
          expect(response.statusCode, `${method} ${path}`).toBe(403);
          expect(response.json().code).toBe('forbidden');
        }
      }
      expect((await call('GET', `/groups/${group.id}`)).json().members).toEqual([]);
    });

    it("another tenant's key, group or user is not found here", async () => {
      const group = (await call('POST', '/groups', { name: 'Staff' })).json();
      expect((await call('GET', `/groups/${group.id}`, undefined, betaKey)).statusCode).toBe(401);
      const theirs = (await call('POST', '/groups', { name: 'Theirs' }, betaKey, 'beta')).json();
      const read = await call('GET', `/groups/${theirs.id}`);
      expect(read.statusCode).toBe(404);
      expect(read.json().code).toBe('group_not_found');
      expect((await call('DELETE', `/groups/${theirs.id}`)).statusCode).toBe(404);
      const beta = await t.runtime.services.tenants.getBySlug('beta');
      const eve = await t.runtime.services.users.create(
        { tenantId: beta.id, email: 'eve@example.com' },
        operatorActor,
      );
      const add = await call('PUT', `/groups/${group.id}/members/${eve.id}`);
      expect(add.statusCode).toBe(404);
      expect(add.json().code).toBe('user_not_found');
      expect(
        (await call('GET', '/groups', undefined, betaKey, 'beta'))
          .json()
          .groups.map((g: { name: string }) => g.name),
      ).toEqual(['Theirs']);
    });

    it('an admin does not change their own groups through the admin API', async () => {
      const { users, sessions } = t.runtime.services;
      const admin = await users.create(
        { tenantId: acme.id, email: 'root@example.com', roles: ['global-admin'] },
        operatorActor,
      );
      const { token } = await sessions.create({
        tenantId: acme.id,
        userId: admin.id,
        amr: ['pwd', 'otp', 'mfa'],
        mfaAt: t.runtime.clock.now(),
      });
      const group = (await call('POST', '/groups', { name: 'Staff' })).json();
      const self = await call('PUT', `/groups/${group.id}/members/${admin.id}`, undefined, token);
      expect(self.statusCode).toBe(403);
      const ann = await users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
      expect((await call('PUT', `/groups/${group.id}/members/${ann.id}`, undefined, token)).statusCode).toBe(
        204,
      );
    });
  });
}
