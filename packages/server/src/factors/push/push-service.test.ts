/**
 * The push service on one database shared by several "instances" (each its own connections,
 * services and in-process notifier): a push started on one instance reaches a device waiting on
 * another within a second, a push is answered once, an activation token is spent once, and a burst
 * of pushes cannot pass the per-user limit, however the requests are spread.
 */
import { decodeBase32, generateTotp, parseOtpauthUri } from '@twofold/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import { generateToken, hashToken } from '../../platform/crypto/tokens.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { useInstanceFleet } from '../../test-support/fixtures.js';
import { sqliteBusy, tally } from '../../test-support/outcomes.js';
import { createTestPushDevice } from '../../test-support/push-device.js';
import { createTestServices, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import type { User } from '../../users/user-service.js';
import { bodyDigest } from './device-signature.js';
import { maxPendingPushesPerUser, type PushDevice } from './push-service.js';

for (const backend of testBackends) {
  describe(`push service (${backend.name})`, () => {
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

    /** An active authenticator method of Ann's; its activation token. */
    async function authenticator(): Promise<{ methodId: string; token: string }> {
      const reg = await services.totp.register(
        { tenantId: acme.id, userId: ann.id, type: 'authenticator' },
        operatorActor,
      );
      const code = generateTotp({ secret: decodeBase32(reg.secret), time: services.clock.now() / 1000 });
      const ok = await services.totp.verify({
        tenantId: acme.id,
        userId: ann.id,
        methodId: reg.methodId,
        code,
      });
      expect(ok).toMatchObject({ ok: true, activated: true });
      const token = parseOtpauthUri(reg.otpauthUri).account.extra['twofold_push']!;
      return { methodId: reg.methodId, token };
    }

    async function device(): Promise<{ device: PushDevice; methodId: string }> {
      const { methodId, token } = await authenticator();
      const key = createTestPushDevice();
      const { deviceId } = await services.push.activate(acme, {
        activationToken: token,
        publicKey: key.publicKey,
        name: 'Phone',
      });
      const path = `/t/acme/api/v1/devices/${deviceId}/challenges?wait=0`;
      const headers = key.headers(deviceId, 'GET', path, undefined, services.clock.now());
      const signedIn = await services.push.authenticate(acme, deviceId, {
        method: 'GET',
        path,
        timestamp: headers['x-twofold-timestamp'],
        signature: headers['x-twofold-signature'],
        bodyDigest: bodyDigest(undefined),
      });
      return { device: signedIn, methodId };
    }

    /** A sign-in row for pushes to belong to. */
    async function flow(): Promise<string> {
      const idHash = hashToken(generateToken('tff_', 24));
      const now = services.clock.now();
      await handle.db
        .insertInto('sign_in_flows')
        .values({
          id_hash: idHash,
          tenant_id: acme.id,
          user_id: ann.id,
          client_hash: hashToken('client'),
          first_factor: 'pwd',
          status: 'mfa_required',
          challenge_method_id: null,
          registration_method_id: null,
          amr: '["pwd"]',
          ip: '203.0.113.7',
          user_agent: null,
          created_at: now,
          expires_at: now + 600_000,
          completed_at: null,
        })
        .execute();
      return idHash;
    }

    it('numbers are two digits from the whole range 10..99', async () => {
      const { methodId } = await device();
      const seen = new Set<number>();
      for (let i = 0; i < 60; i++) {
        const flowIdHash = await flow();
        const started = await services.push.start({
          tenantId: acme.id,
          userId: ann.id,
          methodId,
          flowIdHash,
        });
        expect(Number.isInteger(started.number) && started.number >= 10 && started.number <= 99).toBe(true);
        seen.add(started.number);
        // Answer it, so that the next is not held back by the pending limit; an hour later for the hourly one.
        await handle.db
          .updateTable('push_challenges')
          .set({ status: 'denied' })
          .where('id', '=', started.challengeId)
          .execute();
        services.clock.advance(7 * 60_000);
      }
      // 60 draws from 90 values: a constant or a narrow range would show.
      expect(seen.size).toBeGreaterThan(25);
    });

    describe('on several instances at once', () => {
      const instances = 4;
      const fleet = useInstanceFleet(database, () => services, instances);

      it('a device waiting on one instance receives a push started on another within a second', async () => {
        const { device: phone, methodId } = await device();
        const flowIdHash = await flow();
        const [a, b] = fleet();
        const waiting = a!.push.waitForChallenges(phone, { waitMs: 5000 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        const startedAt = Date.now();
        const started = await b!.push.start({
          tenantId: acme.id,
          userId: ann.id,
          methodId,
          flowIdHash,
          ip: '203.0.113.7',
        });
        const received = await waiting;
        // No notification crosses instances: the 500 ms re-check of the database found it.
        expect(Date.now() - startedAt).toBeLessThan(1000);
        expect(received.map((c) => c.id)).toEqual([started.challengeId]);
      });

      it('one push answered on every instance at once: exactly one answer counts', async () => {
        const { device: phone, methodId } = await device();
        const flowIdHash = await flow();
        const started = await services.push.start({
          tenantId: acme.id,
          userId: ann.id,
          methodId,
          flowIdHash,
        });
        const decisions = [
          'approve',
          'deny',
          'approve',
          'deny',
          'approve',
          'deny',
          'approve',
          'deny',
        ] as const;
        const results = await Promise.allSettled(
          decisions.map((decision, i) =>
            fleet()[i % instances]!.push.answer(phone, started.challengeId, {
              decision,
              number: started.number,
            }),
          ),
        );
        const counts = tally(results);
        expect(counts['ok']).toBe(1);
        for (const code of Object.keys(counts))
          expect(['ok', 'push_already_answered', sqliteBusy]).toContain(code);
        const [row] = await handle.db.selectFrom('push_challenges').select(['status', 'device_id']).execute();
        expect(['approved', 'denied']).toContain(row?.status);
        expect(row?.device_id).toBe(phone.id);
      });

      it('one activation token redeemed on every instance at once: one device', async () => {
        const { token } = await authenticator();
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            fleet()[i % instances]!.push.activate(acme, {
              activationToken: token,
              publicKey: createTestPushDevice().publicKey,
              name: `Phone ${i}`,
            }),
          ),
        );
        const counts = tally(results);
        expect(counts['ok']).toBe(1);
        for (const code of Object.keys(counts))
          expect(['ok', 'push_activation_invalid', sqliteBusy]).toContain(code);
        expect(await handle.db.selectFrom('push_devices').select('id').execute()).toHaveLength(1);
      });

      it('a burst of pushes to one user from many sign-ins never passes 3 waiting', async () => {
        const { methodId } = await device();
        const flows = [];
        for (let i = 0; i < 12; i++) flows.push(await flow());
        const results = await Promise.allSettled(
          flows.map((flowIdHash, i) =>
            fleet()[i % instances]!.push.start({ tenantId: acme.id, userId: ann.id, methodId, flowIdHash }),
          ),
        );
        const counts = tally(results);
        for (const code of Object.keys(counts)) expect(['ok', 'send_limited', sqliteBusy]).toContain(code);
        const pending = await handle.db
          .selectFrom('push_challenges')
          .select('id')
          .where('status', '=', 'pending')
          .execute();
        expect(pending.length).toBe(counts['ok']);
        expect(pending.length).toBeLessThanOrEqual(maxPendingPushesPerUser);
        // PostgreSQL makes the later ones wait for the user's row: exactly the limit gets through.
        if (backend.name === 'postgres') expect(counts).toEqual({ ok: 3, send_limited: 9 });
      });
    });
  });
}
