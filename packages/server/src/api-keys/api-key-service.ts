import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import { generateToken, hashToken } from '../platform/crypto/tokens.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';
import { isRole, type Role, roles } from '../users/roles.js';

/**
 * What an API key acts as: an admin role (the admin API), or `provisioning` (SCIM only: a directory
 * such as Entra ID or Okta creating, updating and deactivating users and groups).
 */
export const apiKeyRoles = [...roles, 'provisioning'] as const;
export type ApiKeyRole = Role | 'provisioning';

export function checkApiKeyRole(value: string): ApiKeyRole {
  if (value === 'provisioning' || isRole(value)) return value;
  throw new TwofoldError('role_invalid', `role '${value}': must be one of ${apiKeyRoles.join(', ')}`);
}

export interface ApiKey {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly role: ApiKeyRole;
  /** The first characters of the key, safe to show so people can tell keys apart. */
  readonly prefix: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface ApiKeyService {
  /** Creates a key; the plain key is returned once and only its SHA-256 is stored. */
  create(
    input: { tenantId: string; role: string; name?: string | undefined },
    actor: Actor,
  ): Promise<{ apiKey: ApiKey; key: string }>;
  /** Resolves a presented key to its record, or undefined for an unknown or revoked key. */
  authenticate(key: string): Promise<ApiKey | undefined>;
  list(tenantId: string): Promise<ApiKey[]>;
}

export const apiKeyPrefix = 'tfk_';
/** Seen-at updates are coarse so that a busy key does not write on every request. */
const lastUsedResolutionMs = 60_000;

type ApiKeyRow = Database['api_keys'];

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    role: row.role as ApiKeyRole,
    prefix: row.key_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export function createApiKeyService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
}): ApiKeyService {
  const { db, clock, audit } = deps;
  return {
    async create(input, actor) {
      const role = checkApiKeyRole(input.role);
      const name = input.name?.trim() || `${role} key`;
      if (name.length > 200)
        throw new TwofoldError('validation_failed', 'API key name: at most 200 characters');
      const key = generateToken(apiKeyPrefix);
      const now = clock.now();
      const row: ApiKeyRow = {
        id: generateId(now),
        tenant_id: input.tenantId,
        name,
        role,
        key_hash: hashToken(key),
        key_prefix: key.slice(0, apiKeyPrefix.length + 6),
        created_at: now,
        last_used_at: null,
        revoked_at: null,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('api_keys').values(row).execute();
        await audit.record(
          {
            tenantId: input.tenantId,
            actor,
            action: 'api_key.create',
            target: { type: 'api_key', id: row.id },
            details: { name, role, prefix: row.key_prefix },
          },
          trx,
        );
      });
      return { apiKey: toApiKey(row), key };
    },

    async authenticate(key) {
      if (!key.startsWith(apiKeyPrefix) || key.length > 200) return undefined;
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', hashToken(key))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return undefined;
      const now = clock.now();
      if (row.last_used_at === null || now - row.last_used_at > lastUsedResolutionMs) {
        await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
      }
      return toApiKey({ ...row, last_used_at: now });
    },

    async list(tenantId) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map(toApiKey);
    },
  };
}
