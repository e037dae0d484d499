/**
 * Single-use values are consumed with one conditional statement, so races cannot double-spend
 * them (architecture habit 7). Each test fires N concurrent redemptions of one value from several
 * independent handles on the same database, standing for several Twofold instances: separate
 * SQLite connections to one file, separate PostgreSQL pools. A naive read-then-write
 * implementation, run the same way, shows that the tests can fail.
 *
 * On PostgreSQL the contenders really run in parallel (20 connections over 4 pools). On SQLite
 * the handles share this process's one thread: they interleave between statements (which is
 * what lets the naive version double-spend) but a single statement runs to its end alone, and a
 * handle that meets another's open write transaction is refused with SQLITE_BUSY at once (see
 * openMoreHandles). Separate processes on one SQLite file, the other real case, are serialized
 * by SQLite's write lock.
 */
import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../audit/audit-log.js';
import { normalizePass } from '../../factors/temporary-access-pass/temporary-access-pass-service.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { type MoreHandles, openMoreHandles } from '../../test-support/connections.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { sqliteBusy, tally } from '../../test-support/outcomes.js';
import { testPasswordHashing } from '../../test-support/passwords.js';
import { createTestServices, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import { createManualClock } from '../clock.js';
import { hashToken } from '../crypto/tokens.js';
import type { Database } from './schema.js';

const attempts = 20;
const instances = 4;
const password = 'correct horse battery staple';

/** Hashes the one password once for the whole file (see testPasswordHashing). */
const passwords = testPasswordHashing({ memoize: true });

/** The naive way: look for an unused row, then mark it used without re-checking. Do not copy. */
async function redeemPassNaively(
  db: Kysely<Database>,
  tenantId: string,
  pass: string,
  now: number,
): Promise<{ userId: string } | undefined> {
  const row = await db
    .selectFrom('temporary_access_passes')
    .select(['id', 'user_id'])
    .where('tenant_id', '=', tenantId)
    .where('pass_hash', '=', hashToken(normalizePass(pass)))
    .where('expires_at', '>', now)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.updateTable('temporary_access_passes').set({ used_at: now }).where('id', '=', row.id).execute();
  return { userId: row.user_id };
}

/** The naive setup: check the token, then spend it and create the admin without re-checking. */
async function completeSetupNaively(
  instance: TestServices,
  tenant: Tenant,
  token: string,
  email: string,
): Promise<unknown> {
  const passwordHash = await instance.passwords.hash(password);
  const now = instance.clock.now();
  const row = await instance.db
    .selectFrom('setup_tokens')
    .select('id')
    .where('tenant_id', '=', tenant.id)
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row) throw new TwofoldError('setup_token_invalid');
  return instance.db.transaction().execute(async (trx) => {
    await trx.updateTable('setup_tokens').set({ used_at: now }).where('id', '=', row.id).execute();
    return instance.users.create(
      { tenantId: tenant.id, email, roles: ['global-admin'], passwordHash },
      systemActor,
      trx,
    );
  });
}

