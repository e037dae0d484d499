import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  algorithmArbitrary,
  anySecretArbitrary,
  expectOnlyTypedErrors,
  PROPERTY_RUNS,
  utf16Arbitrary,
} from '../test-support/otp-arbitraries.js';
import { decodeBase32, encodeBase32 } from './base32.js';
import { generateHotp } from './hotp.js';
import type { OtpAlgorithm } from './otp-algorithm.js';
import { MAX_COUNTER } from './otp-parameters.js';
import { generateSteamCode, STEAM_ALPHABET } from './steam.js';
import { generateTotp } from './totp.js';
import { verifyHotp, verifyTotp } from './verify.js';

const runs = { numRuns: PROPERTY_RUNS };

/** Independent HOTP (node:crypto HMAC, RFC 4226 §5.3/§5.4 written out again) to compare against. */
function referenceHotp(secret: Uint8Array, counter: bigint, algorithm: OtpAlgorithm, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm.replace('SHA', 'sha'), secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** digits).padStart(digits, '0');
}

const digitsArbitrary = fc.integer({ min: 6, max: 10 });
const counterArbitrary = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 32n + 10n }),
  fc.bigInt({ min: 0n, max: MAX_COUNTER }),
  fc.bigInt({ min: MAX_COUNTER - 10n, max: MAX_COUNTER }),
);

/** Order in which verifyTotp prefers matches: nearer the centre first, the past before the future on a tie. */
const rank = (distance: number): number => Math.abs(distance) * 2 + (distance > 0 ? 1 : 0);

describe('HOTP (RFC 4226) properties', () => {
  it('equals an independent node:crypto implementation for any secret, counter, algorithm and digits', () => {
    fc.assert(
      fc.property(
        anySecretArbitrary,
        counterArbitrary,
        algorithmArbitrary,
        digitsArbitrary,
        (secret, counter, algorithm, digits) => {
          expect(generateHotp({ secret, counter, algorithm, digits })).toBe(
            referenceHotp(secret, counter, algorithm, digits),
          );
        },
      ),
      runs,
    );
  });

  it('always has exactly `digits` decimal digits, leading zeros kept: the 10-digit code ends with it', () => {
    fc.assert(
      fc.property(
        anySecretArbitrary,
        counterArbitrary,
        algorithmArbitrary,
        digitsArbitrary,
        (secret, counter, algorithm, digits) => {
          const code = generateHotp({ secret, counter, algorithm, digits });
          expect(code).toMatch(new RegExp(`^[0-9]{${digits}}$`));
          // The truncated value is below 2^31 < 10^10, so the 10-digit code is the whole value, zero-padded.
          expect(generateHotp({ secret, counter, algorithm, digits: 10 }).endsWith(code)).toBe(true);
        },
      ),
      runs,
    );
  });

  it('verifyHotp finds a code of counter..counter+lookAhead at its counter (or an earlier one with the same code)', () => {
    fc.assert(
      fc.property(
        anySecretArbitrary,
        counterArbitrary,
        fc.integer({ min: 0, max: 20 }),
        fc.nat(20),
        algorithmArbitrary,
        digitsArbitrary,
        (secret, counter, lookAhead, ahead, algorithm, digits) => {
          const k = BigInt(Math.min(ahead, lookAhead));
          fc.pre(counter + k <= MAX_COUNTER);
          const code = generateHotp({ secret, counter: counter + k, algorithm, digits });
          const match = verifyHotp({ secret, code, counter, lookAhead, algorithm, digits });
          expect(match).not.toBeNull();
          expect(match! >= counter && match! <= counter + k).toBe(true);
          expect(generateHotp({ secret, counter: match!, algorithm, digits })).toBe(code);
        },
      ),
      runs,
    );
  });

  it('verifyHotp never accepts a code at the counter of a code that was already used (before `counter`)', () => {
    fc.assert(
      fc.property(
        anySecretArbitrary,
        fc.bigInt({ min: 1n, max: MAX_COUNTER }),
        fc.bigInt({ min: 1n, max: 50n }),
        fc.integer({ min: 0, max: 20 }),
        algorithmArbitrary,
        digitsArbitrary,
        (secret, counter, back, lookAhead, algorithm, digits) => {
          const used = counter - back < 0n ? 0n : counter - back;
          const code = generateHotp({ secret, counter: used, algorithm, digits });
          const match = verifyHotp({ secret, code, counter, lookAhead, algorithm, digits });
          // Only a genuine collision with a counter inside the look-ahead window may match.
          if (match !== null) {
            expect(match >= counter).toBe(true);
            expect(generateHotp({ secret, counter: match, algorithm, digits })).toBe(code);
          }
        },
      ),
      runs,
    );
  });
});

