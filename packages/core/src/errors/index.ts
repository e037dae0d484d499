export { type ErrorCode, type ErrorDefinition, errorRegistry, isErrorCode } from './registry.js';
export { isTwofoldError, TwofoldError } from './twofold-error.js';
