// `--peers`: better-auth's two-factor flow under the same load as Twofold's verification and
// sign-in (see bench/README.md). The peer runs in its own child process (better-auth-server.mjs)
// on a database of its own: a new SQLite file, or a new PostgreSQL schema dropped at the end.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword, symmetricEncrypt } from 'better-auth/crypto';
import { createCodeSchedule, createRandomPool, sampleIndices } from '../helpers.mjs';
import { runLoad } from '../load.mjs';
import { startNodeProcess } from '../server-process.mjs';

const requireFromServer = createRequire(new URL('../../packages/server/package.json', import.meta.url));
const script = fileURLToPath(new URL('./better-auth-server.mjs', import.meta.url));
/** The installed better-auth's version (its package.json is not among its exports). */
export const betterAuthVersion = JSON.parse(
  readFileSync(new URL('package.json', new URL('..', import.meta.resolve('better-auth'))), 'utf8'),
).version;

/** better-auth's TOTP settings (the plugin's defaults): SHA-1, 6 digits, 30 s, one step either side. */
const totp = { algorithm: 'SHA1', digits: 6, period: 30 };
const rowsPerInsert = 500;
const usersPerTransaction = 10_000;
const sessionCookie = 'better-auth.session_token';

export function peerEmail(index) {
  return `user${index}@peer.example`;
}

/**
 * Seeds better-auth's own tables as its adapter stores them (SQLite: dates as ISO text, booleans as
 * 0/1; PostgreSQL: timestamptz and boolean): per user a `user` row with `twoFactorEnabled`, a
 * `credential` account with the password's scrypt hash (hashed once by better-auth, shared), and a
 * verified `twoFactor` row. Users in `sessionFor` get a TOTP secret of their own (better-auth's
 * format: a 32-character string, used as UTF-8 bytes, sealed by its symmetricEncrypt) and a session;
 * the others share one sealed secret per chunk, since nothing here ever reads theirs.
 */
