import { describe, expect, it } from 'vitest';
import { generateAccountCode } from './account-code.js';
import { decodeBase32 } from './base32.js';
import { parseOtpauthUri } from './otpauth-uri.js';

describe('generateAccountCode', () => {
  it('totp uses the account period, digits and algorithm', () => {
    const { account } = parseOtpauthUri(
      'otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA&algorithm=SHA256&digits=8',
    );
    expect(generateAccountCode(account, 59)).toBe('46119246');
    const { account: slow } = parseOtpauthUri(
      'otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=60',
    );
    expect(generateAccountCode(slow, 119)).toBe('287082'); // step 1
  });

  it('hotp uses the stored counter', () => {
    const { account } = parseOtpauthUri('otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=9');
    expect(generateAccountCode(account, 0)).toBe('520489');
  });

  it('steam uses the Steam encoding', () => {
    const secret = decodeBase32('63BEDWCQZKTQWPESARIERL5DTTQFCJTK');
    const account = {
      type: 'steam' as const,
      accountName: '',
      secret,
      algorithm: 'SHA1' as const,
      digits: 5,
      period: 30,
      extra: {},
    };
    expect(generateAccountCode(account, 1511200518)).toBe('FR8RV');
  });

  it('rejects an invalid account', () => {
    const account = {
      type: 'totp' as const,
      accountName: '',
      secret: new Uint8Array(20),
      algorithm: 'SHA1' as const,
      digits: 6,
      extra: {},
    };
    expect(() => generateAccountCode(account, 0)).toThrow(
      'period must be a positive integer number of seconds, got undefined',
    );
  });
});
