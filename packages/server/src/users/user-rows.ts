/** How the user service's parts read and write rows: the row type, its mapping, paging cursors, the last-admin rule. */
import { isLocale, TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { AuditLog, Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import type { Role } from './roles.js';
import type { PasswordHashing, User } from './user-service.js';

export type UserRow = Selectable<Database['users']>;

export const userPageLimits = { default: 50, max: 200 } as const;

export function encodeUserCursor(email: string, id: string): string {
  return Buffer.from(JSON.stringify([email, id])).toString('base64url');
}

export function decodeUserCursor(cursor: string): { email: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string'))
      return { email: value[0] as string, id: value[1] as string };
  } catch {
    // fall through
  }
  throw new TwofoldError('validation_failed', 'cursor: not a cursor this server gave out');
}

export async function refuseIfLastGlobalAdmin(trx: Executor, tenantId: string, what: string): Promise<void> {
  const row = await trx
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .where('user_roles.tenant_id', '=', tenantId)
    .where('user_roles.role', '=', 'global-admin')
    .where('users.disabled', '=', 0)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(row.n) <= 1) {
    throw new TwofoldError(
      'last_global_admin',
      `this is the last active global admin of the tenant and cannot be ${what}; make someone else a global admin first`,
    );
  }
}

export type UserFields = Pick<
  UserRow,
  'id' | 'tenant_id' | 'email' | 'display_name' | 'disabled' | 'password_hash' | 'created_at' | 'updated_at'
> & {
  registration_required?: number;
  push_blocked_at?: number | null;
  mfa_failures?: number;
  mfa_locked_until?: number | null;
  locale?: string | null;
};

export function toUser(row: UserFields, userRoles: Role[]): User {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    displayName: row.display_name,
    roles: userRoles,
    disabled: row.disabled === 1,
    hasPassword: row.password_hash !== null,
    registrationRequired: row.registration_required === 1,
    pushBlocked: row.push_blocked_at !== undefined && row.push_blocked_at !== null,
    mfaFailures: row.mfa_failures ?? 0,
    mfaLockedUntil: row.mfa_locked_until ?? null,
    locale: isLocale(row.locale) ? row.locale : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the parts of the user service share. */
export interface UserServiceContext {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly passwords: PasswordHashing;
  /** The user's roles, sorted (inside the caller's transaction with `executor`). */
  rolesOf(userId: string, executor?: Executor): Promise<Role[]>;
  /** The user's row; user_not_found when there is none in this tenant (inside the caller's transaction with `executor`). */
  rowById(tenantId: string, id: string, executor?: Executor): Promise<UserRow>;
}
