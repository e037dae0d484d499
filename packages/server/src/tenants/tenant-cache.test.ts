/**
 * The tenants kept by slug (every request under /t/{tenant} finds its tenant first): read once,
 * then served from memory, and forgotten when a policy changes, here or on another instance: another
 * connection to the same SQLite file (a `twofold` command beside the server), or another instance
 * on the same PostgreSQL database (NOTIFY).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog, operatorActor } from '../audit/audit-log.js';
import { createPostgresPushNotifier, type PostgresPushNotifier } from '../factors/push/postgres-notifier.js';
import { systemClock } from '../platform/clock.js';
import type { ChangeFeed } from '../platform/db/change-feed.js';
import { type DatabaseHandle, openDatabase } from '../platform/db/database.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { emptyDatabase } from '../test-support/shared-database.js';
import { createTenantService, type TenantService } from './tenant-service.js';

/** Another instance's view of the same database: its own connection, its own cache. */
interface Instance {
  readonly tenants: TenantService;
  readonly database: DatabaseHandle;
  close(): Promise<void>;
}

for (const backend of testBackends) {
  describe(`tenants kept in memory on ${backend.name}`, () => {
    let handle: TestDatabaseHandle;
    const opened: Instance[] = [];

    beforeAll(async () => {
      handle = await backend.create();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((i) => i.close()));
      await emptyDatabase(handle);
    });
    afterAll(async () => {
      await handle?.cleanup();
    });

    /** An instance as `serve` builds it: SQLite's own change feed, PostgreSQL's through NOTIFY. */
    function instance(): Instance {
      const database = openDatabase(handle.location);
      let notifier: PostgresPushNotifier | undefined;
      let changes: ChangeFeed | undefined = database.changes;
      if (backend.name === 'postgres') {
        notifier = createPostgresPushNotifier({
          db: database.db,
          connectionString: handle.location.databaseUrl ?? '',
        });
        changes = notifier.changeFeed('tenants');
      }
      const db = database.db;
      const tenants = createTenantService({
        db,
        clock: systemClock,
        audit: createAuditLog({ db, clock: systemClock }),
        changes,
      });
      const created: Instance = {
        tenants,
        database,
        async close() {
          await notifier?.close();
          await database.close();
        },
      };
      opened.push(created);
      return created;
    }

    /** Looks the tenant up until the instance has kept it (PostgreSQL: once it listens for changes). */
    async function cached(at: Instance, slug: string) {
      for (let i = 0; i < 200; i++) {
        await at.tenants.findBySlug(slug);
        const before = at.database.counters.statements;
        await at.tenants.findBySlug(slug);
        if (at.database.counters.statements === before) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('the tenant was never kept');
    }

    it('a tenant once read is served without reading the database again', async () => {
      const a = instance();
      await a.tenants.create({ slug: 'acme' }, operatorActor);
      await cached(a, 'acme');
      await nextTurn();
      // A new event-loop turn: SQLite reads whether another connection committed (one statement),
      // PostgreSQL nothing (it hears other instances' changes through NOTIFY).
      const before = a.database.counters.statements;
      for (let i = 0; i < 5; i++) expect((await a.tenants.findBySlug('acme'))?.slug).toBe('acme');
      expect(a.database.counters.statements - before).toBe(backend.name === 'sqlite' ? 1 : 0);
    });

    it('a policy changed on this instance is seen at once', async () => {
      const a = instance();
      const tenant = await a.tenants.create({ slug: 'acme' }, operatorActor);
      await cached(a, 'acme');
      const policy = { ...tenant.policy, lockout: { failuresPerLock: 5, firstLockMinutes: 30 } };
      await a.tenants.updatePolicy(tenant.id, policy, operatorActor);
      expect((await a.tenants.findBySlug('acme'))?.policy.lockout.failuresPerLock).toBe(5);
    });

    it('a policy changed on another instance is seen there promptly', async () => {
      const a = instance();
      const b = instance();
      const tenant = await a.tenants.create({ slug: 'acme' }, operatorActor);
      await cached(a, 'acme');
      await cached(b, 'acme');
      expect((await a.tenants.findBySlug('acme'))?.policy.lockout.failuresPerLock).toBe(10);
      const policy = { ...tenant.policy, lockout: { failuresPerLock: 4, firstLockMinutes: 60 } };
      await b.tenants.updatePolicy(tenant.id, policy, operatorActor);
      const deadline = Date.now() + 5_000;
      let seen = (await a.tenants.findBySlug('acme'))?.policy.lockout.failuresPerLock;
      while (seen !== 4 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen = (await a.tenants.findBySlug('acme'))?.policy.lockout.failuresPerLock;
      }
      expect(seen).toBe(4);
      expect((await a.tenants.findBySlug('acme'))?.policy.lockout.firstLockMinutes).toBe(60);
    });
  });
}