async function seedPeer({ db, kind, secret, users, sessionFor, passwordHash, progress }) {
  const random = createRandomPool();
  const id = () => random(16).toString('base64url');
  const backupCodes = await symmetricEncrypt({ key: secret, data: JSON.stringify(['bench-unused']) });
  const picked = new Map();
  const sqlite = kind === 'sqlite';
  const date = (ms) => (sqlite ? new Date(ms).toISOString() : new Date(ms));
  const bool = (value) => (sqlite ? (value ? 1 : 0) : value);
  const tables = {
    user: ['id', 'name', 'email', 'emailVerified', 'image', 'createdAt', 'updatedAt', 'twoFactorEnabled'],
    account: ['id', 'accountId', 'providerId', 'userId', 'password', 'createdAt', 'updatedAt'],
    twoFactor: ['id', 'secret', 'backupCodes', 'userId', 'verified', 'failedVerificationCount'],
    session: ['id', 'expiresAt', 'token', 'createdAt', 'updatedAt', 'ipAddress', 'userAgent', 'userId'],
  };
  const insert = async (table, rows) => {
    if (rows.length === 0) return;
    const columns = tables[table];
    const params = rows.flat();
    let n = 0;
    const tuples = rows.map(() => `(${columns.map(() => (sqlite ? '?' : `$${++n}`)).join(', ')})`);
    const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`;
    if (sqlite) db.prepare(sql).run(params);
    else await db.query(sql, params);
  };
  const chunk = async (start, end) => {
    const now = Date.now();
    const shared = await symmetricEncrypt({ key: secret, data: randomBytes(24).toString('base64url') });
    const rows = { user: [], account: [], twoFactor: [], session: [] };
    for (let index = start; index < end; index++) {
      const userId = id();
      const email = peerEmail(index);
      rows.user.push([
        userId,
        `Bench user ${index}`,
        email,
        bool(true),
        null,
        date(now),
        date(now),
        bool(true),
      ]);
      rows.account.push([id(), userId, 'credential', userId, passwordHash, date(now), date(now)]);
      let sealed = shared;
      if (sessionFor.has(index)) {
        const totpSecret = randomBytes(24).toString('base64url');
        sealed = await symmetricEncrypt({ key: secret, data: totpSecret });
        const token = randomBytes(24).toString('base64url');
        rows.session.push([
          id(),
          date(now + 7 * 86_400_000),
          token,
          date(now),
          date(now),
          '127.0.0.1',
          'twofold-bench',
          userId,
        ]);
        // A signed session cookie, as better-call signs it: HMAC-SHA-256 of the token, base64.
        const signature = createHmac('sha256', secret).update(token).digest('base64');
        const cookie = `${sessionCookie}=${encodeURIComponent(`${token}.${signature}`)}`;
        picked.set(index, { secret: new TextEncoder().encode(totpSecret), cookie });
      }
      rows.twoFactor.push([id(), sealed, backupCodes, userId, bool(true), 0]);
    }
    for (const table of ['user', 'account', 'twoFactor', 'session'])
      for (let i = 0; i < rows[table].length; i += rowsPerInsert)
        await insert(table, rows[table].slice(i, i + rowsPerInsert));
  };
  for (let start = 0; start < users; start += usersPerTransaction) {
    const end = Math.min(users, start + usersPerTransaction);
    // One transaction per range: prepared in memory first (sealing is async), then written.
    if (sqlite) {
      db.exec('BEGIN');
      try {
        for (let from = start; from < end; from += rowsPerInsert)
          await chunk(from, Math.min(end, from + rowsPerInsert));
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    } else {
      await db.query('BEGIN');
      try {
        for (let from = start; from < end; from += rowsPerInsert)
          await chunk(from, Math.min(end, from + rowsPerInsert));
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw error;
      }
    }
    progress?.(end);
  }
  return picked;
}

/**
 * Waits until the server has finished what a phase left in flight (autocannon stops without waiting
 * for answers): its CPU time grows by under 10% of one core over 500 ms, or 60 s have passed. A
 * sign-in's scrypt runs on libuv's pool of 4 threads, so a warm-up's last requests can keep the
 * pool busy well after it ends on a slow machine.
 */
async function waitForIdle(server) {
  const deadline = Date.now() + 60_000;
  let before = server.cpuMs();
  while (before !== undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = server.cpuMs();
    if (now === undefined || now - before < 50) return;
    before = now;
  }
}

/**
 * Starts the peer on a fresh database, seeds it, and measures its TOTP verification (a session
 * already past the password verifying a fresh code of a different user each request) and its
 * sign-in with email and password, with the same connections and durations as Twofold's phases.
 * @param {{
 *   database: { sqlitePath?: string, databaseUrl?: string, admin?: any, schema?: string },
 *   dataDir: string,
 *   users: number,
 *   sessions: number,
 *   connections: number,
 *   duration: number,
 *   warmupSeconds: number,
 *   measure: (label: string, load: () => Promise<any>, server: any) => Promise<any>,
 *   say: (message: string) => void,
 * }} options
 */
export async function measureBetterAuth(options) {
  const { database, users, connections, duration, warmupSeconds, say } = options;
  const kind = database.databaseUrl ? 'postgres' : 'sqlite';
  const secret = randomBytes(32).toString('base64url');
  const sqlitePath = kind === 'sqlite' ? join(options.dataDir, 'better-auth.sqlite') : undefined;
  const server = await startNodeProcess({
    script,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      BETTER_AUTH_TELEMETRY: '0',
      PEER_SECRET: secret,
      ...(sqlitePath ? { PEER_SQLITE_PATH: sqlitePath } : { PEER_DATABASE_URL: database.databaseUrl }),
    },
    ready: /peer is listening on (http:\/\/\S+)/,
    name: 'better-auth peer',
    log: (line) => say(`peer ${line}`),
  });
  let db;
  try {
    say(`better-auth ${betterAuthVersion} (pid ${server.pid}) listening on ${server.url}`);
    if (kind === 'sqlite') {
      const Database = requireFromServer('better-sqlite3');
      db = new Database(sqlitePath);
      db.pragma('busy_timeout = 5000');
    } else {
      const pg = requireFromServer('pg');
      db = new pg.Client({ connectionString: database.databaseUrl });
      await db.connect();
    }
    const passwordHash = await hashPassword(options.password);
    const sessionSample = sampleIndices(0, users, options.sessions);
    const signInSample = sampleIndices(0, users, Math.min(5000, users));
    const seedStart = Date.now();
    let lastLog = 0;
    const picked = await seedPeer({
      db,
      kind,
      secret,
      users,
      sessionFor: new Set(sessionSample),
      passwordHash,
      progress(done) {
        if (Date.now() - lastLog < 5000 && done < users) return;
        lastLog = Date.now();
        say(`  seeded ${done.toLocaleString('en-US')} of ${users.toLocaleString('en-US')} better-auth users`);
      },
    });
    const seedSeconds = (Date.now() - seedStart) / 1000;
    if (kind === 'postgres')
      await db.query('ANALYZE "user", "account", "twoFactor", "session", "verification"');

    const sessionUsers = sessionSample.map((i) => picked.get(i));
    const schedule = createCodeSchedule({ users: sessionUsers, ...totp });
    const verifyPath = '/api/auth/two-factor/verify-totp';
    const verifyRequests = [
      {
        method: 'POST',
        path: verifyPath,
        setupRequest(request) {
          const next = schedule.next();
          const user = sessionUsers[next?.index ?? 0];
          return {
            ...request,
            headers: { cookie: user.cookie, origin: server.url, 'content-type': 'application/json' },
            body: JSON.stringify({ code: next?.code ?? 'exhausted' }),
          };
        },
      },
    ];
    // A self-check, as for Twofold: one verification must succeed, and a code presented twice is
    // accepted twice by better-auth (no replay check) - recorded, not assumed.
    const probe = verifyRequests[0].setupRequest({});
    const first = await fetch(`${server.url}${verifyPath}`, { method: 'POST', ...probe });
    if (first.status !== 200)
      throw new Error(`better-auth verification failed: ${first.status} ${await first.text()}`);
    const again = await fetch(`${server.url}${verifyPath}`, { method: 'POST', ...probe });
    const acceptsReplay = again.status === 200;

    let signInCursor = 0;
    const signIn = {
      method: 'POST',
      path: '/api/auth/sign-in/email',
      setupRequest(request) {
        const index = signInSample[signInCursor++ % signInSample.length];
        return {
          ...request,
          headers: { origin: server.url, 'content-type': 'application/json' },
          body: JSON.stringify({ email: peerEmail(index), password: options.password }),
        };
      },
    };
    const signInProbe = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: 'POST',
      ...signIn.setupRequest({}),
    });
    const signInAnswer = await signInProbe.json();
    if (signInProbe.status !== 200 || signInAnswer.twoFactorRedirect !== true)
      throw new Error(
        `better-auth sign-in did not ask for the second factor: ${JSON.stringify(signInAnswer)}`,
      );

    const measure = (label, load) =>
      options.measure(`betterAuth.${label}`, load, server, { mayBeEmpty: true });
    say(`better-auth: TOTP verification warm-up (${warmupSeconds}s)`);
    // Warm-ups are not measured (a slow machine may finish no sign-in in them).
    await runLoad({ url: server.url, connections, duration: warmupSeconds, requests: verifyRequests });
    await waitForIdle(server);
    say(`better-auth: TOTP verification, a fresh code of a different user each time (${duration}s)`);
    const verify = await measure('verify', () =>
      runLoad({ url: server.url, connections, duration, requests: verifyRequests }),
    );
    say(`better-auth: sign-in warm-up (${warmupSeconds}s)`);
    await runLoad({ url: server.url, connections, duration: warmupSeconds, requests: [signIn] });
    await waitForIdle(server);
    say(`better-auth: password sign-in (${duration}s)`);
    const signInRun = await measure('signIn', () =>
      runLoad({ url: server.url, connections, duration, requests: [signIn] }),
    );
    return {
      version: betterAuthVersion,
      users,
      seedSeconds,
      acceptsReplay,
      passwordHash: 'scrypt (better-auth default: N=16384, r=16, p=1, node:crypto)',
      verify,
      signIn: signInRun,
      peakRssBytes: server.memory()?.peakRss,
    };
  } finally {
    if (db) {
      if (kind === 'sqlite') db.close();
      else await db.end();
    }
    const exit = await server.stop();
    say(`better-auth peer stopped (${exit.code ?? exit.signal})`);
  }
}
