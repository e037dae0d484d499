export { type ErrorCode, type ErrorDefinition, errorRegistry, isErrorCode } from './registry.js';
export { renderErrorsDoc } from './render-errors-doc.js';
export { isTwofoldError, TwofoldError } from './twofold-error.js';
