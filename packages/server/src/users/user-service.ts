import { isLocale, type Locale, TwofoldError } from '@twofold/core';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import { revokeApplicationGrants } from '../oidc/account-hash.js';
import type { Clock } from '../platform/clock.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';
import { checkEmail, normalizeEmail } from './email.js';
import { checkRole, type Role } from './roles.js';

export interface User {
  readonly id: string;
  readonly tenantId: string;
  readonly email: string;
  readonly displayName: string;
  readonly roles: Role[];
  readonly disabled: boolean;
  readonly hasPassword: boolean;
  /** Set by "require re-registration": the next sign-in registers a new method. */
  readonly registrationRequired: boolean;
  /** The user reported a push they did not start: push stays off until an admin clears it. */
  readonly pushBlocked: boolean;
  /** Consecutive second-factor failures and the end of the current lock (methods/mfa-lockout). */
  readonly mfaFailures: number;
  readonly mfaLockedUntil: number | null;
  /** The language of their emails and text messages; null: the tenant's `defaultLocale`. */
  readonly locale: Locale | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What the user service needs of the password hasher (platform/crypto provides it). */
export interface PasswordHashing {
  checkPassword(password: string): void;
  hash(password: string): Promise<string>;
  verifyOrDummy(hash: string | undefined, password: string): Promise<boolean>;
}

export interface CreateUserInput {
  readonly tenantId: string;
  readonly email: string;
  readonly displayName?: string | undefined;
  readonly roles?: readonly string[];
  readonly password?: string | undefined;
  /** An argon2id hash computed beforehand, so a caller's transaction does not wait on hashing. */
  readonly passwordHash?: string | undefined;
}

export interface UserService {
  /** Creates a user; with `executor`, inside the caller's transaction (the password is hashed before). */
  create(input: CreateUserInput, actor: Actor, executor?: Executor): Promise<User>;
  findByEmail(tenantId: string, email: string): Promise<User | undefined>;
  /** Throws user_not_found. */
  getById(tenantId: string, id: string): Promise<User>;
  /** Active (not disabled) users with the role; with `executor`, inside the caller's transaction. */
  countWithRole(tenantId: string, role: Role, executor?: Executor): Promise<number>;
  /**
   * Users whose email or display name contains `query` (case-insensitive), ordered by email, a page
   * at a time: `cursor` is the `nextCursor` of the page before.
   */
  search(
    tenantId: string,
    options: { query?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
  ): Promise<{ users: User[]; nextCursor: string | null }>;
  /**
   * Changes name, disabled flag, roles or the language of their messages (null: the tenant's). The last
   * active global admin cannot be disabled or demoted (last_global_admin). Disabling a user revokes their
   * sessions in the same transaction. Audited with what changed.
   */
  update(
    tenantId: string,
    id: string,
    changes: {
      displayName?: string | undefined;
      disabled?: boolean | undefined;
      roles?: readonly string[] | undefined;
      locale?: Locale | null | undefined;
    },
    actor: Actor,
    reason?: string,
  ): Promise<User>;
  /** Deletes a user and everything that is theirs; never the last active global admin. Audited. */
  delete(tenantId: string, id: string, actor: Actor, reason?: string): Promise<void>;
  /** The user has registered a method after "require re-registration". */
  clearRegistrationRequired(tenantId: string, userId: string): Promise<void>;
  /**
   * Checks a password in time independent of whether the user exists (an unknown or disabled user
   * still costs one full hash). Returns the user only on success.
   */
  verifyPassword(tenantId: string, email: string, password: string): Promise<User | undefined>;
}

type UserRow = Selectable<Database['users']>;

export const userPageLimits = { default: 50, max: 200 } as const;

/** Tables with a user_id column whose rows go when the user goes. */
const userOwnedTables = [
  'known_devices',
  'sign_in_flows',
  'sessions',
  'recovery_codes',
  'methods',
  'temporary_access_passes',
  'user_roles',
] as const satisfies readonly (keyof Database)[];

function encodeUserCursor(email: string, id: string): string {
  return Buffer.from(JSON.stringify([email, id])).toString('base64url');
}

function decodeUserCursor(cursor: string): { email: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string'))
      return { email: value[0] as string, id: value[1] as string };
  } catch {
    // fall through
  }
  throw new TwofoldError('validation_failed', 'cursor: not a cursor this server gave out');
}

/**
 * Serialises changes to a tenant's admins: a no-op UPDATE of the tenant row holds its row lock
 * (PostgreSQL) or the write lock (SQLite) until the transaction ends, so two admins demoting each
 * other at the same moment on two instances cannot both see the other still in place.
 */
async function lockTenant(trx: Executor, tenantId: string): Promise<void> {
  await trx
    .updateTable('tenants')
    .set({ slug: sql.ref('slug') })
    .where('id', '=', tenantId)
    .execute();
}

async function refuseIfLastGlobalAdmin(trx: Executor, tenantId: string, what: string): Promise<void> {
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

type UserFields = Pick<
  UserRow,
  'id' | 'tenant_id' | 'email' | 'display_name' | 'disabled' | 'password_hash' | 'created_at' | 'updated_at'
> & {
  registration_required?: number;
  push_blocked_at?: number | null;
  mfa_failures?: number;
  mfa_locked_until?: number | null;
  locale?: string | null;
};

function toUser(row: UserFields, userRoles: Role[]): User {
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

export function createUserService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  passwords: PasswordHashing;
}): UserService {
  const { db, clock, audit, passwords } = deps;

  async function rolesOf(userId: string, executor: Executor = db): Promise<Role[]> {
    const rows = await executor
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', userId)
      .execute();
    return rows.map((r) => r.role as Role).sort();
  }

  async function findRowByEmail(tenantId: string, email: string): Promise<UserRow | undefined> {
    return db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('email_normalized', '=', normalizeEmail(email))
      .executeTakeFirst();
  }

  return {
    async create(input, actor, executor) {
      const email = checkEmail(input.email);
      const userRoles = [...new Set((input.roles ?? []).map(checkRole))].sort();
      const displayName = (input.displayName ?? '').normalize('NFC').trim() || email.split('@')[0] || email;
      if (displayName.length > 200)
        throw new TwofoldError('validation_failed', 'display name: at most 200 characters');
      let passwordHash: string | null = input.passwordHash ?? null;
      if (input.password !== undefined) {
        passwords.checkPassword(input.password);
        passwordHash = await passwords.hash(input.password);
      }
      const now = clock.now();
      const row: Insertable<Database['users']> & UserFields = {
        id: generateId(now),
        tenant_id: input.tenantId,
        email,
        email_normalized: normalizeEmail(email),
        display_name: displayName,
        password_hash: passwordHash,
        disabled: 0,
        created_at: now,
        updated_at: now,
      };
      const write = async (trx: Executor) => {
        await trx.insertInto('users').values(row).execute();
        for (const role of userRoles) {
          await trx
            .insertInto('user_roles')
            .values({ tenant_id: input.tenantId, user_id: row.id, role })
            .execute();
        }
        await audit.record(
          {
            tenantId: input.tenantId,
            actor,
            action: 'user.create',
            target: { type: 'user', id: row.id },
            details: { email, roles: userRoles },
          },
          trx,
        );
      };
      try {
        if (executor) await write(executor);
        else await db.transaction().execute(write);
      } catch (error) {
        if (isUniqueViolation(error))
          throw new TwofoldError('user_exists', `a user with email '${email}' already exists`);
        throw error;
      }
      return toUser(row, userRoles);
    },

    async findByEmail(tenantId, email) {
      const row = await findRowByEmail(tenantId, email);
      return row ? toUser(row, await rolesOf(row.id)) : undefined;
    },

    async getById(tenantId, id) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new TwofoldError('user_not_found', 'no such user in this tenant');
      return toUser(row, await rolesOf(row.id));
    },

    async search(tenantId, options) {
      const limit = Math.min(Math.max(options.limit ?? userPageLimits.default, 1), userPageLimits.max);
      let query = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
      const text = options.query?.normalize('NFC').trim().toLowerCase();
      if (text) {
        const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) =>
          eb.or([
            eb('email_normalized', 'like', sql<string>`${pattern} escape '\\'`),
            eb(eb.fn('lower', ['display_name']), 'like', sql<string>`${pattern} escape '\\'`),
          ]),
        );
      }
      if (options.cursor) {
        const after = decodeUserCursor(options.cursor);
        query = query.where((eb) =>
          eb.or([
            eb('email_normalized', '>', after.email),
            eb.and([eb('email_normalized', '=', after.email), eb('id', '>', after.id)]),
          ]),
        );
      }
      const rows = await query
        .orderBy('email_normalized')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const roleRows =
        page.length === 0
          ? []
          : await db
              .selectFrom('user_roles')
              .select(['user_id', 'role'])
              .where(
                'user_id',
                'in',
                page.map((r) => r.id),
              )
              .execute();
      const rolesByUser = new Map<string, Role[]>();
      for (const r of roleRows)
        rolesByUser.set(r.user_id, [...(rolesByUser.get(r.user_id) ?? []), r.role as Role]);
      const last = page[page.length - 1];
      return {
        users: page.map((row) => toUser(row, (rolesByUser.get(row.id) ?? []).sort())),
        nextCursor: rows.length > limit && last ? encodeUserCursor(last.email_normalized, last.id) : null,
      };
    },

    async update(tenantId, id, changes, actor, reason) {
      const displayName = changes.displayName?.normalize('NFC').trim();
      if (displayName !== undefined && (displayName.length === 0 || displayName.length > 200))
        throw new TwofoldError('validation_failed', 'displayName: 1 to 200 characters');
      const newRoles = changes.roles ? [...new Set(changes.roles.map(checkRole))].sort() : undefined;
      return db.transaction().execute(async (trx) => {
        await lockTenant(trx, tenantId);
        const row = await trx
          .selectFrom('users')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) throw new TwofoldError('user_not_found', 'no such user in this tenant');
        const before = await rolesOf(id, trx);
        const roles = newRoles ?? before;
        const disabled = changes.disabled ?? row.disabled === 1;
        const losesGlobalAdmin =
          before.includes('global-admin') &&
          row.disabled === 0 &&
          (disabled || !roles.includes('global-admin'));
        if (losesGlobalAdmin) await refuseIfLastGlobalAdmin(trx, tenantId, disabled ? 'disabled' : 'demoted');
        const now = clock.now();
        const set = {
          updated_at: now,
          ...(displayName !== undefined ? { display_name: displayName } : {}),
          ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
          ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
        };
        await trx.updateTable('users').set(set).where('id', '=', id).execute();
        if (newRoles && newRoles.join() !== before.join()) {
          await trx.deleteFrom('user_roles').where('user_id', '=', id).execute();
          for (const role of newRoles)
            await trx.insertInto('user_roles').values({ tenant_id: tenantId, user_id: id, role }).execute();
        }
        let revokedSessions = 0;
        if (disabled && row.disabled === 0) {
          const revoked = await trx
            .updateTable('sessions')
            .set({ revoked_at: now })
            .where('tenant_id', '=', tenantId)
            .where('user_id', '=', id)
            .where('revoked_at', 'is', null)
            .returning('id')
            .execute();
          revokedSessions = revoked.length;
          // And the grants and tokens of applications signed in through OpenID Connect.
          await revokeApplicationGrants(trx, tenantId, id);
        }
        const changed: Record<string, { from: unknown; to: unknown }> = {};
        if (displayName !== undefined && displayName !== row.display_name)
          changed['displayName'] = { from: row.display_name, to: displayName };
        if (disabled !== (row.disabled === 1))
          changed['disabled'] = { from: row.disabled === 1, to: disabled };
        if (roles.join() !== before.join()) changed['roles'] = { from: before, to: roles };
        if (changes.locale !== undefined && changes.locale !== row.locale)
          changed['locale'] = { from: row.locale, to: changes.locale };
        await audit.record(
          {
            tenantId,
            actor,
            action: 'user.update',
            target: { type: 'user', id },
            ...(reason ? { reason } : {}),
            details: { changed, ...(revokedSessions ? { revokedSessions } : {}) },
          },
          trx,
        );
        return toUser({ ...row, ...set }, roles);
      });
    },

    async delete(tenantId, id, actor, reason) {
      await db.transaction().execute(async (trx) => {
        await lockTenant(trx, tenantId);
        const row = await trx
          .selectFrom('users')
          .select(['id', 'email', 'disabled'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) throw new TwofoldError('user_not_found', 'no such user in this tenant');
        const userRoles = await rolesOf(id, trx);
        if (userRoles.includes('global-admin') && row.disabled === 0)
          await refuseIfLastGlobalAdmin(trx, tenantId, 'deleted');
        // Children first, so that it works with or without ON DELETE CASCADE.
        for (const table of userOwnedTables) await trx.deleteFrom(table).where('user_id', '=', id).execute();
        await trx.deleteFrom('users').where('id', '=', id).execute();
        await audit.record(
          {
            tenantId,
            actor,
            action: 'user.delete',
            target: { type: 'user', id },
            ...(reason ? { reason } : {}),
            details: { email: row.email, roles: userRoles },
          },
          trx,
        );
      });
    },

    async clearRegistrationRequired(tenantId, userId) {
      await db
        .updateTable('users')
        .set({ registration_required: 0, updated_at: clock.now() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', userId)
        .where('registration_required', '=', 1)
        .execute();
    },

    async countWithRole(tenantId, role, executor = db) {
      const row = await executor
        .selectFrom('user_roles')
        .innerJoin('users', 'users.id', 'user_roles.user_id')
        .where('user_roles.tenant_id', '=', tenantId)
        .where('user_roles.role', '=', role)
        .where('users.disabled', '=', 0)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async verifyPassword(tenantId, email, password) {
      const row = await findRowByEmail(tenantId, email);
      const usable = row && row.disabled === 0 && row.password_hash !== null ? row : undefined;
      const ok = await passwords.verifyOrDummy(usable?.password_hash ?? undefined, password);
      return ok && usable ? toUser(usable, await rolesOf(usable.id)) : undefined;
    },
  };
}
