import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { useInstanceFleet } from '../../test-support/fixtures.js';
import { createTestServices, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import type { User } from '../../users/user-service.js';
import { messageCodeLifetimeMs, messageCodeMaxFailures } from './message-code-service.js';

for (const backend of testBackends) {
  describe(`SMS and email codes (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;
    let ann: User;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      acme = await services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      ann = await services.users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
    });

    /** The code of the newest message to the user (the outbox provider keeps messages). */
    async function lastCode(): Promise<string> {
      const [newest] = await services.outbox.list(acme.id, { limit: 1 });
      return /\b(\d{6})\b/.exec(newest?.body ?? '')?.[1] ?? '';
    }

    async function activeSmsMethod() {
      const sent = await services.messageCodes.register(
        { tenantId: acme.id, userId: ann.id, type: 'sms', destination: '+14155552671' },
        operatorActor,
      );
      const ok = await services.messageCodes.verify({
        tenantId: acme.id,
        userId: ann.id,
        methodId: sent.methodId,
        code: await lastCode(),
      });
      expect(ok).toEqual({ ok: true, activated: true });
      services.clock.advance(31_000);
      return sent.methodId;
    }

    it('stores only a keyed hash of the code, and the message names the tenant', async () => {
      const sent = await services.messageCodes.register(
        { tenantId: acme.id, userId: ann.id, type: 'sms', destination: '+14155552671' },
        operatorActor,
      );
      expect(sent).toMatchObject({ sentTo: '+1 ••• •• 71', resendAfter: 30, delivery: 'sent' });
      const code = await lastCode();
      const [row] = await handle.db.selectFrom('otp_challenges').selectAll().execute();
      expect(row?.code_hash).toMatch(/^h1\.[0-9a-f]{8}\.[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain(code);
      const [message] = await services.outbox.list(acme.id);
      expect(message?.body).toMatch(
        new RegExp(`^${code} is your code to add this phone to Acme\\. It expires`),
      );
      const method = await services.methods.get(acme.id, ann.id, sent.methodId);
      expect(method).toMatchObject({ type: 'sms', status: 'pending', label: '+1 ••• •• 71' });
    });

    it('retires a code after five wrong tries, and one older than ten minutes is expired', async () => {
      const methodId = await activeSmsMethod();
      await services.messageCodes.sendCode({
        tenantId: acme.id,
        userId: ann.id,
        methodId,
        purpose: 'sign_in_code',
      });
      const code = await lastCode();
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < messageCodeMaxFailures; i++) {
        expect(
          await services.messageCodes.verify({ tenantId: acme.id, userId: ann.id, methodId, code: wrong }),
        ).toEqual({ ok: false, reason: 'otp_invalid' });
      }
      expect(
        await services.messageCodes.verify({ tenantId: acme.id, userId: ann.id, methodId, code }),
      ).toEqual({
        ok: false,
        reason: 'otp_expired',
      });
      services.clock.advance(31_000);
      await services.messageCodes.sendCode({
        tenantId: acme.id,
        userId: ann.id,
        methodId,
        purpose: 'sign_in_code',
      });
      const fresh = await lastCode();
      services.clock.advance(messageCodeLifetimeMs);
      expect(
        await services.messageCodes.verify({ tenantId: acme.id, userId: ann.id, methodId, code: fresh }),
      ).toEqual({ ok: false, reason: 'otp_expired' });
    });

    it('right after a code was used (the phone was just added), signing in sends a code at once (issue 15, defect 6)', async () => {
      const sent = await services.messageCodes.register(
        { tenantId: acme.id, userId: ann.id, type: 'sms', destination: '+14155552671' },
        operatorActor,
      );
      const ask = { tenantId: acme.id, userId: ann.id, methodId: sent.methodId };
      expect(await services.messageCodes.verify({ ...ask, code: await lastCode() })).toMatchObject({
        ok: true,
      });
      services.clock.advance(5_000);
      expect(await services.messageCodes.nextSend(ask)).toBeUndefined();
      const signIn = await services.messageCodes.sendCode({ ...ask, purpose: 'sign_in_code' });
      expect(signIn).toMatchObject({ sentTo: '+1 ••• •• 71', delivery: 'sent' });
      expect(await services.outbox.list(acme.id)).toHaveLength(2);
    });

    it('a refused resend says whether a code is waiting to be typed, and when the next can be sent', async () => {
      const methodId = await activeSmsMethod();
      const ask = { tenantId: acme.id, userId: ann.id, methodId };
      await services.messageCodes.sendCode({ ...ask, purpose: 'sign_in_code' });
      services.clock.advance(10_000);
      await expect(services.messageCodes.sendCode({ ...ask, purpose: 'sign_in_code' })).rejects.toMatchObject(
        {
          code: 'send_limited',
          details: { retryAfter: 20, scope: 'resend', codePending: true },
        },
      );
      expect(await services.messageCodes.nextSend(ask)).toEqual({ retryAfter: 20, codePending: true });
      // Five wrong tries retire the code: nothing is waiting any more, and the answer says so.
      const code = await lastCode();
      for (let i = 0; i < messageCodeMaxFailures; i++) {
        await services.messageCodes.verify({ ...ask, code: code === '000000' ? '111111' : '000000' });
      }
      const refused = services.messageCodes.sendCode({ ...ask, purpose: 'sign_in_code' });
      await expect(refused).rejects.toMatchObject({
        code: 'send_limited',
        message: 'no code is waiting; a new one can be sent in 20 seconds',
        details: { retryAfter: 20, scope: 'resend', codePending: false },
      });
      services.clock.advance(20_000);
      expect(await services.messageCodes.nextSend(ask)).toBeUndefined();
      await expect(
        services.messageCodes.sendCode({ ...ask, purpose: 'sign_in_code' }),
      ).resolves.toMatchObject({
        delivery: 'sent',
      });
    });

    it("another user's or tenant's method is not found", async () => {
      const methodId = await activeSmsMethod();
      const bob = await services.users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
      await expect(
        services.messageCodes.sendCode({
          tenantId: acme.id,
          userId: bob.id,
          methodId,
          purpose: 'sign_in_code',
        }),
      ).rejects.toMatchObject({ code: 'method_not_found' });
      expect(
        await services.messageCodes.verify({ tenantId: acme.id, userId: bob.id, methodId, code: '123456' }),
      ).toEqual({ ok: false, reason: 'method_not_found' });
    });

    describe('on several instances at once', () => {
      const instances = 4;
      const fleet = useInstanceFleet(database, () => services, instances);

      it('twenty requests with the same code give exactly one success', async () => {
        const methodId = await activeSmsMethod();
        await services.messageCodes.sendCode({
          tenantId: acme.id,
          userId: ann.id,
          methodId,
          purpose: 'sign_in_code',
        });
        const code = await lastCode();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            fleet()[i % instances]!.messageCodes.verify({
              tenantId: acme.id,
              userId: ann.id,
              methodId,
              code,
            }),
          ),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'otp_replayed')).toBe(true);
      });
    });
  });
}
