import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { createTestServices, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';

for (const backend of testBackends) {
  describe(`group service (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;
    let beta: Tenant;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      beta = await services.tenants.create({ slug: 'beta' }, operatorActor);
    });

    async function auditActions() {
      const rows = await handle.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', 'like', 'group.%')
        .orderBy('seq')
        .execute();
      return rows.map((r) => r.action);
    }

    it('creates groups with names unique per tenant, compared without regard to case', async () => {
      const { groups } = services;
      const staff = await groups.create(
        { tenantId: acme.id, name: '  Staff ', description: 'Everyone' },
        operatorActor,
      );
      expect(staff).toMatchObject({
        name: 'Staff',
        description: 'Everyone',
        memberCount: 0,
        externalId: null,
      });
      await expect(groups.create({ tenantId: acme.id, name: 'STAFF' }, operatorActor)).rejects.toMatchObject({
        code: 'group_exists',
      });
      // Another tenant may use the same name.
      await groups.create({ tenantId: beta.id, name: 'staff' }, operatorActor);
      expect((await groups.findByName(acme.id, 'sTaFf'))?.id).toBe(staff.id);
      expect(await groups.findByName(acme.id, 'nobody')).toBeUndefined();
      await expect(groups.create({ tenantId: acme.id, name: '   ' }, operatorActor)).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(
        groups.create({ tenantId: acme.id, name: 'a\u0000b' }, operatorActor),
      ).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(
        groups.create({ tenantId: acme.id, name: 'x'.repeat(101) }, operatorActor),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      // Names are shown to admins and sent to applications: nothing that hides or spoofs what they say.
      for (const hostile of ['\u202enimda', 'a\u2066b', '\ud800x', `e${'\u0301'.repeat(40)}`, 'a\u2028b']) {
        await expect(
          groups.create({ tenantId: acme.id, name: hostile }, operatorActor),
        ).rejects.toMatchObject({
          code: 'validation_failed',
        });
      }
      // Any script and emoji are names like others.
      for (const fine of ['Équipe ß', '開発', '👩‍👩‍👧‍👦 family', `e${'\u0301'.repeat(3)}`]) {
        expect((await groups.create({ tenantId: acme.id, name: fine }, operatorActor)).name).toBe(
          fine.normalize('NFC'),
        );
      }
    });

    it('renames a group; a name another group holds is refused and nothing changes', async () => {
      const { groups } = services;
      const staff = await groups.create({ tenantId: acme.id, name: 'Staff' }, operatorActor);
      await groups.create({ tenantId: acme.id, name: 'Admins' }, operatorActor);
      await expect(groups.update(acme.id, staff.id, { name: 'admins' }, operatorActor)).rejects.toMatchObject(
        {
          code: 'group_exists',
        },
      );
      expect((await groups.get(acme.id, staff.id)).name).toBe('Staff');
      // Changing only the case of its own name is allowed.
      const renamed = await groups.update(
        acme.id,
        staff.id,
        { name: 'STAFF', description: 'All' },
        operatorActor,
      );
      expect(renamed).toMatchObject({ name: 'STAFF', description: 'All' });
      await expect(groups.update(beta.id, staff.id, { name: 'x' }, operatorActor)).rejects.toMatchObject({
        code: 'group_not_found',
      });
      expect(await auditActions()).toEqual(['group.create', 'group.create', 'group.update']);
    });

    it('adds and removes members of the same tenant only; repeating a change changes nothing', async () => {
      const { groups, users } = services;
      const staff = await groups.create({ tenantId: acme.id, name: 'Staff' }, operatorActor);
      const ann = await users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
      const bob = await users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
      const foreign = await users.create({ tenantId: beta.id, email: 'eve@example.com' }, operatorActor);
      expect(await groups.addMember(acme.id, staff.id, bob.id, operatorActor)).toBe(true);
      expect(await groups.addMember(acme.id, staff.id, ann.id, operatorActor)).toBe(true);
      expect(await groups.addMember(acme.id, staff.id, ann.id, operatorActor)).toBe(false);
      await expect(groups.addMember(acme.id, staff.id, foreign.id, operatorActor)).rejects.toMatchObject({
        code: 'user_not_found',
      });
      await expect(groups.addMember(beta.id, staff.id, foreign.id, operatorActor)).rejects.toMatchObject({
        code: 'group_not_found',
      });
      expect((await groups.members(acme.id, staff.id)).map((m) => m.email)).toEqual([
        'ann@example.com',
        'bob@example.com',
      ]);
      expect((await groups.get(acme.id, staff.id)).memberCount).toBe(2);
      const both = await groups.membersOf(acme.id, [staff.id, 'no-such-group']);
      expect(both.get(staff.id)?.map((m) => m.email)).toEqual(['ann@example.com', 'bob@example.com']);
      expect(both.get('no-such-group')).toEqual([]);
      expect((await groups.membersOf(beta.id, [staff.id])).get(staff.id)).toEqual([]);
      expect(await groups.removeMember(acme.id, staff.id, bob.id, operatorActor)).toBe(true);
      expect(await groups.removeMember(acme.id, staff.id, bob.id, operatorActor)).toBe(false);
      expect(await auditActions()).toEqual([
        'group.create',
        'group.member_add',
        'group.member_add',
        'group.member_remove',
      ]);
    });

    it("lists by name, a page at a time, filters by name and by member, and gives a user's group names", async () => {
      const { groups, users } = services;
      const ann = await users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
      const names = ['Ops', 'admins', 'Dev', 'Devops', 'Sales'];
      const made = new Map<string, string>();
      for (const name of names)
        made.set(name, (await groups.create({ tenantId: acme.id, name }, operatorActor)).id);
      await groups.create({ tenantId: beta.id, name: 'Elsewhere' }, operatorActor);
      const first = await groups.list(acme.id, { limit: 2 });
      expect(first.total).toBe(5);
      expect(first.groups.map((g) => g.name)).toEqual(['admins', 'Dev']);
      const rest = await groups.list(acme.id, { offset: 2, limit: 10 });
      expect(rest.groups.map((g) => g.name)).toEqual(['Devops', 'Ops', 'Sales']);
      expect((await groups.list(acme.id, { query: 'OPS' })).groups.map((g) => g.name)).toEqual([
        'Devops',
        'Ops',
      ]);
      expect((await groups.list(acme.id, { query: '%' })).total).toBe(0);
      await groups.addMember(acme.id, made.get('Sales') ?? '', ann.id, operatorActor);
      await groups.addMember(acme.id, made.get('Dev') ?? '', ann.id, operatorActor);
      const mine = await groups.list(acme.id, { memberId: ann.id });
      expect(mine.groups.map((g) => [g.name, g.memberCount])).toEqual([
        ['Dev', 1],
        ['Sales', 1],
      ]);
      expect(await groups.namesOf(acme.id, ann.id)).toEqual(['Dev', 'Sales']);
      expect(await groups.namesOf(beta.id, ann.id)).toEqual([]);
    });

    it("deleting a user removes their memberships; deleting a group leaves its members' accounts", async () => {
      const { groups, users, admin } = services;
      const staff = await groups.create({ tenantId: acme.id, name: 'Staff' }, operatorActor);
      const ann = await users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
      const bob = await users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
      await groups.addMember(acme.id, staff.id, ann.id, operatorActor);
      await groups.addMember(acme.id, staff.id, bob.id, operatorActor);
      await admin.deleteUser({ tenantId: acme.id, userId: ann.id, actor: operatorActor });
      expect((await groups.members(acme.id, staff.id)).map((m) => m.email)).toEqual(['bob@example.com']);
      const left = await handle.db.selectFrom('group_members').select('user_id').execute();
      expect(left.map((r) => r.user_id)).toEqual([bob.id]);
      await groups.delete(acme.id, staff.id, operatorActor);
      await expect(groups.get(acme.id, staff.id)).rejects.toMatchObject({ code: 'group_not_found' });
      expect(await handle.db.selectFrom('group_members').selectAll().execute()).toEqual([]);
      expect((await users.getById(acme.id, bob.id)).email).toBe('bob@example.com');
      await expect(groups.delete(acme.id, staff.id, operatorActor)).rejects.toMatchObject({
        code: 'group_not_found',
      });
    });
  });
}
