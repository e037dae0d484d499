import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { testBackends } from '../../test-support/databases.js';
import { emptyDatabase } from '../../test-support/shared-database.js';

for (const backend of testBackends) {
  describe(`admin API: user import (${backend.name})`, () => {
    let t: TestApp;
    let acme: Tenant;
    let key: string;
    let authAdminKey: string;

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
      key = (await apiKeys.create({ tenantId: acme.id, role: 'global-admin' }, operatorActor)).key;
      authAdminKey = (
        await apiKeys.create({ tenantId: acme.id, role: 'authentication-admin' }, operatorActor)
      ).key;
    });

    const post = (body: string, query = '', apiKey = key, contentType = 'text/csv') =>
      t.app.inject({
        method: 'POST',
        url: `/t/acme/api/v1/admin/users/import${query}`,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
        payload: body,
      });

    it('checks with dryRun, then imports every line', async () => {
      const csv = 'email,name,role\nann@example.com,Ann,\nbob@example.com,Bob,helpdesk\n';
      const dry = await post(csv, '?dryRun=true');
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json()).toEqual({ rows: 2, imported: 0, refused: [], dryRun: true });
      expect(await t.runtime.services.users.findByEmail(acme.id, 'ann@example.com')).toBeUndefined();
      const done = await post(csv);
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toEqual({ rows: 2, imported: 2, refused: [], dryRun: false });
      expect((await t.runtime.services.users.findByEmail(acme.id, 'bob@example.com'))?.roles).toEqual([
        'helpdesk',
      ]);
    });

    it('a refused line is a 422 listing every refused line, and nothing is imported', async () => {
      const answer = await post('email,name,role\nann@example.com,Ann,\nnope,No,\nann@example.com,Again,\n');
      expect(answer.statusCode).toBe(422);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.json()).toMatchObject({
        code: 'import_refused',
        rows: 3,
        refused: [
          { line: 3, email: 'nope', code: 'email_invalid' },
          { line: 4, email: 'ann@example.com', code: 'user_exists' },
        ],
      });
      expect(await t.runtime.services.users.findByEmail(acme.id, 'ann@example.com')).toBeUndefined();
    });

    it('a file that is not this CSV is a 400, JSON a 415, an authentication admin a 403', async () => {
      const bad = await post('upn\nx\n');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('csv_invalid');
      const json = await post('{"email":"a@example.com"}', '', key, 'application/json');
      expect(json.statusCode).toBe(415);
      const weaker = await post('email,name,role\nann@example.com,Ann,\n', '', authAdminKey);
      expect(weaker.statusCode).toBe(403);
      expect(await t.runtime.services.users.findByEmail(acme.id, 'ann@example.com')).toBeUndefined();
    });
  });
}
