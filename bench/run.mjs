#!/usr/bin/env node
// `npm run bench`: measures a real Twofold server over loopback HTTP, each figure against a
// baseline taken in the same run (see bench/README.md). Progress goes to stderr; the table (or,
// with --json, one JSON object on one line) to stdout; a Markdown report to bench/results/.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKeyring, parseSecretKeys } from '../packages/server/dist/platform/crypto/keyring.js';
import { createPasswordHasher } from '../packages/server/dist/platform/crypto/password-hasher.js';
import { createSealer } from '../packages/server/dist/platform/crypto/sealer.js';
import { openDatabase, sqlitePathFor } from '../packages/server/dist/platform/db/database.js';
import { parsePolicy } from '../packages/server/dist/tenants/tenant-policy.js';
import { databaseCostPerAnswer, readDatabaseCounters } from './db-cost.mjs';
import {
  createCodeSchedule,
  createRandomPool,
  parseCount,
  parseDuration,
  ratio,
  sampleIndices,
  soakRates,
} from './helpers.mjs';
import { runLoad } from './load.mjs';
import { measureBetterAuth } from './peers/better-auth.mjs';
import { lowestPeerRatios, peerFigures } from './peers/figures.mjs';
import { renderMarkdown, renderTable, targets } from './report.mjs';
import { benchEmail, countRows, createSeeder } from './seed.mjs';
import { startServerProcess } from './server-process.mjs';
import { runSoak } from './soak.mjs';

const requireFromServer = createRequire(new URL('../packages/server/package.json', import.meta.url));
const pg = requireFromServer('pg');

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    users: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '16' },
    'latency-connections': { type: 'string', default: '1' },
    duration: { type: 'string', default: '5' },
    sessions: { type: 'string' },
    only: { type: 'string' },
    peers: { type: 'boolean', default: false },
    soak: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  process.stdout.write(`npm run bench [-- options]
  --json              print one JSON object on stdout (progress stays on stderr)
  --users N           users in the large database (default 1000000; 10k, 1m accepted)
  --connections N     concurrent HTTP connections in throughput phases (default 16)
  --latency-connections N  connections in the 1,000-vs-large latency phases (default 1: service time)
  --duration S        seconds per throughput phase (default 5)
  --sessions N        sessions seeded for the verification throughput phase (default 20000, 60000 with --soak)
  --only NAME         sqlite or postgres
  --soak DURATION     after the phases, verification and sign-ins at fixed rates for DURATION (10m)
  --peers             also measure better-auth's two-factor flow under the same load (peerRatios)
  --cpu-prof          write a V8 CPU profile of the server to bench/results/profiles/
PostgreSQL runs when TWOFOLD_BENCH_DATABASE_URL is set (a fresh schema, dropped at the end).
`);
  process.exit(0);
}

const smallUsers = 1000;
const largeUsers = parseCount(args.users);
const connections = parseCount(args.connections);
const latencyConnections = parseCount(args['latency-connections']);
const duration = parseCount(args.duration);
const soakSeconds = args.soak ? parseDuration(args.soak) : undefined;
// The soak's verification rate is held under one fresh code per session and period: more sessions
// let it reach 40% of a fast server's verification rate.
const defaultSessions = soakSeconds ? '60000' : '20000';
const throughputSessions = Math.min(
  parseCount(args.sessions ?? defaultSessions),
  Math.max(0, largeUsers - 2 * smallUsers),
);
const warmupSeconds = 2;
/** Latency passes: the first warms up, the second is measured (each user once per pass). */
const latencyWarmup = 800;
const latencyMeasured = 1000;
const tenantSlug = 'default';
const password = 'correct horse battery staple';
if (largeUsers < 2 * smallUsers + 1000)
  throw new RangeError(`--users must be at least ${2 * smallUsers + 1000}`);

const started = Date.now();
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

function log(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}

