/** Creating, changing and deleting users, inside the caller's transaction where a flow needs one. */
import { TwofoldError } from '@twofold/core';
import type { Insertable } from 'kysely';
import type { Executor } from '../audit/audit-log.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';
import { lockTenantRow } from '../tenants/tenant-service.js';
import { checkEmail, normalizeEmail } from './email.js';
import { checkRole } from './roles.js';
import { refuseIfLastGlobalAdmin, toUser, type UserFields, type UserServiceContext } from './user-rows.js';
import type { UserService } from './user-service.js';

export function createUserWrites(
  context: UserServiceContext,
): Pick<UserService, 'create' | 'createMany' | 'update' | 'delete' | 'setPassword'> {
  const { db, clock, audit, passwords, rolesOf, rowById } = context;
  return {
    async createMany(executor, tenantId, inputs, actor) {
      const now = clock.now();
      const prepared = inputs.map((input) => {
        const email = checkEmail(input.email);
        const roles = [...new Set((input.roles ?? []).map(checkRole))].sort();
        const displayName = (input.displayName ?? '').normalize('NFC').trim() || email.split('@')[0] || email;
        if (displayName.length > 200)
          throw new TwofoldError('validation_failed', 'display name: at most 200 characters');
        const row: Insertable<Database['users']> & UserFields = {
          id: generateId(now),
          tenant_id: tenantId,
          email,
          email_normalized: normalizeEmail(email),
          display_name: displayName,
          password_hash: null,
          disabled: 0,
          created_at: now,
          updated_at: now,
        };
        return { row, roles };
      });
      try {
        // 500 rows per statement: far below every database's parameter limit.
        for (let i = 0; i < prepared.length; i += 500) {
          const batch = prepared.slice(i, i + 500);
          await executor
            .insertInto('users')
            .values(batch.map((p) => p.row))
            .execute();
          const roleRows = batch.flatMap((p) =>
            p.roles.map((role) => ({ tenant_id: tenantId, user_id: p.row.id, role })),
          );
          if (roleRows.length > 0) await executor.insertInto('user_roles').values(roleRows).execute();
        }
      } catch (error) {
        if (isUniqueViolation(error))
          throw new TwofoldError('user_exists', 'a user with one of these emails already exists');
        throw error;
      }
      await audit.recordMany(
        prepared.map((p) => ({
          tenantId,
          actor,
          action: 'user.create',
          target: { type: 'user', id: p.row.id },
          details: { email: p.row.email, roles: p.roles },
        })),
        executor,
      );
      return prepared.map((p) => toUser(p.row, p.roles));
    },

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
        disabled: input.disabled ? 1 : 0,
        ...(input.externalId !== undefined ? { external_id: input.externalId } : {}),
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
            details: { email, roles: userRoles, ...(input.disabled ? { disabled: true } : {}) },
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

    async update(executor, tenantId, id, changes, actor, options = {}) {
      const displayName = changes.displayName?.normalize('NFC').trim();
      if (displayName !== undefined && (displayName.length === 0 || displayName.length > 200))
        throw new TwofoldError('validation_failed', 'displayName: 1 to 200 characters');
      const newRoles = changes.roles ? [...new Set(changes.roles.map(checkRole))].sort() : undefined;
      await lockTenantRow(executor, tenantId);
      const row = await rowById(tenantId, id, executor);
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
        ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
        ...(changes.externalId !== undefined ? { external_id: changes.externalId } : {}),
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
      if (changes.locale !== undefined && changes.locale !== row.locale)
        changed['locale'] = { from: row.locale, to: changes.locale };
      if (changes.externalId !== undefined && changes.externalId !== row.external_id)
        changed['externalId'] = { from: row.external_id, to: changes.externalId };
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

    async setPassword(executor, tenantId, userId, passwordHash, actor, how) {
      const now = clock.now();
      const row = await executor
        .updateTable('users')
        .set({
          password_hash: passwordHash,
          password_failures: 0,
          password_locked_until: null,
          updated_at: now,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', userId)
        .returning('id')
        .executeTakeFirst();
      if (!row) throw new TwofoldError('user_not_found', 'no such user in this tenant');
      await audit.record(
        {
          tenantId,
          actor,
          action: 'user.set_password',
          target: { type: 'user', id: userId },
          details: { how },
        },
        executor,
      );
    },

    async delete(executor, tenantId, id, actor, reason) {
      await lockTenantRow(executor, tenantId);
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
  };
}
