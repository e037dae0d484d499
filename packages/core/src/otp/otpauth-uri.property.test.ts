import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTwofoldError } from '../errors/index.js';
import { describeError } from '../test-support/describe-error.js';
import {
  accountArbitrary,
  accountSecretArbitrary,
  expectOnlyTypedErrors,
  PROPERTY_RUNS,
  parameterTextArbitrary,
  textArbitrary,
  utf16Arbitrary,
} from '../test-support/otp-arbitraries.js';
import { encodeBase32 } from './base32.js';
import { type OtpAccount, validateOtpAccount } from './otp-account.js';
import { formatOtpauthUri, parseOtpauthUri } from './otpauth-uri.js';

const runs = { numRuns: PROPERTY_RUNS };
/** What parseOtpauthUri documents it throws. */
const PARSE_ERRORS = ['otpauth_uri_invalid', 'base32_invalid'];

function isValid(account: OtpAccount): boolean {
  try {
    validateOtpAccount(account);
    return true;
  } catch (error) {
    if (isTwofoldError(error)) return false;
    throw error;
  }
}

describe('otpauth URI properties', () => {
  it('parse(format(account)) gives back any valid account (Unicode, ":", "%", spaces; any parameters)', () => {
    fc.assert(
      fc.property(
        accountArbitrary,
        fc.constantFrom('type' as const, 'encoder' as const),
        (account, steamStyle) => {
          fc.pre(isValid(account));
          const uri = formatOtpauthUri(account, { steamStyle });
          expect(uri).toMatch(/^otpauth:\/\/(totp|hotp|steam)\/[^?#\s]*\?[^#\s]*$/);
          const { account: parsed, warnings } = parseOtpauthUri(uri);
          expect(parsed).toEqual(account);
          expect(warnings).toEqual(account.accountName === '' ? ['label has no account name'] : []);
        },
      ),
      runs,
    );
  });

  it('format(parse(uri)) is stable: whatever parses is a valid account that formats and parses to itself', () => {
    const typeArbitrary = fc.constantFrom('totp', 'hotp', 'steam', 'TOTP', 'xotp', '');
    const nameArbitrary = fc.oneof(
      fc.constantFrom(
        'secret',
        'issuer',
        'algorithm',
        'digits',
        'period',
        'counter',
        'encoder',
        'Issuer',
        '',
      ),
      parameterTextArbitrary,
    );
    const valueArbitrary = fc.oneof(
      parameterTextArbitrary,
      fc.constantFrom(
        'steam',
        ' Steam ',
        'sha256',
        'SHA-512',
        '6',
        '8',
        '10',
        '30',
        '0',
        '',
        'JBSWY3DPEHPK3PXP',
      ),
      accountSecretArbitrary.map((bytes) => encodeBase32(bytes)),
    );
    const uriArbitrary = fc
      .record({
        type: typeArbitrary,
        label: fc.oneof(textArbitrary, parameterTextArbitrary),
        secret: accountSecretArbitrary.map((bytes) => encodeBase32(bytes)),
        parameters: fc.array(fc.tuple(nameArbitrary, valueArbitrary, fc.boolean()), { maxLength: 6 }),
      })
      .map(({ type, label, secret, parameters }) => {
        const query = [
          `secret=${secret}`,
          ...parameters.map(([name, value, bare]) => (bare ? name : `${name}=${value}`)),
        ];
        return `otpauth://${type}/${label}?${query.join('&')}`;
      });
    let parsedCount = 0;
    fc.assert(
      fc.property(uriArbitrary, (uri) => {
        expectOnlyTypedErrors(() => {
          const { account } = parseOtpauthUri(uri);
          parsedCount += 1;
          validateOtpAccount(account);
          expect(parseOtpauthUri(formatOtpauthUri(account)).account).toEqual(account);
        }, PARSE_ERRORS);
      }),
      { numRuns: 500 },
    );
    // The generator is useful only if a good share of its URIs parse.
    expect(parsedCount).toBeGreaterThan(50);
  });

  it('any string throws only otpauth_uri_invalid or base32_invalid, never TypeError/RangeError/URIError', () => {
    const prefixed = fc
      .tuple(
        fc.constantFrom('otpauth://', 'OTPAUTH://totp/', 'otpauth://hotp/', 'steam://', 'otpauth://steam/'),
        utf16Arbitrary,
      )
      .map(([prefix, rest]) => prefix + rest);
    fc.assert(
      fc.property(fc.oneof(utf16Arbitrary, prefixed, fc.string({ unit: 'binary' })), (text) => {
        expectOnlyTypedErrors(() => parseOtpauthUri(text), PARSE_ERRORS);
      }),
      runs,
    );
  });

  it('formatOtpauthUri throws only otp_parameters_invalid for text that is not valid Unicode', () => {
    fc.assert(
      fc.property(accountArbitrary, utf16Arbitrary, utf16Arbitrary, (account, issuer, accountName) => {
        expectOnlyTypedErrors(
          () => formatOtpauthUri({ ...account, issuer, accountName }),
          ['otp_parameters_invalid'],
        );
      }),
      runs,
    );
  });
});

describe('otpauth URI: counterexamples the properties above found (fixed)', () => {
  const SECRET = 'secret=AAAAAAAAAAAAAAAA';

  it('ignores a parameter without a name (`&=`, `&=x`), which no account can hold', () => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/?${SECRET}&=&=x`);
    expect(account.extra).toEqual({});
    expect(warnings).toEqual([
      'parameter without a name; ignored',
      'parameter without a name; ignored',
      'label has no account name',
    ]);
    expect(parseOtpauthUri(formatOtpauthUri(account)).account).toEqual(account);
  });

  it('drops an encoder parameter other than steam from a steam account', () => {
    const { account, warnings } = parseOtpauthUri(`otpauth://steam/0?${SECRET}&encoder=6`);
    expect(account).toMatchObject({ type: 'steam', accountName: '0', extra: {} });
    expect(warnings).toEqual(["steam account: parameter 'encoder=6' ignored"]);
    expect(parseOtpauthUri(formatOtpauthUri(account)).account).toEqual(account);
  });

  it("refuses to write encoder=' steam' on a non-steam account (the parser reads it as Steam)", () => {
    const account = parseOtpauthUri(`otpauth://hotp/?${SECRET}&counter=0`).account;
    expect(describeError(() => formatOtpauthUri({ ...account, extra: { encoder: ' steam' } }))).toBe(
      "otp_parameters_invalid: extra parameter 'encoder= steam' clashes with the steam type",
    );
  });
});
