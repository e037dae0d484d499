import { computeHmac, decodeBase32, generateTotp, OTP_ALGORITHMS, verifyTotp } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { nodeHmac } from './otp-hmac.js';

describe('the one-time codes HMAC from node:crypto', () => {
  it('equals core’s own for every algorithm, key length and message', () => {
    for (const algorithm of OTP_ALGORITHMS) {
      for (const keyLength of [10, 20, 64, 65, 129]) {
        const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 31 + keyLength) & 0xff);
        for (const message of [new Uint8Array(8), Uint8Array.of(0, 0, 0, 0, 3, 0x6a, 0xbc, 0x12)]) {
          expect(Buffer.from(nodeHmac(algorithm, key, message)).toString('hex')).toBe(
            Buffer.from(computeHmac(algorithm, key, message)).toString('hex'),
          );
        }
      }
    }
  });

  it('checks RFC 6238 appendix B codes through core’s verifyTotp', () => {
    // The SHA1 seed of RFC 6238 appendix B, "12345678901234567890", at T = 59 s: 94287082.
    const secret = decodeBase32('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    const check = { secret, time: 59, digits: 8, algorithm: 'SHA1' as const, hmac: nodeHmac };
    expect(verifyTotp({ ...check, code: '94287082', window: 0 })).toEqual({ step: 1, offset: 0 });
    expect(verifyTotp({ ...check, code: '94287083', window: 0 })).toBeNull();
    const now = generateTotp({ secret, time: 1_111_111_109, digits: 8 });
    expect(now).toBe('07081804');
    expect(verifyTotp({ ...check, time: 1_111_111_109, code: now })?.offset).toBe(0);
  });
});
