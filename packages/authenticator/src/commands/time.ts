import { TwofoldError } from '@twofold/core';
import { CLOCK_WARNING_MS, measureClockOffset } from '../clock.js';
import { normalizeServerUrl } from '../http.js';
import { openSession } from '../session.js';
import type { Verb } from './kit.js';

/** `time`: the offset of the local clock against a Twofold server. */
export const timeVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('time')
      .description('Measure the offset of the local clock against a Twofold server (round trip corrected).')
      .option('--server <url>', 'server URL (default: the server of the first push account in the vault)'),
    async (out, options) => {
      let server = options['server'] as string | undefined;
      if (server === undefined) {
        const session = await openSession(kit.io, out, kit.vaultPath(options), { create: false });
        server = session.vault.entries.find((entry) => entry.push !== undefined)?.push?.server;
        if (server === undefined) {
          throw new TwofoldError(
            'validation_failed',
            'give --server URL (no account in the vault has a Twofold server)',
          );
        }
      }
      const base = normalizeServerUrl(server);
      const measured = await measureClockOffset(base);
      const seconds = (measured.offsetMs / 1000).toFixed(3);
      const tooFar = Math.abs(measured.offsetMs) > CLOCK_WARNING_MS;
      const direction = measured.offsetMs > 0 ? 'behind' : 'ahead of';
      const warning = tooFar
        ? `the local clock is ${Math.abs(measured.offsetMs / 1000).toFixed(1)} s ${direction} the server: codes may be refused; set the clock (enable NTP)`
        : undefined;
      if (warning !== undefined) out.warn(warning);
      out.result(
        {
          server: base,
          offsetMs: measured.offsetMs,
          roundTripMs: measured.roundTripMs,
          serverTime: new Date(measured.serverTime).toISOString(),
          localTime: new Date(Math.round(measured.localTime)).toISOString(),
          ok: !tooFar,
          ...(warning === undefined ? {} : { warning }),
        },
        () => [
          `Clock offset: ${measured.offsetMs >= 0 ? '+' : ''}${seconds} s (server minus local; round trip ${measured.roundTripMs} ms)${tooFar ? '' : ': OK'}`,
        ],
      );
    },
  );
};
