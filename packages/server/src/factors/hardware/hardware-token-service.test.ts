import { readFileSync } from 'node:fs';
import { decodeBase32, generateTotp, TwofoldError } from '@twofold/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Actor, operatorActor } from '../../audit/audit-log.js';
import { defaultTenantPolicy } from '../../tenants/tenant-policy.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { testBackends } from '../../test-support/databases.js';
import { useInstanceFleet } from '../../test-support/fixtures.js';
import { createTestServices, type TestServices } from '../../test-support/services.js';
import { useTestDatabase } from '../../test-support/shared-database.js';
import type { User } from '../../users/user-service.js';
import { methodSecretAad } from '../totp/totp-method-service.js';
import type { CsvSource } from './hardware-token-csv.js';
import {
  createHardwareTokenService,
  type HardwareTokenService,
  type ImportProgress,
  importBatchSize,
} from './hardware-token-service.js';

const header = 'upn,serial number,secret key,time interval,manufacturer,model';
const sampleSecret = '2234567abcdef2234567abcdef';
const fixture = new URL('./fixtures/microsoft-sample.csv', import.meta.url);
const adminActor: Actor = { type: 'api_key', id: 'key-1', ip: '192.0.2.1' };
const password = 'correct horse battery';

function hardwareTokens(services: TestServices): HardwareTokenService {
  return createHardwareTokenService({
    db: services.db,
    clock: services.clock,
    audit: services.audit,
    sealer: services.sealer,
    tenants: services.tenants,
    users: services.users,
    totp: services.totp,
  });
}

/** A distinct 160-bit base32 secret per number (32 characters). */
function secretFor(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let text = '';
  for (let i = 0, v = n; i < 8; i++, v = Math.floor(v / 32)) text += alphabet[v % 32];
  return `${text}JBSWY3DPEHPK3PXPJBSWY3DPEHPK`.slice(0, 32);
}

