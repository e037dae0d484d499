// Load over loopback HTTP with autocannon; latencies of 2xx answers kept exactly (autocannon's
// own histogram rounds to whole milliseconds).
import autocannon from 'autocannon';
import { summarizeLatencies } from './helpers.mjs';

/**
 * Runs one phase: `duration` seconds, or exactly `amount` requests when given.
 * @param {{
 *   url: string,
 *   connections: number,
 *   duration?: number,
 *   amount?: number,
 *   requests: object[],
 *   onTick?: (completed: number) => void,
 * }} options
 */
export async function runLoad(options) {
  const { url, connections, duration, amount, requests } = options;
  const latencies = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  let completed = 0;
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    timeout: 30,
    ...(amount !== undefined ? { amount } : { duration }),
    requests,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    completed++;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  /** @type {Record<string, number>} */
  const errorMessages = {};
  instance.on('reqError', (error) => {
    const message = error?.code ?? error?.message ?? String(error);
    errorMessages[message] = (errorMessages[message] ?? 0) + 1;
  });
  const ticker = options.onTick ? setInterval(() => options.onTick?.(completed), 1000) : undefined;
  let result;
  try {
    result = await instance;
  } finally {
    if (ticker) clearInterval(ticker);
  }
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  const ok = latencies.length;
  return {
    seconds,
    requests: completed,
    ok,
    failed: completed - ok,
    errors: result.errors,
    errorMessages,
    timeouts: result.timeouts,
    statuses,
    /** Successful answers per second over the whole phase. */
    rps: seconds > 0 ? ok / seconds : undefined,
    latency: summarizeLatencies(latencies),
  };
}
