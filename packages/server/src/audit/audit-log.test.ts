import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../platform/clock.js';
import { type MoreHandles, openMoreHandles } from '../test-support/connections.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { auditRowHash, canonicalAuditRow, genesisHash } from './audit-chain.js';
import { type AuditLog, createAuditLog, operatorActor } from './audit-log.js';
import { verifyAuditChain } from './audit-verify.js';

describe('the canonical serialisation of an audit row', () => {
  it('is the documented JSON array, hashed with SHA-256 (so others can recompute it)', () => {
    const row = {
      id: '0190f0aa-0000-7000-8000-000000000001',
      tenant_id: 'tenant-1',
      at: 1780000000000,
      actor_type: 'user',
      actor_id: 'user-1',
      action: 'method.delete',
      target_type: 'method',
      target_id: 'method-1',
      reason: 'lost phone, "old" one',
      ip: '203.0.113.5',
      details: '{"type":"totp"}',
      chain: 'tenant-1',
      seq: 7,
    };
    const text = canonicalAuditRow(genesisHash, row);
    expect(text).toBe(
      `["twofold-audit-v1","${genesisHash}","0190f0aa-0000-7000-8000-000000000001","tenant-1",1780000000000,"user","user-1","method.delete","method","method-1","lost phone, \\"old\\" one","203.0.113.5","{\\"type\\":\\"totp\\"}","tenant-1",7]`,
    );
    expect(auditRowHash(genesisHash, row)).toBe(createHash('sha256').update(text).digest('hex'));
    // Every field counts: null and the empty string differ, and so does the previous hash.
    expect(auditRowHash(genesisHash, { ...row, reason: null })).not.toBe(
      auditRowHash(genesisHash, { ...row, reason: '' }),
    );
    expect(auditRowHash('1'.repeat(64), row)).not.toBe(auditRowHash(genesisHash, row));
  });
});

