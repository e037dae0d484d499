/**
 * Recovery codes (spec section 2): 10 single-use codes, shown once when issued, stored only as
 * digests. A new issue replaces every older code of the user.
 */
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor, AuditLog, Executor } from '../../audit/audit-log.js';
import type { Clock } from '../../platform/clock.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import type { Database } from '../../platform/db/schema.js';
import { generateId } from '../../platform/ids.js';
import type { UserService } from '../../users/user-service.js';

export const recoveryCodeCount = 10;

/**
 * Crockford's base32 alphabet: 32 symbols without I, L, O and U, so 10 symbols carry 50 bits
 * and nothing reads as something else; on input O counts as 0 and I and L as 1.
 */
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const symbolsPerCode = 10;
export const recoveryCodeBits = symbolsPerCode * Math.log2(alphabet.length);

export type RedeemResult =
  | { readonly ok: true; readonly remaining: number }
  | { readonly ok: false; readonly reason: 'recovery_code_invalid' };

export interface RecoveryCodeService {
  /** Issues 10 fresh codes, replacing all older ones; returns them once (only digests are kept). Audited. */
  issue(tenantId: string, userId: string, actor: Actor): Promise<string[]>;
  /**
   * Spends one unused code with one conditional UPDATE: concurrent redemptions of the same code,
   * on one instance or several, give exactly one success. Accepts any case, spaces and dashes.
   * Failures are not counted here: the caller counts them with the MFA lockout, like any factor.
   */
  redeem(tenantId: string, userId: string, code: string): Promise<RedeemResult>;
  /** Unused codes left. */
  remaining(tenantId: string, userId: string): Promise<number>;
  /**
   * Ends every code of the user inside the caller's transaction (require re-registration: new
   * ones come with the next registration); returns how many were still unused. Audited.
   */
  endAll(executor: Executor, tenantId: string, userId: string, actor: Actor): Promise<number>;
}

/** A code as shown: `xxxxx-xxxxx`. */
export function generateRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < symbolsPerCode; i++) {
    if (i === symbolsPerCode / 2) code += '-';
    code += alphabet[randomInt(alphabet.length)];
  }
  return code;
}

/** What people type, read as the code it must be; undefined when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const code = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (code.length !== symbolsPerCode) return undefined;
  for (const symbol of code) if (!alphabet.includes(symbol)) return undefined;
  return code;
}

/**
 * SHA-256, bound to the user so one digest cannot be matched against another user's codes (nor
 * a precomputed table). 50 random bits per code and one try per failure-counted request make
 * online guessing hopeless; a fast hash is what lets redemption be a single indexed lookup.
 */
export function digestRecoveryCode(userId: string, normalized: string): string {
  return hashToken(`twofold-recovery-code:${userId}:${normalized}`);
}

export function createRecoveryCodeService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  users: Pick<UserService, 'getById'>;
}): RecoveryCodeService {
  const { db, clock, audit, users } = deps;

  async function countRemaining(executor: Executor, tenantId: string, userId: string): Promise<number> {
    const row = await executor
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  return {
    async issue(tenantId, userId, actor) {
      await users.getById(tenantId, userId); // user_not_found, also for another tenant's user
      const now = clock.now();
      const codes = Array.from({ length: recoveryCodeCount }, generateRecoveryCode);
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('recovery_codes')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .execute();
        await trx
          .insertInto('recovery_codes')
          .values(
            codes.map((code) => ({
              id: generateId(now),
              tenant_id: tenantId,
              user_id: userId,
              code_hash: digestRecoveryCode(userId, normalizeRecoveryCode(code)!),
              used_at: null,
              created_at: now,
            })),
          )
          .execute();
        await audit.record(
          {
            tenantId,
            actor,
            action: 'recovery_codes.issue',
            target: { type: 'user', id: userId },
            details: { count: recoveryCodeCount },
          },
          trx,
        );
      });
      return codes;
    },

    async redeem(tenantId, userId, code) {
      const normalized = normalizeRecoveryCode(code);
      if (normalized === undefined) return { ok: false, reason: 'recovery_code_invalid' };
      const now = clock.now();
      const spent = await db
        .updateTable('recovery_codes')
        .set({ used_at: now })
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('code_hash', '=', digestRecoveryCode(userId, normalized))
        .where('used_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!spent) return { ok: false, reason: 'recovery_code_invalid' };
      const remaining = await countRemaining(db, tenantId, userId);
      await audit.record({
        tenantId,
        actor: { type: 'user', id: userId },
        action: 'recovery_code.redeem',
        target: { type: 'user', id: userId },
        details: { remaining },
      });
      return { ok: true, remaining };
    },

    remaining(tenantId, userId) {
      return countRemaining(db, tenantId, userId);
    },

    async endAll(executor, tenantId, userId, actor) {
      const deleted = await executor
        .deleteFrom('recovery_codes')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .returning('used_at')
        .execute();
      const unused = deleted.filter((row) => row.used_at === null).length;
      if (deleted.length > 0) {
        await audit.record(
          {
            tenantId,
            actor,
            action: 'recovery_codes.end',
            target: { type: 'user', id: userId },
            details: { unused },
          },
          executor,
        );
      }
      return unused;
    },
  };
}
