// The human table (stdout) and the Markdown report (bench/results/).
import { formatMiB, formatNumber } from './helpers.mjs';

/** Spec section 5 targets. */
export const targets = {
  verifyHttpRatio: { atLeast: 0.5 },
  signInHashRatio: { atLeast: 0.9 },
  p99Ratio1mVs1k: { atMost: 1.5 },
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
      'diagnosis only: parallel argon2id without HTTP',
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

function failureLines(r) {
  return Object.entries(r.failures ?? {}).map(
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
    const table = rows(r);
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
      "server's own hasher, p99 at the large size against p99 at 1,000 users (the same requests on " +
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
    for (const row of rows(r)) out.push(`| ${row.join(' | ')} |`);
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
    `| p99Ratio1mVs1k (highest) | ${times(report.p99Ratio1mVs1k)} | <= ${targets.p99Ratio1mVs1k.atMost} |`,
    `| peak server RSS (highest) | ${formatMiB(report.peakRssBytes)} | |`,
    '',
  );
  return out.join('\n');
}
