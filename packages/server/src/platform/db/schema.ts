import type { Generated } from 'kysely';

/**
 * Table types for the query layer. Portable column types only: text ids (UUIDv7), bigint
 * milliseconds since the epoch for times, integer 0/1 for booleans, text for JSON.
 */
export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  policy: string;
  created_at: number;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  email: string;
  email_normalized: string;
  display_name: string;
  password_hash: string | null;
  disabled: number;
  mfa_failures: Generated<number>;
  mfa_locked_until: number | null;
  registration_required: Generated<number>;
  password_failures: Generated<number>;
  password_locked_until: number | null;
  /** Set when the user reported a push they did not start; push stays off until an admin clears it. */
  push_blocked_at: number | null;
  /** The language of the user's emails and text messages (en, de, fr, es); null: the tenant's default. */
  locale: string | null;
  /** What a provisioning client (SCIM) calls the user in its own directory. */
  external_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface UserRolesTable {
  tenant_id: string;
  user_id: string;
  role: string;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  role: string;
  key_hash: string;
  key_prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SetupTokensTable {
  id: string;
  tenant_id: string;
  token_hash: string;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface TemporaryAccessPassesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  pass_hash: string;
  reusable: number;
  expires_at: number;
  used_at: number | null;
  /** The issuer's id (a user or an API key), or 'operator'. */
  created_by: string;
  created_at: number;
  /** operator | user | api_key */
  issuer_type: Generated<string>;
  /** The issuer's role when it issued the pass (a role, or 'operator'). */
  issuer_role: Generated<string>;
  /** The user's credentials were ended (re-registration, sign out everywhere, a new role, ...). */
  revoked_at: number | null;
}

export interface AuditEventsTable {
  id: string;
  tenant_id: string | null;
  at: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  reason: string | null;
  ip: string | null;
  details: string | null;
  /** The hash chain the row belongs to: its tenant id, or 'global'. Null only for rows from before the chain existed. */
  chain: string | null;
  /** Position in the chain, from 1. */
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface SecretKeyChecksTable {
  kid: string;
  check_value: string;
  created_at: number;
}

export interface MethodsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  /** authenticator | totp | sms | email | hardware_oath */
  type: string;
  label: string;
  /** pending | active | disabled */
  status: string;
  is_default: Generated<number>;
  secret_sealed: string | null;
  algorithm: string | null;
  digits: number | null;
  period: number | null;
  destination: string | null;
  last_step: number | null;
  drift_steps: Generated<number>;
  /** The step of the last code that matched outside the window (a clock-skew hint), for resync. */
  skew_step: number | null;
  /** That code's offset from the server's step, in steps (seconds = steps x period). */
  skew_offset: number | null;
  failures: Generated<number>;
  /** authenticator only: SHA-256 of the `twofold_push` activation token (see factors/totp). */
  push_activation_hash: string | null;
  /** hardware_oath only: the serial printed on the token, its manufacturer and model. */
  serial: string | null;
  manufacturer: string | null;
  model: string | null;
  created_at: number;
  confirmed_at: number | null;
  last_used_at: number | null;
  updated_at: number;
}

/** One accepted TOTP step of a method: the row's insert is the step's single use. */
export interface AcceptedStepsTable {
  method_id: string;
  step: number;
  /** The device's clock against the server's when it was accepted, in steps. */
  offset_steps: number;
  accepted_at: number;
}

/** A passkey's WebAuthn credential (factors/passkey/); its method row holds label, status and times. */
export interface PasskeyCredentialsTable {
  method_id: string;
  tenant_id: string;
  user_id: string;
  /** base64url, unique per tenant */
  credential_id: string;
  /** COSE public key, base64url */
  public_key: string;
  sign_count: number;
  /** JSON array of transports */
  transports: string;
  backup_eligible: number;
  backed_up: number;
  aaguid: string;
  model: string | null;
  created_at: number;
  last_used_at: number | null;
}

/** A single-use WebAuthn challenge (factors/passkey/). */
export interface PasskeyChallengesTable {
  id: string;
  tenant_id: string;
  /** register | authenticate | discover */
  purpose: string;
  user_id: string | null;
  method_id: string | null;
  flow_hash: string | null;
  client_hash: string | null;
  challenge: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** A user's "I can't get a code" request to the helpdesk (help-requests/). */
export interface GroupsTable {
  id: string;
  tenant_id: string;
  name: string;
  /** NFC, trimmed, lower case: names are unique per tenant compared this way. */
  name_normalized: string;
  description: string;
  /** What a provisioning client (SCIM) calls the group in its own directory. */
  external_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  user_id: string;
  created_at: number;
}

export interface HelpRequestsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  message: string | null;
  contact: string | null;
  /** JSON: the troubleshooter's findings when the user asked. */
  findings: string;
  /** open | resolved */
  status: string;
  resolution: string | null;
  resolved_by: string | null;
  resolved_at: number | null;
  ip: string | null;
  created_at: number;
  updated_at: number;
}

export interface RecoveryCodesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  code_hash: string;
  used_at: number | null;
  created_at: number;
}

export interface SignInFlowsTable {
  id_hash: string;
  tenant_id: string;
  user_id: string;
  client_hash: string;
  /** pwd | tap */
  first_factor: string;
  /** mfa_required | registration_required | signed_in | failed */
  status: string;
  challenge_method_id: string | null;
  challenge_failures: Generated<number>;
  registration_method_id: string | null;
  /** JSON array of RFC 8176 values gathered so far */
  amr: string;
  /** method | pass: what the user must prove before registering (null: nothing). */
  proof: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
}

