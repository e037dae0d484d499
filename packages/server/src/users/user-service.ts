import { TwofoldError } from '@twofold/core';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
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
   * Changes name, disabled flag or roles, inside the caller's transaction (flows/update-user.ts
   * ends what a disabled user holds in the same one). The last active global admin cannot be
   * disabled or demoted (last_global_admin). Audited with what changed; `details` adds to it.
   */
  update(
    executor: Executor,
    tenantId: string,
    id: string,
    changes: UserChanges,
    actor: Actor,
    options?: { reason?: string | undefined; details?: Record<string, unknown> },
  ): Promise<UserUpdate>;
  /**
   * Deletes a user; what is theirs goes with the row (every table's user_id is ON DELETE CASCADE,
   * and SQLite enforces foreign keys). Never the last active global admin. Audited.
   */
  delete(executor: Executor, tenantId: string, id: string, actor: Actor, reason?: string): Promise<void>;
  /** The user has registered a method after "require re-registration". */
  clearRegistrationRequired(tenantId: string, userId: string): Promise<void>;
  /** The next sign-in registers a new method ("require re-registration"); false for no such user. */
  requireRegistration(executor: Executor, tenantId: string, userId: string, now: number): Promise<boolean>;
  /** The user reported a push they did not start: push stays off until an admin clears it (the earliest report is kept). */
  blockPush(executor: Executor, tenantId: string, userId: string, now: number): Promise<void>;
  /** Lets push approvals reach the user again after they reported one; false when none was blocked. Audited. */
  clearPushBlock(tenantId: string, userId: string, actor: Actor, reason?: string): Promise<boolean>;
  /**
   * Holds the user's row until the caller's transaction ends (a no-op UPDATE), so that what the
   * caller counts for this user is counted one request at a time across instances. False for no such user.
   */
  lockForUpdate(executor: Executor, tenantId: string, userId: string): Promise<boolean>;
  /** Active admins of the tenant (of `roles`, or any role), ordered by email, but `exceptUserId`. */
  listAdmins(
    tenantId: string,
    options?: { roles?: readonly Role[]; exceptUserId?: string; executor?: Executor },
  ): Promise<{ id: string; email: string; displayName: string }[]>;
  /**
   * Checks a password in time independent of whether the user exists (an unknown or disabled user
   * still costs one full hash). Returns the user only on success.
   */
  verifyPassword(tenantId: string, email: string, password: string): Promise<User | undefined>;
}

export interface UserChanges {
  readonly displayName?: string | undefined;
  readonly disabled?: boolean | undefined;
  readonly roles?: readonly string[] | undefined;
}

/** A user after an update, with what changed that others must act on. */
export interface UserUpdate {
  readonly user: User;
  readonly rolesBefore: Role[];
  /** The user was enabled and is disabled now. */
  readonly disabledNow: boolean;
}

type UserRow = Selectable<Database['users']>;

