/**
 * The courier inside `twofold serve`: messages queued while no server ran (here by break-glass, as
 * `twofold recover-admin` does) go out once the server starts, and stopping the server records the
 * sends in flight before the database closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { loadConfig } from '../platform/config.js';
import { createRuntime } from '../runtime.js';
import { startServer } from '../serve.js';
import { testBackends } from '../test-support/databases.js';
import { startTestSmtpServer, type TestSmtpServer, waitUntil } from '../test-support/message-servers.js';

for (const backend of testBackends) {
  describe(`the courier in twofold serve (${backend.name})`, () => {
    let smtp: TestSmtpServer;
    const cleanups: (() => Promise<void> | void)[] = [];

    beforeAll(async () => {
      smtp = await startTestSmtpServer();
    });
    afterAll(async () => {
      await smtp.close();
    });
    afterEach(async () => {
      for (const fn of cleanups.splice(0).reverse()) await fn();
    });

    async function configuration() {
      const dataDir = mkdtempSync(join(tmpdir(), 'twofold-courier-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      let databaseUrl = '';
      if (backend.name === 'postgres') {
        const db = await backend.create({ migrate: false });
        cleanups.push(() => db.cleanup());
        databaseUrl = db.location.databaseUrl ?? '';
      }
      return loadConfig({
        PORT: '0',
        TWOFOLD_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        TWOFOLD_LOG_LEVEL: 'warn',
        SMTP_URL: smtp.url,
        TWOFOLD_MAIL_FROM: 'Twofold <no-reply@example.com>',
      });
    }

    it('sends what was queued before it started, and records in-flight sends before it stops', async () => {
      const config = await configuration();
      // As `twofold recover-admin` would: queue the admins' notices with no server running.
      const offline = await createRuntime(config);
      try {
        const { tenants, users, admin } = offline.services;
        const tenant = await tenants.create({ slug: 'acme', name: 'Acme Corp' }, operatorActor);
        for (const email of ['root@example.com', 'desk@example.com']) {
          await users.create({ tenantId: tenant.id, email, roles: ['global-admin'] }, operatorActor);
        }
        await admin.recoverAdmin({
          tenantSlug: 'acme',
          email: 'root@example.com',
          reason: 'ticket 12',
          publicUrl: config.publicUrl,
        });
        expect(await offline.services.outbox.list(tenant.id)).toEqual([
          expect.objectContaining({ recipient: 'desk@example.com', status: 'pending' }),
        ]);
      } finally {
        await offline.close();
      }
      smtp.received.length = 0;

      const server = await startServer(config, { print: () => {} });
      let stopped = false;
      cleanups.push(async () => {
        if (!stopped) await server.stop();
      });
      await waitUntil(() => smtp.received.length === 1, 10_000, 'the queued notice');
      expect(smtp.received[0]).toMatchObject({
        to: 'desk@example.com',
        subject: '[Acme Corp] Break-glass recovery of admin root@example.com',
      });

      // A slow mail server: the send outlasts waitMs, then the server is stopped mid-send.
      smtp.behave({ delayMs: 700 });
      const tenant = await server.runtime.services.tenants.getBySlug('acme');
      const pending = await server.runtime.services.courier.send(
        {
          tenantId: tenant.id,
          channel: 'email',
          to: 'alice@example.com',
          subject: 'Your Acme Corp code',
          text: 'Your code is 551207',
          purpose: 'sign_in_code',
        },
        { waitMs: 50 },
      );
      expect(pending.state).toBe('queued');
      await server.stop();
      stopped = true;
      smtp.behave({});
      expect(smtp.received.map((m) => m.subject)).toContain('Your Acme Corp code');

      const after = await createRuntime(config);
      try {
        expect(await after.services.outbox.get(pending.id)).toMatchObject({
          status: 'sent',
          attempts: 1,
          body: '[code removed after delivery]',
        });
      } finally {
        await after.close();
      }
    });
  });
}
