import { spawnSync } from 'node:child_process';
import { decodeBase32, generateTotp, type OtpAlgorithm, parseOtpauthUri } from '@twofold/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Actor, operatorActor } from '../../audit/audit-log.js';
import { createKeyring } from '../../platform/crypto/keyring.js';
import { createSealer, keyIdOf } from '../../platform/crypto/sealer.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import { resealAll } from '../../secrets/reseal.js';
import { defaultTenantPolicy } from '../../tenants/tenant-policy.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { useInstanceFleet } from '../../test-support/fixtures.js';
import { createTestServices, type TestServices, testSecretKey } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import type { User } from '../../users/user-service.js';
import { renderQrCodeSvg } from './qr-code.js';
import { describeClockSkew, methodSecretAad, type RegisteredTotp } from './totp-method-service.js';

const oathtoolAvailable = spawnSync('oathtool', ['--version']).status === 0;
const minute = 60_000;
const aliceActor: Actor = { type: 'user', id: 'alice' };

interface OtpParameters {
  period: number;
  digits: number;
  algorithm: OtpAlgorithm;
}
const defaults: OtpParameters = { period: 30, digits: 6, algorithm: 'SHA1' };

describe('describeClockSkew', () => {
  it('tells the user which way their clock is off and what to do', () => {
    expect(describeClockSkew(240)).toBe(
      "Your device's clock looks about 4 minutes fast, so its codes do not match. " +
        'Set the date and time on your phone to update automatically, then enter the next code.',
    );
    expect(describeClockSkew(-60)).toContain('about 60 seconds slow');
    expect(describeClockSkew(-330)).toContain('about 6 minutes slow');
    expect(describeClockSkew(0)).toContain('corrected since you last signed in');
  });
});

