import { decodeBase32, generateTotp } from '@twofold/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { createTestServices, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { retention } from './housekeeping.js';

const day = 24 * 60 * 60_000;

for (const backend of testBackends) {
  describe(`housekeeping (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;

    beforeEach(() => {
      handle = database();
      services = createTestServices(handle);
    });

    it('deletes what stopped mattering and keeps what still does, the logs included', async () => {
      const { db, clock } = services;
      const acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      const ann = await services.users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
      const method = await services.messageCodes.register(
        { tenantId: acme.id, userId: ann.id, type: 'email', destination: 'ann@example.com' },
        operatorActor,
      );
      const old = await services.sessions.create({
        tenantId: acme.id,
        userId: ann.id,
        amr: ['pwd'],
        mfaAt: null,
      });
      // Each session signed in to an application (back-channel logout links).
      const signedIn = (sessionId: string) =>
        services.applicationLogout.signedIn({
          tenantId: acme.id,
          sessionId,
          userId: ann.id,
          clientId: 'wiki',
          sid: `sid-${sessionId}`,
        });
      await signedIn(old.session.id);
      await services.sessions.revoke(acme.id, old.session.id, operatorActor);
      const flow = (id: string, expiresAt: number) => ({
        id_hash: id,
        tenant_id: acme.id,
        user_id: ann.id,
        client_hash: 'c',
        first_factor: 'pwd',
        status: 'mfa_required',
        challenge_method_id: null,
        registration_method_id: null,
        amr: '["pwd"]',
        ip: null,
        user_agent: null,
        created_at: expiresAt - 600_000,
        expires_at: expiresAt,
        completed_at: null,
      });
      await db.insertInto('sign_in_flows').values(flow('old-flow', clock.now())).execute();
      await services.sendLimits.admit({
        tenantId: acme.id,
        userId: ann.id,
        channel: 'email',
        destination: 'ann@example.com',
        ip: '203.0.113.1',
        limits: acme.policy.sendLimits,
      });

      // Thirty-one days later, with some fresh rows next to the old ones.
      clock.advance(retention.endedSessionsMs + day);
      await db
        .insertInto('sign_in_flows')
        .values(flow('new-flow', clock.now() + 600_000))
        .execute();
      const live = await services.sessions.create({
        tenantId: acme.id,
        userId: ann.id,
        amr: ['pwd'],
        mfaAt: null,
      });
      await signedIn(live.session.id);
      const auditBefore = await db.selectFrom('audit_events').select('id').execute();
      // OpenID Connect payloads: an expired token goes, a live one and one without expiry stay.
      const payload = (id: string, expiresAt: number | null) => ({
        tenant_id: acme.id,
        model: 'AccessToken',
        id_hash: id,
        payload: 'sealed',
        grant_id_hash: null,
        uid_hash: null,
        user_code_hash: null,
        account_hash: null,
        expires_at: expiresAt,
        consumed_at: null,
      });
      await db
        .insertInto('oidc_payloads')
        .values([
          payload('expired', clock.now() - 1),
          payload('live', clock.now() + 60_000),
          payload('forever', null),
        ])
        .execute();

      const { housekeeping } = services;
      const report = await housekeeping.runOnce();
      expect(report).toMatchObject({
        sessions: 1,
        signInFlows: 1,
        passwordResetFlows: 0,
        otpChallenges: 1,
        sendLimits: 4,
        outboxMessages: 1,
        oidcPayloads: 1,
      });
      expect(
        (await db.selectFrom('oidc_payloads').select('id_hash').orderBy('id_hash').execute()).map(
          (r) => r.id_hash,
        ),
      ).toEqual(['forever', 'live']);
      expect(
        (await db.selectFrom('sign_in_flows').select('id_hash').execute()).map((r) => r.id_hash),
      ).toEqual(['new-flow']);
      expect(await services.sessions.authenticate(live.token)).toBeDefined();
      // A purged session's links go with it.
      expect(
        (await db.selectFrom('oidc_session_links').select('session_id').execute()).map((r) => r.session_id),
      ).toEqual([live.session.id]);
      expect(await services.methods.get(acme.id, ann.id, method.methodId)).toMatchObject({
        status: 'pending',
      });
      expect(await db.selectFrom('audit_events').select('id').execute()).toHaveLength(auditBefore.length);
      // Nothing left to do the second time.
      expect(Object.values(await housekeeping.runOnce()).every((n) => n === 0)).toBe(true);
    });

    it('purges accepted TOTP steps once no window can reach them, and no sooner', async () => {
      const { clock } = services;
      const acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      const ann = await services.users.create({ tenantId: acme.id, email: 'ann@example.com' }, operatorActor);
      const method = await services.totp.register(
        { tenantId: acme.id, userId: ann.id, type: 'totp' },
        operatorActor,
      );
      const code = generateTotp({ secret: decodeBase32(method.secret), time: clock.now() / 1000 });
      const ask = { tenantId: acme.id, userId: ann.id, methodId: method.methodId, code };
      expect(await services.totp.verify(ask)).toMatchObject({ ok: true });
      clock.advance(retention.acceptedStepsMs - 1);
      expect(await services.housekeeping.runOnce()).toMatchObject({ acceptedSteps: 0 });
      clock.advance(2);
      expect(await services.housekeeping.runOnce()).toMatchObject({ acceptedSteps: 1 });
      // An hour on, the code matches no window any more: it is simply wrong, never accepted again.
      expect(await services.totp.verify(ask)).toEqual({ ok: false, reason: 'otp_invalid' });
    });
  });
}
