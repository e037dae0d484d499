/**
 * The one registry of stable error codes. Every problem+json answer, CLI error and thrown
 * TwofoldError carries one of these codes; docs/errors.md is generated from this table and a
 * test keeps the two equal. Codes are public: never rename one, add a new one instead.
 */
export interface ErrorDefinition {
  /** HTTP status used when the error reaches an HTTP client. */
  readonly status: number;
  /** Short, stable human title (RFC 9457 `title`). */
  readonly title: string;
  /** One line for docs/errors.md: when it happens and what to do. */
  readonly description: string;
}

export const errorRegistry = {
  // Generic request errors
  bad_request: {
    status: 400,
    title: 'Bad request',
    description:
      'The request could not be read (malformed JSON, wrong content type). Fix the request and retry.',
  },
  validation_failed: {
    status: 400,
    title: 'Validation failed',
    description: 'A field is missing, of the wrong type or out of range; `errors` lists each field and why.',
  },
  payload_too_large: {
    status: 413,
    title: 'Payload too large',
    description: 'The request body is larger than the server accepts (see TWOFOLD_BODY_LIMIT).',
  },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    description:
      'The Content-Type of the body is not accepted by this route (JSON unless the route says otherwise).',
  },
  not_found: {
    status: 404,
    title: 'Not found',
    description: 'No such route or resource in this tenant.',
  },
  method_not_allowed: {
    status: 405,
    title: 'Method not allowed',
    description: 'The route exists but not with this HTTP method.',
  },
  rate_limited: {
    status: 429,
    title: 'Too many requests',
    description: 'Too many attempts; wait `retryAfter` seconds before trying again.',
  },
  internal_error: {
    status: 500,
    title: 'Internal error',
    description:
      'A bug or an outage on the server; the log has the details under the request id. Never caused by input.',
  },
  service_unavailable: {
    status: 503,
    title: 'Service unavailable',
    description: 'The server is starting, stopping or cannot reach its database. Retry shortly.',
  },

  // Authentication and authorisation
  unauthenticated: {
    status: 401,
    title: 'Authentication required',
    description: 'The request carries no valid session or API key.',
  },
  forbidden: {
    status: 403,
    title: 'Forbidden',
    description: 'The caller is authenticated but its role does not allow this action on this target.',
  },

  // Configuration (start-up and CLI)
  config_invalid: {
    status: 500,
    title: 'Invalid configuration',
    description: 'An environment variable has a bad value; the message names it. Start-up stops.',
  },

  // Tenants and users
  tenant_not_found: {
    status: 404,
    title: 'Tenant not found',
    description: 'No tenant has this slug.',
  },
  tenant_slug_invalid: {
    status: 400,
    title: 'Invalid tenant slug',
    description: 'Slugs are 2 to 63 characters of a-z, 0-9 and inner hyphens, and not a reserved word.',
  },
  tenant_exists: {
    status: 409,
    title: 'Tenant exists',
    description: 'A tenant with this slug already exists.',
  },
  user_not_found: {
    status: 404,
    title: 'User not found',
    description: 'No user with this id or email in this tenant.',
  },
  user_exists: {
    status: 409,
    title: 'User exists',
    description: 'A user with this email already exists in this tenant (emails compare case-insensitively).',
  },
  email_invalid: {
    status: 400,
    title: 'Invalid email address',
    description: 'The value is not a plausible email address (local@domain, at most 254 characters).',
  },
  role_invalid: {
    status: 400,
    title: 'Invalid role',
    description: 'Roles are global-admin, authentication-admin and helpdesk.',
  },
  password_invalid: {
    status: 400,
    title: 'Password not acceptable',
    description: 'Passwords are 8 to 256 characters; the message says which rule failed.',
  },
  last_global_admin: {
    status: 409,
    title: 'Last global admin',
    description: 'The last active global admin of a tenant cannot be disabled, deleted or demoted.',
  },
  setup_token_invalid: {
    status: 400,
    title: 'Setup link invalid',
    description:
      'The one-time setup link is unknown, expired or already used. The operator can issue a pass instead.',
  },

  // Secrets at rest
  secret_key_missing: {
    status: 500,
    title: 'Secret key missing',
    description:
      'A sealed value names a key id that this instance does not have; set TWOFOLD_SECRET_KEY to include it.',
  },
  sealed_value_invalid: {
    status: 500,
    title: 'Sealed value invalid',
    description: 'A sealed secret failed authentication (tampered or corrupted data, or the wrong key).',
  },

  // OTP core (parsing and formats)
  base32_invalid: {
    status: 400,
    title: 'Invalid base32',
    description: 'The secret is not base32 (RFC 4648): the message names the offending character.',
  },
  otpauth_uri_invalid: {
    status: 400,
    title: 'Invalid otpauth URI',
    description:
      'The otpauth:// URI cannot be used; the message says which part (type, label, secret, parameter).',
  },
  otp_parameters_invalid: {
    status: 400,
    title: 'Invalid OTP parameters',
    description: 'Algorithm, digits, period or counter out of the supported range.',
  },
  migration_payload_invalid: {
    status: 400,
    title: 'Invalid migration payload',
    description: 'The otpauth-migration:// export cannot be decoded; the message says why.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorRegistry;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorRegistry, value);
}
