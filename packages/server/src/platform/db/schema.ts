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
  created_by: string;
  created_at: number;
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
}

export interface SecretKeyChecksTable {
  kid: string;
  check_value: string;
  created_at: number;
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
}
