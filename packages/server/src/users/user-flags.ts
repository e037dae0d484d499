/** What marks a user for the flows: registration required, push blocked, a row lock for counting. */
import { TwofoldError } from '@twofold/core';
import type { UserServiceContext } from './user-rows.js';
import type { UserService } from './user-service.js';

export function createUserFlags(
  context: UserServiceContext,
): Pick<
  UserService,
  'clearRegistrationRequired' | 'requireRegistration' | 'blockPush' | 'clearPushBlock' | 'lockForUpdate'
> {
  const { db, clock, audit } = context;
  return {
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
  };
}
