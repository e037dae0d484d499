import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../platform/clock.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { type AuditLog, createAuditLog, operatorActor } from './audit-log.js';
import { type AuditListQuery, type AuditQuery, createAuditQuery, parseActionFilter } from './audit-query.js';

describe('action filters', () => {
  it('are exact, or a prefix with a trailing *', () => {
    expect(parseActionFilter('user.create')).toEqual({ exact: 'user.create' });
    expect(parseActionFilter('method.*')).toEqual({ prefix: 'method.' });
    expect(parseActionFilter('*')).toEqual({ prefix: '' });
    for (const bad of ['', 'me*thod', '*.delete', 'a**', 'x'.repeat(101)]) {
      expect(() => parseActionFilter(bad), bad).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    }
  });
});

for (const backend of testBackends) {
  describe(`audit log queries on ${backend.name}`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    let audit: AuditLog;
    let query: AuditQuery;
    const start = Date.UTC(2026, 5, 9, 12);
    const clock = createManualClock(start);

    beforeEach(() => {
      handle = database();
      clock.set(start);
      audit = createAuditLog({ db: handle.db, clock });
      query = createAuditQuery({ db: handle.db });
    });

    async function record(
      action: string,
      extra: { actorId?: string; targetId?: string; tenantId?: string | null } = {},
    ) {
      clock.advance(1000);
      await audit.record({
        tenantId: extra.tenantId === undefined ? 't1' : extra.tenantId,
        actor: extra.actorId ? { type: 'user', id: extra.actorId } : operatorActor,
        action,
        ...(extra.targetId ? { target: { type: 'user', id: extra.targetId } } : {}),
      });
    }

    const actions = async (q: Partial<AuditListQuery>) =>
      (await query.list({ tenantId: 't1', ...q })).items.map((e) => e.action);

    it('lists newest first with seq and parsed details, and never another tenant or the global chain', async () => {
      clock.advance(1000);
      await audit.record({
        tenantId: 't1',
        actor: { type: 'api_key', id: 'key-1', ip: '192.0.2.1' },
        action: 'user.unlock',
        target: { type: 'user', id: 'u1' },
        reason: 'called the helpdesk',
        details: { failures: 10 },
      });
      await record('method.delete');
      await record('tenant.create', { tenantId: 't2' });
      await record('key.rotate', { tenantId: null });
      const page = await query.list({ tenantId: 't1' });
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((e) => [e.action, e.seq])).toEqual([
        ['method.delete', 2],
        ['user.unlock', 1],
      ]);
      expect(page.items[1]).toEqual({
        id: expect.any(String),
        tenantId: 't1',
        seq: 1,
        at: start + 1000,
        actorType: 'api_key',
        actorId: 'key-1',
        action: 'user.unlock',
        targetType: 'user',
        targetId: 'u1',
        reason: 'called the helpdesk',
        ip: '192.0.2.1',
        details: { failures: 10 },
      });
    });

    it('filters by actor, target, exact action, action prefix and time', async () => {
      await record('user.create', { actorId: 'a1', targetId: 'u1' });
      await record('method.delete', { actorId: 'a2', targetId: 'u1' });
      await record('method.resync', { actorId: 'a1', targetId: 'u2' });
      await record('methods.other', { actorId: 'a1' });
      await record('METHOD.upper', { actorId: 'a1' });
      expect(await actions({ actorId: 'a1' })).toEqual([
        'METHOD.upper',
        'methods.other',
        'method.resync',
        'user.create',
      ]);
      expect(await actions({ targetId: 'u1' })).toEqual(['method.delete', 'user.create']);
      expect(await actions({ action: 'method.delete' })).toEqual(['method.delete']);
      // A prefix is literal and case-sensitive on both databases: 'methods.' and 'METHOD.' do not match.
      expect(await actions({ action: 'method.*' })).toEqual(['method.resync', 'method.delete']);
      expect(await actions({ action: 'method_*' })).toEqual([]);
      expect(await actions({ action: '*' })).toHaveLength(5);
      expect(await actions({ action: 'method.*', actorId: 'a1' })).toEqual(['method.resync']);
      expect(await actions({ from: start + 2000, to: start + 4000 })).toEqual([
        'method.resync',
        'method.delete',
      ]);
    });

    it('pages with a cursor: every row once, newest first, even within one millisecond', async () => {
      for (let i = 0; i < 12; i++) {
        if (i % 4 === 0) clock.advance(1);
        await audit.record({ tenantId: 't1', actor: operatorActor, action: `a.${i}` });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await query.list({ tenantId: 't1', limit: 5, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((e) => e.action));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      const all = await handle.db.selectFrom('audit_events').select(['action', 'at', 'id']).execute();
      const expected = all.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((r) => r.action);
      expect(seen).toEqual(expected);
      expect(await query.count({ tenantId: 't1' }, { upTo: 100 })).toBe(12);
      expect(await query.count({ tenantId: 't1' }, { upTo: 5 })).toBe(5);
      expect(await query.count({ tenantId: 't1', action: 'a.1*' }, { upTo: 100 })).toBe(3);
    });

    it('refuses bad limits and cursors', async () => {
      for (const limit of [0, 501, 2.5]) {
        await expect(query.list({ tenantId: 't1', limit })).rejects.toMatchObject({
          code: 'validation_failed',
        });
      }
      await expect(query.list({ tenantId: 't1', cursor: 'nope!' })).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });
  });
}
