// The human table (stdout) and the Markdown report (bench/results/).
import { formatMiB, formatNumber } from './helpers.mjs';

/** Spec section 5 targets. */
export const targets = {
  verifyHttpRatio: { atLeast: 0.5 },
  signInHashRatio: { atLeast: 0.9 },
  signInHasherRatio: { atLeast: 0.9 },
  p99Ratio1mVs1k: { atMost: 1.5 },
  /** `--soak`: non-2xx answers and errors, and RSS growth from its second minute to its last. */
  soakFailures: { atMost: 0 },
  soakRssGrowth: { atMost: 0.1 },
};

function verdict(key, value) {
  const target = targets[key];
  if (typeof value !== 'number') return 'n/a';
  if (target.atLeast !== undefined) return value >= target.atLeast ? 'meets' : 'below';
  return value <= target.atMost ? 'meets' : 'above';
}

const ms = (value) => (typeof value === 'number' ? `${value.toFixed(2)} ms` : 'n/a');
const perSecond = (value) => (typeof value === 'number' ? `${formatNumber(value, 1)}/s` : 'n/a');
const times = (value) => (typeof value === 'number' ? value.toFixed(3) : 'n/a');

/** The verification's statements and round trips per request (from the server's /metrics). */
function databaseCostRow(cost) {
  const each = (value) => (typeof value === 'number' ? value.toFixed(2) : 'n/a');
  return [
    'database work per verification (statements, round trips)',
    `${each(cost?.statementsPerAnswer)}, ${each(cost?.roundTripsPerAnswer)}`,
    'transaction control included; SQLite makes no round trips (it runs in the process)',
  ];
}

/** Rows of [figure, value, baseline or note] for one database. */
function rows(r) {
  const large = formatNumber(r.users.large);
  return [
    [
      'hello world (GET /api/v1/time)',
      perSecond(r.hello.rps),
      `p50 ${ms(r.hello.p50Ms)}, p99 ${ms(r.hello.p99Ms)}`,
    ],
    [
      'TOTP verification (POST /me/step-up)',
      perSecond(r.verify.rps),
      `p50 ${ms(r.verify.p50Ms)}, p99 ${ms(r.verify.p99Ms)}`,
    ],
    [
      'verifyHttpRatio (verify / hello)',
      times(r.verifyHttpRatio),
      `target >= ${targets.verifyHttpRatio.atLeast}: ${verdict('verifyHttpRatio', r.verifyHttpRatio)}`,
    ],
    [
      'server CPU per answer (hello, verification)',
      `${ms(r.hello.serverCpuMsPerAnswer)}, ${ms(r.verify.serverCpuMsPerAnswer)}`,
      `verifyCpuRatio ${times(r.verifyCpuRatio)}: the rate ratio in CPU time, steady when other work shares the cores`,
    ],
    databaseCostRow(r.verifyDatabase),
    [
      'password sign-in (POST /sign-in)',
      perSecond(r.signIn.rps),
      `p50 ${ms(r.signIn.p50Ms)}, p99 ${ms(r.signIn.p99Ms)}`,
    ],
    [
      'hash bound (cores / hash time)',
      perSecond(r.hashBoundPerSecond),
      `${r.cores} cores, argon2id ${ms(r.hashMs)} each`,
    ],
    [
      'the hasher on every core at once',
      perSecond(r.hasherParallelPerSecond),
      'parallel argon2id without HTTP, in the same run',
    ],
    [
      'signInHasherRatio (sign-in / hasher on every core)',
      times(r.signInHasherRatio),
      `target >= ${targets.signInHasherRatio.atLeast}: ${verdict('signInHasherRatio', r.signInHasherRatio)}`,
    ],
    [
      'signInHashRatio (sign-in / bound)',
      times(r.signInHashRatio),
      `target >= ${targets.signInHashRatio.atLeast}: ${verdict('signInHashRatio', r.signInHashRatio)}`,
    ],
    [
      `verification, ${formatNumber(r.users.small)} users`,
      `p50 ${ms(r.verify1k.p50Ms)}`,
      `p99 ${ms(r.verify1k.p99Ms)}`,
    ],
    [`verification, ${large} users`, `p50 ${ms(r.verifyLarge.p50Ms)}`, `p99 ${ms(r.verifyLarge.p99Ms)}`],
    [
      `p99Ratio1mVs1k (p99 ${large} / ${formatNumber(r.users.small)})`,
      times(r.p99Ratio1mVs1k),
      `target <= ${targets.p99Ratio1mVs1k.atMost}: ${verdict('p99Ratio1mVs1k', r.p99Ratio1mVs1k)}`,
    ],
    [
      'machine load average (1 min)',
      `${r.loadAverage.before[0].toFixed(2)} before, ${r.loadAverage.after[0].toFixed(2)} after`,
      'other work on the machine skews every figure',
    ],
    ['peak server memory (VmHWM)', formatMiB(r.peakRssBytes), 'whole run, seeding excluded (other process)'],
    [
      'seeding',
      `${formatNumber(r.seeding.usersPerSecond)} users/s`,
      `${formatNumber(r.seeding.users)} users with a TOTP method in ${r.seeding.seconds.toFixed(1)} s`,
    ],
  ];
}