for (const backend of testBackends) {
  describe(`the audit hash chain on ${backend.name}`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let audit: AuditLog;
    const clock = createManualClock(Date.UTC(2026, 5, 9, 12));

    beforeEach(() => {
      handle = database();
      audit = createAuditLog({ db: handle.db, clock });
    });

    async function chainRows(chain: string) {
      return handle.db
        .selectFrom('audit_events')
        .selectAll()
        .where('chain', '=', chain)
        .orderBy('seq')
        .execute();
    }

    it('links each row to the one before it, one chain per tenant and one for the deployment', async () => {
      await audit.record({ tenantId: 't1', actor: operatorActor, action: 'tenant.create' });
      clock.advance(1);
      await audit.record({
        tenantId: 't1',
        actor: { type: 'user', id: 'u1', ip: '198.51.100.7' },
        action: 'user.update',
        target: { type: 'user', id: 'u2' },
        reason: 'asked by phone',
        details: { roles: ['helpdesk'] },
      });
      await audit.record({ tenantId: 't2', actor: operatorActor, action: 'tenant.create' });
      await audit.record({ tenantId: null, actor: operatorActor, action: 'key.rotate' });

      const t1 = await chainRows('t1');
      expect(t1.map((r) => r.seq)).toEqual([1, 2]);
      expect(t1[0]?.prev_hash).toBe(genesisHash);
      expect(t1[1]?.prev_hash).toBe(t1[0]?.hash);
      for (const row of t1) {
        expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(row.hash).toBe(
          auditRowHash(row.prev_hash ?? '', { ...row, chain: row.chain ?? '', seq: row.seq ?? 0 }),
        );
      }
      expect(t1[1]).toMatchObject({
        tenant_id: 't1',
        actor_type: 'user',
        actor_id: 'u1',
        ip: '198.51.100.7',
        target_type: 'user',
        target_id: 'u2',
        reason: 'asked by phone',
        details: '{"roles":["helpdesk"]}',
      });
      expect((await chainRows('t2')).map((r) => [r.seq, r.prev_hash])).toEqual([[1, genesisHash]]);
      const global = await chainRows('global');
      expect(global.map((r) => [r.seq, r.tenant_id, r.action])).toEqual([[1, null, 'key.rotate']]);
      expect((await verifyAuditChain(handle.db)).ok).toBe(true);
    });

    it("commits and rolls back with the caller's transaction, leaving no gap", async () => {
      await audit.record({ tenantId: 't1', actor: operatorActor, action: 'a.one' });
      await expect(
        handle.db.transaction().execute(async (trx) => {
          await audit.record({ tenantId: 't1', actor: operatorActor, action: 'a.rolled_back' }, trx);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await handle.db.transaction().execute(async (trx) => {
        await audit.record({ tenantId: 't1', actor: operatorActor, action: 'a.two' }, trx);
        await audit.record({ tenantId: 't1', actor: operatorActor, action: 'a.three' }, trx);
      });
      const rows = await chainRows('t1');
      expect(rows.map((r) => [r.seq, r.action])).toEqual([
        [1, 'a.one'],
        [2, 'a.two'],
        [3, 'a.three'],
      ]);
      expect((await verifyAuditChain(handle.db)).ok).toBe(true);
    });

    it('20 concurrent appends through one instance give seq 1..20 and an unbroken chain', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2
            ? audit.record({ tenantId: 't1', actor: operatorActor, action: `a.${i}` })
            : handle.db
                .transaction()
                .execute((trx) =>
                  audit.record({ tenantId: 't1', actor: operatorActor, action: `a.${i}` }, trx),
                ),
        ),
      );
      const rows = await chainRows('t1');
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const report = await verifyAuditChain(handle.db);
      expect(report).toMatchObject({ ok: true, rowsChecked: 20 });
    });

    describe('appends from several instances at once', () => {
      let more: MoreHandles;
      beforeAll(async () => {
        more = await openMoreHandles(database(), 4, { poolSize: 5 });
      });
      afterAll(async () => {
        await more.close();
      });

      it('20 concurrent appends outside transactions over 4 connections give seq 1..20 and an unbroken chain', async () => {
        await more.warm();
        const logs = more.handles.map((h) => createAuditLog({ db: h.db, clock }));
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (logs[i % logs.length] as AuditLog).record({
              tenantId: 't1',
              actor: operatorActor,
              action: `a.${i}`,
            }),
          ),
        );
        const rows = await chainRows('t1');
        expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, rowsChecked: 20 });
      });

      it(
        backend.name === 'postgres'
          ? '20 concurrent appends over 4 pools all succeed with seq 1..20 and an unbroken chain'
          : 'concurrent appends from 4 connections never fork the chain (SQLite refuses the losers: SQLITE_BUSY)',
        async () => {
          await more.warm();
          const logs = more.handles.map((h) => createAuditLog({ db: h.db, clock }));
          const results = await Promise.allSettled(
            Array.from({ length: 20 }, (_, i) => {
              const log = logs[i % logs.length] as AuditLog;
              const db = (more.handles[i % logs.length] as TestDatabaseHandle).db;
              const event = { tenantId: 't1', actor: operatorActor, action: `a.${i}` };
              // Half on their own, half inside a caller's transaction after a write of the caller.
              return i % 2
                ? log.record(event)
                : db.transaction().execute(async (trx) => {
                    await trx
                      .insertInto('throttles')
                      .values({ key: `k${i}`, failures: 1, window_started_at: 0, locked_until: null })
                      .execute();
                    await log.record(event, trx);
                  });
            }),
          );
          const succeeded = results.filter((r) => r.status === 'fulfilled').length;
          if (backend.name === 'postgres') {
            expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
            expect(succeeded).toBe(20);
          } else {
            // Every refusal is SQLite's lock, never a duplicate place in the chain.
            for (const r of results) {
              if (r.status === 'rejected') expect(String(r.reason)).toMatch(/SQLITE_BUSY|database is locked/);
            }
            expect(succeeded).toBeGreaterThan(0);
          }
          const rows = await chainRows('t1');
          expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: succeeded }, (_, i) => i + 1));
          expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true, rowsChecked: succeeded });
        },
      );
    });
  });
}