export interface SessionsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  amr: string;
  mfa_at: number | null;
  created_at: number;
  last_seen_at: number;
  idle_expires_at: number;
  absolute_expires_at: number;
  revoked_at: number | null;
  ip: string | null;
  user_agent: string | null;
  /** pwd | tap: the first factor of the sign-in that started the session (null before it was kept). */
  first_factor: string | null;
}

/** "Forgot password?" (spec section 6): a flow bound to its browser, like a sign-in. */
export interface PasswordResetFlowsTable {
  id_hash: string;
  tenant_id: string;
  user_id: string;
  client_hash: string;
  /** verification_required | password_required | completed | failed */
  status: string;
  proofs_required: number;
  /** JSON array of the entry ids proven so far. */
  proven: string;
  challenge_failures: Generated<number>;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
}

export interface SignInEventsTable {
  id: string;
  tenant_id: string;
  user_id: string | null;
  username: string;
  at: number;
  /** success | failure | interrupted */
  result: string;
  reason: string | null;
  method_type: string | null;
  method_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

export interface ThrottlesTable {
  key: string;
  failures: number;
  window_started_at: number;
  locked_until: number | null;
}

export interface KnownDevicesTable {
  tenant_id: string;
  user_id: string;
  device_hash: string;
  last_success_at: number;
}

export interface OutboxMessagesTable {
  id: string;
  tenant_id: string | null;
  /** email | sms */
  channel: string;
  recipient: string;
  subject: string | null;
  body: string;
  /** pending | sending | sent | failed */
  status: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  /** The provider's id for the sent message (Twilio SID, SMTP message id). */
  provider_ref: string | null;
  /** sign_in_code | registration_code | admin_notice | ... */
  purpose: string | null;
}

export interface OtpChallengesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  method_id: string;
  code_hash: string;
  expires_at: number;
  used_at: number | null;
  failures: Generated<number>;
  created_at: number;
}

export interface SendLimitsTable {
  key: string;
  count: number;
  window_started_at: number;
}

export interface PushDevicesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  method_id: string;
  name: string;
  /** JWK {kty: 'EC', crv: 'P-256', x, y}, as JSON text. */
  public_key: string;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}

export interface PushChallengesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  method_id: string;
  flow_id_hash: string | null;
  /** 10..99 */
  number: number;
  application: string;
  ip: string | null;
  user_agent: string | null;
  /** pending | approved | denied | reported | expired | cancelled */
  status: string;
  /** denied: `device` or `number_mismatch` */
  status_reason: string | null;
  device_id: string | null;
  /** Set when its sign-in sent a newer push. */
  replaced_at: number | null;
  answered_at: number | null;
  created_at: number;
  expires_at: number;
}

export interface OidcClientsTable {
  id: string;
  tenant_id: string;
  name: string;
  /** SHA-256 of the secret; null for a public client. */
  secret_hash: string | null;
  /** JSON array of URLs. */
  redirect_uris: string;
  /** JSON array of URLs. */
  post_logout_redirect_uris: string;
  first_party: number;
  created_at: number;
  /** Where back-channel logout tokens go; null: the application is not told. */
  backchannel_logout_uri: string | null;
  /** 1: a service (client_credentials only); 0: an application users sign in to. */
  service: Generated<number>;
}

export interface OidcKeysTable {
  id: string;
  tenant_id: string;
  kid: string;
  alg: string;
  /** The private JWK, sealed. */
  private_jwk: string;
  created_at: number;
  retired_at: number | null;
}

export interface OidcPayloadsTable {
  tenant_id: string;
  model: string;
  id_hash: string;
  /** The provider's payload as JSON, sealed. */
  payload: string;
  grant_id_hash: string | null;
  uid_hash: string | null;
  user_code_hash: string | null;
  /** SHA-256 of the user id the payload belongs to, if any. */
  account_hash: string | null;
  expires_at: number | null;
  consumed_at: number | null;
  /** The application of a grant or token (not secret; absent on rows from before migration 0012). */
  client_id: string | null;
}

/** Which applications a Twofold session signed in to, under which `sid` (back-channel logout). */
export interface OidcSessionLinksTable {
  tenant_id: string;
  /** The Twofold session (sessions.id). */
  session_id: string;
  user_id: string;
  client_id: string;
  /** The `sid` of the ID tokens the application got (the provider session's id for it). */
  sid: string;
  created_at: number;
  /** When its logout token was queued as this one session ended (null: not yet). */
  told_at: number | null;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  api_keys: ApiKeysTable;
  setup_tokens: SetupTokensTable;
  temporary_access_passes: TemporaryAccessPassesTable;
  audit_events: AuditEventsTable;
  secret_key_checks: SecretKeyChecksTable;
  methods: MethodsTable;
  accepted_steps: AcceptedStepsTable;
  help_requests: HelpRequestsTable;
  passkey_credentials: PasskeyCredentialsTable;
  passkey_challenges: PasskeyChallengesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  recovery_codes: RecoveryCodesTable;
  sign_in_flows: SignInFlowsTable;
  sessions: SessionsTable;
  password_reset_flows: PasswordResetFlowsTable;
  sign_in_events: SignInEventsTable;
  throttles: ThrottlesTable;
  known_devices: KnownDevicesTable;
  outbox_messages: OutboxMessagesTable;
  otp_challenges: OtpChallengesTable;
  send_limits: SendLimitsTable;
  push_devices: PushDevicesTable;
  push_challenges: PushChallengesTable;
  oidc_clients: OidcClientsTable;
  oidc_keys: OidcKeysTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_session_links: OidcSessionLinksTable;
}
