#!/usr/bin/env node
// A peer for `npm run bench -- --peers`: better-auth (a devDependency used only by the bench) with
// its `twoFactor` plugin, served by node:http on 127.0.0.1 and a free port, configured by
// environment the way the bench starts `twofold serve`:
//   PEER_SECRET        better-auth's secret (the bench signs session cookies and seals TOTP secrets with it)
//   PEER_SQLITE_PATH   a SQLite file (better-sqlite3), or
//   PEER_DATABASE_URL  a PostgreSQL URL (pg, a pool of 10 like Twofold's), its schema in search_path
// It creates better-auth's tables (its own migrations), then prints `peer is listening on <url>`.
// Rate limit off; password hash left at better-auth's default (scrypt through node:crypto).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { twoFactor } from 'better-auth/plugins/two-factor';

const requireFromServer = createRequire(new URL('../../packages/server/package.json', import.meta.url));

const secret = process.env.PEER_SECRET;
if (!secret) throw new Error('PEER_SECRET is required');

function openDatabase() {
  if (process.env.PEER_DATABASE_URL) {
    const pg = requireFromServer('pg');
    return new pg.Pool({ connectionString: process.env.PEER_DATABASE_URL, max: 10 });
  }
  const path = process.env.PEER_SQLITE_PATH;
  if (!path) throw new Error('PEER_SQLITE_PATH or PEER_DATABASE_URL is required');
  const Database = requireFromServer('better-sqlite3');
  const sqlite = new Database(path);
  // The same journal and durability settings as Twofold's SQLite (platform/db/database.ts).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

/** better-auth's options: the same object creates the tables and serves. */
function peerOptions(database, baseURL) {
  return {
    appName: 'twofold-bench-peer',
    baseURL,
    secret,
    database,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { level: 'error' },
    plugins: [twoFactor({ issuer: 'twofold-bench-peer' })],
  };
}

async function main() {
  const database = openDatabase();
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  const options = peerOptions(database, url);
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(options);
  const handler = toNodeHandler(auth);
  // Requests still being handled: the load generator drops its connections at the end of a phase,
  // but their handlers (a sign-in's scrypt) run on, and need the database until they finish.
  let inFlight = 0;
  server.on('request', async (request, response) => {
    inFlight++;
    try {
      await handler(request, response);
    } finally {
      inFlight--;
    }
  });
  process.stdout.write(`peer is listening on ${url}\n`);
  const stop = async () => {
    server.close();
    server.closeAllConnections();
    const deadline = Date.now() + 30_000;
    while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (typeof database.end === 'function') await database.end();
    else database.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`peer failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
