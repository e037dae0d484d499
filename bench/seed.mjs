// Bulk seeding through the server's own query layer (Kysely over SQLite or PostgreSQL), with
// secrets sealed by the server's sealer, ids from its UUIDv7 generator and session tokens hashed
// as the session service stores them (ids in the same UUIDv7 format, from pooled CSPRNG bytes). Many rows per INSERT, many INSERTs per transaction. The
// per-user audit events that the user service would write are not written (they do not affect
// verification or sign-in).

import { methodSecretAad } from '../packages/server/dist/factors/totp/totp-method-service.js';
import { generateToken, hashToken } from '../packages/server/dist/platform/crypto/tokens.js';
import {
  defaultSessionLifetimes,
  sessionTokenPrefix,
} from '../packages/server/dist/sessions/session-service.js';
import { createRandomPool, uuidV7 } from './helpers.mjs';

/** Rows per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const rowsPerInsert = 500;
/** Users per transaction. */
const usersPerTransaction = 10_000;

export function benchEmail(index) {
  return `user${index}@bench.example`;
}

/**
 * @param {{
 *   db: import('kysely').Kysely<any>,
 *   sealer: { seal(plaintext: Uint8Array, aad: string): string },
 *   tenantId: string,
 *   totp: { algorithm: string, digits: number, period: number },
 *   passwordHash: string,
 *   concurrency?: number,
 * }} deps `concurrency`: transactions at once (PostgreSQL; SQLite has one writer)
 */
export function createSeeder(deps) {
  const { db, sealer, tenantId, totp, passwordHash } = deps;
  const random = createRandomPool();

  /**
   * Seeds users [from, to), each with a password and an active default TOTP method of its own
   * secret; the users in `sessionFor` also get a live session (as after a password sign-in).
   * Returns what the load needs of those: ids, method id and session token.
   * @param {number} from
   * @param {number} to
   * @param {Set<number>} sessionFor
   * @param {(done: number) => void} [progress]
   */
  async function seedUsers(from, to, sessionFor, progress) {
    /** @type {Map<number, { userId: string, methodId: string, token: string, secret: Uint8Array }>} */
    const picked = new Map();
    const ranges = [];
    for (let start = from; start < to; start += usersPerTransaction)
      ranges.push([start, Math.min(to, start + usersPerTransaction)]);
    let done = 0;
    const worker = async () => {
      for (let range = ranges.shift(); range; range = ranges.shift()) {
        await seedRange(range[0], range[1], sessionFor, picked);
        done += range[1] - range[0];
        progress?.(done);
      }
    };
    await Promise.all(Array.from({ length: deps.concurrency ?? 1 }, worker));
    return picked;
  }

  async function seedRange(start, end, sessionFor, picked) {
    await db.transaction().execute(async (trx) => {
      for (let chunk = start; chunk < end; chunk += rowsPerInsert) {
        const users = [];
        const methods = [];
        const sessions = [];
        const now = Date.now();
        for (let index = chunk; index < Math.min(end, chunk + rowsPerInsert); index++) {
          const userId = uuidV7(now, random);
          const methodId = uuidV7(now, random);
          const secret = random(20);
          const email = benchEmail(index);
          users.push({
            id: userId,
            tenant_id: tenantId,
            email,
            email_normalized: email,
            display_name: `Bench user ${index}`,
            password_hash: passwordHash,
            disabled: 0,
            mfa_locked_until: null,
            password_locked_until: null,
            push_blocked_at: null,
            created_at: now,
            updated_at: now,
          });
          methods.push({
            id: methodId,
            tenant_id: tenantId,
            user_id: userId,
            type: 'totp',
            label: 'Authenticator app (code only)',
            status: 'active',
            is_default: 1,
            secret_sealed: sealer.seal(secret, methodSecretAad(methodId)),
            algorithm: totp.algorithm,
            digits: totp.digits,
            period: totp.period,
            destination: null,
            last_step: null,
            skew_step: null,
            skew_offset: null,
            push_activation_hash: null,
            created_at: now,
            confirmed_at: now,
            last_used_at: null,
            updated_at: now,
          });
          if (sessionFor.has(index)) {
            const token = generateToken(sessionTokenPrefix);
            sessions.push({
              id: uuidV7(now, random),
              tenant_id: tenantId,
              user_id: userId,
              token_hash: hashToken(token),
              amr: JSON.stringify(['pwd', 'otp', 'mfa']),
              mfa_at: now,
              created_at: now,
              last_seen_at: now,
              idle_expires_at: now + defaultSessionLifetimes.idleMs,
              absolute_expires_at: now + defaultSessionLifetimes.absoluteMs,
              revoked_at: null,
              ip: '127.0.0.1',
              user_agent: 'twofold-bench',
            });
            picked.set(index, { userId, methodId, token, secret });
          }
        }
        await trx.insertInto('users').values(users).execute();
        await trx.insertInto('methods').values(methods).execute();
        if (sessions.length > 0) await trx.insertInto('sessions').values(sessions).execute();
      }
    });
  }

  return { seedUsers };
}

/** Rows in a table (a check that seeding did what it says). */
export async function countRows(db, table) {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