for (const backend of testBackends) {
  describe(`TOTP methods (${backend.name})`, () => {
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
      acme = await services.tenants.create({ slug: 'acme', name: 'Acme Corp' }, operatorActor);
      other = await services.tenants.create({ slug: 'other' }, operatorActor);
      alice = await services.users.create({ tenantId: acme.id, email: 'alice@example.com' }, operatorActor);
      bob = await services.users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
    });

    function register(type: 'totp' | 'authenticator' = 'totp', user = alice, label?: string) {
      return services.totp.register(
        { tenantId: user.tenantId, userId: user.id, type, ...(label ? { label } : {}) },
        aliceActor,
      );
    }
    /** The code the device shows `offsetSteps` steps away from the server's current step. */
    function codeAt(method: RegisteredTotp, offsetSteps: number, parameters = defaults): string {
      return generateTotp({
        secret: decodeBase32(method.secret),
        time: services.clock.now() / 1000 + offsetSteps * parameters.period,
        ...parameters,
      });
    }
    /** A code that matches no step within 25 either side, so it can only be wrong. */
    function wrongCode(method: RegisteredTotp): string {
      const near = new Set(Array.from({ length: 51 }, (_, i) => codeAt(method, i - 25)));
      for (let n = 0; ; n++) {
        const code = String(n).padStart(6, '0');
        if (!near.has(code)) return code;
      }
    }
    function verify(method: RegisteredTotp | string, code: string, user = alice) {
      return services.totp.verify({
        tenantId: user.tenantId,
        userId: user.id,
        methodId: typeof method === 'string' ? method : method.methodId,
        code,
      });
    }
    async function active(type: 'totp' | 'authenticator' = 'totp', user = alice) {
      const method = await register(type, user);
      expect(await verify(method, codeAt(method, 0), user)).toMatchObject({ ok: true, activated: true });
      // The tests go on a minute later, when neither neighbour of the next step has been used.
      services.clock.advance(60_000);
      return method;
    }
    function row(methodId: string) {
      return handle.db.selectFrom('methods').selectAll().where('id', '=', methodId).executeTakeFirstOrThrow();
    }
    function auditOf(action: string) {
      return handle.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
    }
    function step(): number {
      return Math.floor(services.clock.now() / 30_000);
    }

    describe('registration', () => {
      it('creates a pending totp method: URI for the tenant and email, secret shown once, sealed at rest', async () => {
        const method = await register('totp', alice, '  Work phone ');
        const { account } = parseOtpauthUri(method.otpauthUri);
        expect(account).toEqual({
          type: 'totp',
          issuer: 'Twofold (Acme Corp)',
          accountName: 'alice@example.com',
          secret: decodeBase32(method.secret),
          algorithm: 'SHA1',
          digits: 6,
          period: 30,
          extra: {},
        });
        expect(
          method.otpauthUri.startsWith('otpauth://totp/Twofold%20(Acme%20Corp):alice%40example.com?'),
        ).toBe(true);
        expect(decodeBase32(method.secret)).toHaveLength(20); // 160 bits
        // The QR code is of this very URI (qr-code.test.ts reads such a code back).
        expect(method.qrCodeSvg).toBe(await renderQrCodeSvg(method.otpauthUri));
        expect(method.secret).toMatch(/^[A-Z2-7]{32}$/);

        const stored = await row(method.methodId);
        expect(stored).toMatchObject({
          tenant_id: acme.id,
          user_id: alice.id,
          type: 'totp',
          label: 'Work phone',
          status: 'pending',
          is_default: 0,
          algorithm: 'SHA1',
          digits: 6,
          period: 30,
          last_step: null,
          drift_steps: 0,
          push_activation_hash: null,
          confirmed_at: null,
        });
        expect(keyIdOf(stored.secret_sealed!)).toBe(createKeyring([testSecretKey]).currentKeyId);
        expect(
          Buffer.from(services.sealer.open(stored.secret_sealed!, methodSecretAad(method.methodId))),
        ).toEqual(Buffer.from(decodeBase32(method.secret)));
        // Bound to its row: the same sealed value does not open as another method's secret.
        expect(() => services.sealer.open(stored.secret_sealed!, methodSecretAad('another'))).toThrow(
          expect.objectContaining({ code: 'sealed_value_invalid' }),
        );
        const everything = JSON.stringify([stored, await auditOf('method.register')]);
        expect(everything).not.toContain(method.secret);
        expect(await auditOf('method.register')).toMatchObject([
          { tenant_id: acme.id, actor_id: 'alice', target_type: 'method', target_id: method.methodId },
        ]);
        expect(await services.methods.listForUser(acme.id, alice.id)).toEqual([]); // not usable yet
      });

      it('an authenticator URI also carries twofold_push, stored only as a hash; default labels differ', async () => {
        const authenticator = await register('authenticator');
        const totp = await register('totp');
        const token = parseOtpauthUri(authenticator.otpauthUri).account.extra['twofold_push'];
        expect(token).toMatch(/^tfp_[A-Za-z0-9_-]{43}$/);
        expect(parseOtpauthUri(totp.otpauthUri).account.extra).toEqual({});
        // Where to activate it: the public URL and the tenant, next to the token.
        expect(parseOtpauthUri(authenticator.otpauthUri).account.extra).toEqual({
          twofold_push: token,
          twofold_server: 'https://mfa.example.com',
          twofold_tenant: 'acme',
        });
        const stored = await row(authenticator.methodId);
        expect(stored.push_activation_hash).toBe(hashToken(token!));
        expect(JSON.stringify(stored)).not.toContain(token);
        expect(stored.label).toBe('Authenticator app');
        expect((await row(totp.methodId)).label).toBe('Authenticator app (code only)');
      });

      it.skipIf(!oathtoolAvailable)(
        'takes SHA256, 8 digits and 60 s from the tenant policy; oathtool computes the same codes',
        async () => {
          const policy = { ...defaultTenantPolicy, totp: { algorithm: 'SHA256', digits: 8, period: 60 } };
          await handle.db
            .updateTable('tenants')
            .set({ policy: JSON.stringify(policy) })
            .where('id', '=', acme.id)
            .execute();
          const method = await register('totp');
          const { account } = parseOtpauthUri(method.otpauthUri);
          expect(account).toMatchObject({ algorithm: 'SHA256', digits: 8, period: 60 });
          const unix = services.clock.now() / 1000;
          const fromOathtool = spawnSync(
            'oathtool',
            ['--totp=sha256', '-d', '8', '-s', '60', '-b', method.secret, '-N', `@${unix}`],
            { encoding: 'utf8' },
          ).stdout.trim();
          expect(fromOathtool).toMatch(/^\d{8}$/);
          expect(await verify(method, fromOathtool)).toMatchObject({
            ok: true,
            offsetSteps: 0,
            activated: true,
          });
          expect(await row(method.methodId)).toMatchObject({
            algorithm: 'SHA256',
            digits: 8,
            period: 60,
            last_step: Math.floor(unix / 60),
          });
        },
      );

      it('refuses types the policy does not allow, other types, bad labels and users of other tenants', async () => {
        const policy = { ...defaultTenantPolicy, allowedMethods: ['totp'] };
        await handle.db
          .updateTable('tenants')
          .set({ policy: JSON.stringify(policy) })
          .where('id', '=', acme.id)
          .execute();
        await expect(register('authenticator')).rejects.toMatchObject({ code: 'method_type_not_allowed' });
        await expect(
          services.totp.register({ tenantId: acme.id, userId: alice.id, type: 'sms' as 'totp' }, aliceActor),
        ).rejects.toMatchObject({ code: 'validation_failed' });
        await expect(register('totp', alice, 'x'.repeat(65))).rejects.toMatchObject({
          code: 'validation_failed',
          message: 'label: at most 64 characters, without control characters',
        });
        await expect(register('totp', alice, 'bad\u0000label')).rejects.toMatchObject({
          code: 'validation_failed',
        });
        await expect(
          services.totp.register({ tenantId: other.id, userId: alice.id, type: 'totp' }, aliceActor),
        ).rejects.toMatchObject({ code: 'user_not_found' });
        await expect(
          services.totp.register({ tenantId: 'nope', userId: alice.id, type: 'totp' }, aliceActor),
        ).rejects.toMatchObject({ code: 'tenant_not_found' });
        expect(await handle.db.selectFrom('methods').selectAll().execute()).toEqual([]);
      });

      it('a new registration replaces an older pending one of the same type, not active ones or other types', async () => {
        const kept = await active('totp');
        const firstAuthenticator = await register('authenticator');
        await register('totp');
        const latest = await register('totp');
        const rows = await handle.db.selectFrom('methods').select(['id', 'status']).orderBy('id').execute();
        expect(rows).toEqual(
          [
            { id: kept.methodId, status: 'active' },
            { id: firstAuthenticator.methodId, status: 'pending' },
            { id: latest.methodId, status: 'pending' },
          ].sort((a, b) => a.id.localeCompare(b.id)),
        );
      });
    });

    describe('activation', () => {
      it('a correct code activates a pending method, which becomes the default when the user has none', async () => {
        const first = await register('authenticator');
        const wrong = await verify(first, wrongCode(first));
        expect(wrong).toEqual({ ok: false, reason: 'otp_invalid' });
        expect(await row(first.methodId)).toMatchObject({ status: 'pending', is_default: 0 });

        expect(await verify(first, codeAt(first, 0))).toEqual({
          ok: true,
          step: step(),
          offsetSteps: 0,
          resynced: false,
          activated: true,
        });
        expect(await row(first.methodId)).toMatchObject({
          status: 'active',
          is_default: 1,
          confirmed_at: services.clock.now(),
          last_used_at: services.clock.now(),
          last_step: step(),
        });
        expect(await auditOf('method.activate')).toMatchObject([
          { tenant_id: acme.id, actor_id: alice.id, target_id: first.methodId },
        ]);

        const second = await register('totp');
        expect(await verify(second, codeAt(second, 0))).toMatchObject({ ok: true, activated: true });
        expect(await row(second.methodId)).toMatchObject({ status: 'active', is_default: 0 });
        // Later codes on an active method do not activate anything again.
        services.clock.advance(30_000);
        expect(await verify(second, codeAt(second, 0))).toMatchObject({ ok: true, activated: false });
        expect(await auditOf('method.activate')).toHaveLength(2);
        expect((await services.methods.listForUser(acme.id, alice.id)).map((m) => m.id)).toEqual([
          first.methodId,
          second.methodId,
        ]);
      });

      it('leaves the failure counting to the caller (the lockout): verify changes no counter', async () => {
        const method = await active();
        for (let i = 0; i < 12; i++)
          expect(await verify(method, wrongCode(method))).toMatchObject({ ok: false });
        expect(await services.mfaLockout.check(acme.id, alice.id)).toEqual({ locked: false, failures: 0 });
        expect(await row(method.methodId)).toMatchObject({ failures: 0 });
      });
    });

    describe('the ±1 step window and replays', () => {
      it('accepts the previous, current and next step, each once', async () => {
        const method = await active();
        const now = step();
        expect(await verify(method, codeAt(method, -1))).toMatchObject({
          ok: true,
          step: now - 1,
          offsetSteps: -1,
        });
        expect(await verify(method, codeAt(method, 0))).toMatchObject({
          ok: true,
          step: now,
          offsetSteps: 0,
        });
        expect(await verify(method, codeAt(method, 1))).toMatchObject({
          ok: true,
          step: now + 1,
          offsetSteps: 1,
        });
        for (const offset of [-1, 0, 1]) {
          expect(await verify(method, codeAt(method, offset))).toEqual({ ok: false, reason: 'otp_replayed' });
        }
        expect(await row(method.methodId)).toMatchObject({ last_step: now + 1 });
      });

      it('a used code is refused as a replay', async () => {
        const method = await active();
        const current = codeAt(method, 0);
        expect(await verify(method, current)).toMatchObject({ ok: true });
        expect(await verify(method, current)).toEqual({ ok: false, reason: 'otp_replayed' });
        // ... until the time of the next step has come.
        services.clock.advance(30_000);
        expect(await verify(method, codeAt(method, 0))).toMatchObject({ ok: true });
      });

      it('an old code further out than the window is a replay too, not a clock problem', async () => {
        const method = await active();
        const old = codeAt(method, 0);
        expect(await verify(method, old)).toMatchObject({ ok: true });
        services.clock.advance(5 * minute);
        expect(await verify(method, old)).toEqual({ ok: false, reason: 'otp_replayed' });
        expect(await row(method.methodId)).toMatchObject({ skew_step: null });
      });

      it('moves the window by the recorded drift', async () => {
        const method = await active();
        await handle.db
          .updateTable('methods')
          .set({ drift_steps: 5 })
          .where('id', '=', method.methodId)
          .execute();
        expect(await verify(method, codeAt(method, 4))).toMatchObject({ ok: true, offsetSteps: 4 });
        expect(await verify(method, codeAt(method, 5))).toMatchObject({ ok: true, offsetSteps: 5 });
        expect(await verify(method, codeAt(method, 6))).toMatchObject({ ok: true, offsetSteps: 6 });
        services.clock.advance(5 * minute);
        // Outside the drifted window (and not at the server's own time): a skew hint.
        expect(await verify(method, codeAt(method, 3))).toMatchObject({ reason: 'otp_clock_skew' });
        expect(await verify(method, codeAt(method, 7))).toMatchObject({ reason: 'otp_clock_skew' });
        // At the server's own time: the clock was set right, so the code is accepted and the drift ends.
        expect(await verify(method, codeAt(method, 0))).toMatchObject({ ok: true, resynced: true });
        expect(await row(method.methodId)).toMatchObject({ drift_steps: 0 });
      });

      it('answers method_not_found for other users, other tenants, unknown, deleted and disabled methods', async () => {
        const method = await active();
        const code = codeAt(method, 0);
        const asks = [
          { tenantId: acme.id, userId: bob.id, methodId: method.methodId },
          { tenantId: other.id, userId: alice.id, methodId: method.methodId },
          { tenantId: acme.id, userId: alice.id, methodId: 'no-such-method' },
        ];
        for (const ask of asks) {
          expect(await services.totp.verify({ ...ask, code })).toEqual({
            ok: false,
            reason: 'method_not_found',
          });
        }
        await handle.db
          .updateTable('methods')
          .set({ status: 'disabled' })
          .where('id', '=', method.methodId)
          .execute();
        expect(await verify(method, code)).toEqual({ ok: false, reason: 'method_not_found' });
        await services.methods.delete(acme.id, alice.id, method.methodId, aliceActor);
        expect(await verify(method, code)).toEqual({ ok: false, reason: 'method_not_found' });
      });

      it('malformed codes are otp_invalid; spaces inside a code are fine', async () => {
        const method = await active();
        for (const code of ['', '12345', '1234567', 'abcdef', '１２３４５６', '9'.repeat(10_000)]) {
          expect(await verify(method, code)).toEqual({ ok: false, reason: 'otp_invalid' });
        }
        const code = codeAt(method, 0);
        expect(await verify(method, `${code.slice(0, 3)} ${code.slice(3)}`)).toMatchObject({ ok: true });
      });
    });

    describe('clock skew and resynchronisation', () => {
      /** An active method last used half an hour ago, so codes from a slow device are not replays. */
      async function idle() {
        const method = await active();
        services.clock.advance(30 * minute);
        return method;
      }

      it('a code from a device minutes off is refused as otp_clock_skew with the measured offset', async () => {
        const method = await idle();
        const before = await row(method.methodId);
        const fast = await verify(method, codeAt(method, 8));
        expect(fast).toEqual({
          ok: false,
          reason: 'otp_clock_skew',
          offsetSeconds: 240,
          message: describeClockSkew(240),
        });
        expect(fast.ok === false && fast.message).toContain('4 minutes fast');
        expect(await row(method.methodId)).toMatchObject({
          skew_step: step() + 8,
          skew_offset: 8,
          last_step: before.last_step,
          drift_steps: 0,
        });
        const slow = await verify(method, codeAt(method, -11));
        expect(slow).toMatchObject({ reason: 'otp_clock_skew', offsetSeconds: -330 });
        expect(slow.ok === false && slow.message).toContain('6 minutes slow');
        expect(await row(method.methodId)).toMatchObject({ skew_step: step() - 11, skew_offset: -11 });
      });

      it('looks 10 minutes either side and no further', async () => {
        const method = await idle();
        expect(await verify(method, codeAt(method, 20))).toMatchObject({ offsetSeconds: 600 });
        expect(await verify(method, codeAt(method, -20))).toMatchObject({ offsetSeconds: -600 });
        expect(await verify(method, codeAt(method, 21))).toEqual({ ok: false, reason: 'otp_invalid' });
        expect(await verify(method, codeAt(method, -21))).toEqual({ ok: false, reason: 'otp_invalid' });
      });

      it('two consecutive skewed codes resynchronise the method and the second is accepted', async () => {
        const method = await active();
        expect(await verify(method, codeAt(method, 8))).toMatchObject({ reason: 'otp_clock_skew' });
        services.clock.advance(30_000); // the device shows its next code
        expect(await verify(method, codeAt(method, 8))).toEqual({
          ok: true,
          step: step() + 8,
          offsetSteps: 8,
          resynced: true,
          activated: false,
        });
        expect(await row(method.methodId)).toMatchObject({
          drift_steps: 8,
          last_step: step() + 8,
          skew_step: null,
          skew_offset: null,
        });
        expect(await auditOf('method.resync')).toMatchObject([
          {
            target_id: method.methodId,
            details: JSON.stringify({
              userId: alice.id,
              driftSteps: 8,
              previousDriftSteps: 0,
              offsetSeconds: 240,
            }),
          },
        ]);
        // From now on the fast device's codes are simply accepted.
        services.clock.advance(30_000);
        expect(await verify(method, codeAt(method, 8))).toMatchObject({
          ok: true,
          offsetSteps: 8,
          resynced: false,
        });
        services.clock.advance(30_000);
        expect(await verify(method, codeAt(method, 9))).toMatchObject({ ok: true, offsetSteps: 9 });
        expect((await services.methods.get(acme.id, alice.id, method.methodId)).driftSteps).toBe(8);
      });

      it('the offset may move by one step between the two codes (the server ticked in between)', async () => {
        const method = await idle();
        expect(await verify(method, codeAt(method, -9))).toMatchObject({ reason: 'otp_clock_skew' });
        // Same server step, the device's next code: measured offset -8 instead of -9.
        expect(await verify(method, codeAt(method, -8))).toMatchObject({
          ok: true,
          resynced: true,
          offsetSteps: -8,
        });
        expect(await row(method.methodId)).toMatchObject({ drift_steps: -8 });
      });

      it('no resync from the same code twice, after a skipped step, or at another offset', async () => {
        const method = await active();
        const skewed = codeAt(method, 8);
        expect(await verify(method, skewed)).toMatchObject({ reason: 'otp_clock_skew' });
        expect(await verify(method, skewed)).toMatchObject({ reason: 'otp_clock_skew' });
        services.clock.advance(60_000); // the device's code two steps after the hint
        expect(await verify(method, codeAt(method, 8))).toMatchObject({ reason: 'otp_clock_skew' });
        // The device's very next step, but entered 90 s later: offset 6 instead of 8.
        services.clock.advance(90_000);
        expect(await verify(method, codeAt(method, 6))).toMatchObject({ reason: 'otp_clock_skew' });
        expect(await row(method.methodId)).toMatchObject({ drift_steps: 0, skew_offset: 6 });
        expect(await auditOf('method.resync')).toEqual([]);
        // The code right after that one does resynchronise.
        services.clock.advance(30_000);
        expect(await verify(method, codeAt(method, 6))).toMatchObject({ ok: true, resynced: true });
      });

      it('a pending method follows the same rules: a skewed device registers by resync', async () => {
        const method = await register('authenticator');
        expect(await verify(method, codeAt(method, -12))).toMatchObject({
          reason: 'otp_clock_skew',
          offsetSeconds: -360,
        });
        expect(await row(method.methodId)).toMatchObject({ status: 'pending' });
        services.clock.advance(30_000);
        expect(await verify(method, codeAt(method, -12))).toMatchObject({
          ok: true,
          resynced: true,
          activated: true,
          offsetSteps: -12,
        });
        expect(await row(method.methodId)).toMatchObject({
          status: 'active',
          is_default: 1,
          drift_steps: -12,
        });
        expect(await verify(method, codeAt(method, -12))).toEqual({ ok: false, reason: 'otp_replayed' });
      });

      it('after a resync for a skewed clock, the corrected clock works at its next code (issue 15, defect 1)', async () => {
        const method = await active();
        // The phone runs 2 minutes fast: two codes resynchronise the method (+4 steps).
        expect(await verify(method, codeAt(method, 4))).toMatchObject({ reason: 'otp_clock_skew' });
        services.clock.advance(30_000);
        expect(await verify(method, codeAt(method, 4))).toMatchObject({ ok: true, resynced: true });
        // The user sets automatic time as the page advised: the very next code is right.
        services.clock.advance(30_000);
        const corrected = await verify(method, codeAt(method, 0));
        expect(corrected).toMatchObject({ ok: true, offsetSteps: 0, resynced: true });
        expect(await row(method.methodId)).toMatchObject({ drift_steps: 0, skew_step: null });
        expect((await auditOf('method.resync')).at(-1)).toMatchObject({
          details: JSON.stringify({
            userId: alice.id,
            driftSteps: 0,
            previousDriftSteps: 4,
            offsetSeconds: 0,
            clockCorrected: true,
          }),
        });
        // The same code again is a replay; the next ones are simply accepted.
        expect(await verify(method, codeAt(method, 0))).toEqual({ ok: false, reason: 'otp_replayed' });
        services.clock.advance(30_000);
        expect(await verify(method, codeAt(method, 0))).toMatchObject({ ok: true, resynced: false });
        // A later sign-in blames no clock: a fresh code is accepted, not "1 minute behind".
        services.clock.advance(10 * minute);
        expect(await verify(method, codeAt(method, 0))).toMatchObject({ ok: true, offsetSteps: 0 });
      });

      it('a code is a replay only if that same step was accepted before, not because a later one was', async () => {
        const method = await active();
        expect(await verify(method, codeAt(method, 1))).toMatchObject({ ok: true });
        // The previous step was never accepted: it is within the window and is not a replay.
        expect(await verify(method, codeAt(method, -1))).toMatchObject({ ok: true, offsetSteps: -1 });
        expect(await verify(method, codeAt(method, 1))).toEqual({ ok: false, reason: 'otp_replayed' });
        expect(await verify(method, codeAt(method, -1))).toEqual({ ok: false, reason: 'otp_replayed' });
      });

      it('an admin resyncs with two consecutive codes, once', async () => {
        const method = await active();
        const admin: Actor = { type: 'user', id: 'admin-1' };
        const ask = { tenantId: acme.id, userId: alice.id, methodId: method.methodId };
        expect(
          await services.totp.resync({ ...ask, code: codeAt(method, 12), code2: codeAt(method, 14) }, admin),
        ).toEqual({ ok: false, reason: 'otp_invalid' });
        const code = codeAt(method, 12);
        const code2 = codeAt(method, 13);
        expect(await services.totp.resync({ ...ask, code, code2 }, admin)).toEqual({
          ok: true,
          driftSteps: 13,
          step: step() + 13,
        });
        expect(await services.totp.resync({ ...ask, code, code2 }, admin)).toEqual({
          ok: false,
          reason: 'otp_replayed',
        });
        expect(await auditOf('method.resync')).toMatchObject([
          { actor_id: 'admin-1', target_id: method.methodId },
        ]);
        services.clock.advance(30_000);
        expect(await verify(method, codeAt(method, 13))).toMatchObject({ ok: true, offsetSteps: 13 });
        expect(
          await services.totp.resync(
            { tenantId: acme.id, userId: bob.id, methodId: method.methodId, code, code2 },
            admin,
          ),
        ).toEqual({ ok: false, reason: 'method_not_found' });
      });
    });

    it('method secrets survive key rotation: rotate-key re-seals them and the new key alone verifies', async () => {
      const method = await active();
      const newKey = new Uint8Array(32).fill(9);
      const keyring = createKeyring([newKey, testSecretKey]);
      const report = await resealAll({ db: handle.db, keyring, sealer: createSealer(keyring) });
      expect(report.resealed).toBe(1);
      const stored = await row(method.methodId);
      expect(keyIdOf(stored.secret_sealed!)).toBe(keyring.currentKeyId);
      const rotated = createTestServices(handle, {
        clock: services.clock,
        sealer: createSealer(createKeyring([newKey])),
      });
      expect(
        await rotated.totp.verify({
          tenantId: acme.id,
          userId: alice.id,
          methodId: method.methodId,
          code: codeAt(method, 0),
        }),
      ).toMatchObject({ ok: true });
    });

    describe('concurrent requests on several instances', () => {
      const instances = 4;
      const attempts = 20;
      const fleet = useInstanceFleet(database, () => services, instances);

      function race(method: RegisteredTotp, code: string) {
        return Promise.all(
          Array.from({ length: attempts }, (_, i) =>
            fleet()[i % instances]!.totp.verify({
              tenantId: acme.id,
              userId: alice.id,
              methodId: method.methodId,
              code,
            }),
          ),
        );
      }

      it(`one code sent ${attempts} times at once: exactly one success, the rest are replays`, async () => {
        const method = await active();
        const results = await race(method, codeAt(method, 0));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.reason === 'otp_replayed')).toHaveLength(attempts - 1);
        expect(await row(method.methodId)).toMatchObject({ last_step: step() });
      });

      it('a pending method confirmed by one code sent at once is activated once', async () => {
        const method = await register('authenticator');
        const results = await race(method, codeAt(method, 0));
        expect(results.filter((r) => r.ok && r.activated)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.reason === 'otp_replayed')).toHaveLength(attempts - 1);
        expect(await auditOf('method.activate')).toHaveLength(1);
        expect(await row(method.methodId)).toMatchObject({ status: 'active', is_default: 1 });
      });

      it('the second resync code sent at once resynchronises once', async () => {
        const method = await active();
        expect(await verify(method, codeAt(method, 10))).toMatchObject({ reason: 'otp_clock_skew' });
        services.clock.advance(30_000);
        const results = await race(method, codeAt(method, 10));
        expect(results.filter((r) => r.ok && r.resynced)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.reason === 'otp_replayed')).toHaveLength(attempts - 1);
        expect(await auditOf('method.resync')).toHaveLength(1);
        expect(await row(method.methodId)).toMatchObject({ drift_steps: 10, last_step: step() + 10 });
      });

      it('two methods activated at once on two instances: exactly one becomes the default', async () => {
        const first = await register('totp');
        const second = await register('authenticator');
        const results = await Promise.all(
          [first, second].flatMap((method, m) =>
            [0, 1].map((i) =>
              fleet()[(m * 2 + i) % instances]!.totp.verify({
                tenantId: acme.id,
                userId: alice.id,
                methodId: method.methodId,
                code: codeAt(method, 0),
              }),
            ),
          ),
        );
        expect(results.filter((r) => r.ok && r.activated)).toHaveLength(2);
        const rows = await handle.db.selectFrom('methods').select(['status', 'is_default']).execute();
        expect(rows.every((r) => r.status === 'active')).toBe(true);
        expect(rows.filter((r) => r.is_default === 1)).toHaveLength(1);
      });
    });
  });
}
