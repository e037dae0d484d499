import { describe, expect, it } from 'vitest';
import { describeError } from '../test-support/describe-error.js';
import { generateHotp } from './hotp.js';
import { computeHmac, type OtpAlgorithm } from './otp-algorithm.js';
import { MAX_COUNTER } from './otp-parameters.js';
import { computeTotpStep, generateTotp } from './totp.js';
import { findTotpOffset, MAX_SEARCH_STEPS, verifyHotp, verifyTotp } from './verify.js';

const secret = new TextEncoder().encode('12345678901234567890');
const NOW = 1_700_000_015; // step 56666667, 15 s into it
const CURRENT = computeTotpStep(NOW);
const codeAt = (offset: number, options: { period?: number; digits?: number } = {}): string =>
  generateTotp({ secret, time: NOW + offset * (options.period ?? 30), ...options });

describe('verifyTotp', () => {
  it.each([
    [-1, { step: CURRENT - 1, offset: -1 }],
    [0, { step: CURRENT, offset: 0 }],
    [1, { step: CURRENT + 1, offset: 1 }],
    [-2, null],
    [2, null],
  ])('code of offset %i with the default window 1 -> %j', (offset, expected) => {
    expect(verifyTotp({ secret, code: codeAt(offset), time: NOW })).toEqual(expected);
  });

  it('window 0 accepts only the current step', () => {
    expect(verifyTotp({ secret, code: codeAt(0), time: NOW, window: 0 })).toEqual({
      step: CURRENT,
      offset: 0,
    });
    expect(verifyTotp({ secret, code: codeAt(-1), time: NOW, window: 0 })).toBeNull();
  });

  it('window 2 accepts ±2', () => {
    expect(verifyTotp({ secret, code: codeAt(-2), time: NOW, window: 2 })).toEqual({
      step: CURRENT - 2,
      offset: -2,
    });
    expect(verifyTotp({ secret, code: codeAt(2), time: NOW, window: 2 })).toEqual({
      step: CURRENT + 2,
      offset: 2,
    });
    expect(verifyTotp({ secret, code: codeAt(3), time: NOW, window: 2 })).toBeNull();
  });

  it('centres the window on the known drift; offsets stay relative to the current step', () => {
    const options = { secret, time: NOW, driftSteps: -4 };
    expect(verifyTotp({ ...options, code: codeAt(-4) })).toEqual({ step: CURRENT - 4, offset: -4 });
    expect(verifyTotp({ ...options, code: codeAt(-5) })).toEqual({ step: CURRENT - 5, offset: -5 });
    expect(verifyTotp({ ...options, code: codeAt(-3) })).toEqual({ step: CURRENT - 3, offset: -3 });
    expect(verifyTotp({ ...options, code: codeAt(0) })).toBeNull();
    expect(verifyTotp({ ...options, code: codeAt(-6) })).toBeNull();
  });

  it('honours period, digits, algorithm and t0', () => {
    const code = generateTotp({ secret, time: NOW + 60, period: 60, digits: 8, algorithm: 'SHA256', t0: 5 });
    expect(
      verifyTotp({ secret, code, time: NOW, period: 60, digits: 8, algorithm: 'SHA256', t0: 5 }),
    ).toEqual({ step: computeTotpStep(NOW, 60, 5) + 1, offset: 1 });
    expect(verifyTotp({ secret, code, time: NOW, period: 60, digits: 8, t0: 5 })).toBeNull();
  });

  it('ignores white-space in the typed code', () => {
    const code = codeAt(0);
    expect(verifyTotp({ secret, code: ` ${code.slice(0, 3)} ${code.slice(3)}\n`, time: NOW })?.offset).toBe(
      0,
    );
  });

  it.each([
    ['wrong code', (code: string) => (code === '000000' ? '000001' : '000000')],
    ['too short', (code: string) => code.slice(1)],
    ['too long', (code: string) => `${code}0`],
    ['letters', () => 'abcdef'],
    ['empty', () => ''],
    [
      'full-width digits',
      (code: string) => code.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d))),
    ],
  ])('%s -> null, no throw', (_name, mangle) => {
    expect(verifyTotp({ secret, code: mangle(codeAt(0)), time: NOW })).toBeNull();
  });

  it('does not look at steps before T0', () => {
    const code = generateTotp({ secret, time: 5 });
    expect(verifyTotp({ secret, code, time: 5 })).toEqual({ step: 0, offset: 0 });
    expect(verifyTotp({ secret, code: generateTotp({ secret, time: 35 }), time: 5 })).toEqual({
      step: 1,
      offset: 1,
    });
  });

  it.each([
    [{ window: -1 }, `window must be an integer from 0 to ${MAX_SEARCH_STEPS}, got -1`],
    [{ window: 1.5 }, `window must be an integer from 0 to ${MAX_SEARCH_STEPS}, got 1.5`],
    [{ window: 5000 }, `window must be an integer from 0 to ${MAX_SEARCH_STEPS}, got 5000`],
    [
      { driftSteps: 0.5 },
      `driftSteps must be an integer from -${MAX_SEARCH_STEPS} to ${MAX_SEARCH_STEPS}, got 0.5`,
    ],
    [{ digits: 4 }, 'digits must be an integer from 6 to 10, got 4'],
    [{ period: 0 }, 'period must be a positive integer number of seconds, got 0'],
    [{ algorithm: 'MD5' }, "algorithm must be one of SHA1, SHA224, SHA256, SHA384, SHA512, got 'MD5'"],
    [{ code: 123456 }, 'code must be a string, got 123456'],
    [{ time: Number.NaN }, 'time must be a finite number of seconds, got NaN'],
    [{ secret: new Uint8Array(0) }, 'secret is empty'],
  ])('throws for invalid parameters %j', (override, message) => {
    const options = { secret, code: codeAt(0), time: NOW, ...override };
    expect(describeError(() => verifyTotp(options as never))).toBe(`otp_parameters_invalid: ${message}`);
  });
});

