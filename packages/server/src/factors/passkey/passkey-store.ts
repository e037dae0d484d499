/**
 * The passkey factor's tables, written only here: `passkey_credentials` (one WebAuthn credential
 * per `passkey` method) and `passkey_challenges` (each spent once by a conditional UPDATE, so two
 * racing answers to one challenge get one success, on one instance or several).
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { generateId } from '../../platform/ids.js';

export type CredentialRow = Selectable<Database['passkey_credentials']>;

export type ChallengePurpose = 'register' | 'authenticate' | 'discover';

/** What a spent challenge must have been issued for: its purpose and whom or what it is bound to. */
export interface ChallengeBinding {
  readonly tenantId: string;
  readonly purpose: ChallengePurpose;
  readonly userId?: string;
  readonly methodId?: string;
  readonly flowHash?: string;
  readonly clientHash?: string;
  /** Spending: any of these browser secrets (a cookie holds one per tab's sign-in). */
  readonly clientHashes?: readonly string[];
}

export interface NewCredential {
  readonly methodId: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly credentialId: string;
  readonly publicKey: string;
  readonly signCount: number;
  readonly transports: readonly string[];
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
  readonly aaguid: string;
  readonly model: string | null;
  readonly now: number;
}

export function createPasskeyStore(db: Kysely<Database>) {
  return {
    async issueChallenge(binding: ChallengeBinding, challenge: string, now: number, expiresAt: number) {
      await db
        .insertInto('passkey_challenges')
        .values({
          id: generateId(now),
          tenant_id: binding.tenantId,
          purpose: binding.purpose,
          user_id: binding.userId ?? null,
          method_id: binding.methodId ?? null,
          flow_hash: binding.flowHash ?? null,
          client_hash: binding.clientHash ?? null,
          challenge,
          created_at: now,
          expires_at: expiresAt,
          used_at: null,
        })
        .execute();
    },

    /**
     * Spends a live challenge issued exactly for this binding: one conditional UPDATE. False when
     * it is unknown, expired, already spent, or was issued for another user, method or sign-in.
     */
    async spendChallenge(binding: ChallengeBinding, challenge: string, now: number): Promise<boolean> {
      const bound = (column: 'user_id' | 'method_id' | 'flow_hash' | 'client_hash', value?: string) =>
        value === undefined ? null : ([column, value] as const);
      let query = db
        .updateTable('passkey_challenges')
        .set({ used_at: now })
        .where('challenge', '=', challenge)
        .where('tenant_id', '=', binding.tenantId)
        .where('purpose', '=', binding.purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now);
      for (const pair of [
        bound('user_id', binding.userId),
        bound('method_id', binding.methodId),
        bound('flow_hash', binding.flowHash),
        bound('client_hash', binding.clientHash),
      ]) {
        if (pair) query = query.where(pair[0], '=', pair[1]);
      }
      if (binding.clientHashes !== undefined) {
        if (binding.clientHashes.length === 0) return false;
        query = query.where('client_hash', 'in', [...binding.clientHashes]);
      }
      return (await query.returning('id').executeTakeFirst()) !== undefined;
    },

    /** Stores a new credential; false when this tenant already has a credential with that id. */
    async insertCredential(input: NewCredential): Promise<boolean> {
      const inserted = await db
        .insertInto('passkey_credentials')
        .values({
          method_id: input.methodId,
          tenant_id: input.tenantId,
          user_id: input.userId,
          credential_id: input.credentialId,
          public_key: input.publicKey,
          sign_count: input.signCount,
          transports: JSON.stringify(input.transports),
          backup_eligible: input.backupEligible ? 1 : 0,
          backed_up: input.backedUp ? 1 : 0,
          aaguid: input.aaguid,
          model: input.model,
          created_at: input.now,
          last_used_at: null,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'credential_id']).doNothing())
        .returning('method_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    /** The model's name on the method too, where every method list shows it (as for hardware tokens). */
    async setMethodModel(methodId: string, model: string) {
      await db.updateTable('methods').set({ model }).where('id', '=', methodId).execute();
    },

    /** The credential of one active `passkey` method of the user. */
    credentialOfMethod(tenantId: string, userId: string, methodId: string) {
      return db
        .selectFrom('passkey_credentials as c')
        .innerJoin('methods as m', 'm.id', 'c.method_id')
        .selectAll('c')
        .where('c.method_id', '=', methodId)
        .where('c.tenant_id', '=', tenantId)
        .where('c.user_id', '=', userId)
        .where('m.status', '=', 'active')
        .executeTakeFirst();
    },

    /** The credential this tenant knows by this id, of an active method (a deleted one is gone). */
    credentialById(tenantId: string, credentialId: string) {
      return db
        .selectFrom('passkey_credentials as c')
        .innerJoin('methods as m', 'm.id', 'c.method_id')
        .selectAll('c')
        .where('c.tenant_id', '=', tenantId)
        .where('c.credential_id', '=', credentialId)
        .where('m.status', '=', 'active')
        .executeTakeFirst();
    },

    /** The credential ids the user holds (a browser is told not to register one of them twice). */
    async credentialIdsOfUser(tenantId: string, userId: string) {
      return db
        .selectFrom('passkey_credentials')
        .select(['credential_id', 'transports'])
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .execute();
    },

    /** Every credential of the user's methods, for Security info and the console. */
    credentialsOfUser(tenantId: string, userId: string) {
      return db
        .selectFrom('passkey_credentials')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .execute();
    },

    /**
     * Records a use: the counter moves from exactly `expected` to `signCount` (compare-and-set, so
     * two answers racing with the same counter give one success), with the backup state now.
     */
    async recordUse(
      row: Pick<CredentialRow, 'method_id' | 'sign_count'>,
      signCount: number,
      backedUp: boolean,
      now: number,
    ): Promise<boolean> {
      const updated = await db
        .updateTable('passkey_credentials')
        .set({ sign_count: signCount, backed_up: backedUp ? 1 : 0, last_used_at: now })
        .where('method_id', '=', row.method_id)
        .where('sign_count', '=', row.sign_count)
        .returning('method_id')
        .executeTakeFirst();
      if (!updated) return false;
      await db.updateTable('methods').set({ last_used_at: now }).where('id', '=', row.method_id).execute();
      return true;
    },

    async purgeChallenges(before: number): Promise<number> {
      const result = await db
        .deleteFrom('passkey_challenges')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type PasskeyStore = ReturnType<typeof createPasskeyStore>;
