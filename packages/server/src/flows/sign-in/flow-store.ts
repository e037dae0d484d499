/**
 * The `sign_in_flows` table, written only here: a sign-in is a row reached by a random flow id
 * (stored hashed) and bound to the browser that started it by a second secret; each change of
 * state is one conditional UPDATE, so a flow completes once however many requests race.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Executor } from '../../audit/audit-log.js';
import { preparedQuery, type Slots } from '../../platform/db/prepared-query.js';
import type { Database } from '../../platform/db/schema.js';

export type FlowRow = Selectable<Database['sign_in_flows']>;

export interface SignInFlowStore {
  insert(row: FlowRow): Promise<void>;
  /** The flow of this tenant with this id hash, whatever its state. */
  find(tenantId: string, idHash: string): Promise<FlowRow | undefined>;
  /** Ends a live flow as signed in, once; false when it was already over. */
  complete(idHash: string, amr: readonly string[], now: number): Promise<boolean>;
  /** One more wrong code on the flow; returns the count (or undefined when the flow is gone). */
  countFailure(idHash: string): Promise<number | undefined>;
  /** Ends a flow that has not finished as failed (too many codes, a reported push). */
  fail(idHash: string, executor?: Executor): Promise<void>;
  /** The entry the user chose at the challenge step. */
  setChallenge(idHash: string, entryId: string): Promise<void>;
  /**
   * The user proved who they are before registering (a code from one of their methods or a
   * recovery code): clears the flow's `proof` once, adding what the proof showed to its amr.
   */
  proved(idHash: string, amr: readonly string[]): Promise<boolean>;
  /** The method being registered at the registration step. */
  setRegistration(idHash: string, methodId: string): Promise<void>;
  /** Ends the user's unfinished sign-ins (re-registration: they must not finish with the old methods). */
  endUnfinishedForUser(executor: Executor, tenantId: string, userId: string): Promise<void>;
  /** Deletes flows that expired before `before`; returns how many. */
  purgeExpired(before: number): Promise<number>;
}

// Every sign-in writes one (platform/db/prepared-query.ts: built once, not on each request).
const insertFlow = preparedQuery((db, v: Slots<FlowRow>) =>
  db.insertInto('sign_in_flows').values({
    id_hash: v.id_hash,
    tenant_id: v.tenant_id,
    user_id: v.user_id,
    client_hash: v.client_hash,
    first_factor: v.first_factor,
    status: v.status,
    challenge_method_id: v.challenge_method_id,
    challenge_failures: v.challenge_failures,
    registration_method_id: v.registration_method_id,
    amr: v.amr,
    proof: v.proof,
    ip: v.ip,
    user_agent: v.user_agent,
    created_at: v.created_at,
    expires_at: v.expires_at,
    completed_at: v.completed_at,
  }),
);

export function createSignInFlowStore(db: Kysely<Database>): SignInFlowStore {
  return {
    async insert(row) {
      await insertFlow.run(db, row);
    },

    find(tenantId, idHash) {
      return db
        .selectFrom('sign_in_flows')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
    },

    async complete(idHash, amr, now) {
      const done = await db
        .updateTable('sign_in_flows')
        .set({ status: 'signed_in', completed_at: now, amr: JSON.stringify(amr) })
        .where('id_hash', '=', idHash)
        .where('status', 'in', ['mfa_required', 'registration_required'])
        .where('expires_at', '>', now)
        // A flow that still waits for a proof never completes (spec section 6).
        .where('proof', 'is', null)
        .returning('id_hash')
        .executeTakeFirst();
      return done !== undefined;
    },

    async proved(idHash, amr) {
      const done = await db
        .updateTable('sign_in_flows')
        .set({ proof: null, amr: JSON.stringify(amr) })
        .where('id_hash', '=', idHash)
        .where('status', '=', 'registration_required')
        .where('proof', '=', 'method')
        .returning('id_hash')
        .executeTakeFirst();
      return done !== undefined;
    },

    async countFailure(idHash) {
      const counted = await db
        .updateTable('sign_in_flows')
        .set((eb) => ({ challenge_failures: eb('challenge_failures', '+', 1) }))
        .where('id_hash', '=', idHash)
        .returning('challenge_failures')
        .executeTakeFirst();
      return counted?.challenge_failures;
    },

    async fail(idHash, executor = db) {
      await executor
        .updateTable('sign_in_flows')
        .set({ status: 'failed' })
        .where('id_hash', '=', idHash)
        .where('status', 'in', ['mfa_required', 'registration_required'])
        .execute();
    },

    async setChallenge(idHash, entryId) {
      await db
        .updateTable('sign_in_flows')
        .set({ challenge_method_id: entryId })
        .where('id_hash', '=', idHash)
        .execute();
    },

    async setRegistration(idHash, methodId) {
      await db
        .updateTable('sign_in_flows')
        .set({ registration_method_id: methodId })
        .where('id_hash', '=', idHash)
        .execute();
    },

    async endUnfinishedForUser(executor, tenantId, userId) {
      await executor
        .deleteFrom('sign_in_flows')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('completed_at', 'is', null)
        .execute();
    },

    async purgeExpired(before) {
      const result = await db.deleteFrom('sign_in_flows').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
