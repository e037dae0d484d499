import { TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { PrepareSync } from '../platform/db/group-commit.js';
import { preparedQuery, type Slots } from '../platform/db/prepared-query.js';
import type { Database } from '../platform/db/schema.js';
import type { MethodType } from './registry.js';

export type { MethodType } from './registry.js';
/** pending: registered, not yet proven with a code; active: usable; disabled: kept but unusable. */
export type MethodStatus = 'pending' | 'active' | 'disabled';

export interface Method {
  readonly id: string;
  readonly type: MethodType;
  readonly label: string;
  readonly status: MethodStatus;
  readonly isDefault: boolean;
  readonly createdAt: number;
  readonly confirmedAt: number | null;
  readonly lastUsedAt: number | null;
  /** Recorded clock drift of the device in steps (RFC 6238 section 6), applied to every check. */
  readonly driftSteps: number;
  /** Consecutive failed checks of this method (the lockout counts per user; this is for admins). */
  readonly failures: number;
  /** TOTP-like methods: the time step in seconds (drift in seconds = driftSteps x period). */
  readonly period: number | null;
  /** hardware_oath only. */
  readonly serial: string | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
}

export interface ListMethodsOptions {
  /** Also list disabled methods (for admins). */
  readonly includeDisabled?: boolean;
  /** Also list pending ones (for admins: imported hardware tokens wait for their first code). */
  readonly includePending?: boolean;
}

export interface MethodService {
  /** The user's active methods, the default first, then the oldest first. */
  listForUser(tenantId: string, userId: string, options?: ListMethodsOptions): Promise<Method[]>;
  /** Any method of the user, pending ones included. Throws method_not_found, also for another user's or tenant's method. */
  get(tenantId: string, userId: string, methodId: string): Promise<Method>;
  /** Makes an active method the user's default. Throws method_not_found. Audited. */
  setDefault(tenantId: string, userId: string, methodId: string, actor: Actor): Promise<Method>;
  /**
   * Deletes a method (any status) and, if it was the default, makes the oldest remaining active
   * method the default. Audited. Whether the last method may go is the caller's decision.
   */
  delete(
    tenantId: string,
    userId: string,
    methodId: string,
    actor: Actor,
    options?: { reason?: string | undefined },
  ): Promise<Method>;
  /** True when the user has at least one active method (recovery codes alone do not count). */
  hasUsableMethod(tenantId: string, userId: string): Promise<boolean>;
  /** Any method of the user, pending ones included; undefined when there is none (a code's check starts here). */
  find(tenantId: string, userId: string, methodId: string): Promise<Method | undefined>;
  /** One more failed check of the method (admins see the count); counted before the check, like the user's. */
  countFailure(tenantId: string, userId: string, methodId: string): Promise<void>;
  /** A right code: the method's consecutive failures start again at 0. */
  resetFailures(tenantId: string, userId: string, methodId: string): Promise<void>;
  /** Forgets a TOTP-like method's recorded drift and skew hint. Audited. Throws method_not_found. */
  resetDrift(
    tenantId: string,
    userId: string,
    methodId: string,
    types: readonly string[],
    actor: Actor,
    reason?: string,
  ): Promise<void>;
  /** Deletes every method of one type of the user, inside the caller's transaction ("require re-registration"). */
  deleteAllOfType(
    executor: Executor,
    tenantId: string,
    userId: string,
    type: MethodType,
  ): Promise<{ id: string; type: string }[]>;
  /** Deactivates every method of one type of the user, inside the caller's transaction (hardware tokens). */
  disableAllOfType(executor: Executor, tenantId: string, userId: string, type: MethodType): Promise<number>;
}

type MethodRow = Selectable<Database['methods']>;

/**
 * The row behind a method that `find` just read, so a code's check that resolved its entry with
 * `find` does not read the same row again (the hot path's one method read). Kept only as long as
 * the Method object lives.
 */
const rowsRead = new WeakMap<Method, MethodRow>();

/** The row `find` read for this method (same request), if it came from `find`. */
export function methodRowRead(method: Method): Readonly<MethodRow> | undefined {
  return rowsRead.get(method);
}

/** The method of a row a code's check just read, the row kept for its factor (methodRowRead). */
function methodRead(row: MethodRow | undefined): Method | undefined {
  if (!row) return undefined;
  const method = toMethod(row);
  rowsRead.set(method, row);
  return method;
}

export function toMethod(row: MethodRow): Method {
  return {
    id: row.id,
    type: row.type as MethodType,
    label: row.label,
    status: row.status as MethodStatus,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    lastUsedAt: row.last_used_at,
    driftSteps: row.drift_steps,
    failures: row.failures,
    period: row.period,
    serial: row.serial,
    manufacturer: row.manufacturer,
    model: row.model,
  };
}

export function methodNotFound(): TwofoldError {
  return new TwofoldError('method_not_found', 'no such sign-in method for this user');
}

/**
 * Makes `methodId` the user's default if it is active and the user has no default yet (the first
 * active method becomes the default). One statement; when two methods race for it on two
 * instances, the partial unique index `methods_one_default` lets one win and the other is left
 * as it was. Returns whether this method became the default. Not for use inside a transaction:
 * on PostgreSQL the losing statement's unique violation would abort it.
 */
export async function makeDefaultIfNone(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
  methodId: string,
): Promise<boolean> {
  try {
    const row = await db
      .updateTable('methods')
      .set({ is_default: 1 })
      .where('id', '=', methodId)
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('status', '=', 'active')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('methods as other')
              .select('other.id')
              .where('other.tenant_id', '=', tenantId)
              .where('other.user_id', '=', userId)
              .where('other.is_default', '=', 1),
          ),
        ),
      )
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/**
 * Confirms a pending method (one compare-and-set, so of two racing confirmations one wins), audits
 * it as `method.activate` (by the user, or by `actor` when an admin confirms), and makes it the
 * default if the user has none. Returns whether this call activated it.
 */
