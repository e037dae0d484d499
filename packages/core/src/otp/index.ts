export { generateAccountCode } from './account-code.js';
export { type DecodeBase32Options, decodeBase32, type EncodeBase32Options, encodeBase32 } from './base32.js';
export {
  type CombinedMigration,
  combineMigrationBatches,
  DEFAULT_MIGRATION_BATCH_SIZE,
  decodeMigrationUri,
  type EncodedMigration,
  type EncodeMigrationOptions,
  encodeMigrationUris,
  type MigrationBatch,
  type MigrationSkip,
} from './google-migration.js';
export { type GenerateHotpOptions, generateHotp } from './hotp.js';
export {
  ACCEPTED_SECRET_BYTES,
  checkSecretLength,
  OTP_TYPES,
  type OtpAccount,
  type OtpType,
  type OtpValidationOptions,
  RESERVED_OTPAUTH_PARAMETERS,
  validateOtpAccount,
} from './otp-account.js';
export {
  computeHmac,
  type HmacFunction,
  isOtpAlgorithm,
  OTP_ALGORITHMS,
  type OtpAlgorithm,
  parseOtpAlgorithm,
} from './otp-algorithm.js';
export { MAX_COUNTER, MAX_DIGITS, MIN_DIGITS, MIN_SECRET_BYTES } from './otp-parameters.js';
export {
  type FormatOtpauthUriOptions,
  formatOtpauthUri,
  type ParsedOtpauthUri,
  parseOtpauthUri,
  shortSecretWarning,
} from './otpauth-uri.js';
export { generateSteamCode, STEAM_ALPHABET, STEAM_DIGITS, STEAM_PERIOD } from './steam.js';
export { computeTotpStep, DEFAULT_PERIOD, type GenerateTotpOptions, generateTotp } from './totp.js';
export {
  DEFAULT_SKEW_SEARCH_SECONDS,
  type FindTotpOffsetOptions,
  findTotpOffset,
  MAX_SEARCH_STEPS,
  type TotpMatch,
  type VerifyHotpOptions,
  type VerifyTotpOptions,
  verifyHotp,
  verifyTotp,
} from './verify.js';
