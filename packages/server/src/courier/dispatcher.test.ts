import type { Locale } from '@twofold/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { outboxBodyAad, outboxSubjectAad } from '../outbox/outbox.js';
import { createManualClock } from '../platform/clock.js';
import { createKeyring } from '../platform/crypto/keyring.js';
import { createSealer, keyIdOf } from '../platform/crypto/sealer.js';
import { checkSecretKeys } from '../secrets/key-check.js';
import { resealAll } from '../secrets/reseal.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { type Directory, seedDirectory } from '../test-support/fixtures.js';
import { startWebhookReceiver, type WebhookReceiver, waitUntil } from '../test-support/message-servers.js';
import {
  createTestServices,
  type ManualClock,
  type TestServices,
  testSecretKey,
} from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { deliveredCodePlaceholder, type OutgoingMessage } from './courier.js';
import type { CourierOptions } from './dispatcher.js';
import { createOutboxProvider } from './providers/outbox.js';
import { createWebhookProvider } from './providers/webhook.js';

const secret = 'dispatcher-test-secret';
const second = 1000;
const minute = 60 * second;

function notice(tenantId: string, to = '+15550000001', text = 'Someone used break-glass.'): OutgoingMessage {
  return { tenantId, channel: 'sms', to, text, purpose: 'admin_notice' };
}
function code(tenantId: string, to = '+15551230000'): OutgoingMessage {
  return { tenantId, channel: 'sms', to, text: 'Your code is 731902', purpose: 'sign_in_code' };
}

