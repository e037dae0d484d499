import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../platform/clock.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { auditRowHash } from './audit-chain.js';
import { type AuditLog, createAuditLog, operatorActor } from './audit-log.js';
import { type AuditVerifyProgress, verifyAuditChain } from './audit-verify.js';

for (const backend of testBackends) {
  describe(`audit verify on ${backend.name}`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let audit: AuditLog;
    const clock = createManualClock(Date.UTC(2026, 5, 9, 12));

    beforeEach(() => {
      handle = database();
      audit = createAuditLog({ db: handle.db, clock });
    });

    /** n events in tenant t1's chain (and one in t2's); returns t1's row ids by seq (index 0 = seq 1). */
    async function seed(n = 6): Promise<string[]> {
      for (let i = 1; i <= n; i++) {
        clock.advance(1000);
        await audit.record({
          tenantId: 't1',
          actor: { type: 'user', id: 'admin-1', ip: '203.0.113.9' },
          action: 'user.update',
          target: { type: 'user', id: `u${i}` },
          reason: `change ${i}`,
          details: { n: i },
        });
      }
      await audit.record({ tenantId: 't2', actor: operatorActor, action: 'tenant.create' });
      const rows = await handle.db
        .selectFrom('audit_events')
        .select(['id'])
        .where('chain', '=', 't1')
        .orderBy('seq')
        .execute();
      return rows.map((r) => r.id);
    }

    async function verifyT1() {
      const report = await verifyAuditChain(handle.db, { tenantId: 't1' });
      expect(report.chains.map((c) => c.chain)).toEqual(['t1']);
      return report.chains[0]!;
    }

    it('an untouched log verifies: every chain, its rows and its head', async () => {
      const ids = await seed();
      const report = await verifyAuditChain(handle.db);
      expect(report.ok).toBe(true);
      expect(report.rowsChecked).toBe(7);
      expect(report.unchained).toBe(0);
      expect(report.chains.map((c) => [c.chain, c.rows, c.ok, c.head?.seq])).toEqual([
        ['t1', 6, true, 6],
        ['t2', 1, true, 1],
      ]);
      const head = await handle.db
        .selectFrom('audit_events')
        .select('hash')
        .where('id', '=', ids[5]!)
        .executeTakeFirstOrThrow();
      expect(report.chains[0]?.head?.hash).toBe(head.hash);
    });

    it('names a changed row (UPDATE of its reason)', async () => {
      const ids = await seed();
      await handle.db
        .updateTable('audit_events')
        .set({ reason: 'nothing to see' })
        .where('id', '=', ids[2]!)
        .execute();
      const chain = await verifyT1();
      expect(chain.ok).toBe(false);
      expect(chain.problemCount).toBe(1);
      expect(chain.problems[0]).toMatchObject({ kind: 'row_changed', seq: 3, id: ids[2] });
      expect(chain.problems[0]?.message).toContain(ids[2]);
      // The other tenant's chain is not affected.
      const all = await verifyAuditChain(handle.db);
      expect(all.ok).toBe(false);
      expect(all.chains.find((c) => c.chain === 't2')?.ok).toBe(true);
    });

    it('names the row after a deleted one, and the missing seq', async () => {
      const ids = await seed();
      await handle.db.deleteFrom('audit_events').where('id', '=', ids[2]!).execute();
      const chain = await verifyT1();
      expect(chain.problemCount).toBe(1);
      expect(chain.problems[0]).toMatchObject({ kind: 'rows_missing', seq: 4, id: ids[3] });
      expect(chain.problems[0]?.message).toMatch(/seq 3 is missing before seq 4/);
    });

    it('notices the first row deleted', async () => {
      const ids = await seed(3);
      await handle.db.deleteFrom('audit_events').where('id', '=', ids[0]!).execute();
      expect((await verifyT1()).problems[0]).toMatchObject({ kind: 'rows_missing', seq: 2, id: ids[1] });
    });

    it('names a moved row (UPDATE of its seq), and the gap it left', async () => {
      const ids = await seed();
      await handle.db.updateTable('audit_events').set({ seq: 100 }).where('id', '=', ids[2]!).execute();
      const chain = await verifyT1();
      expect(chain.problems).toEqual([
        expect.objectContaining({ kind: 'rows_missing', seq: 4, id: ids[3] }),
        expect.objectContaining({ kind: 'row_changed', seq: 100, id: ids[2] }),
      ]);
    });

    it('notices a deletion hidden by renumbering the rows after it', async () => {
      const ids = await seed();
      await handle.db.deleteFrom('audit_events').where('id', '=', ids[2]!).execute();
      // Renumber in two steps so that the UNIQUE (chain, seq) index never sees a duplicate.
      await handle.db
        .updateTable('audit_events')
        .set({ seq: sql`seq + 1000` })
        .where('chain', '=', 't1')
        .where('seq', '>', 3)
        .execute();
      await handle.db
        .updateTable('audit_events')
        .set({ seq: sql`seq - 1001` })
        .where('chain', '=', 't1')
        .where('seq', '>', 1000)
        .execute();
      const chain = await verifyT1();
      expect(chain.rows).toBe(5);
      expect(chain.problems[0]).toMatchObject({ kind: 'row_changed', seq: 3, id: ids[3] });
    });

    it('notices a forged row whose own hash was recomputed: the next row no longer links to it', async () => {
      const ids = await seed();
      const row = await handle.db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', '=', ids[2]!)
        .executeTakeFirstOrThrow();
      const forged = { ...row, reason: 'forged', chain: row.chain ?? '', seq: row.seq ?? 0 };
      await handle.db
        .updateTable('audit_events')
        .set({ reason: 'forged', hash: auditRowHash(row.prev_hash ?? '', forged) })
        .where('id', '=', ids[2]!)
        .execute();
      const chain = await verifyT1();
      expect(chain.problemCount).toBe(1);
      expect(chain.problems[0]).toMatchObject({ kind: 'link_broken', seq: 4, id: ids[3] });
    });

    it('notices a row inserted into the chain', async () => {
      const ids = await seed();
      const row = await handle.db
        .selectFrom('audit_events')
        .selectAll()
        .where('id', '=', ids[5]!)
        .executeTakeFirstOrThrow();
      // A row claiming seq 7 but pointing at seq 5: a plausible forgery by someone who does not
      // recompute hashes, or a row copied from elsewhere.
      await handle.db
        .insertInto('audit_events')
        .values({ ...row, id: 'forged-row', seq: 7, reason: 'covering tracks' })
        .execute();
      const chain = await verifyT1();
      expect(chain.problems[0]).toMatchObject({ kind: 'row_changed', seq: 7, id: 'forged-row' });
    });

    it('counts rows from before the chain existed, without calling them errors', async () => {
      await seed(2);
      await handle.db
        .insertInto('audit_events')
        .values({
          id: 'legacy-1',
          tenant_id: 't1',
          at: 1,
          actor_type: 'operator',
          actor_id: null,
          action: 'tenant.create',
          target_type: null,
          target_id: null,
          reason: null,
          ip: null,
          details: null,
          chain: null,
          seq: null,
          prev_hash: null,
          hash: null,
        })
        .execute();
      const report = await verifyAuditChain(handle.db, { tenantId: 't1' });
      expect(report).toMatchObject({ ok: true, unchained: 1, rowsChecked: 2 });
      expect((await verifyAuditChain(handle.db, { tenantId: 't2' })).unchained).toBe(0);
    });

    it('walks in pages with progress, and carries on after a problem to report the next one', async () => {
      const ids = await seed(10);
      await handle.db
        .updateTable('audit_events')
        .set({ action: 'x' })
        .where('id', 'in', [ids[1]!, ids[8]!])
        .execute();
      const progress: AuditVerifyProgress[] = [];
      const report = await verifyAuditChain(handle.db, {
        pageSize: 3,
        onProgress: (p) => progress.push(p),
      });
      const t1 = report.chains.find((c) => c.chain === 't1')!;
      expect(t1.rows).toBe(10);
      expect(t1.problems.map((p) => [p.kind, p.seq])).toEqual([
        ['row_changed', 2],
        ['row_changed', 9],
      ]);
      expect(progress.map((p) => p.done)).toEqual([3, 6, 9, 10, 11]);
      expect(progress.every((p) => p.total === 11)).toBe(true);
    });
  });
}
