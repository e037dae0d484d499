import { describe, expect, it } from 'vitest';
import { describeError } from '../test-support/describe-error.js';
import { decodeBase32 } from './base32.js';
import { generateHotp } from './hotp.js';
import type { OtpAlgorithm } from './otp-algorithm.js';
import { computeTotpStep, generateTotp } from './totp.js';

// RFC 6238 Appendix A: each algorithm has its own seed length (the Appendix B prose mentions only the first).
const SEEDS: Record<string, Uint8Array> = {
  SHA1: new TextEncoder().encode('12345678901234567890'),
  SHA256: new TextEncoder().encode('12345678901234567890123456789012'),
  SHA512: new TextEncoder().encode('1234567890123456789012345678901234567890123456789012345678901234'),
};

describe('RFC 6238 Appendix B (T0 = 0, X = 30, 8 digits)', () => {
  it.each([
    [59, '0000000000000001', '94287082', 'SHA1'],
    [59, '0000000000000001', '46119246', 'SHA256'],
    [59, '0000000000000001', '90693936', 'SHA512'],
    [1111111109, '00000000023523EC', '07081804', 'SHA1'],
    [1111111109, '00000000023523EC', '68084774', 'SHA256'],
    [1111111109, '00000000023523EC', '25091201', 'SHA512'],
    [1111111111, '00000000023523ED', '14050471', 'SHA1'],
    [1111111111, '00000000023523ED', '67062674', 'SHA256'],
    [1111111111, '00000000023523ED', '99943326', 'SHA512'],
    [1234567890, '000000000273EF07', '89005924', 'SHA1'],
    [1234567890, '000000000273EF07', '91819424', 'SHA256'],
    [1234567890, '000000000273EF07', '93441116', 'SHA512'],
    [2000000000, '0000000003F940AA', '69279037', 'SHA1'],
    [2000000000, '0000000003F940AA', '90698825', 'SHA256'],
    [2000000000, '0000000003F940AA', '38618901', 'SHA512'],
    [20000000000, '0000000027BC86AA', '65353130', 'SHA1'],
    [20000000000, '0000000027BC86AA', '77737706', 'SHA256'],
    [20000000000, '0000000027BC86AA', '47863826', 'SHA512'],
  ])('time %i, T %s -> %s (%s)', (time, stepHex, code, algorithm) => {
    expect(computeTotpStep(time, 30, 0).toString(16).toUpperCase().padStart(16, '0')).toBe(stepHex);
    expect(
      generateTotp({
        secret: SEEDS[algorithm]!,
        time,
        period: 30,
        t0: 0,
        algorithm: algorithm as OtpAlgorithm,
        digits: 8,
      }),
    ).toBe(code);
  });

  it('pitfall: the 20-byte seed with SHA256/SHA512 gives other codes at T=59', () => {
    expect(generateTotp({ secret: SEEDS['SHA1']!, time: 59, algorithm: 'SHA256', digits: 8 })).toBe(
      '32247374',
    );
    expect(generateTotp({ secret: SEEDS['SHA1']!, time: 59, algorithm: 'SHA512', digits: 8 })).toBe(
      '69342147',
    );
  });

  it('the base32 seeds of the reference decode to the same codes', () => {
    const sha512 = decodeBase32(
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA=',
    );
    expect(generateTotp({ secret: sha512, time: 20000000000, algorithm: 'SHA512', digits: 8 })).toBe(
      '47863826',
    );
  });
});

describe('TOTP with 6 digits keeps leading zeros (KeePassXC checks)', () => {
  it.each([
    [1234567890, '005924'],
    [1111111109, '081804'],
  ])('time %i -> %s', (time, code) => {
    expect(generateTotp({ secret: SEEDS['SHA1']!, time })).toBe(code);
  });

  it('our Aegis fixture entry shows 94287082 at T=59', () => {
    const secret = decodeBase32('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(generateTotp({ secret, time: 59, algorithm: 'SHA1', digits: 8, period: 30 })).toBe('94287082');
  });
});

describe('TOTP steps beyond 2^32', () => {
  it('uses all 64 bits of T', () => {
    const step = 2 ** 32 + 5;
    const time = step * 30 + 7;
    expect(computeTotpStep(time)).toBe(step);
    const code = generateTotp({ secret: SEEDS['SHA1']!, time, digits: 8 });
    expect(code).toBe(generateHotp({ secret: SEEDS['SHA1']!, counter: BigInt(step), digits: 8 }));
    // A setUint32-only implementation would compute the code of step 5.
    expect(code).not.toBe(generateHotp({ secret: SEEDS['SHA1']!, counter: 5, digits: 8 }));
  });
});

describe('computeTotpStep', () => {
  it.each([
    [0, 30, 0, 0],
    [29.999, 30, 0, 0],
    [30, 30, 0, 1],
    [59, 30, 0, 1],
    [60, 30, 0, 2],
    [59, 60, 0, 0],
    [119, 60, 0, 1],
    [1700000000, 45, 0, 37777777],
    [100, 30, 40, 2],
    [89, 30, 30, 1],
    [7, 1, 0, 7],
  ])('time %d, period %i, t0 %i -> %i', (time, period, t0, step) => {
    expect(computeTotpStep(time, period, t0)).toBe(step);
  });

  it('defaults to period 30 and t0 0', () => {
    expect(computeTotpStep(1111111109)).toBe(0x023523ec);
  });

  it.each([
    [[10, 30, 20], 'time 10 is before t0 20'],
    [[Number.NaN, 30, 0], 'time must be a finite number of seconds, got NaN'],
    [[Number.POSITIVE_INFINITY, 30, 0], 'time must be a finite number of seconds, got Infinity'],
    [[10, 0, 0], 'period must be a positive integer number of seconds, got 0'],
    [[10, -30, 0], 'period must be a positive integer number of seconds, got -30'],
    [[10, 1.5, 0], 'period must be a positive integer number of seconds, got 1.5'],
    [[10, 30, Number.NaN], 't0 must be a finite number of seconds, got NaN'],
    [[1e300, 1, 0], 'time 1e+300 is too far in the future'],
  ] as [[number, number, number], string][])('%j -> %s', ([time, period, t0], message) => {
    expect(describeError(() => computeTotpStep(time, period, t0))).toBe(`otp_parameters_invalid: ${message}`);
  });
});

describe('generateTotp parameters', () => {
  const secret = SEEDS['SHA1']!;
  it('applies period and t0', () => {
    expect(generateTotp({ secret, time: 1111111109 + 1000, t0: 1000, digits: 8 })).toBe('07081804');
    expect(generateTotp({ secret, time: 118, period: 60, digits: 8 })).toBe(
      generateHotp({ secret, counter: 1, digits: 8 }),
    );
  });

  it.each([
    [{ secret, time: 59, digits: 4 }, 'digits must be an integer from 6 to 10, got 4'],
    [
      { secret, time: 59, algorithm: 'SHA3' },
      "algorithm must be one of SHA1, SHA224, SHA256, SHA384, SHA512, got 'SHA3'",
    ],
    [{ secret: new Uint8Array(0), time: 59 }, 'secret is empty'],
    [{ secret, time: 59, period: 0 }, 'period must be a positive integer number of seconds, got 0'],
  ])('%j', (options, message) => {
    expect(describeError(() => generateTotp(options as never))).toBe(`otp_parameters_invalid: ${message}`);
  });
});
