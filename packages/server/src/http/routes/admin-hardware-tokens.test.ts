import { readFileSync } from 'node:fs';
import { decodeBase32, generateTotp } from '@twofold/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import { createManualClock } from '../../platform/clock.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { createBrowserClient } from '../../test-support/browser-client.js';
import { testBackends } from '../../test-support/databases.js';
import { emptyDatabase } from '../../test-support/shared-database.js';
import type { User } from '../../users/user-service.js';

const base = '/t/acme/api/v1';
const header = 'upn,serial number,secret key,time interval,manufacturer,model';
const sampleSecret = '2234567abcdef2234567abcdef';
const fixture = new URL('../../factors/hardware/fixtures/microsoft-sample.csv', import.meta.url);
const password = 'correct horse battery';
/** The server's body limit in these tests, so that a file just over it is small. */
const bodyLimit = 4096;

for (const backend of testBackends) {
  describe(`admin hardware tokens on ${backend.name}`, () => {
    const start = Date.UTC(2026, 10, 3, 9, 0, 0);
    const clock = createManualClock(start);
    let t: TestApp;
    let acme: Tenant;
    let alice: User;
    let bob: User;
    let helpdeskAdmin: User;
    const keys: Record<'helpdesk' | 'authentication-admin' | 'global-admin' | 'other', string> = {
      helpdesk: '',
      'authentication-admin': '',
      'global-admin': '',
      other: '',
    };

    beforeAll(async () => {
      t = await createTestApp(backend, { TWOFOLD_BODY_LIMIT: String(bodyLimit) }, { clock });
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await emptyDatabase(t.runtime.database as never);
      clock.set(start);
      const { services } = t.runtime;
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      const other = await services.tenants.create({ slug: 'other' }, operatorActor);
      alice = await services.users.create(
        { tenantId: acme.id, email: 'alice@example.com', password },
        operatorActor,
      );
      bob = await services.users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
      helpdeskAdmin = await services.users.create(
        { tenantId: acme.id, email: 'help@example.com', roles: ['helpdesk'] },
        operatorActor,
      );
      await services.users.create({ tenantId: other.id, email: 'carol@example.com' }, operatorActor);
      for (const role of ['helpdesk', 'authentication-admin', 'global-admin'] as const) {
        keys[role] = (await services.apiKeys.create({ tenantId: acme.id, role }, operatorActor)).key;
      }
      keys.other = (
        await services.apiKeys.create({ tenantId: other.id, role: 'global-admin' }, operatorActor)
      ).key;
    });

    function upload(body: string | Buffer, key = keys['authentication-admin'], contentType = 'text/csv') {
      return t.app.inject({
        method: 'POST',
        url: `${base}/admin/hardware-tokens`,
        headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
        payload: body,
      });
    }

    function activate(userId: string, methodId: string, body: unknown, key = keys['authentication-admin']) {
      return t.app.inject({
        method: 'POST',
        url: `${base}/admin/users/${userId}/methods/${methodId}/activate`,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    }

    async function tokenOf(userId: string) {
      return t.runtime.database.db
        .selectFrom('methods')
        .selectAll()
        .where('user_id', '=', userId)
        .where('type', '=', 'hardware_oath')
        .executeTakeFirstOrThrow();
    }

    const codeAt = (secret: string, period: number, offsetSeconds = 0) =>
      generateTotp({ secret: decodeBase32(secret), period, time: clock.now() / 1000 + offsetSeconds });

    it('an authentication admin imports a CSV file; rows naming users of another tenant are unknown users', async () => {
      const file = Buffer.concat([
        readFileSync(fixture),
        Buffer.from(
          `carol@example.com,555,${sampleSecret}A2,30,Contoso,Key\r\n` +
            `bob@example.com,556,${sampleSecret}A2,90,Contoso,Key\r\n`,
        ),
      ]);
      const res = await upload(file, keys['authentication-admin'], 'text/csv; charset=utf-8');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        imported: 1,
        errors: [
          { line: 3, message: "unknown user 'carol@example.com' in this tenant" },
          { line: 4, message: "time interval must be 30 or 60 (seconds), not '90'" },
        ],
        errorsOmitted: 0,
      });
      expect(await tokenOf(alice.id)).toMatchObject({ status: 'pending', serial: '1234567', period: 60 });
      const audit = await t.runtime.database.db
        .selectFrom('audit_events')
        .select(['actor_type', 'details'])
        .where('action', '=', 'hardware_tokens.import')
        .execute();
      expect(audit).toEqual([{ actor_type: 'api_key', details: expect.stringContaining('"imported":1') }]);
    });

    it('refuses helpdesk (403), a key of another tenant (401) and no key (401)', async () => {
      const file = readFileSync(fixture);
      const helpdesk = await upload(file, keys.helpdesk);
      expect(helpdesk.statusCode).toBe(403);
      expect(helpdesk.json().code).toBe('forbidden');
      const foreign = await upload(file, keys.other);
      expect(foreign.statusCode).toBe(401);
      expect(foreign.json().code).toBe('unauthenticated');
      const anonymous = await t.app.inject({
        method: 'POST',
        url: `${base}/admin/hardware-tokens`,
        headers: { 'content-type': 'text/csv' },
        payload: file,
      });
      expect(anonymous.statusCode).toBe(401);
      expect(await t.runtime.database.db.selectFrom('methods').selectAll().execute()).toEqual([]);
      const global = await upload(file, keys['global-admin']);
      expect(global.json()).toMatchObject({ imported: 1 });
    });

    it('only a global admin gives a token to another admin', async () => {
      const file = `${header}\nhelp@example.com,900,${sampleSecret},30,C,K\n`;
      const byAuthAdmin = await upload(file);
      expect(byAuthAdmin.json()).toEqual({
        imported: 0,
        errors: [{ line: 2, message: "'help@example.com': only a global admin may act on another admin" }],
        errorsOmitted: 0,
      });
      expect((await upload(file, keys['global-admin'])).json()).toMatchObject({ imported: 1, errors: [] });
      expect((await tokenOf(helpdeskAdmin.id)).serial).toBe('900');
    });

    it('answers 415 for anything but text/csv, and 413 over the body limit', async () => {
      const json = await upload(
        JSON.stringify({ rows: [] }),
        keys['authentication-admin'],
        'application/json',
      );
      expect(json.statusCode).toBe(415);
      expect(json.json()).toMatchObject({
        code: 'unsupported_media_type',
        detail: expect.stringContaining('text/csv'),
      });
      const text = await upload(readFileSync(fixture), keys['authentication-admin'], 'text/plain');
      expect(text.statusCode).toBe(415);
      expect(text.json().code).toBe('unsupported_media_type');
      const none = await t.app.inject({
        method: 'POST',
        url: `${base}/admin/hardware-tokens`,
        headers: { authorization: `Bearer ${keys['authentication-admin']}` },
      });
      expect(none.statusCode).toBe(415);

      const rows = [header];
      for (let i = 0; rows.join('\n').length <= bodyLimit; i++)
        rows.push(`alice@example.com,S${i},${sampleSecret},30,C,K`);
      const large = await upload(rows.join('\n'));
      expect(large.statusCode).toBe(413);
      expect(large.json().code).toBe('payload_too_large');
      expect(await t.runtime.database.db.selectFrom('methods').selectAll().execute()).toEqual([]);
    });

    it('a bad file is a 200 with its errors, never a 500', async () => {
      for (const body of [
        '',
        'not,a,header\n',
        `${header}\nalice@example.com,"1,2\n`,
        '\u0000\u0001\u0002',
        '"',
      ]) {
        const res = await upload(body);
        expect(res.statusCode, body).toBe(200);
        expect(res.json()).toMatchObject({ imported: 0, errors: [{ line: expect.any(Number) }] });
      }
    });

    it('activates a pending token with one code and answers MethodJson; a wrong code leaves it pending', async () => {
      await upload(readFileSync(fixture));
      const token = await tokenOf(alice.id);

      const helpdesk = await activate(alice.id, token.id, { code: codeAt(sampleSecret, 60) }, keys.helpdesk);
      expect(helpdesk.statusCode).toBe(403);
      const foreign = await activate(alice.id, token.id, { code: codeAt(sampleSecret, 60) }, keys.other);
      expect(foreign.statusCode).toBe(401);

      const wrongCode = codeAt(sampleSecret, 60) === '000000' ? '111111' : '000000';
      const wrong = await activate(alice.id, token.id, { code: wrongCode });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().code).toBe('otp_invalid');
      expect((await tokenOf(alice.id)).status).toBe('pending');
      const extra = await activate(alice.id, token.id, { code: codeAt(sampleSecret, 60), force: true });
      expect(extra.statusCode).toBe(400);
      expect(extra.json().code).toBe('validation_failed');
      const otherUser = await activate(bob.id, token.id, { code: codeAt(sampleSecret, 60) });
      expect(otherUser.statusCode).toBe(404);
      expect(otherUser.json().code).toBe('method_not_found');
      const noUser = await activate('no-such-user', token.id, { code: codeAt(sampleSecret, 60) });
      expect(noUser.statusCode).toBe(404);
      expect(noUser.json().code).toBe('user_not_found');

      const ok = await activate(alice.id, token.id, { code: codeAt(sampleSecret, 60) });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({
        id: token.id,
        type: 'hardware_oath',
        label: 'Contoso HardwareKey (1234567)',
        status: 'active',
        isDefault: true,
        createdAt: new Date(start).toISOString(),
        lastUsedAt: new Date(start).toISOString(),
        driftSteps: 0,
        driftSeconds: 0,
        failures: 0,
        serial: '1234567',
        manufacturer: 'Contoso',
        model: 'HardwareKey',
      });
      const again = await activate(alice.id, token.id, { code: codeAt(sampleSecret, 60, 60) });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('method_already_active');

      // The token now signs Alice in.
      clock.advance(60_000);
      const browser = createBrowserClient(t.app);
      const flow = (
        await browser.post(`${base}/sign-in`, { username: 'alice@example.com', password })
      ).json();
      expect(flow.methods[0]).toMatchObject({ id: token.id, type: 'hardware_oath', isDefault: true });
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: token.id,
        code: codeAt(sampleSecret, 60),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json().status).toBe('signed_in');
    });

    it("only a global admin activates another admin's token", async () => {
      await upload(`${header}\nhelp@example.com,900,${sampleSecret},30,C,K\n`, keys['global-admin']);
      const token = await tokenOf(helpdeskAdmin.id);
      const denied = await activate(helpdeskAdmin.id, token.id, { code: codeAt(sampleSecret, 30) });
      expect(denied.statusCode).toBe(403);
      const ok = await activate(
        helpdeskAdmin.id,
        token.id,
        { code: codeAt(sampleSecret, 30) },
        keys['global-admin'],
      );
      expect(ok.statusCode).toBe(200);
      expect(ok.json().status).toBe('active');
    });

    it('a user activates their own pending token through self-service', async () => {
      await upload(`${header}\nbob@example.com,700,${sampleSecret},30,C,K\n`);
      const token = await tokenOf(bob.id);
      const { token: session } = await t.runtime.services.sessions.create({
        tenantId: acme.id,
        userId: bob.id,
        amr: ['pwd', 'otp', 'mfa'],
        mfaAt: clock.now(),
      });
      const verify = (code: string) =>
        t.app.inject({
          method: 'POST',
          url: `${base}/me/methods/${token.id}/verify`,
          headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ code }),
        });
      const wrong = await verify(codeAt(sampleSecret, 30) === '000000' ? '111111' : '000000');
      expect(wrong.json().code).toBe('otp_invalid');
      expect((await tokenOf(bob.id)).status).toBe('pending');
      const ok = await verify(codeAt(sampleSecret, 30));
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({ methodId: token.id, status: 'active' });
      expect(await tokenOf(bob.id)).toMatchObject({ status: 'active', is_default: 1 });
    });

    it('documents both routes in the OpenAPI document, the import as text/csv', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      const importRoute = doc.paths['/t/{tenant}/api/v1/admin/hardware-tokens'].post;
      expect(Object.keys(importRoute.requestBody.content)).toEqual(['text/csv']);
      expect(doc.paths['/t/{tenant}/api/v1/admin/users/{id}/methods/{methodId}/activate'].post).toBeDefined();
    });
  });
}