export const userPageLimits = { default: 50, max: 200 } as const;

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

    async update(executor, tenantId, id, changes, actor, options = {}) {
      const displayName = changes.displayName?.normalize('NFC').trim();
      if (displayName !== undefined && (displayName.length === 0 || displayName.length > 200))
        throw new TwofoldError('validation_failed', 'displayName: 1 to 200 characters');
      const newRoles = changes.roles ? [...new Set(changes.roles.map(checkRole))].sort() : undefined;
      await lockTenant(executor, tenantId);
      const row = await executor
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new TwofoldError('user_not_found', 'no such user in this tenant');
      const before = await rolesOf(id, executor);
      const roles = newRoles ?? before;
      const disabled = changes.disabled ?? row.disabled === 1;
      const losesGlobalAdmin =
        before.includes('global-admin') &&
        row.disabled === 0 &&
        (disabled || !roles.includes('global-admin'));
      if (losesGlobalAdmin)
        await refuseIfLastGlobalAdmin(executor, tenantId, disabled ? 'disabled' : 'demoted');
      const now = clock.now();
      const set = {
        updated_at: now,
        ...(displayName !== undefined ? { display_name: displayName } : {}),
        ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
      };
      await executor.updateTable('users').set(set).where('id', '=', id).execute();
      if (newRoles && newRoles.join() !== before.join()) {
        await executor.deleteFrom('user_roles').where('user_id', '=', id).execute();
        for (const role of newRoles)
          await executor
            .insertInto('user_roles')
            .values({ tenant_id: tenantId, user_id: id, role })
            .execute();
      }
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      if (displayName !== undefined && displayName !== row.display_name)
        changed['displayName'] = { from: row.display_name, to: displayName };
      if (disabled !== (row.disabled === 1)) changed['disabled'] = { from: row.disabled === 1, to: disabled };
      if (roles.join() !== before.join()) changed['roles'] = { from: before, to: roles };
      await audit.record(
        {
          tenantId,
          actor,
          action: 'user.update',
          target: { type: 'user', id },
          ...(options.reason ? { reason: options.reason } : {}),
          details: { changed, ...options.details },
        },
        executor,
      );
      return {
        user: toUser({ ...row, ...set }, roles),
        rolesBefore: before,
        disabledNow: disabled && row.disabled === 0,
      };
    },

    async delete(executor, tenantId, id, actor, reason) {
      await lockTenant(executor, tenantId);
      const row = await executor
        .selectFrom('users')
        .select(['id', 'email', 'disabled'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new TwofoldError('user_not_found', 'no such user in this tenant');
      const userRoles = await rolesOf(id, executor);
      if (userRoles.includes('global-admin') && row.disabled === 0)
        await refuseIfLastGlobalAdmin(executor, tenantId, 'deleted');
      await executor.deleteFrom('users').where('id', '=', id).execute();
      await audit.record(
        {
          tenantId,
          actor,
          action: 'user.delete',
          target: { type: 'user', id },
          ...(reason ? { reason } : {}),
          details: { email: row.email, roles: userRoles },
        },
        executor,
      );
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

    async requireRegistration(executor, tenantId, userId, now) {
      const row = await executor
        .updateTable('users')
        .set({ registration_required: 1, updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', userId)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async blockPush(executor, tenantId, userId, now) {
      await executor
        .updateTable('users')
        .set({ push_blocked_at: now, updated_at: now })
        .where('id', '=', userId)
        .where('tenant_id', '=', tenantId)
        .where('push_blocked_at', 'is', null)
        .execute();
    },

    async clearPushBlock(tenantId, userId, actor, reason) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('users')
          .select(['id', 'push_blocked_at'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', userId)
          .executeTakeFirst();
        if (!row) throw new TwofoldError('user_not_found', 'no such user in this tenant');
        if (row.push_blocked_at === null) return false;
        await trx
          .updateTable('users')
          .set({ push_blocked_at: null, updated_at: clock.now() })
          .where('id', '=', userId)
          .execute();
        await audit.record(
          {
            tenantId,
            actor,
            action: 'push.unblock',
            target: { type: 'user', id: userId },
            ...(reason ? { reason } : {}),
            details: { blockedAt: row.push_blocked_at },
          },
          trx,
        );
        return true;
      });
    },

    async lockForUpdate(executor, tenantId, userId) {
      const row = await executor
        .updateTable('users')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', userId)
        .where('tenant_id', '=', tenantId)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async listAdmins(tenantId, options = {}) {
      let query = (options.executor ?? db)
        .selectFrom('users')
        .where('users.tenant_id', '=', tenantId)
        .where('users.disabled', '=', 0)
        .where(({ exists, selectFrom }) => {
          let roles = selectFrom('user_roles')
            .select('user_roles.role')
            .whereRef('user_roles.user_id', '=', 'users.id');
          if (options.roles) roles = roles.where('user_roles.role', 'in', [...options.roles]);
          return exists(roles);
        });
      if (options.exceptUserId !== undefined) query = query.where('users.id', '!=', options.exceptUserId);
      return query
        .select(['users.id', 'users.email', 'users.display_name as displayName'])
        .orderBy('users.email')
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