describe('findTotpOffset (clock-skew search)', () => {
  it.each([-7, -1, 0, 3, 12, -20, 20])('finds offset %i', (offset) => {
    expect(findTotpOffset({ secret, code: codeAt(offset), time: NOW })).toEqual({
      step: CURRENT + offset,
      offset,
    });
  });

  it('searches 10 minutes either side by default (20 steps at 30 s, 10 at 60 s)', () => {
    expect(findTotpOffset({ secret, code: codeAt(-21), time: NOW })).toBeNull();
    expect(findTotpOffset({ secret, code: codeAt(21), time: NOW })).toBeNull();
    const options = { secret, time: NOW, period: 60 };
    expect(findTotpOffset({ ...options, code: codeAt(-10, { period: 60 }) })?.offset).toBe(-10);
    expect(findTotpOffset({ ...options, code: codeAt(-11, { period: 60 }) })).toBeNull();
  });

  it('honours maxOffsetSteps', () => {
    expect(findTotpOffset({ secret, code: codeAt(-7), time: NOW, maxOffsetSteps: 6 })).toBeNull();
    expect(findTotpOffset({ secret, code: codeAt(-40), time: NOW, maxOffsetSteps: 40 })?.offset).toBe(-40);
  });

  it('returns null for a wrong or malformed code', () => {
    expect(findTotpOffset({ secret, code: 'nope', time: NOW })).toBeNull();
  });

  it('rejects maxOffsetSteps beyond the limit', () => {
    expect(
      describeError(() => findTotpOffset({ secret, code: codeAt(0), time: NOW, maxOffsetSteps: 1001 })),
    ).toBe(
      `otp_parameters_invalid: maxOffsetSteps must be an integer from 0 to ${MAX_SEARCH_STEPS}, got 1001`,
    );
  });

  it('prefers the match nearest the current step, and the past on a tie', () => {
    // Find two steps with the same 6-digit code (birthday bound: a few thousand steps suffice).
    const seen = new Map<string, number>();
    let pair: [number, number] | undefined;
    for (let step = 0; pair === undefined && step < 20000; step++) {
      const code = generateHotp({ secret, counter: step });
      const earlier = seen.get(code);
      if (earlier !== undefined && step - earlier <= 2 * MAX_SEARCH_STEPS && (step - earlier) % 2 === 0) {
        pair = [earlier, step];
      } else if (earlier === undefined) {
        seen.set(code, step);
      }
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    const code = generateHotp({ secret, counter: a });
    const radius = b - a;
    const at = (step: number) => step * 30 + 1;
    expect(findTotpOffset({ secret, code, time: at(a + 1), maxOffsetSteps: radius })?.step).toBe(a);
    expect(findTotpOffset({ secret, code, time: at(b - 1), maxOffsetSteps: radius })?.step).toBe(b);
    const middle = (a + b) / 2;
    expect(findTotpOffset({ secret, code, time: at(middle), maxOffsetSteps: radius })).toEqual({
      step: a,
      offset: a - middle,
    });
    expect(verifyTotp({ secret, code, time: at(middle), window: radius / 2 })?.step).toBe(a);
  });
});

describe('verifyHotp', () => {
  const hotp = (counter: number | bigint) => generateHotp({ secret, counter });

  it('matches the expected counter', () => {
    expect(verifyHotp({ secret, code: '755224', counter: 0 })).toBe(0n);
    expect(verifyHotp({ secret, code: '287082', counter: 1n })).toBe(1n);
  });

  it('has no look-ahead by default', () => {
    expect(verifyHotp({ secret, code: hotp(1), counter: 0 })).toBeNull();
  });

  it('looks ahead lookAhead counters, never back', () => {
    expect(verifyHotp({ secret, code: hotp(5), counter: 2, lookAhead: 3 })).toBe(5n);
    expect(verifyHotp({ secret, code: hotp(6), counter: 2, lookAhead: 3 })).toBeNull();
    expect(verifyHotp({ secret, code: hotp(1), counter: 2, lookAhead: 3 })).toBeNull();
  });

  it('works beyond 2^32 and stops at 2^64-1', () => {
    expect(verifyHotp({ secret, code: hotp(2n ** 40n + 2n), counter: 2n ** 40n, lookAhead: 5 })).toBe(
      2n ** 40n + 2n,
    );
    expect(verifyHotp({ secret, code: hotp(MAX_COUNTER), counter: MAX_COUNTER - 1n, lookAhead: 10 })).toBe(
      MAX_COUNTER,
    );
  });

  it('supports other digits and algorithms', () => {
    const code = generateHotp({ secret, counter: 9, digits: 8, algorithm: 'SHA512' });
    expect(verifyHotp({ secret, code, counter: 7, lookAhead: 2, digits: 8, algorithm: 'SHA512' })).toBe(9n);
  });

  it('returns null for malformed codes and throws for bad parameters', () => {
    expect(verifyHotp({ secret, code: '75522', counter: 0 })).toBeNull();
    expect(describeError(() => verifyHotp({ secret, code: '755224', counter: -1 }))).toBe(
      'otp_parameters_invalid: counter must be a non-negative safe integer (use a bigint above 2^53), got -1',
    );
    expect(describeError(() => verifyHotp({ secret, code: '755224', counter: 0, lookAhead: -1 }))).toBe(
      `otp_parameters_invalid: lookAhead must be an integer from 0 to ${MAX_SEARCH_STEPS}, got -1`,
    );
  });
});

describe('a check with the caller’s HMAC', () => {
  it('computes every candidate code with the HMAC it is given, and gives the same answers', () => {
    const used: string[] = [];
    const hmac = (algorithm: OtpAlgorithm, key: Uint8Array, message: Uint8Array) => {
      used.push(algorithm);
      return computeHmac(algorithm, key, message);
    };
    expect(verifyTotp({ secret, code: codeAt(1), time: NOW, hmac })).toEqual({
      step: CURRENT + 1,
      offset: 1,
    });
    expect(used).toHaveLength(3);
    used.length = 0;
    expect(findTotpOffset({ secret, code: codeAt(-4), time: NOW, hmac })?.offset).toBe(-4);
    expect(used.length).toBeGreaterThan(3);
    used.length = 0;
    expect(
      verifyHotp({ secret, code: generateHotp({ secret, counter: 7 }), counter: 5, lookAhead: 3, hmac }),
    ).toBe(7n);
    expect(used).toEqual(['SHA1', 'SHA1', 'SHA1', 'SHA1']);
  });
});
