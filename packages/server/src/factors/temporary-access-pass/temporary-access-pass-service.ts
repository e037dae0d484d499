import { randomInt } from 'node:crypto';
import { type IssuerRole, issuersActingOnAdmins, TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Actor, AuditLog, Executor } from '../../audit/audit-log.js';
import type { Clock } from '../../platform/clock.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import type { Database } from '../../platform/db/schema.js';
import { generateId } from '../../platform/ids.js';

/** Unambiguous alphabet (no 0/O, 1/I/L): 32 symbols, so 16 of them carry 80 bits. */
const passAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const passLength = 16;

export const passLifetimeBounds = { minMinutes: 10, maxMinutes: 30 * 24 * 60 } as const;

export interface IssuedPass {
  readonly id: string;
  readonly userId: string;
  /** Shown once; only its hash is stored. */
  readonly pass: string;
  readonly reusable: boolean;
  readonly expiresAt: number;
}

export interface TemporaryAccessPassService {
  /** Issues a pass for a user, replacing any older one (one pass per user). */
  issue(
    input: {
      tenantId: string;
      userId: string;
      lifetimeMinutes: number;
      reusable: boolean;
      reason?: string | undefined;
      /**
       * The issuer's role now (an admin's strongest role, an API key's role, or 'operator'): the
       * pass is refused once its user holds a role this issuer could not act on.
       */
      issuerRole: IssuerRole;
    },
    actor: Actor,
    executor?: Executor,
  ): Promise<IssuedPass>;
  /**
   * Redeems a pass with one conditional UPDATE: a one-time pass succeeds exactly once even under
   * concurrent requests on several instances; an expired or revoked pass never does, nor one whose
   * user now holds a role its issuer could not act on (the same statement reads the user's roles).
   */
  redeem(
    tenantId: string,
    pass: string,
    userId?: string,
  ): Promise<{ userId: string; reusable: boolean } | undefined>;
  /**
   * Why a pass did not redeem, for the sign-in log and a clearer message: `revoked` (its user's
   * credentials were ended), `not_allowed` (its user outranks its issuer), `expired` (past its
   * lifetime, or a one-time pass already used) or `unknown`. Only called after a failed redeem.
   */
  explainFailure(tenantId: string, pass: string, userId?: string): Promise<PassFailure>;
  /**
   * Ends the user's pass, inside the caller's transaction (factor `end`); returns 1 when a pass
   * that could still be redeemed was ended, else 0. Audited with the event that ended it.
   */
  revokeForUser(
    executor: Executor,
    target: { tenantId: string; userId: string; actor: Actor; now: number },
    event: string,
  ): Promise<number>;
  /** The user's current pass, if any (its secret is never kept). */
  state(tenantId: string, userId: string): Promise<PassState | null>;
}

export type PassFailure = 'revoked' | 'not_allowed' | 'expired' | 'unknown';

/** An id no user has: an unknown username's pass is checked against it, so both paths do the same work. */
export const nobodyUserId = '00000000-0000-7000-8000-000000000000';

export interface PassState {
  readonly expiresAt: number;
  readonly reusable: boolean;
  readonly used: boolean;
  /** Who issued it: an admin (their user id), an API key (its id) or the operator, with their role then. */
  readonly issuedBy: { readonly type: string; readonly id: string | null; readonly role: string };
}

/** Formats 16 symbols as XXXX-XXXX-XXXX-XXXX for reading aloud. */
export function generatePass(): string {
  let out = '';
  for (let i = 0; i < passLength; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += passAlphabet[randomInt(passAlphabet.length)];
  }
  return out;
}

/** Accepts what people type: any case, spaces and dashes. */
export function normalizePass(pass: string): string {
  return pass.toUpperCase().replace(/[\s-]/g, '');
}

