/**
 * The command against a real Twofold server (not a stand-in): a user registers an authenticator at
 * sign-in, the command adds the QR code's URI and activates push with the server, a later sign-in
 * starts a push, and `approve --number` with the number shown on the sign-in page finishes it; a
 * wrong number is refused and the push is denied. On SQLite and PostgreSQL.
 */
import { decodeBase32, generateTotp } from '@twofold/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../server/src/audit/audit-log.js';
import { createTestApp, type TestApp } from '../../server/src/test-support/app.js';
import { createBrowserClient } from '../../server/src/test-support/browser-client.js';
import { testBackends } from '../../server/src/test-support/databases.js';
import { unusedPort } from '../../server/src/test-support/message-servers.js';
import { emptyDatabase } from '../../server/src/test-support/shared-database.js';
import { useAuthenticator } from './test-support/run.js';

const password = 'correct horse battery staple';

for (const backend of testBackends) {
  describe(`twofold-authenticator against a running server (${backend.name})`, () => {
    const authenticator = useAuthenticator();
    let t: TestApp;
    let origin: string;

    beforeAll(async () => {
      const port = await unusedPort();
      origin = `http://127.0.0.1:${port}`;
      t = await createTestApp(backend, { TWOFOLD_PUBLIC_URL: origin });
      await t.app.listen({ port, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await emptyDatabase(t.runtime.database as never);
      const acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      await t.runtime.services.users.create(
        { tenantId: acme.id, email: 'ann@example.com', password },
        operatorActor,
      );
    });

    /** Ann registers an authenticator at her first sign-in; returns the URI of its QR code. */
    async function enrol(): Promise<string> {
      const browser = createBrowserClient(t.app, origin);
      const flow = (
        await browser.post('/t/acme/api/v1/sign-in', { username: 'ann@example.com', password })
      ).json();
      const reg = (
        await browser.post(`/t/acme/api/v1/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
      ).json();
      const done = await browser.post(`/t/acme/api/v1/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        code: generateTotp({ secret: decodeBase32(reg.secret), time: Date.now() / 1000 }),
      });
      expect(done.statusCode, done.body).toBe(200);
      return reg.otpauthUri;
    }

    async function startPush() {
      const browser = createBrowserClient(t.app, origin);
      const flow = (
        await browser.post('/t/acme/api/v1/sign-in', { username: 'ann@example.com', password })
      ).json();
      const push = flow.methods.find((m: { type: string }) => m.type === 'push');
      expect(push, JSON.stringify(flow.methods)).toBeDefined();
      const challenge = await browser.post(`/t/acme/api/v1/sign-in/${flow.flowId}/challenge`, {
        methodId: push.id,
      });
      expect(challenge.statusCode, challenge.body).toBe(200);
      return { browser, flowId: flow.flowId as string, number: challenge.json().number as number };
    }

    it('adds the account, activates push, and approves a sign-in with the number', async () => {
      const uri = await enrol();
      expect(new URL(uri).searchParams.get('twofold_server')).toBe(origin);
      const added = (await authenticator.json(['add', uri, '--device-name', 'Ann laptop'])) as {
        added: { pushActivation: string }[];
      };
      expect(added.added[0]?.pushActivation).toBe('activated');
      const devices = await t.runtime.database.db.selectFrom('push_devices').selectAll().execute();
      expect(devices).toHaveLength(1);
      expect(devices[0]?.name).toBe('Ann laptop');

      const { browser, flowId, number } = await startPush();
      const approved = await authenticator.json(['approve', '--number', String(number)]);
      expect(approved).toMatchObject({ status: 'approved' });
      const outcome = await browser.get(`/t/acme/api/v1/sign-in/${flowId}/push?wait=5`);
      expect(outcome.json()).toMatchObject({ status: 'signed_in' });
    });

    it('a wrong number is refused and the push is denied', async () => {
      await authenticator.json(['add', await enrol()]);
      const { browser, flowId, number } = await startPush();
      const wrong = number === 99 ? 10 : number + 1;
      const refused = await authenticator.run([
        'approve',
        '--number',
        String(wrong),
        '--json',
        '--vault',
        authenticator.vault(),
      ]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/push_number_mismatch/);
      const outcome = await browser.get(`/t/acme/api/v1/sign-in/${flowId}/push?wait=0`);
      expect(outcome.json()).toMatchObject({ status: 'denied' });
    });
  });
}