function tokenOf(setupUrl: string): string {
  return new URL(setupUrl).hash.replace(/^#token=/, '');
}

for (const backend of testBackends) {
  describe(`consume once (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let base: TestDatabaseHandle;
    let more: MoreHandles;
    let services: TestServices;
    /** One service set per extra handle, all on one clock: the concurrent instances. */
    let fleet: TestServices[];
    let tenant: Tenant;

    beforeAll(async () => {
      more = await openMoreHandles(database(), instances);
    });
    afterAll(async () => {
      await more.close();
    });

    beforeEach(async () => {
      base = database();
      const clock = createManualClock();
      services = createTestServices(base, { clock, passwords });
      fleet = more.handles.map((handle) => createTestServices(handle, { clock, passwords }));
      tenant = await services.tenants.create({ slug: 'acme' }, systemActor);
      await more.warm();
    });

    /** Runs `attempts` calls, spread round-robin over the instances, all at once. */
    function race<T>(attempt: (instance: TestServices, index: number) => Promise<T>) {
      return Promise.allSettled(
        Array.from({ length: attempts }, (_, index) => attempt(fleet[index % fleet.length]!, index)),
      );
    }

    async function issuePass(reusable: boolean) {
      const user = await services.users.create(
        { tenantId: tenant.id, email: 'ann@example.com' },
        systemActor,
      );
      const issued = await services.passes.issue(
        { tenantId: tenant.id, userId: user.id, lifetimeMinutes: 60, reusable, issuerRole: 'operator' },
        systemActor,
      );
      return { user, pass: issued.pass };
    }

    it(`a one-time Temporary Access Pass redeemed ${attempts} times at once from ${instances} instances succeeds exactly once`, async () => {
      const { user, pass } = await issuePass(false);
      const results = await race((instance) => instance.passes.redeem(tenant.id, pass));
      const successes = results.filter((r) => r.status === 'fulfilled' && r.value !== undefined);
      expect(successes).toHaveLength(1);
      expect(successes[0]).toMatchObject({ value: { userId: user.id, reusable: false } });
      expect(tally(results)).toEqual({ ok: attempts }); // the others answered "no such pass", none crashed
      expect(await services.passes.redeem(tenant.id, pass)).toBeUndefined();
    });

    it('a reusable pass redeemed the same way succeeds every time (the race itself lets calls through)', async () => {
      const { pass } = await issuePass(true);
      const results = await race((instance) => instance.passes.redeem(tenant.id, pass));
      expect(results.filter((r) => r.status === 'fulfilled' && r.value !== undefined)).toHaveLength(attempts);
    });

    it(`a setup link used ${attempts} times at once from ${instances} instances creates exactly one global admin`, async () => {
      const { setupUrl } = await services.setup.issueLink(tenant, 'https://mfa.example.com', systemActor);
      const token = tokenOf(setupUrl);
      // A different email per attempt: with one email the unique index alone would stop the
      // second admin and hide a double-spent token.
      const results = await race((instance, index) =>
        instance.setup.complete({ tenant, token, email: `admin${index}@example.com`, password }),
      );
      const outcomes = tally(results);
      expect(outcomes['ok']).toBe(1);
      // Losers find the token spent; on SQLite a loser may instead find the winner's write
      // transaction still open, which is a refusal too (see openMoreHandles).
      const refusals =
        backend.name === 'sqlite' ? ['setup_token_invalid', sqliteBusy] : ['setup_token_invalid'];
      for (const outcome of Object.keys(outcomes).filter((o) => o !== 'ok'))
        expect(refusals).toContain(outcome);
      expect(await services.users.countWithRole(tenant.id, 'global-admin')).toBe(1);
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      expect(await services.users.findByEmail(tenant.id, `admin${winner}@example.com`)).toMatchObject({
        roles: ['global-admin'],
      });
      const audit = await base.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', 'in', ['setup.complete', 'user.create'])
        .execute();
      expect(audit).toHaveLength(2); // nothing half-written by the losers
    });

    describe('negative control: a naive read-then-write double-spends under the same race', () => {
      it('naive pass redemption lets the one-time pass through more than once', async () => {
        const { pass } = await issuePass(false);
        const now = services.clock.now();
        const results = await race((instance) => redeemPassNaively(instance.db, tenant.id, pass, now));
        const successes = results.filter((r) => r.status === 'fulfilled' && r.value !== undefined);
        // Reliable on both backends: SELECTs are answered before the first UPDATE lands. Over
        // 30 trial runs: PostgreSQL 10 to 20 successes of 20 (mostly 20), SQLite always 20 (each
        // awaited query yields to the other handles, so all the SELECTs run first).
        expect(successes.length).toBeGreaterThan(1);
      });

      it('naive setup completion creates more than one global admin from one link', async () => {
        const { setupUrl } = await services.setup.issueLink(tenant, 'https://mfa.example.com', systemActor);
        const token = tokenOf(setupUrl);
        const results = await race((instance, index) =>
          completeSetupNaively(instance, tenant, token, `admin${index}@example.com`),
        );
        const outcomes = tally(results);
        // Over 30 trial runs: PostgreSQL 20 admins every time, SQLite 5 (the others met an open
        // write transaction: SQLITE_BUSY). The conditional UPDATE above gives exactly 1 on both.
        expect(outcomes['ok'] ?? 0).toBeGreaterThan(1);
        expect(await services.users.countWithRole(tenant.id, 'global-admin')).toBe(outcomes['ok']);
      });
    });
  });
}
