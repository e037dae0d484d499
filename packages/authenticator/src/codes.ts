import { describeEntry, entryCountdown, generateEntryCode, inertText, type VaultEntry } from '@twofold/core';
import type { AuthenticatorIo } from './io.js';

/** What `list --json` and other verbs print about an entry: never its secret or keys. */
export function entrySummary(entry: VaultEntry): Record<string, unknown> {
  return {
    id: entry.id,
    type: entry.type,
    issuer: entry.issuer,
    name: entry.name,
    algorithm: entry.algorithm,
    digits: entry.digits,
    ...(entry.period === undefined ? {} : { period: entry.period }),
    ...(entry.counter === undefined ? {} : { counter: entry.counter.toString() }),
    ...(entry.groups === undefined ? {} : { groups: entry.groups }),
    ...(entry.favorite === true ? { favorite: true } : {}),
    ...(entry.note === undefined ? {} : { note: entry.note }),
    push:
      entry.push === undefined
        ? null
        : { server: entry.push.server, tenant: entry.push.tenant, deviceId: entry.push.deviceId },
  };
}

/** An entry with its current code (totp/steam) and the seconds it stays valid. */
export function entryWithCode(entry: VaultEntry, time: number): Record<string, unknown> {
  const countdown = entryCountdown(entry, time);
  return {
    ...entrySummary(entry),
    code: entry.type === 'hotp' ? null : generateEntryCode(entry, time),
    ...(countdown === undefined ? {} : { remaining: countdown.remaining }),
  };
}

/** "123 456", "1234 5678", "12 345 678 9"... for reading; Steam codes as they are. */
export function groupDigits(code: string): string {
  if (!/^[0-9]+$/.test(code) || code.length < 6) return code;
  if (code.length % 3 === 0) return code.match(/.{3}/g)!.join(' ');
  if (code.length % 4 === 0) return code.match(/.{4}/g)!.join(' ');
  return code.match(/.{1,3}/g)!.join(' ');
}

/** The lines of the code table at `time` (Unix seconds). */
export function renderCodes(entries: readonly VaultEntry[], time: number, live: boolean): string[] {
  if (entries.length === 0) return ['No accounts. Add one with `twofold-authenticator add <otpauth-uri>`.'];
  // Escaped here too: the live view writes these lines with its own cursor sequences, not through Output.
  const labels = entries.map((entry) => inertText(describeEntry(entry)) + (entry.push ? ' [push]' : ''));
  const width = Math.min(48, Math.max(...labels.map((label) => label.length)));
  return entries.map((entry, index) => {
    const label = labels[index]!.length > width ? `${labels[index]!.slice(0, width - 1)}…` : labels[index]!;
    if (entry.type === 'hotp') {
      return `${label.padEnd(width)}  ${'(hotp)'.padEnd(12)}  counter ${entry.counter}: \`code\` shows the next code`;
    }
    const code = generateEntryCode(entry, time);
    const countdown = entryCountdown(entry, time)!;
    const shown = live ? groupDigits(code) : code;
    const bar = live
      ? ` ${'#'.repeat(Math.round((countdown.remaining / countdown.period) * 10)).padEnd(10, '.')}`
      : '';
    return `${label.padEnd(width)}  ${shown.padEnd(12)} ${bar} ${String(countdown.remaining).padStart(2)}s`;
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** An AbortSignal aborted by Ctrl-C (SIGINT), and a function that stops listening. */
function sigintSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.removeListener('SIGINT', onSigint) };
}

/**
 * The live view of `list` on a terminal: the codes with the seconds left, redrawn every second in place, until
 * Ctrl-C (or `io.interrupt`).
 */
export async function runLiveView(io: AuthenticatorIo, entries: readonly VaultEntry[]): Promise<void> {
  const own = io.interrupt === undefined ? sigintSignal() : undefined;
  const signal = io.interrupt ?? own!.signal;
  const write = (text: string) => io.stdout.write(text);
  write('\x1b[?25l'); // hide the cursor
  let drawn = 0;
  try {
    while (!signal.aborted) {
      const now = Date.now();
      const lines = [...renderCodes(entries, now / 1000, true), 'Ctrl-C to quit'];
      if (drawn > 0) write(`\x1b[${drawn}A`);
      for (const line of lines) write(`\x1b[2K${line}\n`);
      drawn = lines.length;
      await sleep(1000 - (now % 1000) + 5, signal);
    }
  } finally {
    write('\x1b[?25h');
    own?.dispose();
  }
}