for (const backend of testBackends) {
  describe(`courier dispatcher (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let receiver: WebhookReceiver;
    let handle: TestDatabaseHandle;
    let clock: ManualClock;
    let services: TestServices;
    let directory: Directory;
    let tenantId: string;

    beforeAll(async () => {
      receiver = await startWebhookReceiver(secret);
    });
    afterAll(async () => {
      await receiver.close();
    });

    /** Services whose SMS go to the local webhook receiver (a real HTTP round trip). */
    function servicesWith(courierOptions: CourierOptions = {}): TestServices {
      const sms = createWebhookProvider({ url: receiver.url, secret, now: () => clock.now() });
      return createTestServices(handle, {
        clock,
        providers: { email: createOutboxProvider(), sms },
        courierOptions,
      });
    }

    beforeEach(async () => {
      receiver.received.length = 0;
      receiver.answerWith(undefined);
      handle = database();
      clock = createManualClock();
      services = servicesWith();
      directory = await seedDirectory(services);
      tenantId = directory.acme.id;
    });
    afterEach(async () => {
      await services.courier.stop();
    });

    it('seals bodies and subjects at rest, bound to their row', async () => {
      const id = await services.courier.enqueue({
        ...code(tenantId),
        channel: 'email',
        subject: '731902 is your code',
      });
      const row = await handle.db
        .selectFrom('outbox_messages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row.body).toMatch(/^tf1\.[0-9a-f]{8}\./);
      expect(row.body).not.toContain('731902');
      expect(services.sealer.openString(row.body, outboxBodyAad(id))).toBe('Your code is 731902');
      expect(() => services.sealer.openString(row.body, outboxBodyAad('another-id'))).toThrow(
        /failed authentication/,
      );
      expect(row.subject).toMatch(/^tf1\./);
      expect(JSON.stringify(row)).not.toContain('731902');
      expect(services.sealer.openString(row.subject ?? '', outboxSubjectAad(id))).toBe('731902 is your code');
      expect(row).toMatchObject({
        status: 'pending',
        attempts: 0,
        purpose: 'sign_in_code',
        recipient: '+15551230000',
      });
      expect(await services.outbox.list(tenantId)).toEqual([
        expect.objectContaining({
          id,
          subject: '731902 is your code',
          body: 'Your code is 731902',
          status: 'pending',
        }),
      ]);
    });

    it('queues inside the caller transaction: a rollback leaves no message', async () => {
      await expect(
        handle.db.transaction().execute(async (trx) => {
          await services.courier.enqueue(notice(tenantId), trx);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await services.outbox.list(tenantId)).toEqual([]);
      await handle.db.transaction().execute(async (trx) => {
        await services.courier.enqueue(notice(tenantId), trx);
      });
      expect(await services.courier.dispatchDue()).toBe(1);
      expect(receiver.received).toHaveLength(1);
    });

    it('backs off 10 s, 1 min, 5 min, 30 min, 2 h, then fails after the 6th attempt', async () => {
      receiver.answerWith(() => ({ status: 503, json: { error: 'maintenance' } }));
      const { id, state } = await services.courier.send(notice(tenantId));
      expect(state).toBe('queued');
      const delays = [10 * second, minute, 5 * minute, 30 * minute, 120 * minute];
      for (const [index, delay] of delays.entries()) {
        const row = await services.outbox.get(id);
        expect(row).toMatchObject({
          status: 'pending',
          attempts: index + 1,
          nextAttemptAt: clock.now() + delay,
        });
        clock.advance(delay - 1);
        expect(await services.courier.dispatchDue()).toBe(0);
        clock.advance(1);
        expect(await services.courier.dispatchDue()).toBe(1);
      }
      expect(await services.outbox.get(id)).toMatchObject({
        status: 'failed',
        attempts: 6,
        lastError: 'webhook: 503: {"error":"maintenance"} (gave up after 6 attempts)',
      });
      clock.advance(24 * 60 * minute);
      expect(await services.courier.dispatchDue()).toBe(0);
    });

    it('retries a code only while it is valid, and never sends one that has expired', async () => {
      receiver.answerWith(() => ({ status: 500 }));
      const { id } = await services.courier.send(code(tenantId));
      for (const delay of [10 * second, minute, 5 * minute]) {
        clock.advance(delay);
        expect(await services.courier.dispatchDue()).toBe(1);
      }
      // The 4th attempt failed at 6 min 10 s; the next would be 30 min later, long past the code.
      expect(await services.outbox.get(id)).toMatchObject({
        status: 'failed',
        attempts: 4,
        lastError: 'webhook: 500 (gave up: the code expires before the next attempt)',
      });

      receiver.answerWith(undefined);
      const late = await services.courier.enqueue(code(tenantId, '+15551239999'));
      clock.advance(10 * minute);
      expect(await services.courier.dispatchDue()).toBe(1);
      expect(await services.outbox.get(late)).toMatchObject({
        status: 'failed',
        lastError: 'not sent: the code expired before it could be delivered',
      });
      expect(receiver.received).toHaveLength(0);
    });

    it('takes over a message whose sender stopped mid-send only after its lease, and fences the late writer', async () => {
      const id = await services.courier.enqueue(notice(tenantId));
      // Another instance claims it and crashes before recording anything.
      const crashed = await services.outbox.claimNext({ now: clock.now(), leaseMs: minute, maxAttempts: 6 });
      expect(crashed?.id).toBe(id);
      expect(await services.courier.dispatchDue()).toBe(0);
      clock.advance(minute - 1);
      expect(await services.courier.dispatchDue()).toBe(0);
      clock.advance(1);
      expect(await services.courier.dispatchDue()).toBe(1);
      expect(receiver.received).toHaveLength(1);
      expect(await services.outbox.get(id)).toMatchObject({ status: 'sent', attempts: 2 });
      // The crashed instance's outcome, arriving late, changes nothing.
      expect(await services.outbox.recordFailed(crashed!, { error: 'late' })).toBe(false);
      expect(await services.outbox.recordSent(crashed!, { sentAt: 1, providerRef: 'late' })).toBe(false);
      expect(await services.outbox.get(id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    });

    it('gives up a message whose last attempt was never recorded', async () => {
      const id = await services.courier.enqueue(notice(tenantId));
      await handle.db.updateTable('outbox_messages').set({ attempts: 5 }).where('id', '=', id).execute();
      await services.outbox.claimNext({ now: clock.now(), leaseMs: minute, maxAttempts: 6 });
      clock.advance(minute);
      expect(await services.courier.dispatchDue()).toBe(0);
      expect(await services.outbox.get(id)).toMatchObject({
        status: 'failed',
        attempts: 6,
        lastError: expect.stringMatching(/^gave up: the instance sending the last attempt stopped/),
      });
      expect(receiver.received).toHaveLength(0);
    });

    it('send() answers queued after waitMs when the provider is slow; stop() waits until it is recorded', async () => {
      receiver.answerWith(() => ({ status: 200, json: { id: 'slow-1' }, delayMs: 1_500 }));
      const started = Date.now();
      const result = await services.courier.send(notice(tenantId), { waitMs: 100 });
      expect(result).toEqual({ id: result.id, state: 'queued' });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await services.outbox.get(result.id)).toMatchObject({ status: 'sending', attempts: 1 });
      await services.courier.stop();
      expect(await services.outbox.get(result.id)).toMatchObject({ status: 'sent', providerRef: 'slow-1' });
    });

    it('the loop sends what is queued at once (woken, not polled) and stops claiming after stop()', async () => {
      services = servicesWith({ pollIntervalMs: 60 * minute });
      services.courier.start();
      // The first pass runs at start; wait for it to be idle, then queue.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const id = await services.courier.enqueue(notice(tenantId));
      await waitUntil(
        async () => (await services.outbox.get(id))?.status === 'sent',
        5_000,
        'the woken loop',
      );
      expect(receiver.received).toHaveLength(1);

      await services.courier.stop();
      const afterStop = await services.courier.enqueue(notice(tenantId, '+15550000003'));
      expect(await services.courier.send(notice(tenantId, '+15550000004'))).toMatchObject({
        state: 'queued',
      });
      expect(await services.courier.dispatchDue()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await services.outbox.get(afterStop)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(receiver.received).toHaveLength(1);

      // A new courier over the same database (the restarted server) sends both.
      const restarted = servicesWith();
      expect(await restarted.courier.dispatchDue()).toBe(2);
      expect(receiver.received.map((r) => r.to).sort()).toEqual([
        '+15550000001',
        '+15550000003',
        '+15550000004',
      ]);
    });

    it('keeps codes kept by the outbox provider readable, and a code sent for real is cleared', async () => {
      const kept = createTestServices(handle, { clock });
      const keptCode = await kept.courier.send(code(tenantId));
      const sentCode = await services.courier.send(code(tenantId, '+15557770000'));
      expect([keptCode.state, sentCode.state]).toEqual(['sent', 'sent']);
      const bodies = new Map((await services.outbox.list(tenantId)).map((m) => [m.id, m.body]));
      expect(bodies.get(keptCode.id)).toBe('Your code is 731902');
      expect(bodies.get(sentCode.id)).toBe(deliveredCodePlaceholder);
      // The outbox says what happened: kept here (nobody received it) or sent (issue 15, defect 7).
      expect(await services.outbox.get(keptCode.id)).toMatchObject({ status: 'kept' });
      expect(await services.outbox.get(sentCode.id)).toMatchObject({ status: 'sent' });
    });

    it('twofold rotate-key re-seals message bodies under the new key', async () => {
      const oldKeyring = createKeyring([testSecretKey]);
      await checkSecretKeys({ db: handle.db, keyring: oldKeyring, sealer: services.sealer, clock });
      const id = await services.courier.enqueue({
        ...notice(tenantId),
        channel: 'email',
        subject: 'Recovery',
      });
      const newKey = new Uint8Array(32).fill(9);
      const rotated = createKeyring([newKey, testSecretKey]);
      const rotatedSealer = createSealer(rotated);
      await checkSecretKeys({ db: handle.db, keyring: rotated, sealer: rotatedSealer, clock });
      const report = await resealAll({ db: handle.db, keyring: rotated, sealer: rotatedSealer });
      expect(report.resealed).toBeGreaterThanOrEqual(2);
      const row = await handle.db
        .selectFrom('outbox_messages')
        .select(['body', 'subject'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(keyIdOf(row.body)).toBe(rotated.currentKeyId);
      expect(keyIdOf(row.subject ?? '')).toBe(rotated.currentKeyId);
      const onlyNewKey = createTestServices(handle, { clock, sealer: createSealer(createKeyring([newKey])) });
      expect(await onlyNewKey.outbox.get(id)).toMatchObject({
        subject: 'Recovery',
        body: 'Someone used break-glass.',
      });
    });

    /** Break-glass for root@example.com, whose notice goes to the one other admin, desk (in `deskLocale`). */
    async function recoverRootWithDeskToldOf(reason: string, deskLocale?: Locale): Promise<void> {
      await services.users.create(
        { tenantId, email: 'root@example.com', roles: ['global-admin'] },
        operatorActor,
      );
      const desk = await services.users.create(
        { tenantId, email: 'desk@example.com', roles: ['helpdesk'] },
        operatorActor,
      );
      if (deskLocale) {
        await services.admin.updateUser({
          tenantId,
          userId: desk.id,
          changes: { locale: deskLocale },
          actor: operatorActor,
        });
      }
      await services.admin.recoverAdmin({
        tenantSlug: 'acme',
        email: 'root@example.com',
        reason,
        publicUrl: 'http://localhost:8080',
      });
    }

    it('break-glass queues its notices through the courier as admin notices', async () => {
      await recoverRootWithDeskToldOf('ticket 7: every admin locked out');
      const [mail] = await services.outbox.list(tenantId);
      expect(mail).toMatchObject({
        channel: 'email',
        recipient: 'desk@example.com',
        purpose: 'admin_notice',
        status: 'pending',
      });
      expect(mail?.body).toMatch(/Reason given: ticket 7: every admin locked out/);
      expect(await services.courier.dispatchDue()).toBe(1);
      expect(await services.outbox.get(mail!.id)).toMatchObject({
        status: 'kept',
        providerRef: 'outbox:kept',
      });
    });

    it("writes each admin's notice in that admin's language", async () => {
      await recoverRootWithDeskToldOf('ticket 8', 'es');
      const [mail] = await services.outbox.list(tenantId);
      expect(mail?.subject).toMatch(
        /^\[.+\] Recuperación de emergencia del administrador root@example\.com$/,
      );
      expect(mail?.body).toMatch(/^Hola, desk:/);
      expect(mail?.body).toContain('Motivo indicado: ticket 8');
    });
  });
}
