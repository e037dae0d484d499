import { type ErrorCode, errorRegistry } from './registry.js';

/** The one error type of Twofold: a stable `code` from the registry plus a human message. */
export class TwofoldError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra members for the problem+json body (for example `errors`, `retryAfter`). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message ?? errorRegistry[code].title, options);
    this.name = 'TwofoldError';
    this.code = code;
    this.status = errorRegistry[code].status;
    this.details = details;
  }
}

export function isTwofoldError(value: unknown): value is TwofoldError {
  return value instanceof TwofoldError;
}
