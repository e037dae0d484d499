import { type Kysely, sql } from 'kysely';
import { preparedQuery, type Slots } from '../platform/db/prepared-query.js';
import type { Database } from '../platform/db/schema.js';
import { normalizeEmail } from './email.js';
import type { Role } from './roles.js';
import {
  decodeUserCursor,
  encodeUserCursor,
  toUser,
  type UserServiceContext,
  userPageLimits,
} from './user-rows.js';
import type { SignInCandidate, UserService } from './user-service.js';

export function createUserReads(
  context: UserServiceContext,
): Pick<
  UserService,
  | 'findByEmail'
  | 'findForSignIn'
  | 'existingEmails'
  | 'getById'
  | 'search'
  | 'listAdmins'
  | 'countWithRole'
  | 'verifyPassword'
  | 'verifyCandidatePassword'
  | 'checkCurrentPassword'
> {
  const { db, passwords, rolesOf, rowById } = context;

  async function verifyCandidatePassword(candidate: SignInCandidate | undefined, password: string) {
    const usable = candidate && !candidate.user.disabled ? candidate.passwordHash : null;
    const ok = await passwords.verifyOrDummy(usable ?? undefined, password);
    return ok && usable !== null && candidate ? candidate.user : undefined;
  }

  return {
    async findByEmail(tenantId, email) {
      return (await candidateByEmail(db, tenantId, email))?.user;
    },

    findForSignIn(tenantId, email) {
      return candidateByEmail(db, tenantId, email);
    },

    async existingEmails(tenantId, emails) {
      const found = new Set<string>();
      const wanted = [...new Set(emails.map(normalizeEmail))];
      // A few hundred at a time: one statement's parameters stay well under every database's limit.
      for (let i = 0; i < wanted.length; i += 500) {
        const rows = await db
          .selectFrom('users')
          .select('email_normalized')
          .where('tenant_id', '=', tenantId)
          .where('email_normalized', 'in', wanted.slice(i, i + 500))
          .execute();
        for (const row of rows) found.add(row.email_normalized);
      }
      return found;
    },

    async getById(tenantId, id) {
      const row = await rowById(tenantId, id);
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
        .select(['users.id', 'users.email', 'users.display_name as displayName', 'users.locale'])
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

    async checkCurrentPassword(tenantId, userId, password) {
      const row = await rowById(tenantId, userId);
      return passwords.verifyOrDummy(row.password_hash ?? undefined, password);
    },

    async verifyPassword(tenantId, email, password) {
      return verifyCandidatePassword(await candidateByEmail(db, tenantId, email), password);
    },

    verifyCandidatePassword,
  };
}

// Every sign-in starts with this read.
const userWithRolesByEmail = preparedQuery((db, v: Slots<{ tenantId: string; email: string }>) =>
  db
    .selectFrom('users')
    .leftJoin('user_roles', 'user_roles.user_id', 'users.id')
    .selectAll('users')
    .select('user_roles.role as role')
    .where('users.tenant_id', '=', v.tenantId)
    .where('users.email_normalized', '=', v.email),
);

/**
 * One statement whether or not the user exists (the user and their roles joined), so the time it
 * takes does not tell which usernames exist.
 */
async function candidateByEmail(
  db: Kysely<Database>,
  tenantId: string,
  email: string,
): Promise<SignInCandidate | undefined> {
  const rows = await userWithRolesByEmail.rows(db, { tenantId, email: normalizeEmail(email) });
  const first = rows[0];
  if (!first) return undefined;
  return {
    user: toUser(first, rows.flatMap((r) => (r.role === null ? [] : [r.role as Role])).sort()),
    passwordHash: first.password_hash,
    counters: { failures: first.password_failures, lockedUntil: first.password_locked_until },
  };
}
