import { TwofoldError } from '@twofold/core';
import { requestJson } from './http.js';

/** Offsets past this many milliseconds get a warning: codes start to fail near half a 30 s period. */
export const CLOCK_WARNING_MS = 5_000;

export interface ClockOffset {
  /** Server time minus local time, in ms (positive: the local clock is behind). */
  offsetMs: number;
  /** Round trip of the sample used, in ms. */
  roundTripMs: number;
  serverTime: number;
  localTime: number;
}

/**
 * Measures the local clock against a Twofold server (`GET <server>/api/v1/time` → `{ now }` in ms): each sample's
 * offset is `serverTime - (t0 + t1) / 2` (the server read its clock about halfway through the round trip); the
 * sample with the shortest round trip wins. Falls back to the `Date` header (1 s precision) without `now`.
 */
export async function measureClockOffset(server: string, samples = 3): Promise<ClockOffset> {
  let best: ClockOffset | undefined;
  for (let i = 0; i < samples; i++) {
    const url = new URL(`${server}/api/v1/time`);
    const t0 = Date.now();
    const response = await requestJson(url, { method: 'GET', timeoutMs: 10_000 });
    const t1 = Date.now();
    const now = (response.body as { now?: unknown } | undefined)?.now;
    let serverTime: number;
    if (typeof now === 'number' && Number.isFinite(now)) serverTime = now;
    else {
      const date = Date.parse(response.headers.get('date') ?? '');
      if (Number.isNaN(date)) {
        throw new TwofoldError('server_response_invalid', `${url.origin}/api/v1/time gave no time`);
      }
      serverTime = date + 500; // a Date header is truncated to the second: take the middle of it
    }
    const localTime = (t0 + t1) / 2;
    const sample = {
      offsetMs: Math.round(serverTime - localTime),
      roundTripMs: t1 - t0,
      serverTime,
      localTime,
    };
    if (best === undefined || sample.roundTripMs < best.roundTripMs) best = sample;
  }
  return best!;
}
