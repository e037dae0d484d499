import { describe, expect, it } from 'vitest';
import { describeError } from '../test-support/describe-error.js';
import { decodeBase32, encodeBase32 } from './base32.js';
import type { OtpAccount } from './otp-account.js';
import { formatOtpauthUri, parseOtpauthUri } from './otpauth-uri.js';

const HELLO = decodeBase32('JBSWY3DPEHPK3PXP'); // 48656c6c6f21deadbeef, 80 bits
const STEAM = decodeBase32('JRZCL47CMXVOQMNPZR2F7J4RGI');
const S = 'secret=JBSWY3DPEHPK3PXP';

const totp = (fields: Partial<OtpAccount> = {}): OtpAccount => ({
  type: 'totp',
  accountName: 'alice',
  secret: HELLO,
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
  extra: {},
  ...fields,
});

describe('parseOtpauthUri: Key Uri Format examples', () => {
  it('parses the basic example', () => {
    expect(parseOtpauthUri(`otpauth://totp/Example:alice@google.com?${S}&issuer=Example`)).toEqual({
      account: totp({ issuer: 'Example', accountName: 'alice@google.com' }),
      warnings: [],
    });
  });

  it('parses the full example with every parameter', () => {
    const { account, warnings } = parseOtpauthUri(
      'otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
    );
    expect(account).toEqual({
      type: 'totp',
      issuer: 'ACME Co',
      accountName: 'john.doe@email.com',
      secret: decodeBase32('HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ'),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      extra: {},
    });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['Example:alice@gmail.com', 'Example', 'alice@gmail.com'],
    ['Provider1:Alice%20Smith', 'Provider1', 'Alice Smith'],
    ['Big%20Corporation%3A%20alice%40bigco.com', 'Big Corporation', 'alice@bigco.com'],
    ['Big%20Corporation%3a%20%20alice%40bigco.com', 'Big Corporation', 'alice@bigco.com'],
    ['Big%20Corporation:%20alice', 'Big Corporation', 'alice'],
    ['alice@google.com', undefined, 'alice@google.com'],
  ])('label %s -> issuer %j, account %j', (label, issuer, accountName) => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/${label}?${S}`);
    expect(account.issuer).toBe(issuer);
    expect(account.accountName).toBe(accountName);
    expect(warnings).toEqual([]);
  });
});

describe('parseOtpauthUri: edge cases from real bugs (reference §5)', () => {
  it("'#' unencoded in the label and issuer is data, not a fragment", () => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/ACME#1:alice?${S}&issuer=ACME#1`);
    expect(account.issuer).toBe('ACME#1');
    expect(account.accountName).toBe('alice');
    expect(account.secret).toEqual(HELLO);
    expect(warnings).toEqual(["unencoded '#' read as part of the URI, not as a fragment"]);
  });

  it("'#' in the label without an issuer parameter does not lose the secret", () => {
    const { account } = parseOtpauthUri(`otpauth://totp/Shop%20#2:bob?${S}`);
    expect(account).toEqual(totp({ issuer: 'Shop #2', accountName: 'bob' }));
  });

  it.each([
    ["'+' (a space in a query)", 'JBSW+Y3DP+EHPK+3PXP'],
    ['encoded spaces', 'JBSW%20Y3DP%20EHPK%203PXP'],
    ['raw spaces', 'JBSW Y3DP EHPK 3PXP'],
    ['dashes', 'JBSW-Y3DP-EHPK-3PXP'],
    ['lower case', 'jbswy3dpehpk3pxp'],
    ['superfluous padding', 'JBSWY3DPEHPK3PXP===='],
    ['encoded padding', 'JBSWY3DPEHPK3PXP%3D%3D'],
  ])('secret with %s', (_name, secret) => {
    expect(parseOtpauthUri(`otpauth://totp/alice?secret=${secret}`).account.secret).toEqual(HELLO);
  });

  it('secret with the padding a non-multiple of 5 bytes needs (88 bits, KeePassXC style)', () => {
    const bytes = Uint8Array.from({ length: 11 }, (_, i) => i * 23);
    const padded = encodeBase32(bytes, { padding: true });
    expect(padded).toMatch(/=$/);
    expect(parseOtpauthUri(`otpauth://totp/alice?secret=${padded.toLowerCase()}`).account.secret).toEqual(
      bytes,
    );
  });

  it('rejects a secret shorter than 80 bits, e.g. KeePassXC test secret HXDMVJECJJWSRBY= (72 bits)', () => {
    expect(describeError(() => parseOtpauthUri('otpauth://totp/alice?secret=HXDMVJECJJWSRBY='))).toBe(
      'otpauth_uri_invalid: otpauth URI: secret is 72 bits (9 bytes); at least 80 bits (10 bytes, 16 base32 characters) are required',
    );
  });

  it('bare &issuer& without "=" is ignored with a warning; the label prefix gives the issuer', () => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/Example:alice?${S}&issuer&digits=8`);
    expect(account.issuer).toBe('Example');
    expect(account.digits).toBe(8);
    expect(warnings).toEqual(["parameter 'issuer' has no value (no '='); ignored"]);
  });

  it('empty issuer= is ignored', () => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/alice?${S}&issuer=`);
    expect(account.issuer).toBeUndefined();
    expect(warnings).toEqual(["parameter 'issuer' has no value; ignored"]);
  });

  it.each([
    ['encoded', 'Foo%3ABar:alice', 'Foo%3ABar'],
    ['literal', 'Foo:Bar:alice', 'Foo:Bar'],
    ['with spaces', 'Foo%3A%20Bar%3A%20alice', 'Foo:%20Bar'],
  ])('issuer containing a colon (%s) splits at the issuer parameter', (_name, label, issuer) => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/${label}?${S}&issuer=${issuer}`);
    expect(account.issuer).toBe(decodeURIComponent(issuer));
    expect(account.accountName).toBe('alice');
    expect(warnings).toEqual([]);
  });

  it("issuer containing '&period=' (encoded) does not set the period (Ente bug)", () => {
    const { account } = parseOtpauthUri(`otpauth://totp/alice?${S}&issuer=Acme%26period%3D60`);
    expect(account.issuer).toBe('Acme&period=60');
    expect(account.period).toBe(30);
    expect(account.extra).toEqual({});
  });

  it("issuer containing 'period=' literally stays one value", () => {
    const { account } = parseOtpauthUri(`otpauth://totp/alice?${S}&issuer=Xperiod=60`);
    expect(account.issuer).toBe('Xperiod=60');
    expect(account.period).toBe(30);
  });

  it('label with more than one colon and no issuer: whole label is the account (as Aegis)', () => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/a:b:c?${S}`);
    expect(account.issuer).toBeUndefined();
    expect(account.accountName).toBe('a:b:c');
    expect(warnings).toEqual([
      "label 'a:b:c' has 2 colons; kept whole as the account name (a label has at most one)",
    ]);
  });

  it('label with more than one colon and a different issuer parameter', () => {
    const { account } = parseOtpauthUri(`otpauth://totp/a:b:c?${S}&issuer=X`);
    expect(account.issuer).toBe('X');
    expect(account.accountName).toBe('a:b:c');
  });

  it('issuer parameter matching the prefix of a multi-colon label keeps the rest as account', () => {
    const { account } = parseOtpauthUri(`otpauth://totp/Example:user:1?${S}&issuer=Example`);
    expect(account.issuer).toBe('Example');
    expect(account.accountName).toBe('user:1');
  });

  it('label prefix different from the issuer parameter: parameter wins, with a warning', () => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/Other:alice?${S}&issuer=Example`);
    expect(account.issuer).toBe('Example');
    expect(account.accountName).toBe('alice');
    expect(warnings).toEqual([
      "issuer parameter 'Example' differs from label prefix 'Other'; using the parameter",
    ]);
  });

  it.each([
    ['empty label', `otpauth://totp/?${S}&issuer=Foo`, 'Foo'],
    ['no label at all', `otpauth://totp?${S}&issuer=Foo`, 'Foo'],
    ['issuer only', `otpauth://totp/Foo:?${S}`, 'Foo'],
    ['empty label, no issuer', `otpauth://totp/?${S}`, undefined],
  ])('%s is accepted with an empty account name', (_name, uri, issuer) => {
    const { account, warnings } = parseOtpauthUri(uri);
    expect(account.accountName).toBe('');
    expect(account.issuer).toBe(issuer);
    expect(warnings).toContain('label has no account name');
  });

  it('rejects hotp without a counter (as Aegis)', () => {
    expect(describeError(() => parseOtpauthUri(`otpauth://hotp/alice?${S}`))).toBe(
      "otpauth_uri_invalid: otpauth URI: missing required parameter 'counter' for hotp",
    );
    expect(describeError(() => parseOtpauthUri(`otpauth://hotp/alice?${S}&counter=`))).toBe(
      "otpauth_uri_invalid: otpauth URI: missing required parameter 'counter' for hotp",
    );
  });

  it('defaults digits to 6 and period to 30', () => {
    const { account } = parseOtpauthUri(`otpauth://totp/alice?${S}`);
    expect(account.digits).toBe(6);
    expect(account.period).toBe(30);
    expect(account.algorithm).toBe('SHA1');
  });

  it.each([
    ['sha1', 'SHA1'],
    ['Sha256', 'SHA256'],
    ['sha512', 'SHA512'],
    ['SHA-256', 'SHA256'],
    ['SHA224', 'SHA224'],
    ['sha384', 'SHA384'],
  ])('algorithm %s -> %s (case-insensitive; SHA224/SHA384 accepted)', (text, algorithm) => {
    expect(parseOtpauthUri(`otpauth://totp/alice?${S}&algorithm=${text}`).account.algorithm).toBe(algorithm);
  });

  it.each(['MD5', 'SHA3-256', 'sha'])('rejects algorithm %s', (text) => {
    expect(describeError(() => parseOtpauthUri(`otpauth://totp/alice?${S}&algorithm=${text}`))).toBe(
      `otpauth_uri_invalid: otpauth URI: algorithm must be SHA1, SHA224, SHA256, SHA384, SHA512, got '${text}'`,
    );
  });

  it.each([6, 7, 8, 9, 10])('accepts digits=%i', (digits) => {
    expect(parseOtpauthUri(`otpauth://totp/alice?${S}&digits=${digits}`).account.digits).toBe(digits);
  });

  it.each(['5', '11', '0', 'abc', '6.0', '-6'])('rejects digits=%s', (digits) => {
    expect(describeError(() => parseOtpauthUri(`otpauth://totp/alice?${S}&digits=${digits}`))).toBe(
      `otpauth_uri_invalid: otpauth URI: digits must be an integer from 6 to 10, got '${digits}'`,
    );
  });

  it.each(['1', '15', '60', '86400'])('accepts period=%s', (period) => {
    expect(parseOtpauthUri(`otpauth://totp/alice?${S}&period=${period}`).account.period).toBe(Number(period));
  });

  it.each(['0', '-30', '30s', '1.5', '99999999999999999999'])('rejects period=%s', (period) => {
    expect(describeError(() => parseOtpauthUri(`otpauth://totp/alice?${S}&period=${period}`))).toBe(
      `otpauth_uri_invalid: otpauth URI: period must be a positive integer number of seconds, got '${period}'`,
    );
  });

  it('reads otpauth://steam/ as a Steam account (Aegis, Ente, 2FAS)', () => {
    const { account, warnings } = parseOtpauthUri(
      'otpauth://steam/Steam:alice?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam',
    );
    expect(account).toEqual({
      type: 'steam',
      issuer: 'Steam',
      accountName: 'alice',
      secret: STEAM,
      algorithm: 'SHA1',
      digits: 5,
      period: 30,
      extra: {},
    });
    expect(warnings).toEqual([]);
  });

  it('reads encoder=steam as a Steam account (KeePassXC)', () => {
    const { account, warnings } = parseOtpauthUri(
      'otpauth://totp/Steam:alice?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&period=30&digits=5&issuer=Steam&encoder=steam',
    );
    expect(account.type).toBe('steam');
    expect(account.digits).toBe(5);
    expect(account.extra).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('reads steam://<base32> (Bitwarden)', () => {
    const { account } = parseOtpauthUri('steam://JRZCL47CMXVOQMNPZR2F7J4RGI');
    expect(account).toEqual({
      type: 'steam',
      accountName: '',
      secret: STEAM,
      algorithm: 'SHA1',
      digits: 5,
      period: 30,
      extra: {},
    });
  });

  it('ignores conflicting steam parameters with warnings', () => {
    const { account, warnings } = parseOtpauthUri(
      'otpauth://steam/alice?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&digits=6&period=60&algorithm=SHA256',
    );
    expect([account.algorithm, account.digits, account.period]).toEqual(['SHA1', 5, 30]);
    expect(warnings).toEqual([
      'steam codes use SHA1; algorithm=SHA256 ignored',
      'steam codes have 5 characters; digits=6 ignored',
      'steam codes use a 30 s period; period=60 ignored',
    ]);
  });

  it('rejects encoder=steam on hotp', () => {
    expect(describeError(() => parseOtpauthUri(`otpauth://hotp/alice?${S}&counter=1&encoder=steam`))).toBe(
      'otpauth_uri_invalid: otpauth URI: encoder=steam needs type totp, got hotp',
    );
  });

  it('keeps unknown parameters in extra, decoded', () => {
    const { account } = parseOtpauthUri(
      `otpauth://totp/alice?${S}&image=https%3A%2F%2Fexample.com%2Flogo.png&twofold_push=1&color=FF0000&lock=false&codeDisplay=%7B%22trashed%22%3Afalse%7D&encoder=yandex`,
    );
    expect(account.extra).toEqual({
      image: 'https://example.com/logo.png',
      twofold_push: '1',
      color: 'FF0000',
      lock: 'false',
      codeDisplay: '{"trashed":false}',
      encoder: 'yandex',
    });
  });

  it('keeps the first of duplicated unknown parameters, with a warning', () => {
    const { account, warnings } = parseOtpauthUri(`otpauth://totp/alice?${S}&image=a&image=b`);
    expect(account.extra).toEqual({ image: 'a' });
    expect(warnings).toEqual(["parameter 'image' appears twice; kept the first value"]);
  });

  it('a parameter named __proto__ stays data', () => {
    const { account } = parseOtpauthUri(`otpauth://totp/alice?${S}&__proto__=x`);
    expect(Object.getPrototypeOf(account.extra)).toBe(Object.prototype);
    expect(Object.entries(account.extra)).toEqual([['__proto__', 'x']]);
  });
});

