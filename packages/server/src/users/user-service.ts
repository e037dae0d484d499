import { TwofoldError } from '@twofold/core';
import type { Insertable, Kysely, Selectable } from 'kysely';
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
  /** The user has registered a method after "require re-registration". */
  clearRegistrationRequired(tenantId: string, userId: string): Promise<void>;
  /**
   * Checks a password in time independent of whether the user exists (an unknown or disabled user
   * still costs one full hash). Returns the user only on success.
   */
  verifyPassword(tenantId: string, email: string, password: string): Promise<User | undefined>;
}

type UserRow = Selectable<Database['users']>;

type UserFields = Pick<
  UserRow,
  'id' | 'tenant_id' | 'email' | 'display_name' | 'disabled' | 'password_hash' | 'created_at' | 'updated_at'
> & { registration_required?: number };

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
