import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Actor, operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { type MoreHandles, openMoreHandles } from '../test-support/connections.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { seedDirectory } from '../test-support/fixtures.js';
import { tally } from '../test-support/outcomes.js';
import { createTestServices, type ManualClock, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import type { User } from '../users/user-service.js';
import {
  createSessionService,
  defaultSessionLifetimes,
  lastSeenWriteIntervalMs,
  type SessionService,
  sessionCookieName,
  sessionCookieOptions,
  sessionTokenPrefix,
} from './session-service.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const tokenFormat = /^tfsess_[A-Za-z0-9_-]{43}$/;
const admin: Actor = { type: 'user', id: 'admin-1', ip: '192.0.2.9' };

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/ and Secure exactly when the public URL is https', () => {
    expect(sessionCookieName).toBe('twofold_session');
    expect(sessionCookieOptions({ secure: true })).toEqual({
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: true,
    });
    expect(sessionCookieOptions({ secure: false })).toMatchObject({ secure: false, httpOnly: true });
    expect(sessionCookieOptions({ secure: true, maxAge: 3600.7 })).toMatchObject({ maxAge: 3600 });
  });

  it('lifetimes default to 8 hours idle and 7 days absolute', () => {
    expect(defaultSessionLifetimes).toEqual({ idleMs: 8 * hour, absoluteMs: 7 * day });
    expect(sessionTokenPrefix).toBe('tfsess_');
  });
});

