/**
 * Push wake-ups across instances on PostgreSQL (issue 8): every notification of this instance is
 * also sent with NOTIFY on channel `twofold_push`, right after the transaction that started or
 * answered the push commits, and one dedicated connection per instance LISTENs and hands what the
 * other instances send to the in-process notifier. So a push answered on instance B wakes the
 * sign-in waiting on instance A at once.
 *
 * - Payload: JSON `{s, i, t}`: the sender's schema (`current_schema()`, so several Twofold
 *   installations in one database, each in its own schema, do not wake each other), its instance
 *   id (an instance skips its own, already delivered in-process) and the topics. Topics notified
 *   in one event-loop turn go out in one NOTIFY.
 * - The listening connection is opened on the first wait, or the first use of a cache that
 *   `changeFeed` keeps fresh (the tenants'). When it is lost it is opened again, after 250 ms and then up to 5 s apart;
 *   each time it is (re)established every waiter is woken to re-read the database, since a
 *   notification sent meanwhile is lost. Until then, and for any notification lost otherwise,
 *   the waiters' own re-check every 500 ms (push-notifier.ts `waitFor`) still finds the change.
 * - `changeFeed(topic)` lends the same channel to a cache: its topic announced by one instance
 *   empties the others' caches, and a cache is trusted only while this instance listens (every
 *   cache is emptied again whenever the connection is re-established).
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { type Kysely, sql } from 'kysely';
import type PgModule from 'pg';
import type { ChangeFeed } from '../../platform/db/change-feed.js';
import type { Database } from '../../platform/db/schema.js';
import { createPushNotifier, type PushNotifier } from './push-notifier.js';

export const pushChannel = 'twofold_push';
/** Topics per NOTIFY: a topic is under 100 bytes, a payload must stay under 8,000. */
const maxTopicsPerNotify = 50;
const firstReconnectDelayMs = 250;
const maxReconnectDelayMs = 5_000;

// Only PostgreSQL deployments load pg (as database.ts does).
const require = createRequire(import.meta.url);

export interface PostgresPushNotifier extends PushNotifier {
  /** Resolves once this instance LISTENs (opening the connection if it is not open yet). */
  ready(): Promise<void>;
  /** Stops listening and waits for the NOTIFYs in flight; call before the database closes. */
  close(): Promise<void>;
  /** A cache's feed of changes made by other instances, announced on `topic` (see the module comment). */
  changeFeed(topic: string): ChangeFeed;
}

export interface PostgresPushNotifierOptions {
  /** The instance's database: NOTIFY goes out over its pool. */
  readonly db: Kysely<Database>;
  /** The same database's URL, for the dedicated listening connection. */
  readonly connectionString: string;
  /** `application_name` of the listening connection (unless the URL sets one). */
  readonly applicationName?: string;
  readonly log?: { info(message: string): void; warn(message: string): void };
}

interface Payload {
  readonly s?: unknown;
  readonly i?: unknown;
  readonly t?: unknown;
}

