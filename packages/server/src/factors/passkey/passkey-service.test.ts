import { beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../audit/audit-log.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { seedDirectory } from '../../test-support/fixtures.js';
import { createTestServices, type TestServices, testPublicUrl } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import { createSoftwarePasskey, type SoftwarePasskey } from '../../test-support/software-passkey.js';
import type { User } from '../../users/user-service.js';
import { passkeyChallengeMs } from './passkey-service.js';

const rpId = new URL(testPublicUrl).hostname;
const origin = new URL(testPublicUrl).origin;
const actor: Actor = { type: 'user', id: 'alice' };

for (const backend of testBackends) {
  describe(`passkey service (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;
    let other: Tenant;
    let alice: User;
    let bob: User;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      ({ acme, other, alice, bob } = await seedDirectory(services));
    });

    /** Registers a passkey for the user with a software authenticator; returns it and its method. */
    async function enrol(user: User, tenant = acme, synced = false) {
      const key = createSoftwarePasskey({ rpId, origin, synced });
      const started = await services.passkeys.register(tenant, user.id, { label: 'Laptop' }, actor);
      const confirmed = await services.passkeys.confirm(
        { id: started.methodId, tenant_id: tenant.id, user_id: user.id },
        key.register(started.options),
      );
      expect(confirmed).toEqual({ ok: true, activated: true, amr: [synced ? 'swk' : 'hwk', 'user'] });
      return { key, methodId: started.methodId };
    }

    async function assertWith(key: SoftwarePasskey, user: User, methodId: string, overrides = {}) {
      const { options } = await services.passkeys.challenge(acme.id, user.id, methodId);
      return services.passkeys.verify(acme.id, user.id, methodId, key.assert(options, overrides));
    }

    it('registers with resident key preferred and user verification required; stores the credential', async () => {
      const started = await services.passkeys.register(acme, alice.id, { label: 'Laptop' }, actor);
      const options = started.options as Record<string, unknown>;
      expect(options['rp']).toEqual({ id: 'mfa.example.com', name: acme.name });
      expect(options['authenticatorSelection']).toMatchObject({
        residentKey: 'preferred',
        userVerification: 'required',
      });
      expect(options['attestation']).toBe('none');
      const pending = await services.methods.get(acme.id, alice.id, started.methodId);
      expect(pending).toMatchObject({ type: 'passkey', status: 'pending', label: 'Laptop' });

      const key = createSoftwarePasskey({ rpId, origin, synced: true });
      const confirmed = await services.passkeys.confirm(
        { id: started.methodId, tenant_id: acme.id, user_id: alice.id },
        key.register(started.options),
      );
      expect(confirmed).toEqual({ ok: true, activated: true, amr: ['swk', 'user'] });
      expect(await services.methods.get(acme.id, alice.id, started.methodId)).toMatchObject({
        status: 'active',
      });
      const [details] = await services.passkeys.details(acme.id, alice.id);
      expect(details).toMatchObject({
        methodId: started.methodId,
        synced: true,
        backedUp: true,
        transports: ['internal'],
        model: null,
        lastUsedAt: null,
      });
      // The next registration tells the browser not to register this credential again.
      const next = await services.passkeys.register(acme, alice.id, {}, actor);
      expect((next.options as Record<string, unknown>)['excludeCredentials']).toEqual([
        { id: key.credentialId, type: 'public-key', transports: ['internal'] },
      ]);
    });

    it('names the authenticator model from its AAGUID', async () => {
      const key = createSoftwarePasskey({ rpId, origin, aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd' });
      const started = await services.passkeys.register(acme, alice.id, {}, actor);
      await services.passkeys.confirm(
        { id: started.methodId, tenant_id: acme.id, user_id: alice.id },
        key.register(started.options),
      );
      const [details] = await services.passkeys.details(acme.id, alice.id);
      expect(details?.model).toBe('Apple Passwords');
      expect(details?.synced).toBe(false);
    });

    it('refuses a registration from another origin, without user verification, or answering twice', async () => {
      const key = createSoftwarePasskey({ rpId, origin });
      for (const overrides of [{ origin: 'https://mfa.example.com.evil.test' }, { userVerified: false }]) {
        const started = await services.passkeys.register(acme, alice.id, {}, actor);
        const method = { id: started.methodId, tenant_id: acme.id, user_id: alice.id };
        expect(await services.passkeys.confirm(method, key.register(started.options, overrides))).toEqual({
          ok: false,
          reason: 'passkey_invalid',
        });
        // The challenge was spent by the refused answer.
        expect(await services.passkeys.confirm(method, key.register(started.options))).toEqual({
          ok: false,
          reason: 'passkey_challenge_invalid',
        });
      }
      expect(await services.passkeys.details(acme.id, alice.id)).toEqual([]);
    });

    it('a credential belongs to one user: registering it again (for anyone in the tenant) is refused', async () => {
      const { key } = await enrol(alice);
      const started = await services.passkeys.register(acme, bob.id, {}, actor);
      const again = await services.passkeys.confirm(
        { id: started.methodId, tenant_id: acme.id, user_id: bob.id },
        key.register(started.options),
      );
      expect(again).toEqual({ ok: false, reason: 'passkey_invalid' });
    });

    it('verifies an assertion once: a replay of the same answer is refused', async () => {
      const { key, methodId } = await enrol(alice, acme, true);
      const { options } = await services.passkeys.challenge(acme.id, alice.id, methodId);
      const answer = key.assert(options);
      expect(await services.passkeys.verify(acme.id, alice.id, methodId, answer)).toEqual({
        ok: true,
        amr: ['swk', 'user'],
      });
      expect(await services.passkeys.verify(acme.id, alice.id, methodId, answer)).toEqual({
        ok: false,
        reason: 'passkey_challenge_invalid',
      });
      const [details] = await services.passkeys.details(acme.id, alice.id);
      expect(details?.lastUsedAt).toBe(services.clock.now());
    });

    it('two answers racing for one challenge: exactly one succeeds', async () => {
      const { key, methodId } = await enrol(alice);
      const { options } = await services.passkeys.challenge(acme.id, alice.id, methodId);
      const first = key.assert(options);
      const second = key.assert(options);
      const results = await Promise.all([
        services.passkeys.verify(acme.id, alice.id, methodId, first),
        services.passkeys.verify(acme.id, alice.id, methodId, second),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('refuses a wrong challenge, an expired one, a wrong origin or relying party, and no user verification', async () => {
      const { key, methodId } = await enrol(alice);
      expect(await assertWith(key, alice, methodId, { challenge: 'bm90LXRoZS1jaGFsbGVuZ2U' })).toEqual({
        ok: false,
        reason: 'passkey_challenge_invalid',
      });
      expect(await assertWith(key, alice, methodId, { origin: 'https://evil.example' })).toEqual({
        ok: false,
        reason: 'passkey_invalid',
      });
      expect(await assertWith(key, alice, methodId, { rpId: 'evil.example' })).toEqual({
        ok: false,
        reason: 'passkey_invalid',
      });
      expect(await assertWith(key, alice, methodId, { userVerified: false })).toEqual({
        ok: false,
        reason: 'passkey_invalid',
      });
      const { options } = await services.passkeys.challenge(acme.id, alice.id, methodId);
      services.clock.advance(passkeyChallengeMs);
      expect(await services.passkeys.verify(acme.id, alice.id, methodId, key.assert(options))).toEqual({
        ok: false,
        reason: 'passkey_challenge_invalid',
      });
      expect((await assertWith(key, alice, methodId)).ok).toBe(true);
    });

    it('refuses a counter that goes backwards (a cloned authenticator)', async () => {
      const { key, methodId } = await enrol(alice);
      expect((await assertWith(key, alice, methodId)).ok).toBe(true);
      expect((await assertWith(key, alice, methodId)).ok).toBe(true);
      key.setCounter(0);
      expect(await assertWith(key, alice, methodId)).toEqual({
        ok: false,
        reason: 'passkey_counter_replayed',
      });
    });

    it("refuses another user's credential, a challenge issued to another user, and another tenant's", async () => {
      const { methodId: aliceMethod } = await enrol(alice);
      const { key: bobKey, methodId: bobMethod } = await enrol(bob);
      // Bob's authenticator answers Alice's challenge.
      expect(await assertWith(bobKey, alice, aliceMethod)).toEqual({ ok: false, reason: 'passkey_invalid' });
      // Bob's answer to a challenge issued for Alice does not count for Bob.
      const { options } = await services.passkeys.challenge(acme.id, alice.id, aliceMethod);
      expect(await services.passkeys.verify(acme.id, bob.id, bobMethod, bobKey.assert(options))).toEqual({
        ok: false,
        reason: 'passkey_challenge_invalid',
      });
      // The other tenant knows neither the method nor the credential.
      await expect(services.passkeys.challenge(other.id, bob.id, bobMethod)).rejects.toMatchObject({
        code: 'method_not_found',
      });
      const binding = { flowHash: hashToken('flow'), clientHash: hashToken('browser') };
      const started = await services.passkeys.startDiscovery(other, binding);
      expect(
        await services.passkeys.finishDiscovery(
          other,
          { flowHash: binding.flowHash, clientHashes: [binding.clientHash] },
          bobKey.assert(started.options),
        ),
      ).toEqual({ ok: false, reason: 'passkey_unknown' });
    });

    it('discovers the user from the credential, bound to the sign-in and its browser', async () => {
      const { key, methodId } = await enrol(alice);
      const binding = { flowHash: hashToken('flow-1'), clientHash: hashToken('browser-1') };
      const started = await services.passkeys.startDiscovery(acme, binding);
      expect((started.options as Record<string, unknown>)['allowCredentials']).toBeUndefined();
      expect((started.options as Record<string, unknown>)['userVerification']).toBe('required');
      // Another browser (or another sign-in) cannot spend it.
      const answer = key.assert(started.options);
      expect(
        await services.passkeys.finishDiscovery(
          acme,
          { flowHash: binding.flowHash, clientHashes: [hashToken('x')] },
          answer,
        ),
      ).toEqual({ ok: false, reason: 'passkey_challenge_invalid' });
      expect(
        await services.passkeys.finishDiscovery(
          acme,
          { flowHash: binding.flowHash, clientHashes: [hashToken('other'), binding.clientHash] },
          answer,
        ),
      ).toEqual({ ok: true, userId: alice.id, methodId, amr: ['hwk', 'user'] });
    });

    it('a deleted passkey is unknown', async () => {
      const { key, methodId } = await enrol(alice);
      await services.methods.delete(acme.id, alice.id, methodId, actor);
      const binding = { flowHash: hashToken('flow-2'), clientHash: hashToken('browser-2') };
      const started = await services.passkeys.startDiscovery(acme, binding);
      expect(
        await services.passkeys.finishDiscovery(
          acme,
          { flowHash: binding.flowHash, clientHashes: [binding.clientHash] },
          key.assert(started.options),
        ),
      ).toEqual({ ok: false, reason: 'passkey_unknown' });
      expect(await services.passkeys.details(acme.id, alice.id)).toEqual([]);
    });
  });
}
