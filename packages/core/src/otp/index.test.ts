import { describe, expect, it } from 'vitest';
import * as core from '../index.js';
import * as otp from './index.js';

describe('public OTP API', () => {
  it('exports every function from the package entry point', () => {
    const functions = [
      'checkSecretLength',
      'combineMigrationBatches',
      'computeTotpStep',
      'decodeBase32',
      'decodeMigrationUri',
      'encodeBase32',
      'encodeMigrationUris',
      'findTotpOffset',
      'formatOtpauthUri',
      'generateAccountCode',
      'generateHotp',
      'generateSteamCode',
      'generateTotp',
      'isOtpAlgorithm',
      'parseOtpAlgorithm',
      'parseOtpauthUri',
      'validateOtpAccount',
      'verifyHotp',
      'verifyTotp',
    ];
    for (const name of functions) {
      expect(typeof (otp as Record<string, unknown>)[name], name).toBe('function');
      expect((core as Record<string, unknown>)[name], name).toBe((otp as Record<string, unknown>)[name]);
    }
  });

  it('generates the Google example code end to end', () => {
    const { account } = otp.parseOtpauthUri(
      'otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example',
    );
    const code = otp.generateAccountCode(account, 1_700_000_000);
    expect(otp.verifyTotp({ secret: account.secret, code, time: 1_700_000_009 })).toEqual({
      step: otp.computeTotpStep(1_700_000_000),
      offset: 0,
    });
  });
});