export function createPostgresPushNotifier(options: PostgresPushNotifierOptions): PostgresPushNotifier {
  const { db, connectionString, log } = options;
  const local = createPushNotifier();
  const instanceId = randomUUID();

  let state: 'idle' | 'connecting' | 'listening' | 'waiting' | 'closed' = 'idle';
  let client: PgModule.Client | undefined;
  let schema: string | null = null;
  let reconnectDelay = firstReconnectDelayMs;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let outage = false;
  let connecting: Promise<void> | undefined;
  const readyWaiters: { resolve(): void; reject(error: Error): void }[] = [];

  const queued = new Set<string>();
  let flushQueued = false;
  const sending = new Set<Promise<void>>();
  let notifyFailing = false;

  // A function, not an inline comparison: `state` changes while connect() awaits.
  const closed = () => state === 'closed';

  function onNotification(message: PgModule.Notification): void {
    if (message.channel !== pushChannel || message.payload === undefined) return;
    let payload: Payload;
    try {
      payload = JSON.parse(message.payload) as Payload;
    } catch {
      return;
    }
    if (payload.i === instanceId || (payload.s ?? null) !== schema || !Array.isArray(payload.t)) return;
    for (const topic of payload.t) if (typeof topic === 'string') local.notify(topic);
  }

  async function connect(): Promise<void> {
    state = 'connecting';
    const pg = require('pg') as typeof PgModule;
    const candidate = new pg.Client({
      connectionString,
      application_name: options.applicationName ?? 'twofold push listener',
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (client === candidate) client = undefined;
      void candidate.end().catch(() => {});
      if (state === 'closed') return;
      if (!outage) {
        outage = true;
        log?.warn(
          `push notifications: the PostgreSQL LISTEN connection is down${error ? ` (${error.message})` : ''}; reconnecting, and waiting sign-ins re-read the database every 500 ms meanwhile`,
        );
      }
      state = 'waiting';
      reconnectTimer = setTimeout(() => {
        connecting = connect();
      }, reconnectDelay);
      reconnectTimer.unref();
      reconnectDelay = Math.min(reconnectDelay * 2, maxReconnectDelayMs);
    };
    candidate.on('error', onLost);
    candidate.on('end', () => onLost());
    candidate.on('notification', onNotification);
    try {
      await candidate.connect();
      const found = await candidate.query<{ s: string | null }>('select current_schema() as s');
      schema = found.rows[0]?.s ?? null;
      await candidate.query(`LISTEN ${pushChannel}`);
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (lost) return;
    if (closed()) {
      lost = true;
      await candidate.end().catch(() => {});
      return;
    }
    client = candidate;
    state = 'listening';
    reconnectDelay = firstReconnectDelayMs;
    if (outage) {
      outage = false;
      log?.info('push notifications: listening on PostgreSQL again');
    }
    for (const waiter of readyWaiters.splice(0)) waiter.resolve();
    // Whatever was notified while nobody listened is lost: every waiter re-reads now.
    local.notifyAll();
  }

  function start(): void {
    if (state === 'idle') connecting = connect();
  }

  function flush(): void {
    flushQueued = false;
    const topics = [...queued];
    queued.clear();
    for (let i = 0; i < topics.length; i += maxTopicsPerNotify) {
      const chunk = JSON.stringify(topics.slice(i, i + maxTopicsPerNotify));
      const sent: Promise<void> = sql`select pg_notify(${pushChannel}, json_build_object(
          's', current_schema(), 'i', ${instanceId}::text, 't', ${chunk}::json)::text)`
        .execute(db)
        .then(
          () => {
            notifyFailing = false;
          },
          (error: unknown) => {
            // The waiters on other instances still find the change on their next re-read. Said
            // once per run of failures (a database without NOTIFY would fail every time).
            if (notifyFailing) return;
            notifyFailing = true;
            log?.warn(
              `push notifications: NOTIFY failed (${error instanceof Error ? error.message : String(error)}); other instances see pushes within 500 ms instead`,
            );
          },
        )
        .finally(() => sending.delete(sent));
      sending.add(sent);
    }
  }

  function notify(topic: string): void {
    local.notify(topic);
    if (state === 'closed') return;
    queued.add(topic);
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flush);
    }
  }

  return {
    notify,
    subscribe(topics, ms, signal) {
      start();
      return local.subscribe(topics, ms, signal);
    },
    changeFeed(topic) {
      return {
        trusted() {
          if (state === 'listening') return true;
          start();
          return false;
        },
        onChange(listener) {
          local.listen(topic, listener);
        },
        announce() {
          notify(topic);
        },
      };
    },
    ready() {
      if (state === 'listening') return Promise.resolve();
      if (state === 'closed') return Promise.reject(new Error('the push notifier is closed'));
      start();
      return new Promise<void>((resolve, reject) => readyWaiters.push({ resolve, reject }));
    },
    async close() {
      if (state === 'closed') return;
      state = 'closed';
      clearTimeout(reconnectTimer);
      for (const waiter of readyWaiters.splice(0)) waiter.reject(new Error('the push notifier is closed'));
      const open = client;
      client = undefined;
      await open?.end().catch(() => {});
      // A connection being opened now is closed by connect() itself once it is up.
      await connecting;
      if (flushQueued) flush();
      await Promise.all([...sending]);
    },
  };
}