for (const backend of testBackends) {
  describe(`hardware OATH tokens (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let services: TestServices;
    let tokens: HardwareTokenService;
    let acme: Tenant;
    let other: Tenant;
    let alice: User;
    let bob: User;
    let carol: User;

    beforeEach(async () => {
      services = createTestServices(database(), { clock: undefined });
      services.clock.set(Date.UTC(2026, 5, 9, 13, 10, 0));
      tokens = hardwareTokens(services);
      acme = await services.tenants.create({ slug: 'acme' }, operatorActor);
      other = await services.tenants.create({ slug: 'other' }, operatorActor);
      alice = await services.users.create(
        { tenantId: acme.id, email: 'Alice@Example.com', password },
        operatorActor,
      );
      bob = await services.users.create({ tenantId: acme.id, email: 'bob@example.com' }, operatorActor);
      carol = await services.users.create({ tenantId: other.id, email: 'carol@example.com' }, operatorActor);
    });

    const fleet = useInstanceFleet(database, () => services, 2);

    function importText(text: string | string[], onProgress?: (p: ImportProgress) => void, tenant = acme) {
      const source = typeof text === 'string' ? [text] : text;
      return tokens.import({ tenantId: tenant.id, source }, adminActor, onProgress);
    }

    function methodRows() {
      return services.db.selectFrom('methods').selectAll().orderBy('serial').execute();
    }

    function codeAt(secret: string, period: number, offsetSeconds = 0): string {
      return generateTotp({
        secret: decodeBase32(secret),
        period,
        time: services.clock.now() / 1000 + offsetSeconds,
      });
    }

    it("imports Microsoft's sample as a pending SHA1 6-digit token with a sealed secret", async () => {
      const result = await tokens.import({ tenantId: acme.id, source: [readFileSync(fixture)] }, adminActor);
      expect(result).toEqual({ imported: 1, errors: [], errorsOmitted: 0 });
      const [row, ...rest] = await methodRows();
      expect(rest).toEqual([]);
      expect(row).toMatchObject({
        tenant_id: acme.id,
        user_id: alice.id,
        type: 'hardware_oath',
        status: 'pending',
        is_default: 0,
        label: 'Contoso HardwareKey (1234567)',
        serial: '1234567',
        manufacturer: 'Contoso',
        model: 'HardwareKey',
        algorithm: 'SHA1',
        digits: 6,
        period: 60,
      });
      if (!row?.secret_sealed) throw new Error('no sealed secret');
      expect(row.secret_sealed).toMatch(/^tf1\./);
      expect(row.secret_sealed.toUpperCase()).not.toContain(sampleSecret.toUpperCase());
      expect(Buffer.from(services.sealer.open(row.secret_sealed, methodSecretAad(row.id)))).toEqual(
        Buffer.from(decodeBase32(sampleSecret)),
      );
      // Pending tokens are no sign-in method yet.
      expect(await services.methods.listForUser(acme.id, alice.id)).toEqual([]);
      expect(await tokens.get(acme.id, alice.id, row.id)).toMatchObject({
        type: 'hardware_oath',
        status: 'pending',
        serial: '1234567',
        period: 60,
      });
    });

    it('imports the good rows and reports each bad one with its line and why', async () => {
      const text = [
        header, // 1
        `alice@example.com,S-1,${secretFor(1)},30,Contoso,Key`, // 2
        `nobody@example.com,S-2,${secretFor(2)},30,Contoso,Key`, // 3
        `carol@example.com,S-3,${secretFor(3)},30,Contoso,Key`, // 4: a user of another tenant
        `bob@example.com,S-4,JBSWY3DPEHPK3PXP,30,Contoso,Key`, // 5: 80 bits
        `bob@example.com,S-5,${secretFor(5).slice(0, 30)}18,30,Contoso,Key`, // 6: not base32
        `bob@example.com,S-6,${secretFor(6)},45,Contoso,Key`, // 7
        `bob@example.com,S-1,${secretFor(7)},30,Contoso,Key`, // 8: serial of line 2
        `bob@example.com,,${secretFor(8)},30,Contoso,Key`, // 9
        `bob@example.com,S-9,${secretFor(9)},30,Contoso`, // 10: a field short
        `bob@example.com,${'S'.repeat(65)},${secretFor(10)},30,Contoso,Key`, // 11
        '', // 12
        ` BOB@example.com ,S-12,${secretFor(12).toLowerCase()},60,,`, // 13
      ].join('\r\n');
      const result = await importText(text);
      expect(result.errors).toEqual([
        { line: 3, message: "unknown user 'nobody@example.com' in this tenant" },
        { line: 4, message: "unknown user 'carol@example.com' in this tenant" },
        {
          line: 5,
          message: 'secret key is too short: 80 bits, at least 128 (26 base32 characters) are needed',
        },
        { line: 6, message: 'secret key is not base32: the character at position 31 is not A-Z or 2-7' },
        { line: 7, message: "time interval must be 30 or 60 (seconds), not '45'" },
        { line: 8, message: "serial number 'S-1' is already on line 2" },
        { line: 9, message: 'serial number is missing' },
        { line: 10, message: 'the row has 5 fields, the header 6' },
        { line: 11, message: 'serial number is longer than 64 characters' },
      ]);
      expect(result.imported).toBe(2);
      const rows = await methodRows();
      expect(rows.map((r) => [r.serial, r.user_id, r.period, r.label])).toEqual([
        ['S-1', alice.id, 30, 'Contoso Key (S-1)'],
        ['S-12', bob.id, 60, 'Hardware token (S-12)'],
      ]);
    });

    it('reports serials already in the tenant, and a second import of the same file imports nothing', async () => {
      const text = `${header}\nalice@example.com,S-1,${secretFor(1)},30,C,K\nbob@example.com,S-2,${secretFor(2)},30,C,K\n`;
      expect(await importText(text)).toMatchObject({ imported: 2, errors: [] });
      expect(await importText(text)).toEqual({
        imported: 0,
        errors: [
          { line: 2, message: "serial number 'S-1' is already imported in this tenant" },
          { line: 3, message: "serial number 'S-2' is already imported in this tenant" },
        ],
        errorsOmitted: 0,
      });
      // Serials are unique per tenant: another tenant may hold the same serial.
      const elsewhere = `${header}\ncarol@example.com,S-1,${secretFor(1)},30,C,K\n`;
      expect(await importText(elsewhere, undefined, other)).toMatchObject({ imported: 1, errors: [] });
    });

    it('a bad header imports nothing', async () => {
      const result = await importText(
        `upn,serial,secret key,time interval,manufacturer,model\nalice@example.com,S-1,${secretFor(1)},30,C,K\n`,
      );
      expect(result).toEqual({
        imported: 0,
        errors: [{ line: 1, message: expect.stringMatching(/^unknown column 'serial' in the header/) }],
        errorsOmitted: 0,
      });
      expect(await methodRows()).toEqual([]);
    });

    it('records one audit event per import, with counts and without any secret', async () => {
      const text = `${header}\nalice@example.com,S-1,${sampleSecret},30,C,K\nbob@example.com,S-2,${secretFor(2)},31,C,K\n`;
      await importText(text);
      const events = await services.db
        .selectFrom('audit_events')
        .selectAll()
        .where('tenant_id', '=', acme.id)
        .execute();
      const imports = events.filter((e) => e.action === 'hardware_tokens.import');
      expect(imports).toHaveLength(1);
      expect(imports[0]).toMatchObject({ actor_type: 'api_key', actor_id: 'key-1', ip: '192.0.2.1' });
      expect(JSON.parse(imports[0]?.details ?? '{}')).toEqual({ imported: 1, errors: 1, lines: 3 });
      expect(events.filter((e) => e.action.startsWith('method'))).toEqual([]);
      const everything = JSON.stringify(events).toUpperCase();
      for (const secret of [sampleSecret, secretFor(2)])
        expect(everything).not.toContain(secret.toUpperCase());
    });

    it("refuses when the tenant's policy does not allow hardware tokens, and rows the caller may not assign", async () => {
      await services.tenants.updatePolicy(
        acme.id,
        { ...defaultTenantPolicy, allowedMethods: ['authenticator', 'totp'] },
        operatorActor,
      );
      await expect(importText(`${header}\n`)).rejects.toMatchObject({ code: 'method_type_not_allowed' });
      await services.tenants.updatePolicy(acme.id, defaultTenantPolicy, operatorActor);

      const result = await tokens.import(
        {
          tenantId: acme.id,
          source: [
            `${header}\nalice@example.com,S-1,${secretFor(1)},30,C,K\nbob@example.com,S-2,${secretFor(2)},30,C,K\n`,
          ],
          mayAssignTo: (user) => (user.id === alice.id ? 'not this one' : undefined),
        },
        adminActor,
      );
      expect(result).toMatchObject({
        imported: 1,
        errors: [{ line: 2, message: "'alice@example.com': not this one" }],
      });
    });

    it('activates with one code, then signs in like any TOTP method, as the default', async () => {
      const secret = secretFor(42);
      await importText(`${header}\nalice@example.com,S-42,${secret},60,Contoso,Key\n`);
      const [row] = await methodRows();
      const methodId = row?.id ?? '';
      const target = { tenantId: acme.id, userId: alice.id, methodId };

      // A wrong code is refused and leaves the token pending.
      const wrong = codeAt(secret, 60) === '000000' ? '111111' : '000000';
      await expect(tokens.activate({ ...target, code: wrong }, adminActor)).rejects.toMatchObject({
        code: 'otp_invalid',
      });
      expect((await tokens.get(acme.id, alice.id, methodId)).status).toBe('pending');
      // So is a code from a token minutes off (a hint for the next code, not an activation).
      await expect(
        tokens.activate({ ...target, code: codeAt(secret, 60, 300) }, adminActor),
      ).rejects.toMatchObject({
        code: 'otp_clock_skew',
        details: { offsetSeconds: 300 },
      });
      expect((await tokens.get(acme.id, alice.id, methodId)).status).toBe('pending');

      const activated = await tokens.activate({ ...target, code: codeAt(secret, 60) }, adminActor);
      expect(activated).toMatchObject({
        id: methodId,
        status: 'active',
        isDefault: true,
        serial: 'S-42',
        period: 60,
      });
      await expect(
        tokens.activate({ ...target, code: codeAt(secret, 60) }, adminActor),
      ).rejects.toMatchObject({
        code: 'method_already_active',
      });
      const audit = await services.db
        .selectFrom('audit_events')
        .select(['action', 'actor_type'])
        .where('target_id', '=', methodId)
        .execute();
      expect(audit).toContainEqual({ action: 'hardware_token.activate', actor_type: 'api_key' });
      // The activation is the admin's act, not the user's.
      expect(audit).toContainEqual({ action: 'method.activate', actor_type: 'api_key' });
      expect(audit.filter((e) => e.actor_type === 'user')).toEqual([]);

      // Sign-in: the same step is not accepted twice; the next one is.
      const { flows } = services;
      const signIn = async (code: string) => {
        const started = await flows.start({
          tenant: acme,
          username: 'alice@example.com',
          password,
          ip: '192.0.2.9',
        });
        expect(started.flow.status).toBe('mfa_required');
        expect(started.flow.methods[0]).toMatchObject({
          id: methodId,
          type: 'hardware_oath',
          isDefault: true,
        });
        return flows.verify(
          acme,
          started.flow.flowId,
          { clientSecret: started.clientSecret, ip: '192.0.2.9' },
          methodId,
          code,
        );
      };
      await expect(signIn(codeAt(secret, 60))).rejects.toMatchObject({ code: 'otp_replayed' });
      services.clock.advance(60_000);
      const signedIn = await signIn(codeAt(secret, 60));
      expect(signedIn).toMatchObject({ status: 'signed_in', session: { token: expect.any(String) } });
    });

    it("activates only the user's own hardware tokens", async () => {
      await importText(`${header}\nalice@example.com,S-1,${secretFor(1)},30,C,K\n`);
      const [row] = await methodRows();
      const code = codeAt(secretFor(1), 30);
      for (const target of [
        { tenantId: acme.id, userId: bob.id, methodId: row?.id ?? '' },
        { tenantId: other.id, userId: alice.id, methodId: row?.id ?? '' },
        { tenantId: acme.id, userId: alice.id, methodId: 'no-such-method' },
      ]) {
        await expect(tokens.activate({ ...target, code }, adminActor)).rejects.toMatchObject({
          code: 'method_not_found',
        });
      }
      const app = await services.totp.register(
        { tenantId: acme.id, userId: alice.id, type: 'totp' },
        operatorActor,
      );
      await expect(
        tokens.activate(
          { tenantId: acme.id, userId: alice.id, methodId: app.methodId, code: '123456' },
          adminActor,
        ),
      ).rejects.toMatchObject({ code: 'method_not_found' });
      expect(carol.tenantId).toBe(other.id);
    });

    it('a token deactivated by re-registration is activated again by a code, and stays off after a wrong one', async () => {
      const secret = secretFor(7);
      await importText(`${header}\nbob@example.com,S-7,${secret},30,C,K\n`);
      const [row] = await methodRows();
      const target = { tenantId: acme.id, userId: bob.id, methodId: row?.id ?? '' };
      await tokens.activate({ ...target, code: codeAt(secret, 30) }, adminActor);
      await services.db
        .updateTable('methods')
        .set({ status: 'disabled', is_default: 0 })
        .where('id', '=', target.methodId)
        .execute();

      services.clock.advance(30_000);
      const wrong = codeAt(secret, 30) === '000000' ? '111111' : '000000';
      await expect(tokens.activate({ ...target, code: wrong }, adminActor)).rejects.toBeInstanceOf(
        TwofoldError,
      );
      expect((await tokens.get(acme.id, bob.id, target.methodId)).status).toBe('disabled');
      const again = await tokens.activate({ ...target, code: codeAt(secret, 30) }, adminActor);
      expect(again).toMatchObject({ status: 'active', isDefault: true });
    });

    // On PostgreSQL two instances; on SQLite one instance running both (in one process, a second
    // SQLite connection fails fast on the lock instead of waiting: see test-support/connections.ts).
    it('two imports of the same file at once import each token once', async () => {
      const lines = [header];
      for (let i = 0; i < 1200; i++) lines.push(`bob@example.com,P-${i},${secretFor(i)},30,C,K`);
      const text = lines.join('\n');
      const [one, two] = (backend.name === 'postgres' ? fleet() : [services, services]).map(hardwareTokens);
      const results = await Promise.all(
        [one, two].map((service) => service?.import({ tenantId: acme.id, source: [text] }, adminActor)),
      );
      const imported = results.reduce((sum, r) => sum + (r?.imported ?? 0), 0);
      const errors = results.flatMap((r) => r?.errors ?? []);
      expect(imported).toBe(1200);
      expect(errors.length + results.reduce((sum, r) => sum + (r?.errorsOmitted ?? 0), 0)).toBe(1200);
      expect(new Set(errors.map((e) => e.message.replace(/'.*'/, "'S'")))).toEqual(
        new Set(["serial number 'S' is already imported in this tenant"]),
      );
      const count = await services.db
        .selectFrom('methods')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1200);
    });

    it('streams: 100,000 rows in batches, never reading far ahead of what is stored', {
      timeout: 120_000,
    }, async () => {
      const rows = 100_000;
      let produced = 0;
      let maxAhead = 0;
      async function* source(): AsyncGenerator<string> {
        yield `${header}\n`;
        // Rows come in chunks of 100, as a file read in pieces would.
        for (let start = 0; start < rows; start += 100) {
          let chunk = '';
          for (let i = start; i < start + 100; i++) chunk += `bob@example.com,T${i},${secretFor(i)},30,C,K\n`;
          produced = start + 100;
          yield chunk;
        }
      }
      const progress: ImportProgress[] = [];
      const result = await tokens.import(
        { tenantId: acme.id, source: source() as CsvSource },
        adminActor,
        (p) => {
          progress.push(p);
          maxAhead = Math.max(maxAhead, produced - p.imported);
        },
      );
      expect(result).toEqual({ imported: rows, errors: [], errorsOmitted: 0 });
      expect(progress.length).toBeGreaterThanOrEqual(rows / importBatchSize);
      expect(progress.at(-1)).toEqual({ line: rows + 1, imported: rows, errors: 0 });
      // At most a batch and a chunk or two in memory, whatever the length of the file.
      expect(maxAhead).toBeLessThanOrEqual(importBatchSize + 300);
      const count = await services.db
        .selectFrom('methods')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('type', '=', 'hardware_oath')
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(rows);
    });

    it('lists the first 1000 errors and counts the rest', async () => {
      const lines = [header];
      for (let i = 0; i < 1500; i++) lines.push(`nobody${i}@example.com,E-${i},${secretFor(i)},30,C,K`);
      const result = await importText(lines.join('\n'));
      expect(result.imported).toBe(0);
      expect(result.errors).toHaveLength(1000);
      expect(result.errors[0]).toEqual({
        line: 2,
        message: "unknown user 'nobody0@example.com' in this tenant",
      });
      expect(result.errors.at(-1)?.line).toBe(1001);
      expect(result.errorsOmitted).toBe(500);
    });
  });
}
