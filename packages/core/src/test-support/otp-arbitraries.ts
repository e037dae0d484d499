import fc from 'fast-check';
import { isTwofoldError } from '../errors/index.js';
import type { OtpAccount } from '../otp/otp-account.js';
import { OTP_ALGORITHMS } from '../otp/otp-algorithm.js';
import { MAX_COUNTER, MIN_SECRET_BYTES } from '../otp/otp-parameters.js';

/** Runs per property: enough to explore, small enough that every property file stays well under a second. */
export const PROPERTY_RUNS = 200;

export const algorithmArbitrary = fc.constantFrom(...OTP_ALGORITHMS);

/** Any HMAC key, from 1 byte to well beyond the SHA-512 block size (where HMAC hashes the key first). */
export const anySecretArbitrary = fc.uint8Array({ minLength: 1, maxLength: 160 });

/** A secret an account may hold: at least MIN_SECRET_BYTES. */
export const accountSecretArbitrary = fc.uint8Array({ minLength: MIN_SECRET_BYTES, maxLength: 64 });

/** Characters that have a meaning somewhere in an otpauth URI or a label, mixed with ordinary ones. */
const TRICKY_UNITS = [
  ':',
  '%',
  ' ',
  '+',
  '&',
  '=',
  '#',
  '?',
  '/',
  '%3A',
  '%25',
  '%2',
  '\t',
  '\u00a0',
  'a',
  'Z',
  '0',
  'é',
  '🏦',
  '\u0000',
];

/**
 * Issuer or account text: arbitrary graphemes, arbitrary code points (controls, astral planes; no lone
 * surrogates, which are not text), or runs of URI-significant characters such as ':' '%' '&' and spaces.
 */
export const textArbitrary = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.constantFrom(...TRICKY_UNITS), maxLength: 10 }),
);

/** Any UTF-16 string, including lone surrogates: the input an attacker controls. */
export const utf16Arbitrary = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

/** An otpauth parameter value or name: text, plus percent escapes valid or not (%C3 alone, %FF, %ZZ). */
export const parameterTextArbitrary = fc.oneof(
  textArbitrary,
  fc.string({
    unit: fc.constantFrom('%', '%C3', '%A9', '%FF', '%ZZ', '%00', '%2B', '+', '&', '=', 'A', '7', ' ', '-'),
    maxLength: 8,
  }),
  fc.bigInt({ min: -1n, max: MAX_COUNTER + 2n }).map(String),
);

/** An extra otpauth parameter: any name and value, sometimes the `encoder` parameter with steam-like values. */
const extraArbitrary = fc.dictionary(
  fc.oneof(textArbitrary, fc.constantFrom('image', 'encoder', 'Encoder', 'twofold_push', '__proto__')),
  fc.oneof(textArbitrary, fc.constantFrom('steam', ' steam', 'STEAM\t', 'https://e.x/a.png?b=c&d')),
  { maxKeys: 3 },
);

/** Issuer and account as an app would store them: no surrounding white-space (parsers trim it). */
const trimmedTextArbitrary = textArbitrary.map((text) => text.trim());

const commonFields = {
  issuer: trimmedTextArbitrary.filter((text) => text !== ''),
  accountName: trimmedTextArbitrary,
  secret: accountSecretArbitrary,
  extra: extraArbitrary,
};

/** A TOTP, HOTP or Steam account, not yet checked by validateOtpAccount (extra may clash). */
export const accountArbitrary: fc.Arbitrary<OtpAccount> = fc.oneof(
  fc.record(
    {
      type: fc.constant('totp' as const),
      ...commonFields,
      algorithm: algorithmArbitrary,
      digits: fc.integer({ min: 6, max: 10 }),
      period: fc.oneof(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      ),
    },
    { requiredKeys: ['type', 'accountName', 'secret', 'extra', 'algorithm', 'digits', 'period'] },
  ),
  fc.record(
    {
      type: fc.constant('hotp' as const),
      ...commonFields,
      algorithm: algorithmArbitrary,
      digits: fc.integer({ min: 6, max: 10 }),
      counter: fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: MAX_COUNTER })),
    },
    { requiredKeys: ['type', 'accountName', 'secret', 'extra', 'algorithm', 'digits', 'counter'] },
  ),
  fc.record(
    {
      type: fc.constant('steam' as const),
      ...commonFields,
      algorithm: fc.constant('SHA1' as const),
      digits: fc.constant(5),
      period: fc.constant(30),
    },
    { requiredKeys: ['type', 'accountName', 'secret', 'extra', 'algorithm', 'digits', 'period'] },
  ),
);

/**
 * Runs `run` on hostile input: returns normally, or throws a TwofoldError whose code is one of `codes`.
 * Anything else (TypeError, RangeError, URIError, a foreign error code) fails the property.
 */
export function expectOnlyTypedErrors(run: () => unknown, codes: readonly string[]): void {
  try {
    run();
  } catch (error) {
    if (isTwofoldError(error) && codes.includes(error.code)) return;
    throw error;
  }
}