/** Rows of the peers measured with --peers (bench/peers/), after Twofold's own. */
function peerRows(r) {
  const peer = r.peers?.betterAuth;
  if (!peer) return [];
  const ratios = r.peerRatios?.betterAuth ?? {};
  const cpu = (figure) =>
    figure.ok === 0
      ? `no answer within the phase (in flight when it ended): a longer --duration measures it`
      : `server CPU ${ms(figure.serverCpuMsPerAnswer)} an answer`;
  return [
    [
      `better-auth ${peer.version} TOTP verification (two-factor/verify-totp)`,
      perSecond(peer.verify.rps),
      `p50 ${ms(peer.verify.p50Ms)}, p99 ${ms(peer.verify.p99Ms)}, ${cpu(peer.verify)}; ` +
        `a code accepted twice: ${peer.acceptsReplay ? 'yes' : 'no'}`,
    ],
    [
      `better-auth ${peer.version} sign-in (sign-in/email)`,
      perSecond(peer.signIn.rps),
      `p50 ${ms(peer.signIn.p50Ms)}, p99 ${ms(peer.signIn.p99Ms)}, ${cpu(peer.signIn)}; ${peer.passwordHash}`,
    ],
    [
      'peerRatios better-auth (Twofold / better-auth)',
      `verify ${times(ratios.verify)}, sign-in ${times(ratios.signIn)}`,
      `by server CPU an answer: verify ${times(ratios.verifyCpu)}, sign-in ${times(ratios.signInCpu)}; target > 1`,
    ],
  ];
}

/** Rows of the soak (--soak): its totals, then one per minute. */
function soakRows(r) {
  const soak = r.soak;
  if (!soak) return [];
  const failures = soak.failed + soak.errors;
  const percent = (value) => (typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : 'n/a');
  const p99 = (minute, flow) => ms(minute.flows[flow]?.p99Ms);
  return [
    [
      'soak: verification and sign-in at fixed rates',
      `${formatNumber(soak.ok)} ok in ${soak.seconds.toFixed(0)} s`,
      `verify ${soak.rates.verify}/s + sign-in ${soak.rates.signIn}/s (80% of the capacity measured above, shared evenly)`,
    ],
    [
      'soak failures (non-2xx answers + errors)',
      `${failures}`,
      `target 0: ${failures === 0 ? 'meets' : 'above'}` +
        (failures
          ? `; statuses ${JSON.stringify(soak.statuses)}, errors ${JSON.stringify(soak.errorMessages)}`
          : ''),
    ],
    ...soak.minutes.map((minute) => [
      `soak minute ${minute.minute}`,
      `RSS ${formatMiB(minute.rssBytes)}`,
      `p99 verify ${p99(minute, 'verify')}, sign-in ${p99(minute, 'signIn')}` +
        (minute.errors ? `; ${minute.errors} errors` : ''),
    ]),
    [
      'soak RSS growth (second minute to last)',
      percent(soak.rssGrowth),
      typeof soak.rssGrowth === 'number'
        ? `target < ${percent(targets.soakRssGrowth.atMost)}: ${verdict('soakRssGrowth', soak.rssGrowth)}`
        : 'needs a soak of 3 minutes or more',
    ],
  ];
}

/** Every row of one database: Twofold's figures, then the peers' and the soak's when measured. */
function allRows(r) {
  return [...rows(r), ...peerRows(r), ...soakRows(r)];
}