export async function activatePendingMethod(
  deps: { db: Kysely<Database>; audit: AuditLog },
  method: Pick<MethodRow, 'id' | 'tenant_id' | 'user_id' | 'type'>,
  now: number,
  actor?: Actor,
): Promise<boolean> {
  const { db, audit } = deps;
  const activated = await db
    .updateTable('methods')
    .set({ status: 'active', confirmed_at: now, updated_at: now })
    .where('id', '=', method.id)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
  if (!activated) return false;
  await audit.record({
    tenantId: method.tenant_id,
    actor: actor ?? { type: 'user', id: method.user_id },
    action: 'method.activate',
    target: { type: 'method', id: method.id },
    details: { userId: method.user_id, type: method.type },
  });
  await makeDefaultIfNone(db, method.tenant_id, method.user_id, method.id);
  return true;
}

/** What a type of method stores beside the columns every method has. */
export type MethodColumns = Partial<
  Pick<
    MethodRow,
    'secret_sealed' | 'algorithm' | 'digits' | 'period' | 'destination' | 'push_activation_hash'
  >
>;

/**
 * Starts a registration inside the caller's transaction: an unfinished registration of the same
 * type (never confirmed) is replaced by a new pending method, audited as `method.register`.
 */
export async function insertPendingMethod(
  trx: Executor,
  audit: AuditLog,
  input: {
    readonly id: string;
    readonly tenantId: string;
    readonly userId: string;
    readonly type: MethodType;
    readonly label: string;
    readonly now: number;
    readonly actor: Actor;
    readonly columns: MethodColumns;
    /** Audited beside userId, type and label. */
    readonly details?: Record<string, unknown>;
  },
): Promise<void> {
  const { id, tenantId, userId, type, label, now } = input;
  await trx
    .deleteFrom('methods')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('type', '=', type)
    .where('status', '=', 'pending')
    .execute();
  await trx
    .insertInto('methods')
    .values({
      id,
      tenant_id: tenantId,
      user_id: userId,
      type,
      label,
      status: 'pending',
      secret_sealed: null,
      algorithm: null,
      digits: null,
      period: null,
      destination: null,
      last_step: null,
      skew_step: null,
      skew_offset: null,
      push_activation_hash: null,
      serial: null,
      manufacturer: null,
      model: null,
      created_at: now,
      confirmed_at: null,
      last_used_at: null,
      updated_at: now,
      ...input.columns,
    })
    .execute();
  await audit.record(
    {
      tenantId,
      actor: input.actor,
      action: 'method.register',
      target: { type: 'method', id },
      details: { userId, type, label, ...input.details },
    },
    trx,
  );
}