for (const backend of testBackends) {
  describe(`session service (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let clock: ManualClock;
    let sessions: SessionService;
    let acme: Tenant;
    let other: Tenant;
    let alice: User;
    let bob: User;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      clock = services.clock;
      sessions = services.sessions;
      ({ acme, other, alice, bob } = await seedDirectory(services));
    });

    function start(user: User = alice, extra: { amr?: string[]; mfaAt?: number | null } = {}) {
      return sessions.create({
        tenantId: user.tenantId,
        userId: user.id,
        amr: extra.amr ?? ['pwd', 'otp', 'mfa'],
        mfaAt: extra.mfaAt === undefined ? clock.now() : extra.mfaAt,
        ip: '198.51.100.7',
        userAgent: 'Firefox/140',
      });
    }
    function sessionRow(id: string) {
      return handle.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    function auditEvents(action: string) {
      return handle.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();
    }

    it('creates a session with a 256-bit token, idle and absolute expiry, and authenticates it', async () => {
      const now = clock.now();
      const { token, session } = await start();
      expect(token).toMatch(tokenFormat);
      expect(session).toEqual({
        id: expect.any(String),
        tenantId: acme.id,
        userId: alice.id,
        amr: ['pwd', 'otp', 'mfa'],
        mfaAt: now,
        createdAt: now,
        lastSeenAt: now,
        idleExpiresAt: now + 8 * hour,
        absoluteExpiresAt: now + 7 * day,
        firstFactor: null,
      });
      expect(await sessions.authenticate(token)).toEqual(session);
      const second = await start();
      expect(second.token).not.toBe(token);
      expect((await sessions.authenticate(second.token))?.id).toBe(second.session.id);
    });

    it('stores only the SHA-256 of the token', async () => {
      const { token, session } = await start();
      const row = await sessionRow(session.id);
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      const secret = token.slice(sessionTokenPrefix.length);
      for (const [column, value] of Object.entries(row)) expect(String(value), column).not.toContain(secret);
      expect(row).toMatchObject({ ip: '198.51.100.7', user_agent: 'Firefox/140', revoked_at: null });
    });

    it('refuses unknown, malformed and near-miss tokens', async () => {
      const { token } = await start();
      const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const candidate of [
        '',
        'tfsess_',
        flipped,
        token.slice(0, -1),
        `${token}A`,
        token.slice(sessionTokenPrefix.length),
        `tfs_${token.slice(sessionTokenPrefix.length)}`,
        ` ${token}`,
        'x'.repeat(10_000),
      ]) {
        expect(await sessions.authenticate(candidate), candidate.slice(0, 20)).toBeUndefined();
      }
      expect(await sessions.authenticate(token)).toBeDefined();
    });

    it('ends a session left idle for 8 hours', async () => {
      const { token } = await start();
      clock.advance(8 * hour - 1);
      expect(await sessions.authenticate(token)).toBeDefined();
      // That use slid the idle expiry: 8 hours from now, not from sign-in.
      clock.advance(8 * hour - 1);
      expect(await sessions.authenticate(token)).toBeDefined();
      clock.advance(8 * hour);
      expect(await sessions.authenticate(token)).toBeUndefined();
    });

    it('ends a session 7 days after sign-in however busy it is, and never slides idle past that', async () => {
      const { token, session } = await start();
      for (let elapsed = 0; elapsed < 7 * day - 7 * hour; elapsed += 7 * hour) {
        clock.advance(7 * hour);
        const seen = await sessions.authenticate(token);
        expect(seen, `after ${elapsed / hour + 7} h`).toBeDefined();
        expect(seen!.idleExpiresAt).toBeLessThanOrEqual(session.absoluteExpiresAt);
      }
      clock.set(session.absoluteExpiresAt - 1);
      const last = await sessions.authenticate(token);
      expect(last?.idleExpiresAt).toBe(session.absoluteExpiresAt);
      clock.set(session.absoluteExpiresAt);
      expect(await sessions.authenticate(token)).toBeUndefined();
    });

    it('writes the sliding expiry at most once a minute', async () => {
      const { token, session } = await start();
      clock.advance(lastSeenWriteIntervalMs - 1);
      expect(await sessions.authenticate(token)).toMatchObject({ lastSeenAt: session.createdAt });
      expect((await sessionRow(session.id)).last_seen_at).toBe(session.createdAt);
      clock.advance(1);
      const slid = await sessions.authenticate(token);
      expect(slid).toMatchObject({ lastSeenAt: clock.now(), idleExpiresAt: clock.now() + 8 * hour });
      expect(await sessionRow(session.id)).toMatchObject({
        last_seen_at: clock.now(),
        idle_expires_at: clock.now() + 8 * hour,
      });
      const writtenAt = clock.now();
      clock.advance(30_000);
      await sessions.authenticate(token);
      expect((await sessionRow(session.id)).last_seen_at).toBe(writtenAt);
    });

    it('honours configured lifetimes', async () => {
      const short = createSessionService({
        db: handle.db,
        clock,
        audit: services.audit,
        lifetimes: { idleMs: 10 * minute, absoluteMs: 30 * minute },
      });
      const { token, session } = await short.create({
        tenantId: acme.id,
        userId: alice.id,
        amr: ['pwd'],
        mfaAt: null,
      });
      expect(session.idleExpiresAt - session.createdAt).toBe(10 * minute);
      expect(session.absoluteExpiresAt - session.createdAt).toBe(30 * minute);
      clock.advance(10 * minute);
      expect(await short.authenticate(token)).toBeUndefined();
      expect(() =>
        createSessionService({ db: handle.db, clock, audit: services.audit, lifetimes: { idleMs: 0 } }),
      ).toThrow(RangeError);
    });

    it("a disabled user's sessions stop authenticating at once", async () => {
      const { token } = await start();
      await handle.db.updateTable('users').set({ disabled: 1 }).where('id', '=', alice.id).execute();
      expect(await sessions.authenticate(token)).toBeUndefined();
      expect(await sessions.listForUser(acme.id, alice.id)).toEqual([]);
    });

    it('with a tenant given, a session of another tenant does not authenticate', async () => {
      const { token } = await start();
      expect(await sessions.authenticate(token, { tenantId: other.id })).toBeUndefined();
      expect((await sessions.authenticate(token, { tenantId: acme.id }))?.userId).toBe(alice.id);
    });

    it('refuses amr values that are not RFC 8176-shaped', async () => {
      await expect(start(alice, { amr: ['pwd', 'Robert"); drop table'] })).rejects.toMatchObject({
        code: 'validation_failed',
      });
      expect(await handle.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    });

    describe('step-up', () => {
      it('records a second factor: mfa_at moves to now and amr gains the method', async () => {
        const { token, session } = await start(alice, { amr: ['pwd'], mfaAt: null });
        clock.advance(5 * minute);
        const stepped = await sessions.recordSecondFactor(session.id, ['otp', 'mfa']);
        expect(stepped).toMatchObject({
          mfaAt: clock.now(),
          amr: ['pwd', 'otp', 'mfa'],
          lastSeenAt: clock.now(),
        });
        expect(await sessions.authenticate(token)).toEqual(stepped);
        clock.advance(minute);
        expect((await sessions.recordSecondFactor(session.id, ['otp']))?.amr).toEqual(['pwd', 'otp', 'mfa']);
      });

      it('does nothing for a revoked, expired or unknown session', async () => {
        const { session } = await start(alice, { mfaAt: null });
        await sessions.revoke(acme.id, session.id, admin);
        expect(await sessions.recordSecondFactor(session.id, ['otp'])).toBeUndefined();
        expect((await sessionRow(session.id)).mfa_at).toBeNull();
        const later = await start(bob, { mfaAt: null });
        clock.advance(8 * hour);
        expect(await sessions.recordSecondFactor(later.session.id, ['otp'])).toBeUndefined();
        expect(await sessions.recordSecondFactor('no-such-session', ['otp'])).toBeUndefined();
      });

      it('two step-ups at once with different methods both land in amr', async () => {
        const { session } = await start(alice, { amr: ['pwd'], mfaAt: null });
        await Promise.all([
          sessions.recordSecondFactor(session.id, ['otp']),
          sessions.recordSecondFactor(session.id, ['sms']),
          sessions.recordSecondFactor(session.id, ['hwk']),
        ]);
        const amr = JSON.parse((await sessionRow(session.id)).amr) as string[];
        expect(amr.sort()).toEqual(['hwk', 'otp', 'pwd', 'sms']);
      });

      describe('with the session as the caller read it', () => {
        it('writes the same as without it, the idle expiry never past the absolute one', async () => {
          const { token, session } = await start(alice, { amr: ['pwd'], mfaAt: null });
          clock.advance(5 * minute);
          const read = await sessions.authenticate(token);
          const stepped = await sessions.recordSecondFactor(session.id, ['otp', 'mfa'], read);
          expect(stepped).toMatchObject({
            mfaAt: clock.now(),
            amr: ['pwd', 'otp', 'mfa'],
            lastSeenAt: clock.now(),
            idleExpiresAt: clock.now() + 8 * hour,
          });
          expect(await sessions.authenticate(token)).toEqual(stepped);
          // Kept in use until less than the idle lifetime (8 hours) is left before the absolute end.
          while (clock.now() < session.absoluteExpiresAt - 7 * hour) {
            clock.advance(6 * hour);
            expect(await sessions.authenticate(token)).toBeDefined();
          }
          const late = await sessions.authenticate(token);
          const again = await sessions.recordSecondFactor(session.id, ['sms'], late);
          expect(again).toMatchObject({ amr: ['pwd', 'otp', 'mfa', 'sms'], mfaAt: clock.now() });
          expect(again?.idleExpiresAt).toBe(session.absoluteExpiresAt);
        });

        it('keeps a method another step-up added since the read', async () => {
          const { token, session } = await start(alice, { amr: ['pwd'], mfaAt: null });
          const read = await sessions.authenticate(token);
          await sessions.recordSecondFactor(session.id, ['sms', 'mfa']);
          const stepped = await sessions.recordSecondFactor(session.id, ['otp', 'mfa'], read);
          expect(stepped?.amr.slice().sort()).toEqual(['mfa', 'otp', 'pwd', 'sms']);
        });

        it('does nothing when the session was revoked, expired or its user disabled since the read', async () => {
          const revoked = await start(alice, { amr: ['pwd'], mfaAt: null });
          const revokedRead = await sessions.authenticate(revoked.token);
          await sessions.revoke(acme.id, revoked.session.id, admin);
          expect(await sessions.recordSecondFactor(revoked.session.id, ['otp'], revokedRead)).toBeUndefined();
          expect((await sessionRow(revoked.session.id)).mfa_at).toBeNull();

          const disabled = await start(bob, { amr: ['pwd'], mfaAt: null });
          const disabledRead = await sessions.authenticate(disabled.token);
          await handle.db.updateTable('users').set({ disabled: 1 }).where('id', '=', bob.id).execute();
          expect(
            await sessions.recordSecondFactor(disabled.session.id, ['otp'], disabledRead),
          ).toBeUndefined();
          expect((await sessionRow(disabled.session.id)).mfa_at).toBeNull();
          await handle.db.updateTable('users').set({ disabled: 0 }).where('id', '=', bob.id).execute();

          const idle = await start(alice, { amr: ['pwd'], mfaAt: null });
          const idleRead = await sessions.authenticate(idle.token);
          clock.advance(8 * hour);
          expect(await sessions.recordSecondFactor(idle.session.id, ['otp'], idleRead)).toBeUndefined();
          expect((await sessionRow(idle.session.id)).mfa_at).toBeNull();
        });
      });
    });

    describe('revocation', () => {
      it('revokes one session, audited with who and why; a second revoke finds nothing', async () => {
        const first = await start();
        const second = await start();
        expect(await sessions.revoke(acme.id, first.session.id, admin, { reason: 'lost laptop' })).toBe(true);
        expect(await sessions.authenticate(first.token)).toBeUndefined();
        expect(await sessions.authenticate(second.token)).toBeDefined();
        expect((await sessionRow(first.session.id)).revoked_at).toBe(clock.now());
        expect(await sessions.revoke(acme.id, first.session.id, admin)).toBe(false);
        expect(await auditEvents('session.revoke')).toMatchObject([
          {
            tenant_id: acme.id,
            actor_type: 'user',
            actor_id: 'admin-1',
            ip: '192.0.2.9',
            target_type: 'user',
            target_id: alice.id,
            reason: 'lost laptop',
            details: JSON.stringify({ sessionId: first.session.id }),
          },
        ]);
      });

      it('another tenant cannot revoke the session', async () => {
        const { token, session } = await start();
        expect(await sessions.revoke(other.id, session.id, operatorActor)).toBe(false);
        expect(await sessions.authenticate(token)).toBeDefined();
        expect(await auditEvents('session.revoke')).toEqual([]);
      });

      it('signs a user out everywhere, optionally sparing the current session, and counts only live sessions', async () => {
        const current = await start();
        const phone = await start();
        const laptop = await start();
        const bobs = await start(bob);
        await sessions.revoke(acme.id, laptop.session.id, admin);
        const stale = await start();
        clock.advance(8 * hour - minute);
        for (const s of [current, phone, bobs]) await sessions.authenticate(s.token);
        clock.advance(minute); // `stale` is now idle-expired
        const count = await sessions.revokeAllForUser(
          acme.id,
          alice.id,
          { type: 'user', id: alice.id },
          { exceptSessionId: current.session.id, reason: 'sign out everywhere' },
        );
        expect(count).toBe(1); // phone; laptop was revoked already, stale had expired
        expect(await sessions.authenticate(current.token)).toBeDefined();
        expect(await sessions.authenticate(phone.token)).toBeUndefined();
        expect(await sessions.authenticate(bobs.token)).toBeDefined();
        expect((await sessionRow(stale.session.id)).revoked_at).toBeNull();
        expect(await auditEvents('session.revoke_all')).toMatchObject([
          {
            actor_id: alice.id,
            target_id: alice.id,
            reason: 'sign out everywhere',
            details: JSON.stringify({ count: 1, exceptSessionId: current.session.id }),
          },
        ]);
        expect(await sessions.revokeAllForUser(acme.id, alice.id, admin)).toBe(1);
        expect(await sessions.authenticate(current.token)).toBeUndefined();
      });

      it('revoking everything for a user of another tenant touches nothing', async () => {
        const { token } = await start();
        expect(await sessions.revokeAllForUser(other.id, alice.id, operatorActor)).toBe(0);
        expect(await sessions.authenticate(token)).toBeDefined();
      });

      it("inside the caller's transaction, a rollback keeps the sessions and the audit event out", async () => {
        const { token } = await start();
        await expect(
          handle.db.transaction().execute(async (trx) => {
            const count = await sessions.revokeAllForUser(acme.id, alice.id, admin, { executor: trx });
            expect(count).toBe(1);
            throw new Error('the rest of the action failed');
          }),
        ).rejects.toThrow('the rest of the action failed');
        expect(await sessions.authenticate(token)).toBeDefined();
        expect(await auditEvents('session.revoke_all')).toEqual([]);
      });
    });

    it("lists a user's live sessions newest first, with where they were started", async () => {
      const first = await start();
      clock.advance(minute);
      const second = await start();
      clock.advance(minute);
      const third = await start();
      await start(bob);
      await sessions.revoke(acme.id, second.session.id, admin);
      const listed = await sessions.listForUser(acme.id, alice.id);
      expect(listed.map((s) => s.id)).toEqual([third.session.id, first.session.id]);
      expect(listed[0]).toEqual({ ...third.session, ip: '198.51.100.7', userAgent: 'Firefox/140' });
      expect(await sessions.listForUser(other.id, alice.id)).toEqual([]);
    });

    it('purges sessions that ended more than the retention ago, and only those', async () => {
      const t0 = clock.now();
      const revoked = await start();
      await sessions.revoke(acme.id, revoked.session.id, admin);
      await start(); // idle-expired at t0 + 8 h
      clock.set(t0 + 10 * day);
      const young = await start(); // ended at t0 + 10 days + 8 h: within the retention
      clock.set(t0 + 30 * day + 8 * hour + 1);
      const live = await start(bob);
      expect(await sessions.purgeEnded(30 * day)).toBe(2);
      const left = (await handle.db.selectFrom('sessions').select('id').execute()).map((r) => r.id).sort();
      expect(left).toEqual([young.session.id, live.session.id].sort());
      expect(await sessions.authenticate(live.token)).toBeDefined();
    });
  });

  describe(`sessions across instances (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let more: MoreHandles;
    let clock: ManualClock;
    let fleet: TestServices[];
    let services: TestServices;
    let acme: Tenant;
    let alice: User;
    let rowsWritten: number;

    beforeAll(async () => {
      more = await openMoreHandles(database(), 4);
    });
    afterAll(async () => {
      await more.close();
    });
    beforeEach(async () => {
      clock = createManualClock();
      services = createTestServices(database(), { clock });
      rowsWritten = 0;
      // Each instance counts the rows its UPDATE statements change, to show how often sessions are written.
      const updateQueries = new WeakSet<object>();
      const countUpdates: KyselyPlugin = {
        transformQuery(args) {
          if (args.node.kind === 'UpdateQueryNode') updateQueries.add(args.queryId);
          return args.node;
        },
        async transformResult(args) {
          if (updateQueries.has(args.queryId)) rowsWritten += Number(args.result.numAffectedRows ?? 0);
          return args.result;
        },
      };
      fleet = more.handles.map((h) => createTestServices({ db: h.db.withPlugin(countUpdates) }, { clock }));
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      alice = await services.users.create({ tenantId: acme.id, email: 'alice@example.com' }, operatorActor);
      await more.warm();
    });

    it('20 concurrent requests of one session after a pause all authenticate, and the expiry is written once', async () => {
      const { token, session } = await services.sessions.create({
        tenantId: acme.id,
        userId: alice.id,
        amr: ['pwd'],
        mfaAt: null,
      });
      clock.advance(10 * minute);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => fleet[i % fleet.length]!.sessions.authenticate(token)),
      );
      // SQLite: a handle that meets another's write fails fast with SQLITE_BUSY (see openMoreHandles);
      // the slide is a single statement outside any transaction, so that never happens here.
      expect(tally(results)).toEqual({ ok: 20 });
      for (const result of results) {
        expect(result).toMatchObject({ value: { id: session.id, lastSeenAt: clock.now() } });
      }
      const row = await services.db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', session.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ last_seen_at: clock.now(), idle_expires_at: clock.now() + 8 * hour });
      // Every request that read the old time tries one conditional UPDATE; one changes the row,
      // the others find it moved on. Within the minute that follows nobody writes at all.
      expect(rowsWritten).toBe(1);
      clock.advance(lastSeenWriteIntervalMs - 1);
      await Promise.all(fleet.map((instance) => instance.sessions.authenticate(token)));
      expect(rowsWritten).toBe(1);
      clock.advance(1);
      await Promise.all(fleet.map((instance) => instance.sessions.authenticate(token)));
      expect(rowsWritten).toBe(2);
    });

    it('the same session revoked from 4 instances at once is revoked and audited exactly once', async () => {
      const { token, session } = await services.sessions.create({
        tenantId: acme.id,
        userId: alice.id,
        amr: ['pwd'],
        mfaAt: null,
      });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          fleet[i % fleet.length]!.sessions.revoke(acme.id, session.id, operatorActor),
        ),
      );
      const outcomes = results.map((r) =>
        r.status === 'fulfilled' ? String(r.value) : (r.reason as { code?: string }).code,
      );
      expect(outcomes.filter((o) => o === 'true')).toHaveLength(1);
      // Losers saw it revoked already; on SQLite a loser may instead meet the winner's open
      // transaction (SQLITE_BUSY), also a refusal.
      for (const outcome of outcomes.filter((o) => o !== 'true'))
        expect(backend.name === 'sqlite' ? ['false', 'SQLITE_BUSY'] : ['false']).toContain(outcome);
      expect(await services.sessions.authenticate(token)).toBeUndefined();
      const audit = await services.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'session.revoke')
        .execute();
      expect(audit).toHaveLength(1);
    });
  });
}
