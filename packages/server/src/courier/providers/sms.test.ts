import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../platform/clock.js';
import { loadConfig } from '../../platform/config.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { type Directory, seedDirectory } from '../../test-support/fixtures.js';
import {
  type FakeTwilio,
  startFakeTwilio,
  startWebhookReceiver,
  unusedPort,
  type WebhookReceiver,
} from '../../test-support/message-servers.js';
import { createTestServices, type ManualClock, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import { deliveredCodePlaceholder, type OutgoingMessage } from '../courier.js';
import { providersFromConfig } from './index.js';
import { createOutboxProvider } from './outbox.js';
import { createWebhookProvider, signWebhookBody } from './webhook.js';

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'twilio-auth-token-for-tests';
const webhookSecret = 'webhook-secret-for-tests';

function smsCode(acme: Directory['acme'], to = '+15551234567'): OutgoingMessage {
  return {
    tenantId: acme.id,
    channel: 'sms',
    to,
    text: 'Acme Corp: your sign-in code is 604913',
    purpose: 'sign_in_code',
  };
}

describe('signWebhookBody', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<raw body>" (a value computed independently)', () => {
    const body = '{"to":"+15551234567","body":"hi","tenant":"acme"}';
    const expected = createHmac('sha256', 'k').update(`1767225600.${body}`).digest('hex');
    expect(signWebhookBody('k', '1767225600', body)).toBe(`sha256=${expected}`);
    expect(signWebhookBody('k', '1767225601', body)).not.toBe(`sha256=${expected}`);
  });
});

