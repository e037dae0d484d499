/**
 * The `password_reset_flows` table, written only here: a reset is a row reached by a random flow
 * id (stored hashed) and bound to the browser that started it by a second secret, like a sign-in;
 * each change of state is one conditional UPDATE, so a proof counts once and a reset completes
 * once however many requests race.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Executor } from '../../audit/audit-log.js';
import type { Database } from '../../platform/db/schema.js';

export type ResetRow = Selectable<Database['password_reset_flows']>;

export interface PasswordResetStore {
  insert(row: ResetRow): Promise<void>;
  find(tenantId: string, idHash: string): Promise<ResetRow | undefined>;
  /** One more wrong code; returns the count (undefined when the flow is gone). */
  countFailure(idHash: string): Promise<number | undefined>;
  fail(idHash: string): Promise<void>;
  /** Records a proof: compare-and-set on what was proven before; false when another request won. */
  proved(idHash: string, before: string, after: string, status: string): Promise<boolean>;
  /** Ends the reset once, inside the caller's transaction; false when it was not waiting for a password. */
  complete(executor: Executor, idHash: string, now: number): Promise<boolean>;
  /** Ends the user's unfinished resets (their credentials changed). */
  endUnfinishedForUser(executor: Executor, tenantId: string, userId: string): Promise<void>;
  /** Deletes resets that expired before `before`; returns how many. */
  purgeExpired(before: number): Promise<number>;
}

export function createPasswordResetStore(db: Kysely<Database>): PasswordResetStore {
  return {
    async insert(row) {
      await db.insertInto('password_reset_flows').values(row).execute();
    },
    find(tenantId, idHash) {
      return db
        .selectFrom('password_reset_flows')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
    },
    async countFailure(idHash) {
      const row = await db
        .updateTable('password_reset_flows')
        .set((eb) => ({ challenge_failures: eb('challenge_failures', '+', 1) }))
        .where('id_hash', '=', idHash)
        .returning('challenge_failures')
        .executeTakeFirst();
      return row?.challenge_failures;
    },
    async fail(idHash) {
      await db
        .updateTable('password_reset_flows')
        .set({ status: 'failed' })
        .where('id_hash', '=', idHash)
        .where('status', 'in', ['verification_required', 'password_required'])
        .execute();
    },
    async proved(idHash, before, after, status) {
      const row = await db
        .updateTable('password_reset_flows')
        .set({ proven: after, status })
        .where('id_hash', '=', idHash)
        .where('status', '=', 'verification_required')
        .where('proven', '=', before)
        .returning('id_hash')
        .executeTakeFirst();
      return row !== undefined;
    },
    async complete(executor, idHash, now) {
      const row = await executor
        .updateTable('password_reset_flows')
        .set({ status: 'completed', completed_at: now })
        .where('id_hash', '=', idHash)
        .where('status', '=', 'password_required')
        .where('expires_at', '>', now)
        .returning('id_hash')
        .executeTakeFirst();
      return row !== undefined;
    },
    async endUnfinishedForUser(executor, tenantId, userId) {
      await executor
        .deleteFrom('password_reset_flows')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('completed_at', 'is', null)
        .execute();
    },
    async purgeExpired(before) {
      const result = await db
        .deleteFrom('password_reset_flows')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