async function main() {
  const backends = [];
  const benchUrl = process.env.TWOFOLD_BENCH_DATABASE_URL?.trim();
  if (args.only !== 'postgres') backends.push({ name: 'sqlite' });
  if (args.only !== 'sqlite') {
    if (benchUrl) backends.push({ name: 'postgres', baseUrl: benchUrl });
  }
  const skipped = {};
  if (!benchUrl && args.only !== 'sqlite')
    skipped.postgres = 'skipped: set TWOFOLD_BENCH_DATABASE_URL=postgres://... to measure PostgreSQL too';

  const machine = {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const settings = {
    smallUsers,
    largeUsers,
    connections,
    latencyConnections,
    durationSeconds: duration,
    throughputSessions,
    peers: args.peers,
    soakSeconds,
  };
  log(
    `machine: ${machine.cores} cores (${machine.cpu}), node ${machine.node}; ` +
      `${largeUsers.toLocaleString('en-US')} users, ${connections} connections, ${duration}s phases`,
  );

  const results = {};
  for (const backend of backends) results[backend.name] = await runBackend(backend);
  for (const [name, note] of Object.entries(skipped)) {
    results[name] = { skipped: true, note };
    log(`${name}: ${note}`);
  }

  const measured = Object.values(results).filter((r) => !r.skipped);
  const worst = (key, pick) => {
    const values = measured.map((r) => r[key]).filter((v) => typeof v === 'number');
    return values.length ? pick(...values) : undefined;
  };
  const report = {
    date: new Date(started).toISOString(),
    machine,
    settings,
    // Across the databases measured: the lowest ratios, the highest p99 growth and memory.
    verifyHttpRatio: worst('verifyHttpRatio', Math.min),
    signInHashRatio: worst('signInHashRatio', Math.min),
    signInHasherRatio: worst('signInHasherRatio', Math.min),
    p99Ratio1mVs1k: worst('p99Ratio1mVs1k', Math.max),
    ...(args.peers ? { peerRatios: lowestPeerRatios(measured) } : {}),
    ...(soakSeconds ? soakSummary(measured) : {}),
    peakRssBytes: worst('peakRssBytes', Math.max),
    targets,
    results,
  };

  mkdirSync(resultsDir, { recursive: true });
  const markdown = renderMarkdown(report);
  const day = report.date.slice(0, 10);
  writeFileSync(join(resultsDir, `${day}.md`), markdown);
  writeFileSync(join(resultsDir, 'latest.md'), markdown);
  log(`report written to bench/results/${day}.md and bench/results/latest.md`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)}s`);

  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(renderTable(report));
}

/** A fresh database: a temporary SQLite directory, or a new schema reached through search_path. */
async function prepareDatabase(backend, dataDir) {
  if (backend.name === 'sqlite') return { sqlitePath: sqlitePathFor(dataDir), cleanup: async () => {} };
  const schema = `bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: backend.baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(backend.baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    databaseUrl: url.toString(),
    schema,
    admin,
    async cleanup() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

async function runBackend(backend) {
  const name = backend.name;
  const say = (message) => log(`${name}: ${message}`);
  const loadBefore = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'twofold-bench-'));
  const database = await prepareDatabase(backend, dataDir);
  const secretKey = randomBytes(32).toString('base64');
  let server;
  let handle;
  try {
    const nodeOptions = args['cpu-prof']
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${join(resultsDir, 'profiles')}`,
          `--cpu-prof-name=server-${name}.cpuprofile`,
        ]
      : [];
    server = await startServerProcess({
      dataDir,
      secretKey,
      databaseUrl: database.databaseUrl,
      nodeOptions,
      log: say,
    });
    say(`server pid ${server.pid} listening on ${server.url}`);

    // The bench writes through its own connection to the same database, with the server's code.
    handle = openDatabase({
      databaseUrl: database.databaseUrl,
      sqlitePath: database.sqlitePath,
      poolSize: 4,
    });
    const run = await prepareRun({ name, say, server, db: handle.db, secretKey });
    const latency = await measureLatency(run, database);
    const throughput = await measureThroughput(run, latency.large);
    const signIn = await measureSignIn(run);
    const result = summarize(run, {
      description: handle.description,
      latency,
      throughput,
      signIn,
      loadBefore,
    });
    if (args.peers) Object.assign(result, await measurePeers(run, backend, dataDir, result));
    if (soakSeconds) result.soak = await soak(run, latency.large, result);
    return result;
  } finally {
    if (server) {
      const exit = await server.stop();
      say(`server stopped (${exit.code ?? exit.signal})`);
    }
    if (handle) await handle.close();
    await database.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The tenant, the seeder and the samples of one backend's run, and `measure`, which times one phase. */
async function prepareRun({ name, say, server, db, secretKey }) {
  const tenant = await db.selectFrom('tenants').selectAll().where('slug', '=', tenantSlug).executeTakeFirst();
  if (!tenant) throw new Error(`the server did not create tenant '${tenantSlug}'`);
  const policy = parsePolicy(tenant.policy);
  if (!policy.allowedMethods.includes('totp')) throw new Error('the tenant does not allow totp methods');
  const totp = policy.totp;
  // The server's sealer, drawing its nonces from a pooled CSPRNG (one call per 64 KiB, not per seal).
  const sealer = createSealer(createKeyring(parseSecretKeys(secretKey)), {
    randomBytes: createRandomPool(),
  });
  const hasher = createPasswordHasher();
  const passwordHash = await hasher.hash(password);
  const seeder = createSeeder({
    db,
    sealer,
    tenantId: tenant.id,
    totp,
    passwordHash,
    concurrency: name === 'postgres' ? 3 : 1,
  });

  // Who does what: the first 1,000 users are the small database; samples of the rest are
  // measured at the large size, disjoint so no code is ever presented twice.
  const smallSet = new Set(Array.from({ length: smallUsers }, (_, i) => i));
  const largeLatencySample = sampleIndices(smallUsers, largeUsers, latencyMeasured, smallSet);
  const taken = new Set([...smallSet, ...largeLatencySample]);
  const throughputSample = sampleIndices(smallUsers, largeUsers, throughputSessions, taken);
  const signInSample = sampleIndices(0, largeUsers, 5000);

  const phases = {};
  const memory = {};
  const windows = {};
  /**
   * Times one phase of load on `target` (Twofold's server unless told: a peer's). A phase with no
   * answer stops the bench, unless `mayBeEmpty` (a peer slower than the phase is long).
   */
  const measure = async (label, load, target = server, { mayBeEmpty = false } = {}) => {
    target.assertRunning();
    const sampler = target.sampleMemory();
    // Monotonic microseconds, the clock of V8's CPU profiles: --cpu-prof can be cut by phase.
    const from = Number(process.hrtime.bigint() / 1000n);
    const cpuBefore = target.cpuMs();
    const result = await load();
    const cpuAfter = target.cpuMs();
    // The server's own CPU time per answer: what a request costs, whatever else runs on the machine.
    if (cpuBefore !== undefined && cpuAfter !== undefined && result.ok > 0)
      result.serverCpuMsPerAnswer = (cpuAfter - cpuBefore) / result.ok;
    memory[label] = sampler.stop();
    windows[label] = [from, Number(process.hrtime.bigint() / 1000n)];
    if (result.failed > 0 || result.errors > 0) {
      say(
        `  ${label}: ${result.failed} failed answers, ${result.errors} connection errors ` +
          `(statuses ${JSON.stringify(result.statuses)}, errors ${JSON.stringify(result.errorMessages)})`,
      );
    }
    phases[label] = result;
    target.assertRunning();
    if (result.ok === 0 && !mayBeEmpty) throw new Error(`${label}: no request succeeded`);
    say(
      `  ${label}: ${result.ok} ok in ${result.seconds.toFixed(1)}s (${Math.round(result.rps ?? 0)}/s), ` +
        `p50 ${result.latency.p50Ms?.toFixed(2)} ms, p99 ${result.latency.p99Ms?.toFixed(2)} ms`,
    );
    return result;
  };
  const stepUpPath = `/t/${tenantSlug}/api/v1/me/step-up`;
  /** Step-ups of these seeded users, each with a fresh code of its own (never one presented before). */
  const schedules = new Map();
  const verifyRequests = (picked, indices) => {
    const users = indices.map((i) => picked.get(i));
    // One schedule per sample for the whole run: a later phase on the same users (the soak after
    // the throughput phase) never presents a code that an earlier one did.
    const schedule = schedules.get(indices) ?? createCodeSchedule({ users, ...totp });
    schedules.set(indices, schedule);
    return [
      {
        method: 'POST',
        path: stepUpPath,
        setupRequest(request) {
          const next = schedule.next();
          // None left (only if a phase outruns its users): a wrong code, counted as a failure.
          const user = users[next?.index ?? 0];
          return {
            ...request,
            headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ methodId: user.methodId, code: next?.code ?? 'exhausted' }),
          };
        },
      },
    ];
  };
  /** Password sign-ins of the sign-in sample, in turn. */
  const signInRequests = () => {
    let cursor = 0;
    return [
      {
        method: 'POST',
        path: `/t/${tenantSlug}/api/v1/sign-in`,
        setupRequest(request) {
          const index = signInSample[cursor++ % signInSample.length];
          return {
            ...request,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: benchEmail(index), password }),
          };
        },
      },
    ];
  };
  return {
    name,
    say,
    server,
    totp,
    signInRequests,
    db,
    hasher,
    passwordHash,
    seeder,
    smallSet,
    largeLatencySample,
    throughputSample,
    signInSample,
    phases,
    memory,
    windows,
    measure,
    tick: (label) => (done) => say(`  ${label}: ${done} answers so far`),
    hello: { method: 'GET', path: '/api/v1/time' },
    stepUpPath,
    verifyRequests,
  };
}

/** Verification latency with 1,000 users, then with the large database (seeded in between). */
async function measureLatency(run, database) {
  const { say, server, seeder, measure, smallSet, largeLatencySample, throughputSample } = run;
  let seedStart = Date.now();
  const small = await seeder.seedUsers(0, smallUsers, smallSet);
  say(`seeded ${smallUsers} users in ${((Date.now() - seedStart) / 1000).toFixed(1)}s`);

  // A self-check before measuring: one verification must succeed, or nothing below means anything.
  const smallVerify = run.verifyRequests(small, [...smallSet]);
  const probe = smallVerify[0].setupRequest({});
  const response = await fetch(`${server.url}${run.stepUpPath}`, {
    method: 'POST',
    headers: probe.headers,
    body: probe.body,
  });
  if (response.status !== 200)
    throw new Error(`a seeded user's step-up failed: ${response.status} ${await response.text()}`);

  say(`warming up (${warmupSeconds}s of hello world)`);
  await runLoad({ url: server.url, connections, duration: warmupSeconds, requests: [run.hello] });
  const latencyPhase = (label, requests, amount) =>
    measure(label, () => runLoad({ url: server.url, connections: latencyConnections, amount, requests }));
  say(`verification latency with ${smallUsers.toLocaleString('en-US')} users`);
  await latencyPhase('verifyWarmup1k', smallVerify, latencyWarmup);
  const verify1k = await latencyPhase('verify1k', smallVerify, latencyMeasured);

  say(`seeding ${(largeUsers - smallUsers).toLocaleString('en-US')} more users`);
  seedStart = Date.now();
  let lastLog = 0;
  const largeSessions = new Set([...largeLatencySample, ...throughputSample]);
  const large = await seeder.seedUsers(smallUsers, largeUsers, largeSessions, (done) => {
    if (Date.now() - lastLog < 5000 && done < largeUsers - smallUsers) return;
    lastLog = Date.now();
    const seconds = (Date.now() - seedStart) / 1000;
    say(
      `  seeded ${(smallUsers + done).toLocaleString('en-US')} of ${largeUsers.toLocaleString('en-US')} ` +
        `(${Math.round(done / seconds).toLocaleString('en-US')} users/s)`,
    );
  });
  const seedSeconds = (Date.now() - seedStart) / 1000;
  if (database.admin) {
    await database.admin.query(
      `ANALYZE ${database.schema}.users, ${database.schema}.methods, ${database.schema}.sessions`,
    );
  }
  const userCount = await countRows(run.db, 'users');
  if (userCount !== largeUsers) throw new Error(`expected ${largeUsers} users, found ${userCount}`);
  say(`database now holds ${userCount.toLocaleString('en-US')} users (seeded in ${seedSeconds.toFixed(1)}s)`);

  say(`verification latency with ${largeUsers.toLocaleString('en-US')} users`);
  const largeVerify = run.verifyRequests(large, largeLatencySample);
  await latencyPhase('verifyWarmupLarge', largeVerify, latencyWarmup);
  const verifyLarge = await latencyPhase('verifyLarge', largeVerify, latencyMeasured);
  return { verify1k, verifyLarge, large, userCount, seedSeconds };
}

/** Throughput: hello world, then verification, one after the other on the same server. */
async function measureThroughput(run, large) {
  const { say, server, measure, tick } = run;
  say(`throughput: hello world (${duration}s)`);
  const helloRun = await measure('hello', () =>
    runLoad({ url: server.url, connections, duration, requests: [run.hello], onTick: tick('hello') }),
  );
  say(`throughput: TOTP verification, a fresh code of a different user each time (${duration}s)`);
  const requests = run.verifyRequests(large, run.throughputSample);
  const countersBefore = await readDatabaseCounters(server.url);
  const verifyRun = await measure('verify', () =>
    runLoad({ url: server.url, connections, duration, requests, onTick: tick('verify') }),
  );
  // Every request of the phase counts (a refused one ran its statements too).
  const verifyDatabase = databaseCostPerAnswer(
    countersBefore,
    await readDatabaseCounters(server.url),
    verifyRun.requests,
  );
  say(
    `  verify: ${verifyDatabase.statementsPerAnswer?.toFixed(2)} statements, ` +
      `${verifyDatabase.roundTripsPerAnswer?.toFixed(2)} round trips a request`,
  );
  return { helloRun, verifyRun, verifyDatabase };
}

/** Password sign-in against the bare hash: the hasher's time alone, then sign-ins over HTTP. */
async function measureSignIn(run) {
  const { say, server, measure, tick, hasher, passwordHash } = run;
  say('hash time: the server hasher, one at a time, server idle');
  const hashSamples = [];
  const hashDeadline = Date.now() + 3000;
  while (hashSamples.length < 5 || (Date.now() < hashDeadline && hashSamples.length < 50)) {
    const t0 = process.hrtime.bigint();
    if (!(await hasher.verify(passwordHash, password))) throw new Error('the hasher did not verify');
    hashSamples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  hashSamples.sort((a, b) => a - b);
  const hashMs = hashSamples[Math.floor(hashSamples.length / 2)];
  const cores = availableParallelism();
  const hashBoundPerSecond = cores / (hashMs / 1000);
  say(
    `  hash ${hashMs.toFixed(1)} ms (median of ${hashSamples.length}), ` +
      `bound ${cores} cores / hash = ${hashBoundPerSecond.toFixed(1)}/s`,
  );

  // The baseline of signInHasherRatio: the same hasher kept busy on every core at once (argon2id
  // is memory-bound, so parallel hashes can each be slower than one alone).
  let parallelHashes = 0;
  const parallelStart = Date.now();
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (Date.now() - parallelStart < 2000) {
        await hasher.verify(passwordHash, password);
        parallelHashes++;
      }
    }),
  );
  const hasherParallelPerSecond = parallelHashes / ((Date.now() - parallelStart) / 1000);
  say(`  the hasher on ${cores} cores at once: ${hasherParallelPerSecond.toFixed(1)}/s`);

  const [signIn] = run.signInRequests();
  say(`sign-in warm-up (${warmupSeconds}s)`);
  await measure('signInWarmup', () =>
    runLoad({ url: server.url, connections, duration: warmupSeconds, requests: [signIn] }),
  );
  say(`throughput: password sign-in (${duration}s)`);
  const signInRun = await measure('signIn', () =>
    runLoad({ url: server.url, connections, duration, requests: [signIn], onTick: tick('sign-in') }),
  );
  return { signInRun, hashMs, cores, hashBoundPerSecond, hasherParallelPerSecond };
}

