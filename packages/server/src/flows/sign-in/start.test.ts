/**
 * Issue 21: the work around a password sign-in's hash, counted instead of timed so it cannot creep
 * back unnoticed. The user and their roles are read once (with the password counters) and passed
 * along; the account's counters are written only when there is something to reset; the throttle
 * reads the address's and the username's counters in one statement. A successful sign-in ran 11
 * statements before (10 from a known device); it runs 7. (The route adds the tenant's read.)
 *
 * A refused password costs the same statements whether the username exists, is disabled or is made
 * up (the enumeration rule of issue 14, item 7, which pass-timing.test.ts holds for passes).
 */
import { decodeBase32, generateTotp } from '@twofold/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../../test-support/databases.js';
import { createTestServices, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import { recordStatements, shapeOf } from '../../test-support/statement-counter.js';
import type { StartInput } from './types.js';

const password = 'correct horse battery';
const ip = '203.0.113.9';

for (const backend of testBackends) {
  describe(`the statements of a password sign-in (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      const ann = await services.users.create(
        { tenantId: acme.id, email: 'ann@example.com', password, roles: ['helpdesk'] },
        operatorActor,
      );
      const method = await services.totp.register(
        { tenantId: acme.id, userId: ann.id, type: 'totp' },
        operatorActor,
      );
      const code = generateTotp({ secret: decodeBase32(method.secret), time: services.clock.now() / 1000 });
      expect(
        await services.totp.verify({ tenantId: acme.id, userId: ann.id, methodId: method.methodId, code }),
      ).toMatchObject({ ok: true });
    });

    /** What one sign-in ran, as statement kinds (verb and first table), and what it answered. */
    async function statementsOf(input: Partial<StartInput> & { username: string }) {
      const log = recordStatements(handle.db);
      try {
        const started = await services.flows.start({ tenant: acme, password, ip, ...input });
        return { started, statements: log.statements.map(shapeOf) };
      } finally {
        log.restore();
      }
    }

    async function refusedStatementsOf(username: string, wrong = 'not the password') {
      const log = recordStatements(handle.db);
      try {
        await expect(
          services.flows.start({ tenant: acme, username, password: wrong, ip }),
        ).rejects.toMatchObject({ code: 'invalid_credentials' });
        return log.statements.map(shapeOf);
      } finally {
        log.restore();
      }
    }

    const accountOf = (email: string) =>
      handle.db
        .selectFrom('users')
        .select(['password_failures', 'password_locked_until'])
        .where('email', '=', email)
        .executeTakeFirstOrThrow();

    it('a new browser: 7 statements; the user read once, no counter written', async () => {
      const { started, statements } = await statementsOf({ username: 'ann@example.com' });
      expect(started.flow.status).toBe('mfa_required');
      expect(started.deviceToken).toBeDefined();
      expect(statements).toEqual([
        'select users', // the user, their roles and their password counters, one statement
        'select throttles', // the address's and the username's counters, one statement
        'delete known_devices', // the user's lapsed devices
        'insert known_devices', // this browser, known from now on
        'select methods',
        'select recovery_codes',
        'insert sign_in_flows',
      ]);
    });

    it('a known browser: 7 statements', async () => {
      const { started: first } = await statementsOf({ username: 'ann@example.com' });
      const { started, statements } = await statementsOf({
        username: 'ann@example.com',
        deviceToken: first.deviceToken,
      });
      expect(started.flow.status).toBe('mfa_required');
      expect(started.deviceToken).toBe(first.deviceToken);
      expect(statements).toEqual([
        'select users',
        'select throttles',
        'select known_devices', // the throttle's probe: a known device is not held back by the account
        'update known_devices', // seen again
        'select methods',
        'select recovery_codes',
        'insert sign_in_flows',
      ]);
    });

    it('after failures, the right password resets the account (one statement more), and only then', async () => {
      for (let i = 0; i < 3; i++) await refusedStatementsOf('ann@example.com');
      expect(await accountOf('ann@example.com')).toEqual({
        password_failures: 3,
        password_locked_until: null,
      });
      const { started, statements } = await statementsOf({ username: 'ann@example.com' });
      expect(started.flow.status).toBe('mfa_required');
      expect(statements.filter((s) => s === 'update users')).toHaveLength(1);
      expect(statements).toHaveLength(8);
      expect(await accountOf('ann@example.com')).toEqual({
        password_failures: 0,
        password_locked_until: null,
      });
      // The next one has nothing to reset.
      expect((await statementsOf({ username: 'ann@example.com' })).statements).not.toContain('update users');
    });

    it('a locked account is still refused before the password is checked (the lock read with the user)', async () => {
      for (let i = 0; i < 10; i++) await refusedStatementsOf('ann@example.com');
      await expect(
        services.flows.start({ tenant: acme, username: 'ann@example.com', password, ip: '198.51.100.1' }),
      ).rejects.toMatchObject({ code: 'locked_out', details: { retryAfter: 60 } });
      services.clock.advance(60_000);
      const { started } = await statementsOf({ username: 'ann@example.com' });
      expect(started.flow.status).toBe('mfa_required');
      expect(await accountOf('ann@example.com')).toEqual({
        password_failures: 0,
        password_locked_until: null,
      });
    });

    it('a wrong password: the same statements for a known, a disabled and an unknown username', async () => {
      const dan = await services.users.create(
        { tenantId: acme.id, email: 'dan@example.com', password },
        operatorActor,
      );
      await handle.db
        .transaction()
        .execute((trx) => services.users.update(trx, acme.id, dan.id, { disabled: true }, operatorActor));
      const known = await refusedStatementsOf('ann@example.com');
      const disabled = await refusedStatementsOf('dan@example.com', password);
      const unknown = await refusedStatementsOf('nobody@example.com');
      // A known account's counter is in its row, an unknown username's in a row of its own
      // (users/password-throttle.ts): the same statement on two tables, counted as one here.
      const accountAsOne = (path: string[]) =>
        path.map((s) => s.replace(/^(update users|insert throttles)$/, 'count account'));
      expect(known).toEqual([
        'select users',
        'select throttles',
        'insert throttles', // the address's counter
        'update users', // the account's
        'insert sign_in_events',
      ]);
      expect(disabled).toEqual(known);
      expect(accountAsOne(unknown)).toEqual(accountAsOne(known));
    });
  });
}
