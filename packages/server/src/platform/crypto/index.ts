export {
  addKeyToFile,
  createKeyring,
  deriveKeyId,
  generateSecretKey,
  type KeyFile,
  type Keyring,
  keyFilePath,
  type LoadKeyFileOptions,
  loadOrCreateKeyFile,
  parseSecretKeys,
  type RandomBytes,
  type RotatedKeyFile,
  SECRET_KEY_BYTES,
  SECRET_KEY_ENV,
  SECRET_KEY_FILE_NAME,
} from './keyring.js';
export {
  checkPassword,
  createPasswordHasher,
  MIN_PASSWORD_HASH_PARAMS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordHasher,
  type PasswordHasherOptions,
  type PasswordHashParams,
} from './password-hasher.js';
export {
  createSealer,
  isSealedValue,
  keyIdOf,
  SEALED_VALUE_PREFIX,
  type Sealer,
  type SealerOptions,
} from './sealer.js';
export { createSemaphore, type Semaphore, type SemaphoreStats } from './semaphore.js';
export {
  constantTimeEqual,
  generateNumericCode,
  generateToken,
  hashToken,
  MIN_TOKEN_BYTES,
} from './tokens.js';