/** One backend's figures, each against its baseline from the same run. */
function summarize(run, { description, latency, throughput, signIn, loadBefore }) {
  const { name, server, phases, memory, windows } = run;
  const peak = server.memory();
  if (args['cpu-prof']) {
    mkdirSync(join(resultsDir, 'profiles'), { recursive: true });
    writeFileSync(join(resultsDir, 'profiles', `phases-${name}.json`), JSON.stringify(windows, null, 2));
  }
  const failures = Object.fromEntries(
    Object.entries(phases)
      .filter(([, r]) => r.failed > 0 || r.errors > 0)
      .map(([label, r]) => [
        label,
        { failed: r.failed, errors: r.errors, statuses: r.statuses, errorMessages: r.errorMessages },
      ]),
  );
  // Latency phases are a fixed number of requests, which autocannon ends on its one-second tick:
  // their rate would be understated, so only their latencies are given.
  const pick = (r, { rate = true } = {}) => ({
    requests: r.requests,
    ok: r.ok,
    ...(rate ? { seconds: r.seconds, rps: r.rps } : {}),
    p50Ms: r.latency.p50Ms,
    p90Ms: r.latency.p90Ms,
    p99Ms: r.latency.p99Ms,
    maxMs: r.latency.maxMs,
    serverCpuMsPerAnswer: r.serverCpuMsPerAnswer,
  });
  const { helloRun, verifyRun } = throughput;
  const { verify1k, verifyLarge } = latency;
  return {
    backend: name,
    // No path of this machine in the report: the SQLite file is a new one in the temp directory.
    database: name === 'sqlite' ? 'SQLite, a new file in the temp directory' : description,
    users: { small: smallUsers, large: latency.userCount },
    seeding: {
      users: largeUsers - smallUsers,
      seconds: latency.seedSeconds,
      usersPerSecond: (largeUsers - smallUsers) / latency.seedSeconds,
    },
    hello: pick(helloRun),
    verify: pick(verifyRun),
    verifyHttpRatio: ratio(verifyRun.rps, helloRun.rps),
    // The same question asked of CPU time instead of rate: how many hello worlds of the server's
    // CPU one verification costs, inverted. It holds when other work shares the cores (rates do not);
    // on PostgreSQL the database's own processes are not in it.
    verifyCpuRatio: ratio(helloRun.serverCpuMsPerAnswer, verifyRun.serverCpuMsPerAnswer),
    verifyDatabase: throughput.verifyDatabase,
    signIn: pick(signIn.signInRun),
    hashMs: signIn.hashMs,
    cores: signIn.cores,
    hashBoundPerSecond: signIn.hashBoundPerSecond,
    signInHashRatio: ratio(signIn.signInRun.rps, signIn.hashBoundPerSecond),
    hasherParallelPerSecond: signIn.hasherParallelPerSecond,
    // Sign-ins against the same hasher kept busy on every core at once, in the same run: what the
    // rest of a sign-in (HTTP, the user's read, the flow's writes) leaves of the hash's own rate.
    signInHasherRatio: ratio(signIn.signInRun.rps, signIn.hasherParallelPerSecond),
    loadAverage: { before: loadBefore, after: loadavg() },
    verify1k: pick(verify1k, { rate: false }),
    verifyLarge: pick(verifyLarge, { rate: false }),
    p99Ratio1mVs1k: ratio(verifyLarge.latency.p99Ms, verify1k.latency.p99Ms),
    p50Ratio1mVs1k: ratio(verifyLarge.latency.p50Ms, verify1k.latency.p50Ms),
    peakRssBytes: peak?.peakRss,
    phasePeakRssBytes: memory,
    failures,
  };
}

