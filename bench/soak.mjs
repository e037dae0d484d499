// `--soak <duration>`: verification and sign-ins mixed at fixed rates for a long time, on the
// server the normal phases just measured (see bench/README.md). Autocannon holds each rate
// (`overallRate`); every answer and error is put in its minute, with the server's RSS sampled
// every second. Bounded in time: it stops when the duration is over.
import autocannon from 'autocannon';
import { createMinuteAggregator, formatMiB, rssGrowth } from './helpers.mjs';

/**
 * @param {{
 *   url: string,
 *   server: { memory(): { rss?: number } | undefined, assertRunning(): void },
 *   seconds: number,
 *   rates: { verify: number, signIn: number },
 *   flows: { verify: object[], signIn: object[] },
 *   connections: number,
 *   say: (message: string) => void,
 * }} options
 */
export async function runSoak(options) {
  const { url, server, seconds, rates, flows, connections, say } = options;
  const start = Date.now();
  const minutes = createMinuteAggregator(start);
  // The last answers arrive just after the duration: they belong to the last minute, not a new one.
  const now = () => Math.min(Date.now(), start + seconds * 1000 - 1);
  const sampleRss = () => {
    const rss = server.memory()?.rss;
    if (rss !== undefined) minutes.rss(now(), rss);
  };
  sampleRss();
  const sampler = setInterval(sampleRss, 1000);
  let reported = 0;
  const progress = setInterval(() => {
    const rows = minutes.summary();
    // Each whole minute once it is over.
    while (reported < rows.length - 1) {
      const row = rows[reported++];
      say(`  soak minute ${row.minute} of ${Math.ceil(seconds / 60)}: ${minuteLine(row)}`);
    }
  }, 1000);
  const drive = (flow) => {
    const instance = autocannon({
      url,
      connections,
      pipelining: 1,
      timeout: 30,
      duration: seconds,
      overallRate: rates[flow],
      requests: flows[flow],
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) =>
      minutes.answer(now(), flow, statusCode, responseTime),
    );
    instance.on('reqError', (error) =>
      minutes.error(now(), `${flow}: ${error?.code ?? error?.message ?? String(error)}`),
    );
    return instance;
  };
  try {
    await Promise.all([drive('verify'), drive('signIn')]);
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
  }
  sampleRss();
  server.assertRunning();
  const rows = minutes.summary();
  for (const row of rows.slice(reported))
    say(`  soak minute ${row.minute} of ${Math.ceil(seconds / 60)}: ${minuteLine(row)}`);
  return soakFigures({ seconds: (Date.now() - start) / 1000, rates, minutes: rows });
}

/** One minute on one line, for the progress on stderr. */
function minuteLine(row) {
  const flow = (name) => {
    const f = row.flows[name];
    return f
      ? `${name} ${f.ok} ok${f.failed ? `, ${f.failed} failed` : ''}, p99 ${f.p99Ms?.toFixed(1)} ms`
      : `${name} none`;
  };
  return `${flow('verify')}; ${flow('signIn')}; ${row.errors} errors; RSS ${formatMiB(row.rssBytes)}`;
}

/**
 * The soak's totals: answers, failures (any non-2xx, by status) and errors, with the minutes and the
 * RSS growth from the second minute to the last.
 * @param {{ seconds: number, rates: object, minutes: ReturnType<ReturnType<typeof createMinuteAggregator>['summary']> }} input
 */
export function soakFigures({ seconds, rates, minutes }) {
  let ok = 0;
  let failed = 0;
  let errors = 0;
  /** @type {Record<string, number>} */
  const statuses = {};
  /** @type {Record<string, number>} */
  const errorMessages = {};
  for (const minute of minutes) {
    for (const f of Object.values(minute.flows)) {
      ok += f.ok;
      failed += f.failed;
    }
    errors += minute.errors;
    for (const [status, n] of Object.entries(minute.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    for (const [message, n] of Object.entries(minute.errorMessages))
      errorMessages[message] = (errorMessages[message] ?? 0) + n;
  }
  return {
    seconds,
    rates,
    ok,
    failed,
    errors,
    statuses,
    errorMessages,
    minutes: minutes.map(({ errorMessages: _, ...minute }) => minute),
    rssGrowth: rssGrowth(minutes.map((m) => m.rssBytes)),
  };
}
