import { generateHotp } from './hotp.js';
import { ACCEPTED_SECRET_BYTES, type OtpAccount, validateOtpAccount } from './otp-account.js';
import { generateSteamCode } from './steam.js';
import { generateTotp } from './totp.js';

/**
 * Generates the code an authenticator shows for an account at `time` (Unix seconds): RFC 6238 §4.2 for totp,
 * RFC 4226 §5.3 at the stored counter for hotp, Steam's encoding for steam.
 */
export function generateAccountCode(account: OtpAccount, time: number): string {
  // Any key HMAC takes gives codes; the 80-bit floor is for accounts made here, not for imported ones.
  validateOtpAccount(account, { minSecretBytes: ACCEPTED_SECRET_BYTES });
  const { secret, algorithm, digits } = account;
  if (account.type === 'steam') return generateSteamCode(secret, time);
  if (account.type === 'hotp')
    return generateHotp({ secret, counter: account.counter ?? 0n, algorithm, digits });
  return generateTotp({ secret, time, period: account.period, algorithm, digits });
}
