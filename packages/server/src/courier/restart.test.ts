/**
 * Issue 5, "done when": a dispatcher restart in the middle of a batch neither loses nor duplicates
 * a message; and two instances dispatching the same outbox at once deliver each message once.
 * Each "instance" is its own courier over its own connection(s) to the same database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { type MoreHandles, openMoreHandles } from '../test-support/connections.js';
import { testBackends } from '../test-support/databases.js';
import {
  startTestSmtpServer,
  startWebhookReceiver,
  type TestSmtpServer,
  type WebhookReceiver,
  waitUntil,
} from '../test-support/message-servers.js';
import { createTestServices, type ManualClock } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import type { Courier } from './courier.js';
import { createOutboxProvider } from './providers/outbox.js';
import type { Provider } from './providers/provider.js';
import { createSmtpProvider } from './providers/smtp.js';
import { createWebhookProvider } from './providers/webhook.js';

const batch = 30;
const secret = 'restart-test-secret';

for (const backend of testBackends) {
  describe(`courier across restarts and instances (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let more: MoreHandles;
    let smtp: TestSmtpServer;
    let webhook: WebhookReceiver;
    let clock: ManualClock;
    let tenantId: string;

    beforeAll(async () => {
      more = await openMoreHandles(database(), 2);
      smtp = await startTestSmtpServer();
      webhook = await startWebhookReceiver(secret);
    });
    afterAll(async () => {
      await more.close();
      await smtp.close();
      await webhook.close();
    });
    beforeEach(async () => {
      smtp.received.length = 0;
      webhook.received.length = 0;
      clock = createManualClock();
      const services = createTestServices(database(), { clock });
      tenantId = (await services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor)).id;
      await more.warm();
    });

    /** One instance: a courier over handle `index`, sending through `provider`. */
    function instance(index: number, provider: Provider, channel: 'email' | 'sms'): Courier {
      const outbox = createOutboxProvider();
      return createTestServices(more.handles[index]!, {
        clock,
        providers: channel === 'email' ? { email: provider, sms: outbox } : { email: outbox, sms: provider },
        courierOptions: { concurrency: 3, pollIntervalMs: 20 },
      }).courier;
    }

    async function statuses(): Promise<Record<string, number>> {
      const rows = await database().db.selectFrom('outbox_messages').select(['status', 'attempts']).execute();
      const counts: Record<string, number> = {};
      for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
      return counts;
    }

    it('a graceful restart in the middle of a batch neither loses nor repeats a message', async () => {
      smtp.behave({ delayMs: 25 });
      const queue = createTestServices(database(), { clock }).courier;
      for (let i = 1; i <= batch; i++) {
        await queue.enqueue({
          tenantId,
          channel: 'email',
          to: `user${i}@example.com`,
          subject: `message ${i}`,
          text: `body of message ${i}`,
          purpose: 'admin_notice',
        });
      }
      const smtpProvider = createSmtpProvider({ url: smtp.url, from: 'Twofold <no-reply@example.com>' });

      const first = instance(0, smtpProvider, 'email');
      first.start();
      await waitUntil(() => smtp.received.length >= 8, 20_000, 'the first messages');
      await first.stop();

      const afterStop = await statuses();
      // Stopped in the middle: what was in flight was recorded, nothing is left half-sent.
      expect(afterStop['sending']).toBeUndefined();
      expect(afterStop['pending']).toBeGreaterThan(0);
      expect(afterStop['sent']).toBe(smtp.received.length);
      const receivedBeforeRestart = smtp.received.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(smtp.received).toHaveLength(receivedBeforeRestart);

      const second = instance(1, smtpProvider, 'email');
      second.start();
      await waitUntil(async () => (await statuses())['sent'] === batch, 20_000, 'every message sent');
      await second.stop();

      expect(smtp.received).toHaveLength(batch);
      const subjects = smtp.received.map((m) => m.subject);
      expect(new Set(subjects).size).toBe(batch);
      for (const mail of smtp.received) {
        expect(mail.text).toBe(`body of message ${mail.subject.slice('message '.length)}`);
        expect(mail.envelopeTo).toEqual([`user${mail.subject.slice('message '.length)}@example.com`]);
      }
      const rows = await database().db.selectFrom('outbox_messages').selectAll().execute();
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
      expect(new Set(rows.map((r) => r.provider_ref))).toEqual(
        new Set(smtp.received.map((m) => m.messageId)),
      );
    });

    it('two instances dispatching at once deliver every message exactly once', async () => {
      webhook.answerWith(() => ({ status: 200, delayMs: 15 }));
      const queue = createTestServices(database(), { clock }).courier;
      const ids: string[] = [];
      for (let i = 1; i <= batch; i++) {
        ids.push(
          await queue.enqueue({
            tenantId,
            channel: 'sms',
            to: `+1555000${String(i).padStart(4, '0')}`,
            text: `code ${i}`,
            purpose: 'sign_in_code',
          }),
        );
      }
      const sentBy = [0, 0];
      const counting = (index: number): Provider => {
        const real = createWebhookProvider({ url: webhook.url, secret, now: () => clock.now() });
        return {
          name: real.name,
          send: (message) => {
            sentBy[index] = (sentBy[index] ?? 0) + 1;
            return real.send(message);
          },
        };
      };
      const a = instance(0, counting(0), 'sms');
      const b = instance(1, counting(1), 'sms');
      a.start();
      b.start();
      await waitUntil(async () => (await statuses())['sent'] === batch, 20_000, 'every message sent');
      await Promise.all([a.stop(), b.stop()]);

      expect(webhook.received).toHaveLength(batch);
      expect(new Set(webhook.received.map((r) => r.messageId))).toEqual(new Set(ids));
      expect(new Set(webhook.received.map((r) => r.body)).size).toBe(batch);
      // Both instances did part of the work, and no message was attempted twice.
      expect(sentBy[0]).toBeGreaterThan(0);
      expect(sentBy[1]).toBeGreaterThan(0);
      expect((sentBy[0] ?? 0) + (sentBy[1] ?? 0)).toBe(batch);
      const rows = await database().db.selectFrom('outbox_messages').selectAll().execute();
      expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    });
  });
}