/** One method of a user, of the given types (and, if given, statuses): what a factor's service reads first. */
export function readUserMethod(
  db: Kysely<Database>,
  key: { readonly tenantId: string; readonly userId: string; readonly methodId: string },
  types: readonly string[],
  statuses?: readonly MethodStatus[],
): Promise<MethodRow | undefined> {
  let query = db
    .selectFrom('methods')
    .selectAll()
    .where('id', '=', key.methodId)
    .where('tenant_id', '=', key.tenantId)
    .where('user_id', '=', key.userId)
    .where('type', 'in', [...types]);
  if (statuses) query = query.where('status', 'in', [...statuses]);
  return query.executeTakeFirst();
}

/** Makes the user's oldest active method the default when none is (after the default was deleted). */
async function promoteOldestIfNoDefault(db: Kysely<Database>, tenantId: string, userId: string) {
  const oldest = await db
    .selectFrom('methods')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();
  if (oldest) await makeDefaultIfNone(db, tenantId, userId, oldest.id);
}

/** One method of the user, any status (a code's check starts here). */
const methodById = preparedQuery((db, v: Slots<{ tenantId: string; userId: string; methodId: string }>) =>
  db
    .selectFrom('methods')
    .selectAll()
    .where('id', '=', v.methodId)
    .where('tenant_id', '=', v.tenantId)
    .where('user_id', '=', v.userId),
);

const countMethodFailure = preparedQuery(
  (db, v: Slots<{ tenantId: string; userId: string; methodId: string }>) =>
    db
      .updateTable('methods')
      .set((eb) => ({ failures: eb('failures', '+', 1) }))
      .where('id', '=', v.methodId)
      .where('tenant_id', '=', v.tenantId)
      .where('user_id', '=', v.userId),
);

type MethodIds = { tenantId: string; userId: string; methodId: string };

/**
 * A code's check as one synchronous unit (SQLite, `DatabaseHandle.runSync`): the method's read
 * (as `find` gives it, its row kept for the factor) and its failure count, with this table's SQL.
 */
export const methodsInSyncUnit = {
  find(prepare: PrepareSync, db: Kysely<Database>, ids: MethodIds): Method | undefined {
    return methodRead(methodById.firstSync(prepare, db, ids) as MethodRow | undefined);
  },
  countFailure(prepare: PrepareSync, db: Kysely<Database>, ids: MethodIds): void {
    countMethodFailure.runSync(prepare, db, ids);
  },
};

const resetMethodFailures = preparedQuery(
  (db, v: Slots<{ tenantId: string; userId: string; methodId: string }>) =>
    db
      .updateTable('methods')
      .set({ failures: 0 })
      .where('id', '=', v.methodId)
      .where('tenant_id', '=', v.tenantId)
      .where('user_id', '=', v.userId)
      .where('failures', '>', 0),
);