for (const backend of testBackends) {
  describe(`SMS providers (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let twilio: FakeTwilio;
    let webhook: WebhookReceiver;
    let handle: TestDatabaseHandle;
    let clock: ManualClock;
    let services: TestServices;
    let directory: Directory;

    beforeAll(async () => {
      twilio = await startFakeTwilio({ accountSid, authToken });
      webhook = await startWebhookReceiver(webhookSecret);
    });
    afterAll(async () => {
      await twilio.close();
      await webhook.close();
    });

    function servicesWith(env: Record<string, string>): TestServices {
      return createTestServices(handle, { clock, providers: providersFromConfig(loadConfig(env), clock) });
    }
    const twilioEnv = (overrides: Record<string, string> = {}) => ({
      TWOFOLD_SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_FROM: '+15550001111',
      TWILIO_API_URL: twilio.url,
      ...overrides,
    });
    const webhookEnv = (overrides: Record<string, string> = {}) => ({
      TWOFOLD_SMS_PROVIDER: 'webhook',
      TWOFOLD_SMS_WEBHOOK_URL: `${webhook.url}/sms`,
      TWOFOLD_SMS_WEBHOOK_SECRET: webhookSecret,
      ...overrides,
    });

    beforeEach(async () => {
      twilio.messages.length = 0;
      twilio.requests.length = 0;
      twilio.answerWith(undefined);
      webhook.received.length = 0;
      webhook.badSignatures.length = 0;
      webhook.answerWith(undefined);
      handle = database();
      clock = createManualClock();
      services = createTestServices(handle, { clock });
      directory = await seedDirectory(services);
    });
    afterEach(async () => {
      await services.courier.stop();
    });

    describe('outbox (the default)', () => {
      it('keeps the message for the console: kept, outbox:kept, body kept', async () => {
        services = servicesWith({});
        const result = await services.courier.send(smsCode(directory.acme));
        expect(result.state).toBe('sent');
        expect(await services.outbox.list(directory.acme.id)).toEqual([
          expect.objectContaining({
            channel: 'sms',
            recipient: '+15551234567',
            status: 'kept',
            providerRef: 'outbox:kept',
            body: 'Acme Corp: your sign-in code is 604913',
          }),
        ]);
      });
    });

    describe('twilio', () => {
      it('posts To, From and Body with Basic authentication and keeps the returned sid', async () => {
        services = servicesWith(twilioEnv());
        const result = await services.courier.send(smsCode(directory.acme));
        expect(result.state).toBe('sent');
        expect(twilio.messages).toEqual([
          {
            sid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
            to: '+15551234567',
            from: '+15550001111',
            body: 'Acme Corp: your sign-in code is 604913',
          },
        ]);
        expect(twilio.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
        const row = await services.outbox.get(result.id);
        expect(row).toMatchObject({ status: 'sent', providerRef: twilio.messages[0]?.sid, attempts: 1 });
        expect(row?.body).toBe(deliveredCodePlaceholder);
      });

      it('sends from a messaging service when TWILIO_FROM is an MG... sid', async () => {
        services = servicesWith(twilioEnv({ TWILIO_FROM: 'MG0123456789abcdef0123456789abcdef' }));
        expect((await services.courier.send(smsCode(directory.acme))).state).toBe('sent');
        expect(twilio.messages[0]).toEqual({
          sid: expect.any(String),
          to: '+15551234567',
          messagingServiceSid: 'MG0123456789abcdef0123456789abcdef',
          body: 'Acme Corp: your sign-in code is 604913',
        });
        expect(new URLSearchParams(twilio.requests[0]?.body).has('From')).toBe(false);
      });

      it("fails at once on a 4xx and records Twilio's code and message", async () => {
        services = servicesWith(twilioEnv());
        twilio.answerWith(() => ({
          status: 400,
          json: { code: 21211, message: "The 'To' number +1555 is not a valid phone number.", status: 400 },
        }));
        const result = await services.courier.send(smsCode(directory.acme, '+1555'));
        expect(result).toEqual({
          id: result.id,
          state: 'failed',
          error: "twilio: 400: The 'To' number +1555 is not a valid phone number. (Twilio error 21211)",
        });
        expect(await services.outbox.get(result.id)).toMatchObject({
          status: 'failed',
          attempts: 1,
          lastError: result.error,
        });
      });

      it('fails at once with wrong credentials (401 from the API)', async () => {
        services = servicesWith(twilioEnv({ TWILIO_AUTH_TOKEN: 'not-the-token' }));
        const result = await services.courier.send(smsCode(directory.acme));
        expect(result.state).toBe('failed');
        expect(result.error).toBe('twilio: 401: Authenticate (Twilio error 20003)');
        expect(twilio.messages).toHaveLength(0);
      });

      it('retries on 429 and 5xx, then sends', async () => {
        services = servicesWith(twilioEnv());
        twilio.answerWith(() => ({
          status: 429,
          json: { code: 20429, message: 'Too Many Requests', status: 429 },
        }));
        const result = await services.courier.send(smsCode(directory.acme));
        expect(result).toMatchObject({
          state: 'queued',
          error: expect.stringMatching(/^twilio: 429: Too Many/),
        });
        twilio.answerWith(() => ({ status: 503, json: { code: 20500, message: 'Internal Server Error' } }));
        clock.advance(10_000);
        expect(await services.courier.dispatchDue()).toBe(1);
        expect(await services.outbox.get(result.id)).toMatchObject({
          status: 'pending',
          attempts: 2,
          nextAttemptAt: clock.now() + 60_000,
          lastError: expect.stringMatching(/^twilio: 503/),
        });
        twilio.answerWith(undefined);
        clock.advance(60_000);
        expect(await services.courier.dispatchDue()).toBe(1);
        expect(await services.outbox.get(result.id)).toMatchObject({ status: 'sent', attempts: 3 });
        expect(twilio.messages).toHaveLength(1);
      });

      it('retries when the API cannot be reached', async () => {
        services = servicesWith(twilioEnv({ TWILIO_API_URL: `http://127.0.0.1:${await unusedPort()}` }));
        const result = await services.courier.send(smsCode(directory.acme));
        expect(result.state).toBe('queued');
        expect(result.error).toMatch(/^twilio: request failed: ECONNREFUSED/);
      });
    });

    describe('webhook', () => {
      it('posts {to, body, tenant} signed with the HMAC headers; a 2xx is sent', async () => {
        services = servicesWith(webhookEnv());
        const result = await services.courier.send(smsCode(directory.acme));
        expect(result.state).toBe('sent');
        expect(webhook.badSignatures).toHaveLength(0);
        expect(webhook.received).toEqual([
          {
            to: '+15551234567',
            body: 'Acme Corp: your sign-in code is 604913',
            tenant: 'acme',
            messageId: result.id,
            timestamp: Math.floor(clock.now() / 1000),
          },
        ]);
        const row = await services.outbox.get(result.id);
        expect(row).toMatchObject({ status: 'sent', providerRef: 'gw-1' });
        expect(row?.body).toBe(deliveredCodePlaceholder);
      });

      it('is refused by the receiver when signed with another secret (and that fails at once)', async () => {
        services = servicesWith(webhookEnv({ TWOFOLD_SMS_WEBHOOK_SECRET: 'another-secret' }));
        const result = await services.courier.send(smsCode(directory.acme));
        expect(result).toMatchObject({ state: 'failed', error: 'webhook: 401: {"error":"bad signature"}' });
        expect(webhook.badSignatures).toHaveLength(1);
        expect(webhook.received).toHaveLength(0);
      });

      it('sends deployment-wide messages with tenant null', async () => {
        services = servicesWith(webhookEnv());
        const result = await services.courier.send({ ...smsCode(directory.acme), tenantId: null });
        expect(result.state).toBe('sent');
        expect(webhook.received[0]?.tenant).toBeNull();
      });

      it('retries a 5xx with the same message id, and fails a 4xx at once', async () => {
        services = servicesWith(webhookEnv());
        webhook.answerWith(() => ({ status: 502, json: { error: 'upstream down' } }));
        const retried = await services.courier.send(smsCode(directory.acme));
        expect(retried).toMatchObject({ state: 'queued', error: 'webhook: 502: {"error":"upstream down"}' });
        webhook.answerWith(undefined);
        clock.advance(10_000);
        expect(await services.courier.dispatchDue()).toBe(1);
        expect(webhook.received.map((r) => r.messageId)).toEqual([retried.id]);
        expect(await services.outbox.get(retried.id)).toMatchObject({ status: 'sent', attempts: 2 });

        webhook.answerWith(() => ({ status: 422, json: { error: 'unsupported destination' } }));
        const refused = await services.courier.send(smsCode(directory.acme, '+8821234567'));
        expect(refused).toMatchObject({ state: 'failed', error: expect.stringMatching(/^webhook: 422/) });
      });

      it('counts no answer within the timeout as a transient failure', async () => {
        webhook.answerWith(() => ({ status: 200, delayMs: 1_000 }));
        const provider = createWebhookProvider({
          url: `${webhook.url}/sms`,
          secret: webhookSecret,
          now: () => clock.now(),
          timeoutMs: 100,
        });
        services = createTestServices(handle, {
          clock,
          providers: { email: createOutboxProvider(), sms: provider },
        });
        const result = await services.courier.send(smsCode(directory.acme));
        expect(result).toMatchObject({ state: 'queued', error: 'webhook: no answer within the timeout' });
        expect(await services.outbox.get(result.id)).toMatchObject({ status: 'pending', attempts: 1 });
      });
    });
  });
}
