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
  request_timeout: {
    status: 408,
    title: 'Request timeout',
    description:
      'The request (headers and body) did not arrive within TWOFOLD_REQUEST_TIMEOUT_MS; the connection is closed. Send the request again, at once.',
  },
  headers_too_large: {
    status: 431,
    title: 'Request headers too large',
    description: 'The request headers are larger than the server reads (16 KiB); the connection is closed.',
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

  // Sign-in refusals: each is also a `reason` of the sign-in log (spec section 4), so the log and
  // the problem answer carry the same code. Wrong codes are 400, not 401: a client must not take
  // them for an expired session.
  invalid_credentials: {
    status: 401,
    title: 'Invalid credentials',
    description:
      'The username, password or pass is wrong. The answer is the same whether or not the user exists.',
  },
  otp_invalid: {
    status: 400,
    title: 'Invalid code',
    description: 'The one-time code is wrong or too old. Check it and try again, or use another method.',
  },
  otp_replayed: {
    status: 400,
    title: 'Code already used',
    description: 'This code was already accepted once and is never accepted again; wait for the next code.',
  },
  otp_expired: {
    status: 400,
    title: 'Code expired',
    description:
      'The code sent by SMS or email is older than 10 minutes, or a newer one was sent since; ask for a new code.',
  },
  otp_clock_skew: {
    status: 400,
    title: 'Device clock looks wrong',
    description:
      "The code belongs to a time minutes away from the server's: set the device to automatic time. Two consecutive such codes resynchronise the method.",
  },
  locked_out: {
    status: 429,
    title: 'Locked out',
    description:
      'Too many failed attempts for this account or address; wait `retryAfter` seconds. A device that signed in before is not held back by failures from elsewhere.',
  },
  too_many_attempts: {
    status: 429,
    title: 'Too many attempts',
    description:
      'Too many wrong codes on this challenge, which is now closed; start again or use another method.',
  },
  mfa_admin_required: {
    status: 403,
    title: 'Admin action required',
    description:
      'Second-factor sign-in failed too often in total; an admin must clear it or issue a Temporary Access Pass.',
  },
  push_denied: {
    status: 403,
    title: 'Sign-in denied',
    description: 'The sign-in was denied in the authenticator app.',
  },
  push_reported: {
    status: 403,
    title: 'Sign-in reported',
    description:
      'The user reported this sign-in as not theirs; push approvals are blocked for them until an admin clears it.',
  },
  push_timeout: {
    status: 410,
    title: 'Push approval timed out',
    description:
      'The push challenge was not answered within 2 minutes; send a new one or use another method.',
  },
  // Push devices (the Twofold Authenticator answering push challenges)
  push_activation_invalid: {
    status: 400,
    title: 'Push activation invalid',
    description:
      'The `twofold_push` activation token is unknown or was already used (each works once), or the public key is not an ECDSA P-256 JWK; add the account again from a new QR code.',
  },
  device_signature_invalid: {
    status: 401,
    title: 'Device signature invalid',
    description:
      'A push device request is not signed by an active device: unknown or revoked device, bad signature, or a timestamp more than 5 minutes from the server clock.',
  },
  push_already_answered: {
    status: 409,
    title: 'Push already answered',
    description: 'This push challenge was answered already; each is answered once.',
  },
  push_expired: {
    status: 410,
    title: 'Push expired',
    description:
      'The push challenge is older than 2 minutes, or the sign-in replaced or ended it; nothing to answer.',
  },
  push_number_mismatch: {
    status: 400,
    title: 'Wrong number',
    description:
      'The number typed on the device is not the one the sign-in page shows; the challenge is denied and the sign-in must send a new push.',
  },
  push_challenge_not_found: {
    status: 404,
    title: 'Push challenge not found',
    description: "No such push challenge for this device (it may be another user's or tenant's).",
  },
  registration_required: {
    status: 403,
    title: 'Registration required',
    description:
      'The user has no usable second factor and must register one ("More information required") before signing in.',
  },
  recovery_code_invalid: {
    status: 400,
    title: 'Invalid recovery code',
    description: 'The recovery code is wrong or already used; each code works once.',
  },
  passkey_invalid: {
    status: 400,
    title: 'Passkey not verified',
    description:
      'The passkey response did not verify: another site or origin, another account, a bad signature, or no user verification.',
  },
  passkey_challenge_invalid: {
    status: 400,
    title: 'Passkey request expired',
    description:
      'The passkey answered a request that is unknown, expired, already answered, or was issued to someone else; start again.',
  },
  passkey_counter_replayed: {
    status: 400,
    title: 'Passkey counter went backwards',
    description:
      "The authenticator's signature counter did not move forward, as with a cloned credential; it was refused and is in the sign-in log.",
  },
  passkey_unknown: {
    status: 400,
    title: 'Unknown passkey',
    description:
      'No active passkey of this organisation has that credential id (it was removed, or never registered here).',
  },
  phishing_resistant_required: {
    status: 403,
    title: 'Passkey sign-in required',
    description:
      'The organisation lets admins in only with a session proven with a passkey (policy phishingResistantAdmins); sign in with a passkey.',
  },
  tap_expired: {
    status: 401,
    title: 'Temporary Access Pass expired',
    description: 'The Temporary Access Pass has expired or was used up; ask an admin for a new one.',
  },
  tap_revoked: {
    status: 401,
    title: 'Temporary Access Pass revoked',
    description:
      'The Temporary Access Pass was ended: an admin required re-registration, revoked the sessions, disabled the account or gave it an admin role, or the user signed out everywhere or changed or reset their password. Ask an admin for a new one.',
  },
  tap_not_allowed: {
    status: 403,
    title: 'Temporary Access Pass not valid for this account',
    description:
      'The pass was issued by someone who may not act on this account now: its user holds an admin role that the issuer (a helpdesk or authentication admin, or their API key) could not act on. Ask a global admin for a new one.',
  },
  registration_proof_required: {
    status: 403,
    title: 'Prove it is you first',
    description:
      "The account's methods are all of types the policy no longer allows: before registering a new method, answer with one of the flow's `methods` (the user's own methods, or a recovery code), or sign in with a Temporary Access Pass.",
  },
  registration_pass_required: {
    status: 403,
    title: 'Temporary Access Pass required to register',
    description:
      'The tenant policy (`registrationRequiresPass`) lets a method be registered at sign-in only after signing in with a Temporary Access Pass; ask an admin for one.',
  },
  help_request_not_found: {
    status: 404,
    title: 'Help request not found',
    description: 'No help request with that id in this tenant.',
  },
  help_request_resolved: {
    status: 409,
    title: 'Help request already resolved',
    description: 'Another admin resolved this help request first; reload the queue.',
  },
  flow_expired: {
    status: 410,
    title: 'Sign-in expired',
    description: 'The sign-in took too long or was finished already; start again from the username.',
  },
  user_disabled: {
    status: 403,
    title: 'Account disabled',
    description: 'The account is disabled; an admin can enable it again.',
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
  group_not_found: {
    status: 404,
    title: 'Group not found',
    description: 'No group with this id or name in this tenant.',
  },
  group_exists: {
    status: 409,
    title: 'Group exists',
    description: 'A group with this name already exists in this tenant (names compare case-insensitively).',
  },
  csv_invalid: {
    status: 400,
    title: 'Invalid CSV',
    description:
      'The file is not CSV this import reads: it must start with the header it names (for users: email,name,role) and quote fields properly.',
  },
  import_refused: {
    status: 422,
    title: 'Import refused',
    description:
      'Some lines of the file were refused, so nothing was imported; `refused` lists each line with its number, code and reason. Correct them and import the whole file again.',
  },
  scim_invalid_filter: {
    status: 400,
    title: 'Invalid SCIM filter',
    description:
      'The SCIM filter could not be read, or names an attribute or operator this server does not filter on (RFC 7644 section 3.4.2.2; scimType invalidFilter).',
  },
  scim_invalid_request: {
    status: 400,
    title: 'Invalid SCIM request',
    description:
      'The SCIM request is malformed or asks for a change this server does not make (a PATCH path it cannot apply, a userName that is not an email, a change of userName); `scimType` says which (RFC 7644 section 3.12).',
  },
  oidc_client_not_found: {
    status: 404,
    title: 'Application not found',
    description: 'No OpenID Connect client (application) with this id in this tenant.',
  },
  oidc_interaction_not_found: {
    status: 404,
    title: 'Sign-in request not found',
    description:
      'The application sign-in this page belongs to has ended or expired (or was started in another browser); go back to the application and start again.',
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
    description:
      'The password contains a character that cannot be stored (an unpaired surrogate). Too short, too long and too common passwords have codes of their own.',
  },
  password_too_short: {
    status: 400,
    title: 'Password too short',
    description: 'Passwords are at least 8 characters (`minLength`); a longer passphrase is better.',
  },
  password_too_long: {
    status: 400,
    title: 'Password too long',
    description: 'Passwords are at most 256 characters (`maxLength`).',
  },
  password_too_common: {
    status: 400,
    title: 'Password too common',
    description:
      'The password is in the list of 200,000 common or breached passwords shipped with Twofold (NIST SP 800-63B), compared without regard to case; choose another.',
  },
  password_incorrect: {
    status: 400,
    title: 'Current password not right',
    description:
      'The current password given to change it is wrong. Failures count towards the password throttle like wrong passwords at sign-in.',
  },
  current_password_required: {
    status: 400,
    title: 'Current password required',
    description:
      'Changing the password needs the current one, unless the session was started with a Temporary Access Pass in the last hour or the account has no password yet.',
  },
  password_reset_unavailable: {
    status: 403,
    title: 'Password reset not possible',
    description:
      'No password reset is possible for this username: it has no registered sign-in method (admins need two), or it is not a user here (the answer is the same). Ask an admin for a Temporary Access Pass.',
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

  // Authentication methods
  method_not_found: {
    status: 404,
    title: 'Method not found',
    description:
      'The user has no such sign-in method (or it belongs to another user or tenant, or was deleted).',
  },
  method_type_not_allowed: {
    status: 403,
    title: 'Method type not allowed',
    description:
      'The tenant policy does not allow this kind of sign-in method; an admin can change the policy.',
  },
  method_already_active: {
    status: 409,
    title: 'Method already active',
    description:
      'The method is active already; only a pending hardware token (or one deactivated by re-registration) is activated with a code.',
  },

  phone_number_invalid: {
    status: 400,
    title: 'Phone number not valid',
    description:
      'The phone number is not a valid number in international form (E.164), such as +44 7911 123456; the message says why, and `numberType` is `landline` or `premium_rate` when that is why.',
  },
  send_limited: {
    status: 429,
    title: 'Too many codes sent',
    description:
      'Too many codes were sent recently (to this user, this number or address, from this address, or in this organisation); wait `retryAfter` seconds or use another method.',
  },
  delivery_failed: {
    status: 422,
    title: 'Message not delivered',
    description:
      'The SMS or email provider refused the message for good (for example a number that cannot receive texts); use another method. A provider that is only slow or down is retried instead.',
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
  // Sign-in flows and self-service
  step_up_required: {
    status: 403,
    title: 'Second factor needed',
    description:
      'Changing sign-in methods needs a second factor within the last 10 minutes: call POST /me/step-up with a code, then retry.',
  },
  last_method: {
    status: 409,
    title: 'Last method',
    description:
      'The only sign-in method of a user cannot be deleted while the tenant requires MFA; add another first.',
  },
  flow_state_invalid: {
    status: 409,
    title: 'Not at this step',
    description:
      'The sign-in is not at the step this request is for (for example verify before register, or register when a code is due).',
  },

  // Audit log
  audit_chain_broken: {
    status: 409,
    title: 'Audit log tampered with',
    description:
      '`twofold audit verify` found rows of the audit log that were changed, deleted, inserted or moved after they were written; the message names the chain and the first row (seq and id). Compare with a backup and find out who has write access to the database.',
  },

  // Authenticator vault, import/export and the twofold-authenticator command (docs/vault-format.md)
  vault_passphrase_wrong: {
    status: 400,
    title: 'Wrong vault passphrase',
    description:
      'The vault could not be decrypted with this passphrase (or its file was altered). Nothing was changed; try again with the right passphrase.',
  },
  vault_passphrase_missing: {
    status: 400,
    title: 'Vault passphrase missing',
    description:
      'No passphrase was given: set TWOFOLD_VAULT_PASSPHRASE, or run the command on a terminal so it can ask (without echo).',
  },
  vault_invalid: {
    status: 400,
    title: 'Vault file invalid',
    description:
      'The file is not a Twofold vault (docs/vault-format.md), is of a newer version, or its content is damaged; the message names the part. Restore it from a backup.',
  },
  vault_not_found: {
    status: 404,
    title: 'No vault',
    description:
      'There is no vault file at this path yet: `add` or `import` an account first, or pass --vault.',
  },
  vault_entry_not_found: {
    status: 404,
    title: 'No such account',
    description:
      'No account in the vault has this id, or an issuer or name containing this text; `list` shows them.',
  },
  vault_entry_ambiguous: {
    status: 409,
    title: 'Several accounts match',
    description:
      'More than one account matches this text; the message lists them: give more of the name, or the id.',
  },
  import_invalid: {
    status: 400,
    title: 'Import file invalid',
    description:
      'The file is not in a format that can be imported (otpauth lines, otpauth-migration, Aegis, Twofold vault, or a PNG/JPEG with QR codes), or it is damaged; the message says which part.',
  },
  import_password_required: {
    status: 400,
    title: 'Import password required',
    description:
      'The file to import (or the export to write) is encrypted: give its password with --password.',
  },
  import_password_wrong: {
    status: 400,
    title: 'Wrong import password',
    description:
      'The encrypted file to import could not be decrypted with this password (or it was altered). Nothing was imported.',
  },
  image_invalid: {
    status: 400,
    title: 'Image unreadable',
    description: 'The image is not a PNG or JPEG file that can be decoded, or it is too large.',
  },
  qr_not_found: {
    status: 400,
    title: 'No QR code found',
    description:
      'No QR code could be read in the image: use a sharper, larger or less cropped picture, or add the account by its otpauth URI.',
  },
  server_unreachable: {
    status: 503,
    title: 'Server unreachable',
    description:
      'The Twofold server could not be reached (network, DNS, TLS or timeout); the message has the cause. Check the URL and the connection.',
  },
  server_response_invalid: {
    status: 502,
    title: 'Unexpected server answer',
    description:
      'The server answered something the authenticator did not expect (not JSON, a missing field, or an error without a known code); the message has the status.',
  },
  vault_no_push_account: {
    status: 409,
    title: 'No account with push',
    description:
      'No account in the vault is activated for push approvals: add the account from the QR code of a Twofold authenticator registration (its URI carries `twofold_push`).',
  },
  no_pending_challenge: {
    status: 404,
    title: 'Nothing to approve',
    description:
      'No push sign-in request is waiting for this device; start the sign-in first, or use --wait to wait for one.',
  },
  challenge_choice_required: {
    status: 409,
    title: 'Several requests pending',
    description:
      'Several push sign-in requests are waiting; the command lists them: answer one with --challenge ID.',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorRegistry;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorRegistry, value);
}
