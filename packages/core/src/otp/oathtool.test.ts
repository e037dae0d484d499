// Cross-checks against oathtool (OATH Toolkit), an independent C implementation of RFC 4226/6238.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeBase32 } from './base32.js';
import { generateHotp } from './hotp.js';
import type { OtpAlgorithm } from './otp-algorithm.js';
import { generateTotp } from './totp.js';
import { findTotpOffset, verifyHotp } from './verify.js';

const probe = spawnSync('oathtool', ['--version'], { encoding: 'utf8' });
const available = probe.status === 0;
const title = available
  ? 'cross-check against oathtool'
  : 'cross-check against oathtool (SKIPPED: oathtool binary not found; install it with `apt-get install oathtool`)';
if (!available) console.warn(title);

function oathtool(args: string[]): string {
  const result = spawnSync('oathtool', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`oathtool ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Deterministic PRNG (mulberry32) so a failure can be reproduced. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const random = createRandom(0x7f0f01d);
const integer = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const bytes = (length: number): Uint8Array => Uint8Array.from({ length }, () => integer(0, 255));
const hex = (value: Uint8Array): string => Buffer.from(value).toString('hex');
const uint64 = (): bigint => (BigInt(integer(0, 2 ** 32 - 1)) << 32n) | BigInt(integer(0, 2 ** 32 - 1));
const OATH_ALGORITHMS: [OtpAlgorithm, string][] = [
  ['SHA1', 'sha1'],
  ['SHA256', 'sha256'],
  ['SHA512', 'sha512'],
];

describe.skipIf(!available)(title, () => {
  it('HOTP: 60 random keys, counters (up to 2^64-1) and digit counts', () => {
    const counters = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 64n - 1n];
    for (let i = 0; i < 60; i++) {
      const secret = bytes(integer(1, 64));
      const counter = counters[i] ?? (i % 2 === 0 ? BigInt(integer(0, 1e6)) : uint64());
      const digits = integer(6, 8);
      const expected = oathtool(['--hotp', '-d', String(digits), '-c', counter.toString(), hex(secret)]);
      expect(generateHotp({ secret, counter, digits }), `key ${hex(secret)} counter ${counter}`).toBe(
        expected,
      );
    }
  });

  it('TOTP: 60 random keys, algorithms, periods, T0, times (up to 2^35 s) and digit counts', () => {
    for (let i = 0; i < 60; i++) {
      const [algorithm, oathAlgorithm] = OATH_ALGORITHMS[i % 3]!;
      const secret = bytes(integer(10, 64));
      const period = i < 10 ? 30 : integer(1, 120);
      const t0 = i % 4 === 0 ? integer(0, 1e6) : 0;
      const time = t0 + integer(0, 2 ** 35);
      const digits = integer(6, 8);
      const expected = oathtool([
        `--totp=${oathAlgorithm}`,
        '-d',
        String(digits),
        '-s',
        String(period),
        '-S',
        `@${t0}`,
        '-N',
        `@${time}`,
        hex(secret),
      ]);
      expect(
        generateTotp({ secret, time, period, t0, algorithm, digits }),
        `${algorithm} key ${hex(secret)} time ${time} period ${period} t0 ${t0}`,
      ).toBe(expected);
    }
  });

  it('base32: oathtool decodes our unpadded encoding to the same key', () => {
    for (let length = 10; length <= 40; length++) {
      const secret = bytes(length);
      const time = integer(0, 2 ** 31);
      expect(oathtool(['--totp', '-b', '-N', `@${time}`, encodeBase32(secret)])).toBe(
        generateTotp({ secret, time }),
      );
    }
  });

  it('verifier: finds the offset of codes oathtool generated up to 10 minutes away', () => {
    for (let i = 0; i < 20; i++) {
      const secret = bytes(20);
      const time = integer(1e9, 2e9);
      const offset = integer(-20, 20);
      const code = oathtool(['--totp', '-d', '8', '-N', `@${time + offset * 30}`, hex(secret)]);
      expect(findTotpOffset({ secret, code, time, digits: 8 })?.offset, `time ${time}`).toBe(offset);
    }
  });

  it('verifier: HOTP look-ahead finds the counter oathtool used', () => {
    for (let i = 0; i < 10; i++) {
      const secret = bytes(20);
      const counter = BigInt(integer(0, 1e6));
      const ahead = integer(0, 9);
      const code = oathtool(['--hotp', '-d', '8', '-c', (counter + BigInt(ahead)).toString(), hex(secret)]);
      expect(verifyHotp({ secret, code, counter, lookAhead: 9, digits: 8 })).toBe(counter + BigInt(ahead));
    }
  });
});