describe('TOTP (RFC 6238) properties', () => {
  /** A time somewhere inside step `step`: t0 + step * period + an offset below one period. */
  const timeInStep = fc
    .record({
      step: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 44 })),
      period: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constant(30)),
      t0: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 31 })),
      offset: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    })
    .map(({ step, period, t0, offset }) => {
      // Whole seconds inside the step, plus a fraction where doubles still resolve it exactly.
      const seconds = Math.floor(offset * period);
      const fraction = step < 2 ** 31 ? (offset * period - seconds) / 2 : 0;
      return { step, period, t0, time: t0 + step * period + seconds + fraction };
    });

  it('TOTP at time t equals HOTP at counter floor((t - T0) / period)', () => {
    fc.assert(
      fc.property(
        anySecretArbitrary,
        timeInStep,
        algorithmArbitrary,
        digitsArbitrary,
        (secret, { step, period, t0, time }, algorithm, digits) => {
          expect(generateTotp({ secret, time, period, t0, algorithm, digits })).toBe(
            generateHotp({ secret, counter: step, algorithm, digits }),
          );
        },
      ),
      runs,
    );
  });

  // RFC 6238 Appendix B (T0 = 0, X = 30, 8 digits), as in totp.test.ts: every second of a vector's step
  // gives the vector's code.
  const seed = (length: number) => new TextEncoder().encode('1234567890'.repeat(7).slice(0, length));
  const RFC6238: [number, string, OtpAlgorithm, Uint8Array][] = [
    [59, '94287082', 'SHA1', seed(20)],
    [1111111109, '68084774', 'SHA256', seed(32)],
    [1234567890, '93441116', 'SHA512', seed(64)],
    [20000000000, '65353130', 'SHA1', seed(20)],
  ];

  it('any time inside the step of an RFC 6238 Appendix B vector gives its code', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RFC6238),
        fc.double({ min: 0, max: 29.999, noNaN: true }),
        ([vectorTime, code, algorithm, secret], within) => {
          const time = Math.floor(vectorTime / 30) * 30 + within;
          expect(generateTotp({ secret, time, algorithm, digits: 8 })).toBe(code);
        },
      ),
      runs,
    );
  });

  const verifyCase = fc.record({
    secret: anySecretArbitrary,
    algorithm: algorithmArbitrary,
    digits: digitsArbitrary,
    period: fc.integer({ min: 1, max: 120 }),
    t0: fc.integer({ min: 0, max: 10 ** 9 }),
    current: fc.integer({ min: 20, max: 2 ** 36 }),
    within: fc.integer({ min: 0, max: 119 }),
    window: fc.integer({ min: 0, max: 5 }),
    driftSteps: fc.integer({ min: -10, max: 10 }),
  });

  it('verifyTotp accepts the code of any step within the window and reports its offset', () => {
    fc.assert(
      fc.property(verifyCase, fc.integer({ min: -5, max: 5 }), fc.nat(8), (options, k, spaceAt) => {
        const { secret, algorithm, digits, period, t0, current, within, window, driftSteps } = options;
        const distance = Math.max(-window, Math.min(window, k));
        const target = current + driftSteps + distance;
        const time = t0 + current * period + (within % period);
        const code = generateHotp({ secret, counter: target, algorithm, digits });
        // A typed code may contain spaces ("123 456").
        const typed = `${code.slice(0, spaceAt)} ${code.slice(spaceAt)}`;
        const check = { secret, algorithm, digits, period, t0, time, window, driftSteps };
        const match = verifyTotp({ ...check, code: typed });
        expect(match).not.toBeNull();
        expect(match!.step).toBe(current + match!.offset);
        expect(Math.abs(match!.step - (current + driftSteps))).toBeLessThanOrEqual(window);
        expect(generateHotp({ secret, counter: match!.step, algorithm, digits })).toBe(code);
        expect(rank(match!.offset - driftSteps)).toBeLessThanOrEqual(rank(distance));
        const sameCode = [];
        for (let step = current + driftSteps - window; step <= current + driftSteps + window; step++) {
          if (generateHotp({ secret, counter: step, algorithm, digits }) === code) sameCode.push(step);
        }
        if (sameCode.length === 1) expect(match!.offset).toBe(driftSteps + distance);
      }),
      runs,
    );
  });

  it('verifyTotp never accepts the code of a step outside the window (only a genuine in-window collision)', () => {
    fc.assert(
      fc.property(verifyCase, fc.boolean(), fc.integer({ min: 1, max: 200 }), (options, past, beyond) => {
        const { secret, algorithm, digits, period, t0, current, within, window, driftSteps } = options;
        const target = current + driftSteps + (past ? -1 : 1) * (window + beyond);
        fc.pre(target >= 0);
        const time = t0 + current * period + (within % period);
        const code = generateHotp({ secret, counter: target, algorithm, digits });
        const match = verifyTotp({ secret, code, algorithm, digits, period, t0, time, window, driftSteps });
        if (match !== null) {
          expect(match.step).not.toBe(target);
          expect(Math.abs(match.step - (current + driftSteps))).toBeLessThanOrEqual(window);
          expect(generateHotp({ secret, counter: match.step, algorithm, digits })).toBe(code);
        }
      }),
      runs,
    );
  });

  it('verifyTotp and verifyHotp never throw on any typed text; a match is always a genuine code', () => {
    const typedArbitrary = fc.oneof(utf16Arbitrary, fc.stringMatching(/^[0-9 \t\u00a0\u3000]{0,14}$/));
    fc.assert(
      fc.property(verifyCase, typedArbitrary, (options, typed) => {
        const { secret, algorithm, digits, period, t0, current, within, window, driftSteps } = options;
        const time = t0 + current * period + (within % period);
        const match = verifyTotp({
          secret,
          code: typed,
          algorithm,
          digits,
          period,
          t0,
          time,
          window,
          driftSteps,
        });
        if (match !== null) {
          expect(generateHotp({ secret, counter: match.step, algorithm, digits })).toBe(
            typed.replace(/\s/gu, ''),
          );
        }
        const counter = BigInt(current);
        const hotpMatch = verifyHotp({ secret, code: typed, counter, lookAhead: window, algorithm, digits });
        if (hotpMatch !== null) {
          expect(generateHotp({ secret, counter: hotpMatch, algorithm, digits })).toBe(
            typed.replace(/\s/gu, ''),
          );
        }
      }),
      runs,
    );
  });
});

