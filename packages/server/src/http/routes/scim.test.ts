/**
 * SCIM 2.0 over HTTP on both databases, as Okta and Entra ID call it: every answer is checked by a
 * SCIM library we did not write (SCIMMY: its User, Group, ServiceProviderConfig and ResourceType
 * schemas and its ListResponse and Error messages), and our requests are built with its PatchOp.
 */
import SCIMMY from 'scimmy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { testBackends } from '../../test-support/databases.js';
import { emptyDatabase } from '../../test-support/shared-database.js';

const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** A PATCH body, checked by SCIMMY's PatchOp message first. */
function patch(...operations: { op: string; path?: string; value?: unknown }[]) {
  const body = { schemas: [patchOp], Operations: operations };
  new SCIMMY.Messages.PatchOp(body as never);
  return body;
}

for (const backend of testBackends) {
  describe(`SCIM 2.0 (${backend.name})`, { timeout: 60_000 }, () => {
    let t: TestApp;
    let acme: Tenant;
    let key: string;
    let adminKey: string;
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
      key = (await apiKeys.create({ tenantId: acme.id, role: 'provisioning' }, operatorActor)).key;
      adminKey = (await apiKeys.create({ tenantId: acme.id, role: 'global-admin' }, operatorActor)).key;
      betaKey = (await apiKeys.create({ tenantId: beta.id, role: 'provisioning' }, operatorActor)).key;
    });

    async function scim(method: string, path: string, body?: unknown, apiKey: string | null = key) {
      const response = await t.app.inject({
        method: method as 'GET',
        url: `/t/acme/scim/v2${path}`,
        headers: {
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
      if (response.statusCode !== 204)
        expect(response.headers['content-type']).toContain('application/scim+json');
      const json = response.body ? response.json() : undefined;
      if (response.statusCode >= 400) {
        // SCIM's error schema, as SCIMMY reads it.
        expect(json.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
        expect(json.status).toBe(String(response.statusCode));
        new SCIMMY.Messages.Error({
          status: response.statusCode as never,
          scimType: json.scimType,
          detail: json.detail,
        });
      }
      return { status: response.statusCode, json };
    }

    const checkUser = (user: unknown) => new SCIMMY.Schemas.User(user as never, 'out');
    const checkGroup = (group: unknown) => new SCIMMY.Schemas.Group(group as never, 'out');
    const newUser = (userName: string, extra: Record<string, unknown> = {}) =>
      scim('POST', '/Users', { schemas: [userSchema], userName, ...extra });

    it('takes only a provisioning key of its own tenant; a provisioning key is no admin key', async () => {
      expect((await scim('GET', '/Users', undefined, null)).status).toBe(401);
      expect((await scim('GET', '/Users', undefined, 'tfk_nope')).status).toBe(401);
      expect((await scim('GET', '/Users', undefined, betaKey)).status).toBe(401);
      const admin = await scim('GET', '/Users', undefined, adminKey);
      expect(admin.status).toBe(403);
      // Refused before the body is read: a malformed body still gets the caller's 401.
      const early = await t.app.inject({
        method: 'POST',
        url: '/t/acme/scim/v2/Users',
        headers: { 'content-type': 'application/scim+json' },
        payload: '{"userName": ',
      });
      expect(early.statusCode).toBe(401);
      const asAdmin = await t.app.inject({
        url: '/t/acme/api/v1/admin/users',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(asAdmin.statusCode).toBe(403);
    });

    it('describes itself: ServiceProviderConfig, ResourceTypes and Schemas', async () => {
      const config = await scim('GET', '/ServiceProviderConfig');
      expect(config.status).toBe(200);
      new SCIMMY.Schemas.ServiceProviderConfig(config.json, 'out');
      expect(config.json).toMatchObject({
        patch: { supported: true },
        filter: { supported: true, maxResults: 200 },
      });
      const types = await scim('GET', '/ResourceTypes');
      expect(types.json.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
      for (const type of types.json.Resources) new SCIMMY.Schemas.ResourceType(type, 'out');
      expect((await scim('GET', '/ResourceTypes/User')).json.endpoint).toBe('/Users');
      const schemas = await scim('GET', '/Schemas');
      expect(schemas.json.Resources.map((s: { id: string }) => s.id)).toEqual([userSchema, groupSchema]);
      expect((await scim('GET', `/Schemas/${userSchema}`)).json.name).toBe('User');
      expect((await scim('GET', '/Schemas/nope')).status).toBe(404);
    });

    it('creates a user, finds them with filters, a page at a time', async () => {
      const created = await newUser('Ann@Example.com', {
        name: { givenName: 'Ann', familyName: 'Example' },
        externalId: 'okta-00u1',
        emails: [{ value: 'Ann@Example.com', type: 'work', primary: true }],
        active: true,
      });
      expect(created.status).toBe(201);
      checkUser(created.json);
      expect(created.json).toMatchObject({
        userName: 'Ann@Example.com',
        displayName: 'Ann Example',
        externalId: 'okta-00u1',
        active: true,
      });
      expect(created.json.meta.location).toMatch(/\/t\/acme\/scim\/v2\/Users\//);
      for (const n of [1, 2, 3, 4]) await newUser(`user${n}@example.com`, { displayName: `User ${n}` });
      await newUser('off@example.com', { active: false });
      const dup = await newUser('ANN@example.com');
      expect(dup.status).toBe(409);
      expect(dup.json.scimType).toBe('uniqueness');

      const find = async (filter: string) => {
        const found = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
        expect(found.status, JSON.stringify(found.json)).toBe(200);
        new SCIMMY.Messages.ListResponse(found.json);
        for (const user of found.json.Resources) checkUser(user);
        return found.json.Resources.map((u: { userName: string }) => u.userName);
      };
      expect(await find('userName eq "ann@example.com"')).toEqual(['Ann@Example.com']);
      expect(await find('externalId eq "okta-00u1"')).toEqual(['Ann@Example.com']);
      expect(await find('externalId eq "OKTA-00U1"')).toEqual([]);
      expect(await find('emails[type eq "work" and value co "ANN@"]')).toEqual(['Ann@Example.com']);
      expect(await find('emails.value sw "user"')).toHaveLength(4);
      expect(await find('displayName co "user" and not (userName eq "user2@example.com")')).toEqual([
        'user1@example.com',
        'user3@example.com',
        'user4@example.com',
      ]);
      expect(await find('userName eq "user1@example.com" or userName ew "4@example.com"')).toEqual([
        'user1@example.com',
        'user4@example.com',
      ]);
      expect(await find('active eq false')).toEqual(['off@example.com']);
      expect(await find('externalId pr')).toEqual(['Ann@Example.com']);
      expect(await find('userName eq "100%"')).toEqual([]);
      for (const bad of ['userName eq', 'password eq "x"', 'active eq "yes"', 'userName zz "x"']) {
        const refused = await scim('GET', `/Users?filter=${encodeURIComponent(bad)}`);
        expect(refused.status, bad).toBe(400);
        expect(refused.json.scimType).toBe('invalidFilter');
      }

      const first = await scim('GET', '/Users?startIndex=1&count=2');
      expect(first.json).toMatchObject({ totalResults: 6, startIndex: 1, itemsPerPage: 2 });
      const third = await scim('GET', '/Users?startIndex=5&count=2');
      expect(third.json.Resources.map((u: { userName: string }) => u.userName)).toEqual([
        'user3@example.com',
        'user4@example.com',
      ]);
      expect((await scim('GET', '/Users?count=0')).json).toMatchObject({ totalResults: 6, itemsPerPage: 0 });
      // Only the attributes asked for (id, schemas and meta always), or all but those left out.
      const some = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent('userName eq "ann@example.com"')}&attributes=userName,name.givenName`,
      );
      expect(Object.keys(some.json.Resources[0]).sort()).toEqual([
        'id',
        'meta',
        'name',
        'schemas',
        'userName',
      ]);
      const without = await scim('GET', `/Users/${created.json.id}?excludedAttributes=emails,groups`);
      expect(without.json).not.toHaveProperty('emails');
      expect(without.json).not.toHaveProperty('groups');
      expect(without.json.userName).toBe('Ann@Example.com');
      const badUser = await newUser('not an email');
      expect(badUser.status).toBe(400);
      expect(badUser.json.scimType).toBe('invalidValue');
    });

    it('deactivates a user the way Okta and Entra ID do: disabled, every session ended; then back', async () => {
      const { json: ann } = await newUser('ann@example.com');
      const { sessions } = t.runtime.services;
      const session = await sessions.create({
        tenantId: acme.id,
        userId: ann.id,
        amr: ['pwd', 'otp', 'mfa'],
        mfaAt: t.runtime.clock.now(),
      });
      expect(await sessions.countActive(acme.id, ann.id)).toBe(1);
      // Okta: replace with a value object and no path.
      const okta = await scim(
        'PATCH',
        `/Users/${ann.id}`,
        patch({ op: 'replace', value: { active: false } }),
      );
      expect(okta.status, JSON.stringify(okta.json)).toBe(200);
      checkUser(okta.json);
      expect(okta.json.active).toBe(false);
      expect((await t.runtime.services.users.getById(acme.id, ann.id)).disabled).toBe(true);
      expect(await sessions.countActive(acme.id, ann.id)).toBe(0);
      const me = await t.app.inject({
        url: '/t/acme/api/v1/me',
        headers: { authorization: `Bearer ${session.token}` },
      });
      expect(me.statusCode).toBe(401);
      // Entra ID: capitalised op, a path, and the boolean as a string.
      const entra = await scim(
        'PATCH',
        `/Users/${ann.id}`,
        patch({ op: 'Replace', path: 'active', value: 'True' }),
      );
      expect(entra.json.active).toBe(true);
      const renamed = await scim(
        'PATCH',
        `/Users/${ann.id}`,
        patch(
          { op: 'replace', path: 'displayName', value: 'Ann B.' },
          { op: 'add', path: 'externalId', value: 'aad-1' },
        ),
      );
      expect(renamed.json).toMatchObject({ displayName: 'Ann B.', externalId: 'aad-1' });
      const removed = await scim('PATCH', `/Users/${ann.id}`, patch({ op: 'remove', path: 'externalId' }));
      expect(removed.json).not.toHaveProperty('externalId');
      const userName = await scim(
        'PATCH',
        `/Users/${ann.id}`,
        patch({ op: 'replace', path: 'userName', value: 'x@example.com' }),
      );
      expect(userName.status).toBe(400);
      expect(userName.json.scimType).toBe('mutability');
      // An add without a value cannot be applied.
      const noValue = await scim('PATCH', `/Users/${ann.id}`, {
        schemas: [patchOp],
        Operations: [{ op: 'add', path: 'displayName' }],
      });
      expect(noValue.status).toBe(400);
      const audit = await t.runtime.database.db
        .selectFrom('audit_events')
        .select(['action', 'actor_type'])
        .where('target_id', '=', ann.id)
        .where('action', '=', 'user.update')
        .execute();
      expect(audit.length).toBeGreaterThanOrEqual(3);
      expect(new Set(audit.map((a) => a.actor_type))).toEqual(new Set(['api_key']));
    });

    it('replaces a user with PUT and deletes one', async () => {
      const { json: bob } = await newUser('bob@example.com', { externalId: 'e-1' });
      const put = await scim('PUT', `/Users/${bob.id}`, {
        schemas: [userSchema],
        userName: 'bob@example.com',
        name: { formatted: 'Robert' },
        active: false,
      });
      expect(put.status).toBe(200);
      expect(put.json).toMatchObject({ displayName: 'Robert', active: false });
      expect(put.json).not.toHaveProperty('externalId');
      expect((await scim('DELETE', `/Users/${bob.id}`)).status).toBe(204);
      const gone = await scim('GET', `/Users/${bob.id}`);
      expect(gone.status).toBe(404);
      expect((await scim('DELETE', `/Users/${bob.id}`)).status).toBe(404);
    });

    it('creates groups with members, patches members as Entra ID and Okta do, filters and deletes', async () => {
      const ids: string[] = [];
      for (const n of [1, 2, 3]) ids.push((await newUser(`m${n}@example.com`)).json.id);
      const created = await scim('POST', '/Groups', {
        schemas: [groupSchema],
        displayName: 'Engineering',
        externalId: 'grp-1',
        members: [{ value: ids[0] }],
      });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      checkGroup(created.json);
      const id = created.json.id;
      const added = await scim(
        'PATCH',
        `/Groups/${id}`,
        patch({ op: 'Add', path: 'members', value: [{ value: ids[1] }, { value: ids[2] }] }),
      );
      expect(added.status, JSON.stringify(added.json)).toBe(200);
      expect(added.json.members.map((m: { value: string }) => m.value).sort()).toEqual([...ids].sort());
      const removed = await scim(
        'PATCH',
        `/Groups/${id}`,
        patch({ op: 'Remove', path: `members[value eq "${ids[1]}"]` }),
      );
      expect(removed.json.members.map((m: { value: string }) => m.value).sort()).toEqual(
        [ids[0], ids[2]].sort(),
      );
      const renamed = await scim(
        'PATCH',
        `/Groups/${id}`,
        patch({ op: 'replace', value: { displayName: 'Platform' } }),
      );
      expect(renamed.json.displayName).toBe('Platform');
      expect(await t.runtime.services.groups.namesOf(acme.id, ids[0] ?? '')).toEqual(['Platform']);
      const foreign = await scim(
        'PATCH',
        `/Groups/${id}`,
        patch({ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }),
      );
      expect(foreign.status).toBe(400);
      expect(foreign.json.scimType).toBe('invalidValue');

      await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'Finance' });
      const dup = await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'FINANCE' });
      expect(dup.status).toBe(409);
      expect(dup.json.scimType).toBe('uniqueness');
      const found = await scim(
        'GET',
        `/Groups?filter=${encodeURIComponent('displayName eq "platform"')}&excludedAttributes=members`,
      );
      new SCIMMY.Messages.ListResponse(found.json);
      expect(found.json.totalResults).toBe(1);
      expect(found.json.Resources[0]).not.toHaveProperty('members');
      const all = await scim('GET', '/Groups');
      expect(all.json.Resources.map((g: { displayName: string }) => g.displayName)).toEqual([
        'Finance',
        'Platform',
      ]);
      for (const group of all.json.Resources) checkGroup(group);
      // A page reads its groups' members in one query; each group has its own, as a read by id gives.
      expect(all.json.Resources[1].members).toHaveLength(2);
      for (const group of all.json.Resources)
        expect(group).toEqual((await scim('GET', `/Groups/${group.id}`)).json);
      const put = await scim('PUT', `/Groups/${id}`, {
        schemas: [groupSchema],
        displayName: 'Platform',
        members: [],
      });
      expect(put.json.members).toEqual([]);
      expect((await scim('DELETE', `/Groups/${id}`)).status).toBe(204);
      expect((await scim('GET', `/Groups/${id}`)).status).toBe(404);
    });

    it('answers hostile requests with SCIM errors, never a 500', async () => {
      const { json: ann } = await newUser('ann@example.com');
      for (const [method, path, body] of [
        ['POST', '/Users', '{"userName": '],
        ['POST', '/Users', '[]'],
        ['POST', '/Users', JSON.stringify({ userName: { a: 1 } })],
        ['POST', '/Users', JSON.stringify({ userName: 'a@example.com', externalId: 'x'.repeat(300) })],
        ['POST', '/Groups', JSON.stringify({ displayName: '\u202egnp' })],
        ['POST', '/Groups', JSON.stringify({ members: 'x' })],
        ['PATCH', `/Users/${ann.id}`, JSON.stringify({ schemas: [patchOp], Operations: [] })],
        [
          'PATCH',
          `/Users/${ann.id}`,
          JSON.stringify({ schemas: [patchOp], Operations: [{ op: 'explode' }] }),
        ],
        [
          'PATCH',
          `/Users/${ann.id}`,
          JSON.stringify({
            schemas: [patchOp],
            Operations: [{ op: 'replace', path: 'active', value: 'maybe' }],
          }),
        ],
        ['GET', '/Users?startIndex=0', undefined],
        ['GET', `/Users?filter=${encodeURIComponent('('.repeat(500))}`, undefined],
        ['GET', `/Users?filter=${'x'.repeat(3000)}`, undefined],
        ['GET', '/Users/%00', undefined],
      ] as const) {
        const response = await t.app.inject({
          method: method as 'GET',
          url: `/t/acme/scim/v2${path}`,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/scim+json' },
          ...(body !== undefined ? { payload: body } : {}),
        });
        expect(response.statusCode, `${method} ${path} ${body}: ${response.body}`).toBeGreaterThanOrEqual(
          400,
        );
        expect(response.statusCode, `${method} ${path} ${body}: ${response.body}`).toBeLessThan(500);
        expect(response.headers['content-type']).toContain('application/scim+json');
      }
      expect((await t.runtime.services.users.getById(acme.id, ann.id)).disabled).toBe(false);
    });
  });
}
