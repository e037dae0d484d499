import { type Locale, TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import type { AccountCounters } from './password-throttle.js';
import type { Role } from './roles.js';
import { createUserFlags } from './user-flags.js';
import { createUserReads } from './user-reads.js';
import type { UserServiceContext } from './user-rows.js';
import { createUserWrites } from './user-writes.js';

export { userPageLimits } from './user-rows.js';

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
  /** Consecutive second-factor failures and the end of the current lock (users/mfa-lockout.ts). */
  readonly mfaFailures: number;
  readonly mfaLockedUntil: number | null;
  /** The language of their emails and text messages; null: the tenant's `defaultLocale`. */
  readonly locale: Locale | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A user as a password sign-in reads them (`findForSignIn`): read once, passed along. */
export interface SignInCandidate {
  readonly user: User;
  /** The argon2id hash; null without a password. Only `verifyPassword` reads it. */
  readonly passwordHash: string | null;
  /** The password throttle's counters of the account (users/password-throttle.ts). */
  readonly counters: AccountCounters;
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
  /** What a provisioning client (SCIM) calls the user in its own directory. */
  readonly externalId?: string | undefined;
  /** Created disabled (a directory provisioning someone not active yet). */
  readonly disabled?: boolean | undefined;
}

export interface UserService {
  /** Creates a user; with `executor`, inside the caller's transaction (the password is hashed before). */
  create(input: CreateUserInput, actor: Actor, executor?: Executor): Promise<User>;
  /**
   * Creates many users without passwords inside the caller's transaction, in multi-row inserts, each
   * audited (`user.create`); user_exists when any email is taken (the caller checked beforehand).
   */
  createMany(
    executor: Executor,
    tenantId: string,
    inputs: readonly { email: string; displayName?: string | undefined; roles?: readonly string[] }[],
    actor: Actor,
  ): Promise<User[]>;
  findByEmail(tenantId: string, email: string): Promise<User | undefined>;
  /**
   * The user a password sign-in names, with what checking the password and the throttle need: one
   * statement (the user and their roles joined, as `findByEmail`), whether or not they exist.
   */
  findForSignIn(tenantId: string, email: string): Promise<SignInCandidate | undefined>;
  /** Which of these emails (compared as stored: normalised) belong to users of the tenant already. */
  existingEmails(tenantId: string, emails: readonly string[]): Promise<Set<string>>;
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
   * Changes name, disabled flag, roles or the language of their messages (null: the tenant's),
   * inside the caller's transaction (flows/admin/manage-user.ts
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
  ): Promise<{ id: string; email: string; displayName: string; locale: string | null }[]>;
  /**
   * Sets a user's password hash (computed beforehand, so the transaction does not wait on
   * hashing), inside the caller's transaction, and clears the password throttle's count for the
   * account (old guesses were at the old password). Audited with how it was set.
   */
  setPassword(
    executor: Executor,
    tenantId: string,
    userId: string,
    passwordHash: string,
    actor: Actor,
    how: 'change' | 'reset' | 'operator',
  ): Promise<void>;
  /** Whether `password` is the user's current one (a full hash either way; false without a password). */
  checkCurrentPassword(tenantId: string, userId: string, password: string): Promise<boolean>;
  /**
   * Checks a password in time independent of whether the user exists (an unknown or disabled user
   * still costs one full hash). Returns the user only on success.
   */
  verifyPassword(tenantId: string, email: string, password: string): Promise<User | undefined>;
  /**
   * `verifyPassword` for the user `findForSignIn` read (a sign-in reads them once), reading
   * nothing more.
   */
  verifyCandidatePassword(
    candidate: SignInCandidate | undefined,
    password: string,
  ): Promise<User | undefined>;
}

export interface UserChanges {
  readonly displayName?: string | undefined;
  readonly disabled?: boolean | undefined;
  readonly roles?: readonly string[] | undefined;
  /** The language of their emails and text messages; null: the tenant's `defaultLocale`. */
  readonly locale?: Locale | null | undefined;
  /** What a provisioning client (SCIM) calls the user; null: nothing. */
  readonly externalId?: string | null | undefined;
}

/** A user after an update, with what changed that others must act on. */
export interface UserUpdate {
  readonly user: User;
  readonly rolesBefore: Role[];
  /** The user was enabled and is disabled now. */
  readonly disabledNow: boolean;
}

/** The `users` and `user_roles` tables' one owner: reads (user-reads.ts), changes (user-writes.ts), flags (user-flags.ts). */
export function createUserService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  passwords: PasswordHashing;
}): UserService {
  const { db } = deps;
  const context: UserServiceContext = {
    ...deps,
    async rolesOf(userId, executor = db) {
      const rows = await executor
        .selectFrom('user_roles')
        .select('role')
        .where('user_id', '=', userId)
        .execute();
      return rows.map((r) => r.role as Role).sort();
    },
    async rowById(tenantId, id, executor = db) {
      const row = await executor
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new TwofoldError('user_not_found', 'no such user in this tenant');
      return row;
    },
  };
  return { ...createUserReads(context), ...createUserWrites(context), ...createUserFlags(context) };
}