export function createMethodService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
}): MethodService {
  const { db, clock, audit } = deps;

  function findRow(executor: Executor, tenantId: string, userId: string, methodId: string) {
    return methodById.first(executor, { tenantId, userId, methodId });
  }

  return {
    async listForUser(tenantId, userId, options = {}) {
      const statuses: MethodStatus[] = [
        'active',
        ...(options.includeDisabled ? (['disabled'] as const) : []),
        ...(options.includePending ? (['pending'] as const) : []),
      ];
      const rows = await db
        .selectFrom('methods')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('status', 'in', statuses)
        .orderBy('is_default', 'desc')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toMethod);
    },

    async get(tenantId, userId, methodId) {
      const row = await findRow(db, tenantId, userId, methodId);
      if (!row) throw methodNotFound();
      return toMethod(row);
    },

    async setDefault(tenantId, userId, methodId, actor) {
      // Two statements (clear the old default, set the new) in one transaction. Two concurrent
      // calls on PostgreSQL can still meet at the unique index; the loser simply runs again.
      for (let attempt = 1; ; attempt++) {
        try {
          const row = await db.transaction().execute(async (trx) => {
            const target = await findRow(trx, tenantId, userId, methodId);
            if (target?.status !== 'active') throw methodNotFound();
            const now = clock.now();
            await trx
              .updateTable('methods')
              .set({ is_default: 0, updated_at: now })
              .where('tenant_id', '=', tenantId)
              .where('user_id', '=', userId)
              .where('is_default', '=', 1)
              .where('id', '!=', methodId)
              .execute();
            const updated = await trx
              .updateTable('methods')
              .set({ is_default: 1, updated_at: now })
              .where('id', '=', methodId)
              .where('status', '=', 'active')
              .returningAll()
              .executeTakeFirst();
            if (!updated) throw methodNotFound();
            await audit.record(
              {
                tenantId,
                actor,
                action: 'method.set_default',
                target: { type: 'method', id: methodId },
                details: { userId, type: updated.type },
              },
              trx,
            );
            return updated;
          });
          return toMethod(row);
        } catch (error) {
          if (attempt < 3 && isUniqueViolation(error)) continue;
          throw error;
        }
      }
    },

    async delete(tenantId, userId, methodId, actor, options = {}) {
      const deleted = await db.transaction().execute(async (trx) => {
        const row = await trx
          .deleteFrom('methods')
          .where('id', '=', methodId)
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw methodNotFound();
        await audit.record(
          {
            tenantId,
            actor,
            action: 'method.delete',
            target: { type: 'method', id: methodId },
            ...(options.reason ? { reason: options.reason } : {}),
            details: { userId, type: row.type, label: row.label, status: row.status },
          },
          trx,
        );
        return row;
      });
      // After the commit, outside the transaction: see makeDefaultIfNone.
      if (deleted.is_default === 1) await promoteOldestIfNoDefault(db, tenantId, userId);
      return toMethod(deleted);
    },

    async find(tenantId, userId, methodId) {
      return methodRead(await findRow(db, tenantId, userId, methodId));
    },

    async countFailure(tenantId, userId, methodId) {
      await countMethodFailure.run(db, { tenantId, userId, methodId });
    },

    async resetFailures(tenantId, userId, methodId) {
      await resetMethodFailures.run(db, { tenantId, userId, methodId });
    },

    async resetDrift(tenantId, userId, methodId, types, actor, reason) {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('methods')
          .set({ drift_steps: 0, skew_step: null, skew_offset: null, updated_at: clock.now() })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .where('id', '=', methodId)
          .where('type', 'in', [...types])
          .returning(['id', 'type'])
          .executeTakeFirst();
        if (!row) throw new TwofoldError('method_not_found', 'no such code method for this user');
        await audit.record(
          {
            tenantId,
            actor,
            action: 'method.reset_drift',
            target: { type: 'method', id: methodId },
            ...(reason ? { reason } : {}),
            details: { userId, type: row.type },
          },
          trx,
        );
      });
    },

    async deleteAllOfType(executor, tenantId, userId, type) {
      return executor
        .deleteFrom('methods')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('type', '=', type)
        .returning(['id', 'type'])
        .execute();
    },

    async disableAllOfType(executor, tenantId, userId, type) {
      const disabled = await executor
        .updateTable('methods')
        .set({ status: 'disabled', is_default: 0, updated_at: clock.now() })
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('type', '=', type)
        .where('status', '!=', 'disabled')
        .returning('id')
        .execute();
      return disabled.length;
    },

    async hasUsableMethod(tenantId, userId) {
      const row = await db
        .selectFrom('methods')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