describe('parseOtpauthUri: other inputs', () => {
  it('parses hotp with its counter, up to 2^64-1', () => {
    const { account } = parseOtpauthUri(
      `otpauth://hotp/Example:alice?${S}&issuer=Example&counter=5&digits=8`,
    );
    expect(account).toEqual({
      type: 'hotp',
      issuer: 'Example',
      accountName: 'alice',
      secret: HELLO,
      algorithm: 'SHA1',
      digits: 8,
      counter: 5n,
      extra: {},
    });
    expect(parseOtpauthUri(`otpauth://hotp/a?${S}&counter=18446744073709551615`).account.counter).toBe(
      2n ** 64n - 1n,
    );
  });

  it.each(['18446744073709551616', '-1', '1e3', 'x'])('rejects counter=%s', (counter) => {
    expect(describeError(() => parseOtpauthUri(`otpauth://hotp/a?${S}&counter=${counter}`))).toBe(
      `otpauth_uri_invalid: otpauth URI: counter must be an integer from 0 to 18446744073709551615, got '${counter}'`,
    );
  });

  it('warns about and drops parameters of the other OTP type', () => {
    expect(parseOtpauthUri(`otpauth://hotp/a?${S}&counter=1&period=60`).warnings).toEqual([
      'hotp has no period; period=60 ignored',
    ]);
    const totpResult = parseOtpauthUri(`otpauth://totp/a?${S}&counter=1`);
    expect(totpResult.warnings).toEqual(['totp has no counter; counter=1 ignored']);
    expect(totpResult.account.counter).toBeUndefined();
  });

  it('accepts an upper-case URI (QR alphanumeric mode)', () => {
    const { account } = parseOtpauthUri(
      'OTPAUTH://TOTP/EXAMPLE:ALICE?SECRET=JBSWY3DPEHPK3PXP&ISSUER=EXAMPLE&DIGITS=8',
    );
    expect(account).toEqual(totp({ issuer: 'EXAMPLE', accountName: 'ALICE', digits: 8 }));
  });

  it("keeps '+' literal in the label (e-mail sub-addressing) but reads it as a space in the query", () => {
    const { account } = parseOtpauthUri(`otpauth://totp/ACME+Co:alice+test@gmail.com?${S}&issuer=ACME+Co`);
    expect(account.accountName).toBe('alice+test@gmail.com');
    expect(account.issuer).toBe('ACME Co');
  });

  it('decodes UTF-8 and keeps a stray % literally', () => {
    const { account } = parseOtpauthUri(`otpauth://totp/Z%C3%BCrich%20Bank:j%C3%B6rg?${S}&issuer=100%`);
    expect(account.accountName).toBe('jörg');
    expect(account.issuer).toBe('100%');
  });

  it('trims surrounding white-space (QR scanners add line breaks)', () => {
    expect(parseOtpauthUri(`  otpauth://totp/alice?${S}\r\n`).account.secret).toEqual(HELLO);
  });

  it('accepts the same known parameter twice with the same value', () => {
    expect(parseOtpauthUri(`otpauth://totp/alice?${S}&${S}`).account.secret).toEqual(HELLO);
  });

  it.each([
    ['xotp', 'otpauth://xotp/alice?secret=JBSWY3DPEHPK3PXP', "type must be totp, hotp or steam, got 'xotp'"],
    ['empty type', 'otpauth:///alice?secret=JBSWY3DPEHPK3PXP', "type must be totp, hotp or steam, got ''"],
    ['motp', 'motp://alice?secret=abc', "scheme must be otpauth://, got 'motp://'"],
    ['http', 'https://example.com/?secret=JBSWY3DPEHPK3PXP', "scheme must be otpauth://, got 'https://'"],
    ['no scheme', 'JBSWY3DPEHPK3PXP', "must start with 'otpauth://'"],
    ['missing secret', 'otpauth://totp/alice?issuer=Example', "missing required parameter 'secret'"],
    ['empty secret', 'otpauth://totp/alice?secret=&issuer=Example', "parameter 'secret' is empty"],
    ['bare secret', 'otpauth://totp/alice?secret', "parameter 'secret' is empty"],
    [
      'two secrets',
      `otpauth://totp/alice?${S}&secret=GEZDGNBVGY3TQOJQ`,
      "parameter 'secret' appears twice with different values",
    ],
    [
      'bad UTF-8',
      `otpauth://totp/alice?${S}&issuer=%FF`,
      "parameter 'issuer' is not valid UTF-8 after percent-decoding",
    ],
    ['bad UTF-8 in label', `otpauth://totp/%C3?${S}`, 'the label is not valid UTF-8 after percent-decoding'],
    [
      'short secret',
      'otpauth://totp/alice?secret=JBSWY3DP',
      'secret is 40 bits (5 bytes); at least 80 bits (10 bytes, 16 base32 characters) are required',
    ],
    ['only dashes', 'otpauth://totp/alice?secret=----', 'secret is empty'],
  ])('rejects %s', (_name, uri, message) => {
    expect(describeError(() => parseOtpauthUri(uri))).toBe(`otpauth_uri_invalid: otpauth URI: ${message}`);
  });

  it('reports bad base32 in the secret as base32_invalid, naming the character', () => {
    expect(describeError(() => parseOtpauthUri('otpauth://totp/alice?secret=JBSW1Y3DPEHPK3PXP'))).toBe(
      "base32_invalid: secret: character '1' at position 5 is not base32 (A-Z, 2-7)",
    );
  });

  it('never echoes the secret in errors', () => {
    const message = describeError(() => parseOtpauthUri('otpauth://xotp/alice?secret=JBSWY3DPEHPK3PXP'));
    expect(message).not.toContain('JBSWY3DPEHPK3PXP');
  });
});