/** Summary rows of --peers and --soak, when run. */
function summaryExtras(report) {
  const out = [];
  for (const [peer, ratios] of Object.entries(report.peerRatios ?? {}))
    out.push(
      `| peerRatios ${peer}, verification (lowest) | ${times(ratios.verify)} | > 1 |`,
      `| peerRatios ${peer}, sign-in (lowest) | ${times(ratios.signIn)} | > 1 |`,
    );
  if (report.soakFailures !== undefined)
    out.push(
      `| soak failures (all databases) | ${report.soakFailures} | 0 |`,
      `| soak RSS growth (highest) | ${typeof report.soakRssGrowth === 'number' ? `${(report.soakRssGrowth * 100).toFixed(1)}%` : 'n/a'} | < 10% |`,
    );
  return out;
}

function failureLines(r) {
  const peerFailures = Object.fromEntries(
    Object.entries(r.peers?.betterAuth?.failures ?? {}).map(([phase, f]) => [`better-auth ${phase}`, f]),
  );
  return Object.entries({ ...r.failures, ...peerFailures }).map(
    ([phase, f]) =>
      `${phase}: ${f.failed} failed answers, ${f.errors} connection errors, statuses ${JSON.stringify(f.statuses)}`,
  );
}

export function renderTable(report) {
  const out = [];
  for (const [name, r] of Object.entries(report.results)) {
    out.push('', `== ${name}${r.skipped ? '' : ` (${r.database})`}`);
    if (r.skipped) {
      out.push(r.note);
      continue;
    }
    const table = allRows(r);
    const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table)
      out.push(
        row
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
    for (const line of failureLines(r)) out.push(`WARNING ${line}`);
  }
  out.push(
    '',
    `${report.machine.cores} cores (${report.machine.cpu}), node ${report.machine.node}; ` +
      `${report.settings.connections} connections, ${report.settings.durationSeconds}s phases`,
    '',
  );
  return out.join('\n');
}

export function renderMarkdown(report) {
  const { machine, settings } = report;
  const out = [
    `# Twofold benchmark, ${report.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpu}), ${formatMiB(machine.memoryBytes)} memory, ` +
      `node ${machine.node}, ${machine.platform}. Load: autocannon over loopback, ` +
      `${settings.connections} connections, ${settings.durationSeconds} s per throughput phase; ` +
      `the load generator runs on the same machine as the server.`,
    '',
    'Each figure is set against a baseline of the same run: TOTP verification against a hello-world ' +
      'route of the same server (`GET /api/v1/time`), sign-ins against cores / argon2id time of the ' +
      "server's own hasher and against that hasher run on every core at once, p99 at the large size against p99 at 1,000 users (the same requests on " +
      `${settings.latencyConnections} connection(s), so latency is service time rather than queueing: ` +
      '800 warm-up then 1,000 measured, each a fresh code of a different user).',
    '',
  ];
  for (const [name, r] of Object.entries(report.results)) {
    out.push(`## ${name}`, '');
    if (r.skipped) {
      out.push(r.note, '');
      continue;
    }
    out.push(`Database: ${r.database}.`, '', '| figure | value | baseline / note |', '| --- | --- | --- |');
    for (const row of allRows(r)) out.push(`| ${row.join(' | ')} |`);
    out.push('');
    const failures = failureLines(r);
    if (failures.length)
      out.push('Failures (these phases are not clean):', '', ...failures.map((l) => `- ${l}`), '');
  }
  out.push(
    '## Summary',
    '',
    '| figure | value | target |',
    '| --- | --- | --- |',
    `| verifyHttpRatio (lowest) | ${times(report.verifyHttpRatio)} | >= ${targets.verifyHttpRatio.atLeast} |`,
    `| signInHashRatio (lowest) | ${times(report.signInHashRatio)} | >= ${targets.signInHashRatio.atLeast} |`,
    `| signInHasherRatio (lowest) | ${times(report.signInHasherRatio)} | >= ${targets.signInHasherRatio.atLeast} |`,
    `| p99Ratio1mVs1k (highest) | ${times(report.p99Ratio1mVs1k)} | <= ${targets.p99Ratio1mVs1k.atMost} |`,
    `| peak server RSS (highest) | ${formatMiB(report.peakRssBytes)} | |`,
    ...summaryExtras(report),
    '',
  );
  return out.join('\n');
}
