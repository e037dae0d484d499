import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../../audit/audit-log.js';
import { verifyAuditChain } from '../../../audit/audit-verify.js';
import type { Tenant } from '../../../tenants/tenant-service.js';
import { type TestDatabaseHandle, testBackends } from '../../../test-support/databases.js';
import { createTestServices, type TestServices } from '../../../test-support/services.js';
import { useTestDatabase } from '../../../test-support/shared-database.js';

for (const backend of testBackends) {
  describe(`user import from CSV (${backend.name})`, { timeout: 60_000 }, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let services: TestServices;
    let acme: Tenant;

    beforeEach(async () => {
      handle = database();
      services = createTestServices(handle);
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
    });

    const run = (csv: string, dryRun = false) =>
      services.admin.importUsers({ tenantId: acme.id, csv, actor: operatorActor, dryRun });
    const userCount = async () =>
      Number(
        (
          await handle.db
            .selectFrom('users')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('imports every line: names, roles, an empty role for an ordinary user, columns in any order', async () => {
      const csv =
        '\ufeffRole, Email ,NAME\r\n' +
        ',ann@example.com,Ann Example\r\n' +
        '\r\n' +
        'helpdesk,bob@example.com,"Bob ""The Builder"", Jr."\r\n' +
        'global-admin,Cy@Example.com,\r\n';
      const report = await run(csv);
      expect(report).toEqual({ rows: 3, imported: 3, refused: [], dryRun: false });
      const { users } = services;
      expect(await users.findByEmail(acme.id, 'ann@example.com')).toMatchObject({
        displayName: 'Ann Example',
        roles: [],
        hasPassword: false,
      });
      expect(await users.findByEmail(acme.id, 'bob@example.com')).toMatchObject({
        displayName: 'Bob "The Builder", Jr.',
        roles: ['helpdesk'],
      });
      expect(await users.findByEmail(acme.id, 'cy@example.com')).toMatchObject({
        email: 'Cy@Example.com',
        displayName: 'Cy',
        roles: ['global-admin'],
      });
      const actions = await handle.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', 'in', ['user.create', 'user.import'])
        .execute();
      expect(actions.map((a) => a.action).sort()).toEqual([
        'user.create',
        'user.create',
        'user.create',
        'user.import',
      ]);
    });

    it('refuses the whole file when any line is refused, listing every line with its number and reason', async () => {
      await services.users.create({ tenantId: acme.id, email: 'old@example.com' }, operatorActor);
      const csv = [
        'email,name,role',
        'ok@example.com,Fine,',
        'not-an-email,Bad,',
        'OLD@example.com,Exists,',
        'dup@example.com,First,',
        '"multi',
        'line@example.com",Quoted,',
        'dup@example.com,Second,',
        'who@example.com,Bad role,superuser',
        'few@example.com,only two',
        `long@example.com,${'n'.repeat(201)},`,
        '=HYPERLINK("http://evil.example"),Formula,',
      ].join('\n');
      const before = await userCount();
      const report = await run(csv);
      expect(report.imported).toBe(0);
      expect(report.rows).toBe(10);
      expect(report.refused.map((r) => [r.line, r.code])).toEqual([
        [3, 'email_invalid'],
        [4, 'user_exists'],
        [6, 'email_invalid'],
        [8, 'user_exists'],
        [9, 'role_invalid'],
        [10, 'validation_failed'],
        [11, 'validation_failed'],
        [12, 'email_invalid'],
      ]);
      expect(report.refused[3]?.message).toBe("the email 'dup@example.com' is on line 5 already");
      expect(report.refused[5]?.message).toBe('the row has 2 fields, the header 3');
      expect(await userCount()).toBe(before);
      expect(await services.users.findByEmail(acme.id, 'ok@example.com')).toBeUndefined();
    });

    it('a dry run checks and writes nothing', async () => {
      const report = await run('email,name,role\nann@example.com,Ann,\n', true);
      expect(report).toEqual({ rows: 1, imported: 0, refused: [], dryRun: true });
      expect(await userCount()).toBe(0);
    });

    it('refuses a file that is not this CSV as a whole, naming the line', async () => {
      for (const [csv, message] of [
        ['', 'line 1: the file is empty'],
        ['upn,name,role\na@example.com,A,\n', "line 1: unknown column 'upn' in the header"],
        ['email,name\na@example.com,A\n', "line 1: the header lacks 'role'"],
        ['email,email,role\n', "line 1: the header names column 'email' twice"],
        ['email,name,role\na@example.com,"A,\nb@example.com,B,\n', 'line 2: a quoted field'],
      ] as const) {
        await expect(run(csv)).rejects.toMatchObject({
          code: 'csv_invalid',
          message: expect.stringContaining(message),
        });
      }
      expect(await userCount()).toBe(0);
    });

    it('imports 10,000 lines in one transaction, with progress', async () => {
      const lines = ['email,name,role'];
      for (let i = 0; i < 10_000; i++)
        lines.push(`user${i}@example.com,User ${i},${i % 1000 === 0 ? 'helpdesk' : ''}`);
      const progress: number[] = [];
      const started = performance.now();
      const report = await services.admin.importUsers({
        tenantId: acme.id,
        csv: `${lines.join('\n')}\n`,
        actor: operatorActor,
        onProgress: (done) => progress.push(done),
      });
      const seconds = (performance.now() - started) / 1000;
      console.log(`user import on ${backend.name}: 10,000 lines in ${seconds.toFixed(2)} s`);
      expect(report).toEqual({ rows: 10_000, imported: 10_000, refused: [], dryRun: false });
      expect(await userCount()).toBe(10_000);
      expect(progress.at(-1)).toBe(10_000);
      expect(progress.length).toBeGreaterThanOrEqual(20);
      expect((await services.users.findByEmail(acme.id, 'user1000@example.com'))?.roles).toEqual([
        'helpdesk',
      ]);
      // Each user's audit event is chained like any other: the chain verifies.
      const verified = await verifyAuditChain(handle.db, { tenantId: acme.id });
      expect(verified.ok).toBe(true);
      expect(verified.rowsChecked).toBeGreaterThan(10_000);
      // The same file again: every line is now a user who exists; nothing more is written.
      const again = await run(`${lines.join('\n')}\n`);
      expect(again.imported).toBe(0);
      expect(again.refused).toHaveLength(10_000);
      expect(again.refused[0]).toMatchObject({ line: 2, code: 'user_exists' });
      expect(await userCount()).toBe(10_000);
    });
  });
}
