import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeError } from '../test-support/describe-error.js';
import { computeHotpValue, generateHotp } from './hotp.js';
import { computeHmac, type OtpAlgorithm } from './otp-algorithm.js';

const RFC4226_SECRET = new TextEncoder().encode('12345678901234567890');

/** Independent HOTP (node:crypto HMAC + RFC 4226 §5.4 written out separately) for cross-checks. */
function referenceHotp(secret: Uint8Array, counter: bigint, algorithm: string, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm.replace('SHA', 'sha'), secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** digits).padStart(digits, '0');
}

describe('RFC 4226 Appendix D (HMAC-SHA-1, secret "12345678901234567890")', () => {
  it.each([
    [0, 'cc93cf18508d94934c64b65d8ba7667fb7cde4b0', 1284755224, '755224'],
    [1, '75a48a19d4cbe100644e8ac1397eea747a2d33ab', 1094287082, '287082'],
    [2, '0bacb7fa082fef30782211938bc1c5e70416ff44', 137359152, '359152'],
    [3, '66c28227d03a2d5529262ff016a1e6ef76557ece', 1726969429, '969429'],
    [4, 'a904c900a64b35909874b33e61c5938a8e15ed1c', 1640338314, '338314'],
    [5, 'a37e783d7b7233c083d4f62926c7a25f238d0316', 868254676, '254676'],
    [6, 'bc9cd28561042c83f219324d3c607256c03272ae', 1918287922, '287922'],
    [7, 'a4fb960c0bc06e1eabb804e5b397cdc4b45596fa', 82162583, '162583'],
    [8, '1b3c89f65e6c9e883012052823443f048b4332db', 673399871, '399871'],
    [9, '1637409809a679dc698207310c8c7fc07290d9e5', 645520489, '520489'],
  ])('count %i: HMAC %s, truncated %i, HOTP %s', (count, mac, truncated, code) => {
    const message = new Uint8Array(8);
    message[7] = count;
    expect(Buffer.from(computeHmac('SHA1', RFC4226_SECRET, message)).toString('hex')).toBe(mac);
    expect(computeHotpValue(RFC4226_SECRET, BigInt(count), 'SHA1')).toBe(truncated);
    expect(generateHotp({ secret: RFC4226_SECRET, counter: count })).toBe(code);
    expect(
      generateHotp({ secret: RFC4226_SECRET, counter: BigInt(count), algorithm: 'SHA1', digits: 6 }),
    ).toBe(code);
  });
});

describe('HOTP extras (reference §7.1, oathtool man page)', () => {
  it.each([
    ['count 0, 7 digits', RFC4226_SECRET, 0, 7, '4755224'],
    ['count 0, 8 digits', RFC4226_SECRET, 0, 8, '84755224'],
    ['count 10, 6 digits', RFC4226_SECRET, 10, 6, '403154'],
    ['`oathtool 00`: key 0x00, count 0', new Uint8Array([0]), 0, 6, '328482'],
  ])('%s -> %s', (_name, secret, counter, digits, code) => {
    expect(generateHotp({ secret, counter, digits })).toBe(code);
  });

  // Truncated values are < 2^31 < 10^10, so 10 digits is the value itself, zero-padded.
  it.each([
    [0, 9, '284755224'],
    [0, 10, '1284755224'],
    [2, 9, '137359152'],
    [2, 10, '0137359152'],
    [7, 9, '082162583'],
    [7, 10, '0082162583'],
  ])('count %i with %i digits -> %s', (counter, digits, code) => {
    expect(generateHotp({ secret: RFC4226_SECRET, counter, digits })).toBe(code);
  });
});

describe('HOTP counters beyond 32 and 53 bits', () => {
  it.each([2n ** 32n - 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n])(
    'counter %s matches an independent implementation',
    (counter) => {
      const code = generateHotp({ secret: RFC4226_SECRET, counter, digits: 8 });
      expect(code).toBe(referenceHotp(RFC4226_SECRET, counter, 'SHA1', 8));
    },
  );

  it('does not truncate the counter to 32 bits', () => {
    expect(generateHotp({ secret: RFC4226_SECRET, counter: 2n ** 32n + 1n })).not.toBe('287082');
  });

  it('accepts a safe-integer number counter the same as a bigint', () => {
    const counter = 2 ** 53 - 1;
    expect(generateHotp({ secret: RFC4226_SECRET, counter })).toBe(
      generateHotp({ secret: RFC4226_SECRET, counter: BigInt(counter) }),
    );
  });
});

describe('HOTP algorithms against node:crypto', () => {
  const secret = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
  it.each(['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512'] as OtpAlgorithm[])('%s', (algorithm) => {
    for (const counter of [0n, 1n, 99n, 123456789n, 2n ** 40n + 3n]) {
      for (const digits of [6, 8, 10]) {
        expect(generateHotp({ secret, counter, algorithm, digits })).toBe(
          referenceHotp(secret, counter, algorithm, digits),
        );
      }
    }
  });
});

describe('HOTP parameter errors', () => {
  const secret = RFC4226_SECRET;
  it.each([
    ['digits 5', { secret, counter: 0, digits: 5 }, 'digits must be an integer from 6 to 10, got 5'],
    ['digits 11', { secret, counter: 0, digits: 11 }, 'digits must be an integer from 6 to 10, got 11'],
    ['digits 6.5', { secret, counter: 0, digits: 6.5 }, 'digits must be an integer from 6 to 10, got 6.5'],
    ['digits "6"', { secret, counter: 0, digits: '6' }, "digits must be an integer from 6 to 10, got '6'"],
    [
      'MD5',
      { secret, counter: 0, algorithm: 'MD5' },
      "algorithm must be one of SHA1, SHA224, SHA256, SHA384, SHA512, got 'MD5'",
    ],
    [
      'lower-case algorithm',
      { secret, counter: 0, algorithm: 'sha1' },
      "algorithm must be one of SHA1, SHA224, SHA256, SHA384, SHA512, got 'sha1'",
    ],
    [
      'counter -1',
      { secret, counter: -1 },
      'counter must be a non-negative safe integer (use a bigint above 2^53), got -1',
    ],
    [
      'counter 2^53',
      { secret, counter: 2 ** 53 },
      'counter must be a non-negative safe integer (use a bigint above 2^53), got 9007199254740992',
    ],
    [
      'counter NaN',
      { secret, counter: Number.NaN },
      'counter must be a non-negative safe integer (use a bigint above 2^53), got NaN',
    ],
    [
      'counter 2^64',
      { secret, counter: 2n ** 64n },
      'counter must be from 0 to 18446744073709551615 (8 bytes unsigned), got 18446744073709551616',
    ],
    [
      'counter -1n',
      { secret, counter: -1n },
      'counter must be from 0 to 18446744073709551615 (8 bytes unsigned), got -1',
    ],
    ['counter "1"', { secret, counter: '1' }, "counter must be a bigint or a number, got '1'"],
    ['empty secret', { secret: new Uint8Array(0), counter: 0 }, 'secret is empty'],
    [
      'base32 secret',
      { secret: 'JBSWY3DPEHPK3PXP', counter: 0 },
      "secret must be a Uint8Array, got 'JBSWY3DPEHPK3PXP'",
    ],
  ])('%s', (_name, options, message) => {
    expect(describeError(() => generateHotp(options as never))).toBe(`otp_parameters_invalid: ${message}`);
  });
});