describe('base32 (RFC 4648 §6) properties', () => {
  const bytesArbitrary = fc.uint8Array({ maxLength: 100 });

  it('decode(encode(bytes)) gives the bytes back, with or without padding', () => {
    fc.assert(
      fc.property(bytesArbitrary, fc.boolean(), (bytes, padding) => {
        const text = encodeBase32(bytes, { padding });
        expect(text).toMatch(padding ? /^[A-Z2-7]*=*$/ : /^[A-Z2-7]*$/);
        expect(text.replace(/=+$/, '').length).toBe(Math.ceil((bytes.length * 8) / 5));
        if (padding) expect(text.length % 8).toBe(0);
        expect(decodeBase32(text)).toEqual(bytes);
      }),
      runs,
    );
  });

  it('decoding ignores case, spaces and dashes anywhere (grouped secrets as apps show them)', () => {
    fc.assert(
      fc.property(
        bytesArbitrary,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '-', '\t', '\n')), { maxLength: 6 }),
        fc.boolean(),
        (bytes, separators, lower) => {
          let text = encodeBase32(bytes);
          for (const [at, separator] of separators) {
            const position = at % (text.length + 1);
            text = text.slice(0, position) + separator + text.slice(position);
          }
          expect(decodeBase32(lower ? text.toLowerCase() : text)).toEqual(bytes);
        },
      ),
      runs,
    );
  });

  it('any text either decodes to bytes that re-encode to the same base32 digits, or throws base32_invalid', () => {
    const base32ish = fc.string({
      unit: fc.constantFrom(...'ABCXYZ234567abz= -\t1089+/é'.split('')),
      maxLength: 30,
    });
    fc.assert(
      fc.property(fc.oneof(utf16Arbitrary, base32ish), (text) => {
        expectOnlyTypedErrors(() => {
          const bytes = decodeBase32(text);
          const digits = text.replace(/[\s=-]/gu, '').toUpperCase();
          const encoded = encodeBase32(bytes);
          expect(encoded.length).toBe(digits.length);
          // Only the last digit may differ: its bits below a whole byte are dropped (RFC 4648 §3.5).
          if (digits.length % 8 === 0) expect(encoded).toBe(digits);
          else expect(encoded.slice(0, -1)).toBe(digits.slice(0, -1));
          expect(decodeBase32(encoded)).toEqual(bytes);
        }, ['base32_invalid']);
      }),
      runs,
    );
  });
});

describe('Steam Guard code properties', () => {
  const steamCode = new RegExp(`^[${STEAM_ALPHABET}]{5}$`);

  it('is 5 characters of the Steam alphabet for any secret and time, constant within a 30 s step', () => {
    fc.assert(
      fc.property(
        anySecretArbitrary,
        fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: 0, max: 2 ** 31, noNaN: true })),
        (secret, time) => {
          const code = generateSteamCode(secret, time);
          expect(code).toMatch(steamCode);
          expect(generateSteamCode(secret, Math.floor(time / 30) * 30)).toBe(code);
        },
      ),
      runs,
    );
  });
});
