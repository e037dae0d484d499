/**
 * Issue 14, item 7: a sign-in with a Temporary Access Pass told by its timing whether a username
 * exists (about 4.4 ms against 2.7 ms: a known user's pass was redeemed and explained with two more
 * statements, and reading the user took one more statement for their roles). The fix makes every
 * path run the same statements; this test counts them instead of timing them, so it cannot be
 * fooled or made flaky by load: an unknown username, a known user with a wrong pass, a disabled
 * user, and a known user with another user's pass run the same number of statements, of the same
 * kinds, in the same order.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { generatePass } from '../factors/temporary-access-pass/temporary-access-pass-service.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { createTestServices, type TestServices } from '../test-support/services.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { recordStatements, shapeOf } from '../test-support/statement-counter.js';

for (const backend of testBackends) {
  describe(`a pass sign-in does the same work whether or not the username exists (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
    });

    /** The statements one refused pass sign-in runs, as their kinds (verb and first table). */
    async function statementsOf(username: string, pass: string): Promise<string[]> {
      const log = recordStatements(handle.db);
      try {
        await expect(
          services.flows.start({ tenant: acme, username, temporaryAccessPass: pass, ip: '203.0.113.9' }),
        ).rejects.toMatchObject({ code: 'invalid_credentials' });
        return log.statements.map(shapeOf);
      } finally {
        log.restore();
      }
    }

    it('unknown, known, disabled and someone else’s pass: the same statements', async () => {
      const issue = async (email: string, disabled = false) => {
        const user = await services.users.create({ tenantId: acme.id, email }, operatorActor);
        if (disabled) {
          await handle.db
            .transaction()
            .execute((trx) =>
              services.users.update(trx, acme.id, user.id, { disabled: true }, operatorActor),
            );
        }
        const { pass } = await services.passes.issue(
          { tenantId: acme.id, userId: user.id, lifetimeMinutes: 60, reusable: true, issuerRole: 'operator' },
          operatorActor,
        );
        return pass;
      };
      const bobsPass = await issue('bob@example.com');
      await issue('ann@example.com');
      await issue('dan@example.com', true);

      const unknown = await statementsOf('nobody@example.com', generatePass());
      const known = await statementsOf('ann@example.com', generatePass());
      const disabled = await statementsOf('dan@example.com', generatePass());
      const othersPass = await statementsOf('ann@example.com', bobsPass);
      // The throttle keeps a known account's counter in its row and an unknown username's in a row
      // of its own (users/password-throttle.ts): the same statements on different tables, so the
      // two tables count as one here. Everything else is the same, statement for statement.
      const accountAsOne = (path: string[]) =>
        path.map((s) =>
          s.replace(/ (users|throttles)$/, ' account').replace(/^insert account$/, 'update account'),
        );
      expect(unknown.length).toBeGreaterThan(3);
      expect(accountAsOne(known)).toEqual(accountAsOne(unknown));
      expect(accountAsOne(disabled)).toEqual(accountAsOne(unknown));
      expect(othersPass).toEqual(known);
      // Redeeming and explaining the pass happen on every path (they are what gave the time away).
      for (const path of [unknown, known, disabled]) {
        // The redeeming UPDATE, and the SELECT that explains a failure (it reads the user's roles).
        expect(path).toContain('update temporary_access_passes');
        expect(path).toContain('select user_roles');
      }
      // Someone else's pass is not spent by being typed with the wrong username.
      expect(
        await services.passes.state(
          acme.id,
          (await services.users.findByEmail(acme.id, 'bob@example.com'))!.id,
        ),
      ).toMatchObject({ used: false });
    });
  });
}
