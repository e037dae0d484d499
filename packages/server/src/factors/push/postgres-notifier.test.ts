/**
 * The PostgreSQL push notifier (LISTEN/NOTIFY) between "instances" in one process: every waiter
 * here waits 60 s on its own timer, so a test passes only if the notification itself wakes it.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabaseHandle } from '../../test-support/databases.js';
import { testBackends } from '../../test-support/databases.js';
import { createPostgresPushNotifier, type PostgresPushNotifier } from './postgres-notifier.js';

const postgres = testBackends.find((b) => b.name === 'postgres');
const longWaitMs = 60_000;

/** Subscribes to one topic for a minute; `woken()` says whether it has been woken yet. */
function waiter(notifier: PostgresPushNotifier, topic: string) {
  let woken = false;
  const { wake, cancel } = notifier.subscribe([topic], longWaitMs);
  const done = wake.then(() => {
    woken = true;
  });
  return { done, cancel, woken: () => woken };
}

describe.skipIf(!postgres)(
  `push notifier over PostgreSQL LISTEN/NOTIFY${postgres ? '' : ' (skipped: TWOFOLD_TEST_DATABASE_URL is not set; CI sets it)'}`,
  () => {
    let first: TestDatabaseHandle;
    let second: TestDatabaseHandle;
    const opened: PostgresPushNotifier[] = [];

    beforeAll(async () => {
      first = await postgres!.create();
      second = await postgres!.create();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((n) => n.close()));
    });
    afterAll(async () => {
      await first?.cleanup();
      await second?.cleanup();
    });

    function notifier(handle: TestDatabaseHandle, applicationName?: string): PostgresPushNotifier {
      const created = createPostgresPushNotifier({
        db: handle.db,
        connectionString: handle.location.databaseUrl ?? '',
        ...(applicationName ? { applicationName } : {}),
      });
      opened.push(created);
      return created;
    }

    async function listenersNamed(applicationName: string): Promise<number[]> {
      const admin = new pg.Client({ connectionString: process.env['TWOFOLD_TEST_DATABASE_URL'] });
      await admin.connect();
      try {
        const found = await admin.query<{ pid: number }>(
          'select pid from pg_stat_activity where application_name = $1',
          [applicationName],
        );
        return found.rows.map((r) => r.pid);
      } finally {
        await admin.end();
      }
    }

    it('a notification on one instance wakes the waiter of that topic on another, and no other', async () => {
      const a = notifier(first);
      const b = notifier(first);
      await a.ready();
      const flow = waiter(a, 'flow:one');
      const other = waiter(a, 'flow:two');
      b.notify('flow:one');
      await flow.done;
      expect(other.woken()).toBe(false);
      b.notify('flow:two');
      await other.done;
    });

    it('topics notified together go out together; the sender wakes its own waiters in-process', async () => {
      const a = notifier(first);
      const b = notifier(first);
      await a.ready();
      const method = waiter(a, 'method:m');
      const flow = waiter(a, 'flow:f');
      b.notify('method:m');
      b.notify('flow:f');
      await Promise.all([method.done, flow.done]);
      // b never listened: its own waiter is woken without the database.
      const own = waiter(b, 'flow:own');
      b.notify('flow:own');
      await own.done;
    });

    it('another schema in the same database (another installation) is not woken', async () => {
      const a = notifier(first);
      const b = notifier(first);
      const elsewhere = notifier(second);
      const elsewhereSender = notifier(second);
      await Promise.all([a.ready(), elsewhere.ready()]);
      const here = waiter(a, 'flow:same-id');
      const there = waiter(elsewhere, 'flow:same-id');
      const marker = waiter(elsewhere, 'flow:marker');
      b.notify('flow:same-id');
      await here.done;
      // NOTIFYs reach a listener in commit order: once the later marker has arrived, b's is in too.
      elsewhereSender.notify('flow:marker');
      await marker.done;
      expect(there.woken()).toBe(false);
      there.cancel();
    });

    it('a lost listening connection is opened again; its waiters are woken to re-read, and later notifications arrive', async () => {
      const name = `twofold-test-${randomUUID()}`;
      const a = notifier(first, name);
      const b = notifier(first);
      await a.ready();
      const [pid] = await listenersNamed(name);
      expect(pid).toBeDefined();
      const waiting = waiter(a, 'flow:during-outage');
      const admin = new pg.Client({ connectionString: process.env['TWOFOLD_TEST_DATABASE_URL'] });
      await admin.connect();
      try {
        await admin.query('select pg_terminate_backend($1)', [pid]);
      } finally {
        await admin.end();
      }
      // Nobody notifies this topic: only the re-established connection wakes it.
      await waiting.done;
      await a.ready();
      // A new backend listens (the old one may still be on its way out).
      expect((await listenersNamed(name)).filter((p) => p !== pid)).toHaveLength(1);
      const later = waiter(a, 'flow:after');
      b.notify('flow:after');
      await later.done;
    });

    it('close ends the listening connection; a closed notifier refuses to wait for readiness', async () => {
      const name = `twofold-test-${randomUUID()}`;
      const a = notifier(first, name);
      await a.ready();
      expect(await listenersNamed(name)).toHaveLength(1);
      await a.close();
      expect(await listenersNamed(name)).toHaveLength(0);
      await expect(a.ready()).rejects.toThrow(/closed/);
    });
  },
);
