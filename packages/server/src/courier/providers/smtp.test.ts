import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../platform/clock.js';
import { loadConfig } from '../../platform/config.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { type Directory, seedDirectory } from '../../test-support/fixtures.js';
import { startTestSmtpServer, type TestSmtpServer, unusedPort } from '../../test-support/message-servers.js';
import { createTestServices, type ManualClock, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import { deliveredCodePlaceholder, type OutgoingMessage } from '../courier.js';
import { providersFromConfig } from './index.js';

const from = 'Acme sign-in <no-reply@acme.test>';

function codeMail(acme: Directory['acme'], to = 'alice@example.com'): OutgoingMessage {
  return {
    tenantId: acme.id,
    channel: 'email',
    to,
    subject: '482913 is your Acme Corp sign-in code',
    text: 'Your code is 482913. It expires in 10 minutes.',
    purpose: 'sign_in_code',
  };
}

for (const backend of testBackends) {
  describe(`email over SMTP (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let smtp: TestSmtpServer;
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let directory: Directory;
    let clock: ManualClock;

    beforeAll(async () => {
      smtp = await startTestSmtpServer();
    });
    afterAll(async () => {
      await smtp.close();
    });

    function servicesFor(smtpUrl: string | undefined): TestServices {
      const config = loadConfig({ ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}), TWOFOLD_MAIL_FROM: from });
      return createTestServices(handle, { clock, providers: providersFromConfig(config, clock) });
    }

    beforeEach(async () => {
      smtp.received.length = 0;
      smtp.behave({});
      handle = database();
      clock = createManualClock();
      services = servicesFor(smtp.url);
      directory = await seedDirectory(services);
    });
    afterEach(async () => {
      await services.courier.stop();
    });

    it('sends through the SMTP server, which receives the subject, sender, recipient and text', async () => {
      const result = await services.courier.send(codeMail(directory.acme));
      expect(result).toEqual({ id: expect.any(String), state: 'sent' });
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      expect(mail).toMatchObject({
        envelopeFrom: 'no-reply@acme.test',
        envelopeTo: ['alice@example.com'],
        from: '"Acme sign-in" <no-reply@acme.test>',
        to: 'alice@example.com',
        subject: '482913 is your Acme Corp sign-in code',
        text: 'Your code is 482913. It expires in 10 minutes.',
      });
      const [row] = await services.outbox.list(directory.acme.id);
      expect(row).toMatchObject({
        id: result.id,
        status: 'sent',
        attempts: 1,
        sentAt: services.clock.now(),
        providerRef: mail.messageId,
        lastError: null,
        purpose: 'sign_in_code',
      });
      expect(mail.messageId).toMatch(/^<.+@.+>$/);
    });

    it('clears the code from the database once the server took it, and keeps an admin notice', async () => {
      const code = await services.courier.send(codeMail(directory.acme));
      const notice = await services.courier.send({
        tenantId: directory.acme.id,
        channel: 'email',
        to: 'bob@example.com',
        subject: 'Break-glass recovery',
        text: 'An operator issued a pass to alice.',
        purpose: 'admin_notice',
      });
      expect([code.state, notice.state]).toEqual(['sent', 'sent']);
      const rows = await handle.db.selectFrom('outbox_messages').selectAll().orderBy('id').execute();
      expect(JSON.stringify(rows)).not.toMatch(/482913|operator|Break-glass/);
      const byId = new Map((await services.outbox.list(directory.acme.id)).map((m) => [m.id, m]));
      expect(byId.get(code.id)).toMatchObject({
        subject: deliveredCodePlaceholder,
        body: deliveredCodePlaceholder,
      });
      expect(byId.get(notice.id)).toMatchObject({
        subject: 'Break-glass recovery',
        body: 'An operator issued a pass to alice.',
      });
    });

    it('fails a message at once when the server answers 5xx', async () => {
      smtp.behave({ rejectRecipient: { code: 550, message: 'No such user here' } });
      const result = await services.courier.send(codeMail(directory.acme, 'nobody@example.com'));
      expect(result.state).toBe('failed');
      expect(result.error).toMatch(/550/);
      expect(result.error).toMatch(/No such user here/);
      const row = await services.outbox.get(result.id);
      expect(row).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
      expect(row?.lastError).toBe(result.error);
      // Nothing is due any more, however long one waits.
      services.clock.advance(24 * 60 * 60_000);
      expect(await services.courier.dispatchDue()).toBe(0);
      expect(smtp.received).toHaveLength(0);
    });

    it('retries after 10 s when the server answers 4xx, and sends once it accepts', async () => {
      smtp.behave({ rejectRecipient: { code: 451, message: 'Greylisted, try again later' } });
      const result = await services.courier.send(codeMail(directory.acme));
      expect(result.state).toBe('queued');
      expect(result.error).toMatch(/451.*Greylisted/);
      expect(await services.outbox.get(result.id)).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: services.clock.now() + 10_000,
      });
      smtp.behave({});
      services.clock.advance(9_999);
      expect(await services.courier.dispatchDue()).toBe(0);
      services.clock.advance(1);
      expect(await services.courier.dispatchDue()).toBe(1);
      expect(await services.outbox.get(result.id)).toMatchObject({
        status: 'sent',
        attempts: 2,
        lastError: null,
      });
      expect(smtp.received).toHaveLength(1);
    });

    it('retries when the server cannot be reached', async () => {
      services = servicesFor(`smtp://127.0.0.1:${await unusedPort()}`);
      const result = await services.courier.send(codeMail(directory.acme));
      expect(result.state).toBe('queued');
      expect(result.error).toMatch(/ECONNECTION|ECONNREFUSED|ESOCKET/);
      expect(await services.outbox.get(result.id)).toMatchObject({ status: 'pending', attempts: 1 });
    });

    it('fails at once when the server refuses the credentials (535)', async () => {
      services = servicesFor(smtp.url.replace('s3cret-smtp', 'wrong'));
      const result = await services.courier.send(codeMail(directory.acme));
      expect(result.state).toBe('failed');
      expect(result.error).toMatch(/535/);
      expect(smtp.failedLogins).toBeGreaterThan(0);
    });

    it('without SMTP_URL keeps email in the outbox: kept as outbox:kept, body kept for the console', async () => {
      services = servicesFor(undefined);
      const result = await services.courier.send(codeMail(directory.acme));
      expect(result.state).toBe('sent');
      expect(smtp.received).toHaveLength(0);
      expect(await services.outbox.get(result.id)).toMatchObject({
        status: 'kept',
        providerRef: 'outbox:kept',
        body: 'Your code is 482913. It expires in 10 minutes.',
      });
    });
  });
}
