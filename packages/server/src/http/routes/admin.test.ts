import { decodeBase32, generateTotp } from '@twofold/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import { createManualClock } from '../../platform/clock.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { type BrowserClient, createBrowserClient } from '../../test-support/browser-client.js';
import { openMoreHandles } from '../../test-support/connections.js';
import { testBackends } from '../../test-support/databases.js';
import { createTestServices } from '../../test-support/services.js';
import { emptyDatabase } from '../../test-support/shared-database.js';

const base = '/t/acme/api/v1';
const password = 'correct horse battery';

for (const backend of testBackends) {
  describe(`admin actions on ${backend.name}`, () => {
    const start = Date.UTC(2026, 10, 3, 9, 0, 0);
    const clock = createManualClock(start);
    let t: TestApp;
    let acme: Tenant;
    let key: string;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
    });
    afterAll(async () => {
      await t?.close();
    });
    beforeEach(async () => {
      await emptyDatabase(t.runtime.database as never);
      clock.set(start);
      acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      ({ key } = await t.runtime.services.apiKeys.create(
        { tenantId: acme.id, role: 'global-admin', name: 'tests' },
        operatorActor,
      ));
    });

    const now = () => Math.floor(clock.now() / 1000);
    const admin = (method: string, url: string, body?: unknown, apiKey = key) =>
      t.app.inject({
        method: method as 'GET',
        url: `${base}/admin${url}`,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });

    async function enrolledUser(email = 'ann@example.com') {
      const user = await t.runtime.services.users.create(
        { tenantId: acme.id, email, password },
        operatorActor,
      );
      const browser = createBrowserClient(t.app);
      const flow = (await browser.post(`${base}/sign-in`, { username: email, password })).json();
      expect(flow.status).toBe('registration_required');
      const reg = (
        await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
      ).json();
      const secret = decodeBase32(reg.secret);
      const done = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        code: generateTotp({ secret, time: now() }),
      });
      expect(done.statusCode).toBe(200);
      return { user, browser, secret, methodId: reg.methodId as string };
    }

    async function signIn(browser: BrowserClient, username: string) {
      return (await browser.post(`${base}/sign-in`, { username, password })).json();
    }

    describe('require re-registration (spec flow 2)', () => {
      it('needs a reason', async () => {
        const { user } = await enrolledUser();
        const missing = await admin('POST', `/users/${user.id}/require-reregistration`, {});
        expect(missing.statusCode).toBe(400);
        expect(missing.json().code).toBe('validation_failed');
        const blank = await admin('POST', `/users/${user.id}/require-reregistration`, { reason: '   ' });
        expect(blank.statusCode).toBe(400);
        const methods = await t.runtime.services.methods.listForUser(acme.id, user.id);
        expect(methods).toHaveLength(1);
      });

      it('deletes the methods, revokes sessions, stops old codes at once, and the next sign-in registers', async () => {
        const { user, browser, secret, methodId } = await enrolledUser();
        // A sign-in already past the password, waiting for a code.
        clock.advance(60_000);
        const pending = createBrowserClient(t.app);
        const waiting = await signIn(pending, 'ann@example.com');
        expect(waiting.status).toBe('mfa_required');

        const done = await admin('POST', `/users/${user.id}/require-reregistration`, {
          reason: 'lost phone, ticket 4711',
        });
        expect(done.statusCode, done.body).toBe(200);
        expect(done.json()).toEqual({
          deletedMethods: 1,
          disabledHardwareTokens: 0,
          revokedSessions: 1,
          revokedPasses: 0,
          endedRecoveryCodes: 10,
        });

        expect((await browser.get(`${base}/me`)).statusCode).toBe(401);
        const late = await pending.post(`${base}/sign-in/${waiting.flowId}/verify`, {
          methodId,
          code: generateTotp({ secret, time: now() }),
        });
        expect(late.statusCode).toBeGreaterThanOrEqual(400);

        const next = createBrowserClient(t.app);
        const flow = await signIn(next, 'ann@example.com');
        expect(flow.status).toBe('registration_required');
        const oldCode = await next.post(`${base}/sign-in/${flow.flowId}/verify`, {
          methodId,
          code: generateTotp({ secret, time: now() }),
        });
        expect(oldCode.statusCode).toBeGreaterThanOrEqual(400);
        const reg = (
          await next.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'authenticator' })
        ).json();
        const fresh = decodeBase32(reg.secret);
        const ok = await next.post(`${base}/sign-in/${flow.flowId}/verify`, {
          methodId: reg.methodId,
          code: generateTotp({ secret: fresh, time: now() }),
        });
        expect(ok.json().status).toBe('signed_in');
        expect((await t.runtime.services.users.getById(acme.id, user.id)).registrationRequired).toBe(false);

        const audit = await t.runtime.database.db
          .selectFrom('audit_events')
          .selectAll()
          .where('action', '=', 'user.require_reregistration')
          .execute();
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({
          actor_type: 'api_key',
          target_id: user.id,
          reason: 'lost phone, ticket 4711',
        });
      });

      it('happens entirely or not at all: a failure in the middle leaves everything as it was', async () => {
        const { user } = await enrolledUser();
        const failing = createTestServices(t.runtime.database, {
          clock,
          audit: {
            async record() {
              throw new Error('audit store down');
            },
            async recordMany() {
              throw new Error('audit store down');
            },
          },
        });
        await expect(
          failing.admin.requireReregistration({
            tenantId: acme.id,
            userId: user.id,
            reason: 'test',
            actor: operatorActor,
          }),
        ).rejects.toThrow('audit store down');
        expect(await t.runtime.services.methods.listForUser(acme.id, user.id)).toHaveLength(1);
        expect((await t.runtime.services.users.getById(acme.id, user.id)).registrationRequired).toBe(false);
      });

      it('deactivates hardware tokens instead of deleting them', async () => {
        const { user } = await enrolledUser();
        const now = clock.now();
        await t.runtime.database.db
          .insertInto('methods')
          .values({
            id: 'hw-1',
            tenant_id: acme.id,
            user_id: user.id,
            type: 'hardware_oath',
            label: 'Token',
            status: 'active',
            secret_sealed: null,
            algorithm: 'SHA1',
            digits: 6,
            period: 30,
            destination: null,
            last_step: null,
            skew_step: null,
            skew_offset: null,
            push_activation_hash: null,
            serial: '12345',
            manufacturer: 'Contoso',
            model: 'K1',
            created_at: now,
            confirmed_at: now,
            last_used_at: null,
            updated_at: now,
          })
          .execute();
        const done = await admin('POST', `/users/${user.id}/require-reregistration`, {
          reason: 'stolen bag',
        });
        expect(done.json()).toMatchObject({ deletedMethods: 1, disabledHardwareTokens: 1 });
        const listed = (await admin('GET', `/users/${user.id}/methods`)).json().methods;
        expect(listed).toEqual([
          expect.objectContaining({ id: 'hw-1', status: 'disabled', serial: '12345' }),
        ]);
      });
    });

    describe('Temporary Access Pass', () => {
      it('lets the user in once, replaces an older pass, and stays within the policy', async () => {
        const { user } = await enrolledUser();
        const first = await admin('POST', `/users/${user.id}/temporary-access-pass`, { lifetimeMinutes: 60 });
        expect(first.statusCode, first.body).toBe(201);
        expect(first.headers['cache-control']).toBe('no-store');
        const second = await admin('POST', `/users/${user.id}/temporary-access-pass`, {});
        expect(second.json()).toMatchObject({ reusable: false, lifetimeMinutes: 60 });
        const browser = createBrowserClient(t.app);
        const old = await browser.post(`${base}/sign-in`, {
          username: 'ann@example.com',
          temporaryAccessPass: first.json().pass,
        });
        expect(old.statusCode).toBeGreaterThanOrEqual(400);
        const ok = await browser.post(`${base}/sign-in`, {
          username: 'ann@example.com',
          temporaryAccessPass: second.json().pass,
        });
        expect(ok.json().status).toBe('signed_in');
        const again = await createBrowserClient(t.app).post(`${base}/sign-in`, {
          username: 'ann@example.com',
          temporaryAccessPass: second.json().pass,
        });
        expect(again.statusCode).toBeGreaterThanOrEqual(400);
        expect(again.json().code).toBe('tap_expired');

        const detail = (await admin('GET', `/users/${user.id}`)).json();
        expect(detail.temporaryAccessPass).toMatchObject({ reusable: false, used: true });
        // Who issued it: this API key, with its role (the console names an admin by their email).
        expect(detail.temporaryAccessPass.issuedBy).toEqual({
          type: 'api_key',
          role: 'global-admin',
          email: null,
        });

        const tooShort = await admin('POST', `/users/${user.id}/temporary-access-pass`, {
          lifetimeMinutes: 5,
        });
        expect(tooShort.statusCode).toBe(400);
        const policy = (await admin('GET', '/policy')).json();
        await admin('PUT', '/policy', {
          ...policy,
          temporaryAccessPass: { minMinutes: 10, maxMinutes: 120, defaultMinutes: 60 },
        });
        const tooLong = await admin('POST', `/users/${user.id}/temporary-access-pass`, {
          lifetimeMinutes: 600,
        });
        expect(tooLong.statusCode).toBe(400);
        expect(tooLong.json().detail).toMatch(/10 to 120 minutes/);
      });
    });

    describe('policy', () => {
      it('starts at the defaults, refuses bad documents with every problem listed, and audits changes', async () => {
        const policy = (await admin('GET', '/policy')).json();
        expect(policy).toMatchObject({
          mfaRequired: true,
          totp: { algorithm: 'SHA1', digits: 6, period: 30 },
          lockout: { failuresPerLock: 10, firstLockMinutes: 15 },
        });
        const bad = await admin('PUT', '/policy', {
          ...policy,
          lockout: { failuresPerLock: 50, firstLockMinutes: 1 },
        });
        expect(bad.statusCode).toBe(400);
        expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual([
          'body/lockout/failuresPerLock',
          'body/lockout/firstLockMinutes',
        ]);
        const wrongType = await admin('PUT', '/policy', { ...policy, totp: { ...policy.totp, digits: 7 } });
        expect(wrongType.statusCode).toBe(400);
        const unknown = await admin('PUT', '/policy', { ...policy, colour: 'red' });
        expect(unknown.statusCode).toBe(400);
        const noFactor = await admin('PUT', '/policy', { ...policy, allowedMethods: ['recovery_codes'] });
        expect(noFactor.statusCode).toBe(400);
        expect(noFactor.json().detail).toMatch(/allow at least one/);

        const ok = await admin('PUT', '/policy', {
          ...policy,
          totp: { algorithm: 'SHA256', digits: 8, period: 30 },
          reason: 'stronger codes',
        });
        expect(ok.statusCode, ok.body).toBe(200);
        expect(ok.json().totp).toEqual({ algorithm: 'SHA256', digits: 8, period: 30 });
        const event = await t.runtime.database.db
          .selectFrom('audit_events')
          .selectAll()
          .where('action', '=', 'tenant.policy_update')
          .executeTakeFirstOrThrow();
        expect(event.reason).toBe('stronger codes');
        expect(JSON.parse(event.details ?? '{}').changed).toEqual({
          'totp.algorithm': { from: 'SHA1', to: 'SHA256' },
          'totp.digits': { from: 6, to: 8 },
        });
      });

      it("holds the tenant's language: English at first, kept when a client leaves it out, one of four", async () => {
        const policy = (await admin('GET', '/policy')).json();
        expect(policy.defaultLocale).toBe('en');
        const german = await admin('PUT', '/policy', { ...policy, defaultLocale: 'de' });
        expect(german.statusCode, german.body).toBe(200);
        expect(german.json().defaultLocale).toBe('de');
        // A client older than the field sends the document without it: the language stays.
        const { defaultLocale: _, ...older } = policy;
        expect((await admin('PUT', '/policy', older)).json().defaultLocale).toBe('de');
        const italian = await admin('PUT', '/policy', { ...policy, defaultLocale: 'it' });
        expect(italian.statusCode).toBe(400);
        expect(italian.json().code).toBe('validation_failed');
        expect((await admin('GET', '/policy')).json().defaultLocale).toBe('de');
      });

      it('a method type turned off stops working at sign-in at once; new registrations use the TOTP policy', async () => {
        const { user, secret, methodId } = await enrolledUser();
        const policy = (await admin('GET', '/policy')).json();
        const pass = (await admin('POST', `/users/${user.id}/temporary-access-pass`, {})).json().pass;
        const changed = await admin('PUT', '/policy', {
          ...policy,
          allowedMethods: ['totp', 'recovery_codes'],
          totp: { algorithm: 'SHA256', digits: 8, period: 60 },
        });
        expect(changed.statusCode, changed.body).toBe(200);
        // Her authenticator is no longer accepted: the next sign-in registers an allowed method,
        // once she proved it is her with the authenticator she holds (spec section 6).
        const browser = createBrowserClient(t.app);
        clock.advance(60_000);
        const flow = await signIn(browser, 'ann@example.com');
        expect(flow).toMatchObject({ status: 'registration_required', proofRequired: 'method' });
        const proved = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
          methodId,
          code: generateTotp({ secret, time: now() }),
        });
        expect(proved.statusCode, proved.body).toBe(200);
        const refused = await browser.post(`${base}/sign-in/${flow.flowId}/register`, {
          type: 'authenticator',
        });
        expect(refused.statusCode).toBe(403);
        const reg = (await browser.post(`${base}/sign-in/${flow.flowId}/register`, { type: 'totp' })).json();
        expect(reg.otpauthUri).toContain('algorithm=SHA256');
        expect(reg.otpauthUri).toContain('digits=8');
        expect(reg.otpauthUri).toContain('period=60');
        // Passes are off too, with the same answer whoever asks.
        for (const username of ['ann@example.com', 'nobody@example.com']) {
          const r = await createBrowserClient(t.app).post(`${base}/sign-in`, {
            username,
            temporaryAccessPass: pass,
          });
          expect(r.statusCode).toBe(403);
          expect(r.json().code).toBe('method_type_not_allowed');
        }
      });

      it('a stricter lockout threshold applies to sign-ins at once, and an admin unlocks', async () => {
        const { user, secret } = await enrolledUser();
        const policy = (await admin('GET', '/policy')).json();
        await admin('PUT', '/policy', { ...policy, lockout: { failuresPerLock: 3, firstLockMinutes: 30 } });
        const browser = createBrowserClient(t.app);
        clock.advance(60_000);
        const flow = await signIn(browser, 'ann@example.com');
        const methodId = flow.methods[0].id;
        const answers: string[] = [];
        for (const code of ['000000', '111111', '222222', generateTotp({ secret, time: now() })]) {
          const r = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, { methodId, code });
          answers.push(r.statusCode === 200 ? 'ok' : r.json().code);
        }
        expect(answers).toEqual(['otp_invalid', 'otp_invalid', 'otp_invalid', 'locked_out']);
        const detail = (await admin('GET', `/users/${user.id}`)).json();
        expect(detail.lockout).toMatchObject({ locked: true, failures: 3, adminRequired: false });
        expect(Date.parse(detail.lockout.lockedUntil) - clock.now()).toBe(30 * 60_000);

        const unlocked = await admin('POST', `/users/${user.id}/unlock`, { reason: 'verified by phone' });
        expect(unlocked.json().lockout).toMatchObject({ locked: false, failures: 0 });
        const retry = createBrowserClient(t.app);
        const flow2 = await signIn(retry, 'ann@example.com');
        clock.advance(30_000);
        const ok = await retry.post(`${base}/sign-in/${flow2.flowId}/verify`, {
          methodId,
          code: generateTotp({ secret, time: now() }),
        });
        expect(ok.statusCode, ok.body).toBe(200);
      });
    });

    describe('users', () => {
      it('searches by email or name, case-insensitively, a page at a time', async () => {
        const { users } = t.runtime.services;
        for (let i = 0; i < 7; i++) {
          await users.create(
            {
              tenantId: acme.id,
              email: `user${i}@example.com`,
              displayName: i % 2 ? `Odd ${i}` : `Even ${i}`,
            },
            operatorActor,
          );
        }
        await users.create(
          { tenantId: acme.id, email: 'percent%@example.com', displayName: '100% sure' },
          operatorActor,
        );
        const pages: string[][] = [];
        let cursor: string | null = null;
        do {
          const page: { users: { email: string }[]; nextCursor: string | null } = (
            await admin('GET', `/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
          ).json();
          pages.push(page.users.map((u) => u.email));
          cursor = page.nextCursor;
        } while (cursor);
        expect(pages.flat()).toHaveLength(8);
        expect(pages.flat()).toEqual([...pages.flat()].sort());
        expect(pages[0]).toHaveLength(3);
        const odd = (await admin('GET', '/users?query=ODD'))
          .json()
          .users.map((u: { email: string }) => u.email);
        expect(odd).toEqual(['user1@example.com', 'user3@example.com', 'user5@example.com']);
        // LIKE wildcards in the query are taken literally.
        const pct = (await admin('GET', '/users?query=%25'))
          .json()
          .users.map((u: { email: string }) => u.email);
        expect(pct).toEqual(['percent%@example.com']);
        const badCursor = await admin('GET', '/users?cursor=nonsense');
        expect(badCursor.statusCode).toBe(400);
      });

      it('creates, renames, disables (signing out) and deletes users', async () => {
        const created = await admin('POST', '/users', {
          email: 'New@Example.com',
          displayName: 'New One',
          password,
        });
        expect(created.statusCode, created.body).toBe(201);
        const id = created.json().id;
        const duplicate = await admin('POST', '/users', { email: 'new@example.com' });
        expect(duplicate.statusCode).toBe(409);
        const { browser } = await enrolledUser('bee@example.com');
        const bee = await t.runtime.services.users.findByEmail(acme.id, 'bee@example.com');
        const disabled = await admin('PATCH', `/users/${bee?.id}`, {
          disabled: true,
          reason: 'left the company',
        });
        expect(disabled.json()).toMatchObject({ disabled: true });
        expect((await browser.get(`${base}/me`)).statusCode).toBe(401);
        const renamed = await admin('PATCH', `/users/${id}`, { displayName: 'Renamed' });
        expect(renamed.json().displayName).toBe('Renamed');
        const empty = await admin('PATCH', `/users/${id}`, {});
        expect(empty.statusCode).toBe(400);
        expect((await admin('DELETE', `/users/${id}`)).statusCode).toBe(204);
        expect((await admin('GET', `/users/${id}`)).statusCode).toBe(404);
      });

      it("sets a user's language of messages, or hands it back to the tenant's with null", async () => {
        const ann = await t.runtime.services.users.create(
          { tenantId: acme.id, email: 'ann@example.com', password },
          operatorActor,
        );
        expect((await admin('GET', `/users/${ann.id}`)).json().locale).toBeNull();
        const french = await admin('PATCH', `/users/${ann.id}`, { locale: 'fr', reason: 'asked for French' });
        expect(french.statusCode, french.body).toBe(200);
        expect(french.json().locale).toBe('fr');
        expect((await admin('GET', `/users?query=ann`)).json().users[0].locale).toBe('fr');
        expect((await admin('PATCH', `/users/${ann.id}`, { locale: 'pt' })).statusCode).toBe(400);
        expect((await admin('PATCH', `/users/${ann.id}`, { locale: null })).json().locale).toBeNull();
      });

      it('never disables, demotes or deletes the last active global admin', async () => {
        const { users } = t.runtime.services;
        const only = await users.create(
          { tenantId: acme.id, email: 'root@example.com', roles: ['global-admin'] },
          operatorActor,
        );
        for (const [method, body] of [
          ['PATCH', { disabled: true }],
          ['PATCH', { roles: ['helpdesk'] }],
          ['DELETE', undefined],
        ] as const) {
          const r = await admin(method, `/users/${only.id}`, body);
          expect(r.statusCode, r.body).toBe(409);
          expect(r.json().code).toBe('last_global_admin');
        }
        const second = await users.create(
          { tenantId: acme.id, email: 'two@example.com', roles: ['global-admin'] },
          operatorActor,
        );
        expect((await admin('PATCH', `/users/${only.id}`, { roles: ['helpdesk'] })).statusCode).toBe(200);
        expect((await admin('DELETE', `/users/${second.id}`)).statusCode).toBe(409);
      });

      it('two global admins demoting each other at once on two instances: one stays', async () => {
        const { users } = t.runtime.services;
        const a = await users.create(
          { tenantId: acme.id, email: 'a@example.com', roles: ['global-admin'] },
          operatorActor,
        );
        const b = await users.create(
          { tenantId: acme.id, email: 'b@example.com', roles: ['global-admin'] },
          operatorActor,
        );
        const more = await openMoreHandles(t.runtime.database as never, 2);
        try {
          const [one, two] = more.handles.map((h) => createTestServices(h, { clock }));
          const results = await Promise.allSettled([
            one?.admin.updateUser({
              tenantId: acme.id,
              userId: a.id,
              changes: { roles: [] },
              actor: operatorActor,
            }),
            two?.admin.updateUser({
              tenantId: acme.id,
              userId: b.id,
              changes: { disabled: true },
              actor: operatorActor,
            }),
          ]);
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          expect(await users.countWithRole(acme.id, 'global-admin')).toBe(1);
        } finally {
          await more.close();
        }
      });
    });

    describe('methods', () => {
      it('lists methods with drift, resyncs from two consecutive codes, resets drift, deletes one', async () => {
        const { user, secret, methodId } = await enrolledUser();
        clock.advance(10 * 60_000);
        const listed = (await admin('GET', `/users/${user.id}/methods`)).json().methods;
        expect(listed).toEqual([
          expect.objectContaining({
            id: methodId,
            type: 'authenticator',
            status: 'active',
            driftSteps: 0,
            driftSeconds: 0,
          }),
        ]);
        // The token's clock runs 2 minutes fast.
        const resynced = await admin('POST', `/users/${user.id}/methods/${methodId}/resync`, {
          code1: generateTotp({ secret, time: now() + 120 }),
          code2: generateTotp({ secret, time: now() + 150 }),
        });
        expect(resynced.statusCode, resynced.body).toBe(200);
        expect(resynced.json()).toMatchObject({ driftSteps: 5, driftSeconds: 150 });
        const wrong = await admin('POST', `/users/${user.id}/methods/${methodId}/resync`, {
          code1: '123456',
          code2: '654321',
        });
        expect(wrong.statusCode).toBe(400);
        expect(wrong.json().code).toBe('otp_invalid');
        const reset = await admin('POST', `/users/${user.id}/methods/${methodId}/reset-drift`, {
          reason: 'clock fixed',
        });
        expect(reset.json()).toMatchObject({ driftSteps: 0 });
        const gone = await admin('DELETE', `/users/${user.id}/methods/${methodId}`, { reason: 'lost' });
        expect(gone.statusCode).toBe(204);
        expect((await admin('GET', `/users/${user.id}/methods`)).json().methods).toEqual([]);
      });

      it('clears a push block', async () => {
        const { user } = await enrolledUser();
        await t.runtime.database.db
          .updateTable('users')
          .set({ push_blocked_at: clock.now() })
          .where('id', '=', user.id)
          .execute();
        expect((await admin('GET', `/users/${user.id}`)).json().pushBlocked).toBe(true);
        const cleared = await admin('POST', `/users/${user.id}/clear-push-block`, {
          reason: 'user confirmed',
        });
        expect(cleared.json().pushBlocked).toBe(false);
        const audit = await t.runtime.database.db
          .selectFrom('audit_events')
          .select('action')
          .where('action', '=', 'push.unblock')
          .execute();
        expect(audit).toHaveLength(1);
      });
    });

    describe('revoking sessions', () => {
      it('ends every session of the user', async () => {
        const { user, browser } = await enrolledUser();
        const r = await admin('POST', `/users/${user.id}/revoke-sessions`, {});
        expect(r.json()).toEqual({ revokedSessions: 1, revokedPasses: 0 });
        expect((await browser.get(`${base}/me`)).statusCode).toBe(401);
      });
    });
  });
}