/** better-auth on a database of its own (a new SQLite file, a new schema), under the same load. */
async function measurePeers(run, backend, dataDir, twofold) {
  const database = await prepareDatabase(backend, dataDir);
  try {
    const peer = await measureBetterAuth({
      database,
      dataDir,
      users: largeUsers,
      sessions: throughputSessions,
      connections,
      duration,
      warmupSeconds,
      password,
      measure: run.measure,
      say: run.say,
    });
    return peerFigures(twofold, peer);
  } finally {
    await database.cleanup();
  }
}

/**
 * The soak on the server just measured: verification (the throughput phase's sessions) and
 * sign-ins together at fixed rates, 80% of its capacity as the phases measured it.
 */
async function soak(run, large, measured) {
  const rates = soakRates({
    verifyRps: measured.verify.rps,
    signInRps: measured.signIn.rps,
    sessions: run.throughputSample.length,
    period: run.totp.period,
  });
  run.say(
    `soak for ${soakSeconds}s: verification at ${rates.verify}/s${rates.verifyCapped ? ' (held to the codes the sessions give)' : ''}, ` +
      `sign-in at ${rates.signIn}/s`,
  );
  return runSoak({
    url: run.server.url,
    server: run.server,
    seconds: soakSeconds,
    rates,
    flows: { verify: run.verifyRequests(large, run.throughputSample), signIn: run.signInRequests() },
    connections,
    say: run.say,
  });
}

/** Across databases: every soak's errors and failures added up, and the highest RSS growth. */
function soakSummary(measured) {
  const soaks = measured.map((r) => r.soak).filter(Boolean);
  const growths = soaks.map((s) => s.rssGrowth).filter((g) => typeof g === 'number');
  return {
    soakFailures: soaks.reduce((sum, s) => sum + s.failed + s.errors, 0),
    soakRssGrowth: growths.length ? Math.max(...growths) : undefined,
  };
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
