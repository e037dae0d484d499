export * from './admin/index.js';
export * from './errors/index.js';
export * from './i18n/index.js';
export * from './otp/index.js';
export * from './push/index.js';
export * from './vault/index.js';