describe('formatOtpauthUri', () => {
  it('writes label Issuer:account, issuer parameter and all parameters', () => {
    expect(formatOtpauthUri(totp({ issuer: 'Example', accountName: 'alice@google.com' }))).toBe(
      'otpauth://totp/Example:alice%40google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('percent-encodes label and parameters', () => {
    expect(
      formatOtpauthUri(
        totp({ issuer: 'ACME Co & Sons', accountName: 'john doe', extra: { image: 'https://x/y.png' } }),
      ),
    ).toBe(
      'otpauth://totp/ACME%20Co%20%26%20Sons:john%20doe?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co%20%26%20Sons&algorithm=SHA1&digits=6&period=30&image=https%3A%2F%2Fx%2Fy.png',
    );
  });

  it('writes hotp with its counter and no period', () => {
    const account: OtpAccount = {
      type: 'hotp',
      accountName: 'alice',
      secret: HELLO,
      algorithm: 'SHA1',
      digits: 8,
      counter: 2n ** 40n,
      extra: {},
    };
    expect(formatOtpauthUri(account)).toBe(
      'otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=8&counter=1099511627776',
    );
  });

  it('writes steam as otpauth://steam/ by default, or encoder=steam for KeePassXC', () => {
    const steam: OtpAccount = totp({ type: 'steam', issuer: 'Steam', secret: STEAM, digits: 5 });
    expect(formatOtpauthUri(steam)).toBe(
      'otpauth://steam/Steam:alice?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam&algorithm=SHA1&digits=5&period=30',
    );
    expect(formatOtpauthUri(steam, { steamStyle: 'encoder' })).toBe(
      'otpauth://totp/Steam:alice?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam&algorithm=SHA1&digits=5&period=30&encoder=steam',
    );
  });

  it('writes an issuer-less account containing ":" with an empty prefix so it reads back whole', () => {
    const account = totp({ accountName: 'user:1' });
    const uri = formatOtpauthUri(account);
    expect(uri).toBe('otpauth://totp/:user%3A1?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30');
    expect(parseOtpauthUri(uri).account).toEqual(account);
  });

  it.each([
    [totp({ digits: 5 }), 'digits must be an integer from 6 to 10, got 5'],
    // A vault may hold a short secret another app issued (issue 18): only an empty one cannot be written.
    [totp({ secret: new Uint8Array(0) }), 'secret is empty'],
    [totp({ period: undefined }), 'period must be a positive integer number of seconds, got undefined'],
    [totp({ counter: 1n }), 'totp accounts have no counter'],
    [totp({ type: 'hotp', period: undefined }), 'hotp accounts need a counter'],
    [totp({ type: 'hotp', counter: 1n }), 'hotp accounts have no period'],
    [totp({ type: 'steam', digits: 6 }), 'steam accounts have 5 digits, got 6'],
    [totp({ type: 'steam', digits: 5, algorithm: 'SHA256' }), "steam accounts use SHA1, got 'SHA256'"],
    [totp({ type: 'xotp' as never }), "type must be totp, hotp or steam, got 'xotp'"],
    [totp({ extra: { Secret: 'x' } }), "extra parameter 'Secret' clashes with a standard otpauth parameter"],
    [totp({ extra: { encoder: 'steam' } }), "extra parameter 'encoder=steam' clashes with the steam type"],
    [totp({ extra: { image: 1 as never } }), "extra parameter 'image' must be a string, got 1"],
    [totp({ accountName: '\ud800' }), 'issuer, account name or an extra parameter is not valid text'],
  ])('rejects an invalid account (%#)', (account, message) => {
    expect(describeError(() => formatOtpauthUri(account))).toBe(`otp_parameters_invalid: ${message}`);
  });
});

describe('round trips', () => {
  const accounts: [string, OtpAccount][] = [
    ['plain', totp({ issuer: 'Example', accountName: 'alice@example.com' })],
    ['no issuer', totp({ accountName: 'bob' })],
    ['empty account', totp({ issuer: 'Example', accountName: '' })],
    ['issuer with colon', totp({ issuer: 'Foo:Bar', accountName: 'alice' })],
    ['issuer and account with colons', totp({ issuer: 'Foo:Bar', accountName: 'a:b' })],
    ['reserved characters', totp({ issuer: 'A&B=C?D#E%F+G/H', accountName: 'x+y@z #1 50%' })],
    ['unicode', totp({ issuer: 'Zürich Bank 🏦', accountName: 'jörg' })],
    ['SHA384, 10 digits, 1 s', totp({ algorithm: 'SHA384', digits: 10, period: 1 })],
    ['SHA224, 7 digits, 45 s', totp({ algorithm: 'SHA224', digits: 7, period: 45 })],
    ['long secret', totp({ secret: Uint8Array.from({ length: 64 }, (_, i) => 255 - i) })],
    [
      'extra',
      totp({ extra: { image: 'https://e.x/a.png?b=c&d', twofold_push: 'device-1', 'weird key': 'v' } }),
    ],
    [
      'hotp max counter',
      {
        type: 'hotp',
        accountName: 'h',
        secret: HELLO,
        algorithm: 'SHA512',
        digits: 8,
        counter: 2n ** 64n - 1n,
        extra: {},
      },
    ],
    [
      'hotp counter 0',
      {
        type: 'hotp',
        issuer: 'I',
        accountName: 'h',
        secret: HELLO,
        algorithm: 'SHA1',
        digits: 6,
        counter: 0n,
        extra: {},
      },
    ],
    ['steam', totp({ type: 'steam', issuer: 'Steam', secret: STEAM, digits: 5 })],
  ];

  it.each(accounts)('parse(format(account)) gives the account back: %s', (_name, account) => {
    const { account: parsed, warnings } = parseOtpauthUri(formatOtpauthUri(account));
    expect(parsed).toEqual(account);
    expect(warnings).toEqual(account.accountName === '' ? ['label has no account name'] : []);
  });

  it.each(accounts.filter(([, account]) => account.type === 'steam'))(
    'steam via encoder: %s',
    (_name, account) => {
      expect(parseOtpauthUri(formatOtpauthUri(account, { steamStyle: 'encoder' })).account).toEqual(account);
    },
  );

  it.each([
    `otpauth://totp/Example:alice@google.com?${S}&issuer=Example`,
    'otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
    'otpauth://totp/Big%20Corporation%3A%20alice%40bigco.com?secret=jbsw-y3dp+ehpk-3pxp===',
    `otpauth://totp/ACME#1:alice?${S}&issuer=ACME#1`,
    `otpauth://totp/Example:alice?${S}&issuer&digits=8`,
    `otpauth://totp/Foo:Bar:alice?${S}&issuer=Foo:Bar`,
    `otpauth://totp/a:b:c?${S}`,
    `otpauth://totp/Other:alice?${S}&issuer=Example`,
    `otpauth://totp/?${S}`,
    `otpauth://hotp/alice?${S}&counter=42&algorithm=sha256`,
    'otpauth://totp/Steam:alice?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&period=30&digits=5&issuer=Steam&encoder=steam',
    'steam://JRZCL47CMXVOQMNPZR2F7J4RGI',
    `otpauth://totp/alice?${S}&image=https%3A%2F%2Fexample.com%2Flogo.png&twofold_push=1`,
    `otpauth://totp/alice?${S}&issuer=Acme%26period%3D60`,
  ])('format(parse(%s)) parses to the same account', (uri) => {
    const first = parseOtpauthUri(uri).account;
    expect(parseOtpauthUri(formatOtpauthUri(first)).account).toEqual(first);
  });
});