export function createTemporaryAccessPassService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
}): TemporaryAccessPassService {
  const { db, clock, audit } = deps;
  return {
    async issue(input, actor, executor) {
      const { minMinutes, maxMinutes } = passLifetimeBounds;
      if (
        !Number.isInteger(input.lifetimeMinutes) ||
        input.lifetimeMinutes < minMinutes ||
        input.lifetimeMinutes > maxMinutes
      ) {
        throw new TwofoldError(
          'validation_failed',
          `lifetimeMinutes: must be a whole number from ${minMinutes} to ${maxMinutes}, got ${input.lifetimeMinutes}`,
        );
      }
      const pass = generatePass();
      const now = clock.now();
      const row = {
        id: generateId(now),
        tenant_id: input.tenantId,
        user_id: input.userId,
        pass_hash: hashToken(normalizePass(pass)),
        reusable: input.reusable ? 1 : 0,
        expires_at: now + input.lifetimeMinutes * 60_000,
        used_at: null,
        created_by: actor.id ?? actor.type,
        created_at: now,
        issuer_type: actor.type,
        issuer_role: input.issuerRole,
        revoked_at: null,
      };
      const write = async (trx: Executor) => {
        // One pass per user: the newer replaces the older in the same statement.
        await trx
          .insertInto('temporary_access_passes')
          .values(row)
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet({
              id: row.id,
              pass_hash: row.pass_hash,
              reusable: row.reusable,
              expires_at: row.expires_at,
              used_at: null,
              created_by: row.created_by,
              created_at: row.created_at,
              issuer_type: row.issuer_type,
              issuer_role: row.issuer_role,
              revoked_at: null,
            }),
          )
          .execute();
        await audit.record(
          {
            tenantId: input.tenantId,
            actor,
            action: 'temporary_access_pass.issue',
            target: { type: 'user', id: input.userId },
            ...(input.reason ? { reason: input.reason } : {}),
            details: {
              lifetimeMinutes: input.lifetimeMinutes,
              reusable: input.reusable,
              issuerRole: input.issuerRole,
            },
          },
          trx,
        );
      };
      if (executor) await write(executor);
      else await db.transaction().execute(write);
      return { id: row.id, userId: input.userId, pass, reusable: input.reusable, expiresAt: row.expires_at };
    },

    async redeem(tenantId, pass, userId) {
      const normalized = normalizePass(pass);
      if (normalized.length !== passLength) return undefined;
      const now = clock.now();
      let update = db
        .updateTable('temporary_access_passes')
        .set({ used_at: now })
        .where('tenant_id', '=', tenantId);
      // A pass typed with someone else's username must not be spent.
      if (userId !== undefined) update = update.where('user_id', '=', userId);
      const row = await update
        .where('pass_hash', '=', hashToken(normalized))
        .where('expires_at', '>', now)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('reusable', '=', 1), eb('used_at', 'is', null)]))
        // The issuer may still act on the user: a global admin or the operator on anyone, others
        // only on ordinary users (core's mayActOn, as one condition of the same statement).
        .where(({ eb, or, not, exists, selectFrom }) =>
          or([
            eb('issuer_role', 'in', [...issuersActingOnAdmins]),
            not(
              exists(
                selectFrom('user_roles')
                  .select('user_roles.role')
                  .whereRef('user_roles.user_id', '=', 'temporary_access_passes.user_id'),
              ),
            ),
          ]),
        )
        .returning(['user_id', 'reusable'])
        .executeTakeFirst();
      return row ? { userId: row.user_id, reusable: row.reusable === 1 } : undefined;
    },

    async state(tenantId, userId) {
      const row = await db
        .selectFrom('temporary_access_passes')
        .select(['expires_at', 'reusable', 'used_at', 'created_by', 'issuer_type', 'issuer_role'])
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      const byId = row.issuer_type === 'user' || row.issuer_type === 'api_key';
      return {
        expiresAt: row.expires_at,
        reusable: row.reusable === 1,
        used: row.used_at !== null,
        issuedBy: { type: row.issuer_type, id: byId ? row.created_by : null, role: row.issuer_role },
      };
    },

    async explainFailure(tenantId, pass, userId) {
      const normalized = normalizePass(pass);
      if (normalized.length !== passLength) return 'unknown';
      let query = db
        .selectFrom('temporary_access_passes')
        .select(['revoked_at', 'expires_at', 'reusable', 'used_at', 'issuer_role'])
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom('user_roles')
                .select('user_roles.role')
                .whereRef('user_roles.user_id', '=', 'temporary_access_passes.user_id'),
            )
            .as('user_has_role'),
        )
        .where('tenant_id', '=', tenantId)
        .where('pass_hash', '=', hashToken(normalized));
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      const row = await query.executeTakeFirst();
      if (!row) return 'unknown';
      if (row.revoked_at !== null) return 'revoked';
      const spent = row.expires_at <= clock.now() || (row.reusable === 0 && row.used_at !== null);
      if (spent) return 'expired';
      const outranked =
        !(issuersActingOnAdmins as readonly string[]).includes(row.issuer_role) && Boolean(row.user_has_role);
      return outranked ? 'not_allowed' : 'expired';
    },

    async revokeForUser(executor, target, event) {
      const { tenantId, userId, now } = target;
      const ended = await executor
        .updateTable('temporary_access_passes')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .returning(['expires_at', 'reusable', 'used_at'])
        .execute();
      const live = ended.filter((p) => p.expires_at > now && (p.reusable === 1 || p.used_at === null)).length;
      if (live > 0) {
        await audit.record(
          {
            tenantId,
            actor: target.actor,
            action: 'temporary_access_pass.revoke',
            target: { type: 'user', id: userId },
            details: { event },
          },
          executor,
        );
      }
      return live;
    },
  };
}
