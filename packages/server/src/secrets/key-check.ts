import { TwofoldError } from '@twofold/core';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Keyring } from '../platform/crypto/keyring.js';
import type { Sealer } from '../platform/crypto/sealer.js';
import type { Database } from '../platform/db/schema.js';

const checkPlaintext = 'twofold secret key check';

/**
 * Stops an instance whose keys do not match the database before it writes anything: each key that
 * ever sealed data leaves a sealed check value under its id. A key id the database knows but this
 * instance lacks (a second instance started without TWOFOLD_SECRET_KEY, a lost key file) is fatal,
 * naming the variable; so is a key with a known id that fails to open its check (a wrong key).
 */
export async function checkSecretKeys(deps: {
  db: Kysely<Database>;
  keyring: Keyring;
  sealer: Sealer;
  clock: Clock;
}): Promise<void> {
  // Read and insert in one serializable transaction: two instances with different keys starting
  // at once on an empty database would otherwise both find no check row, both add their own and
  // both start. Serialized, the second one sees the first one's row (after a retry) and is refused.
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.db
        .transaction()
        .setIsolationLevel('serializable')
        .execute((trx) => checkOnce({ ...deps, db: trx }));
      return;
    } catch (error) {
      if (attempt >= maxAttempts || !isSerializationConflict(error)) throw error;
    }
  }
}

const maxAttempts = 5;

/** PostgreSQL serialization_failure; SQLite's busy answers (a concurrent writer, a stale snapshot). */
function isSerializationConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY'));
}

async function checkOnce(deps: {
  db: Transaction<Database>;
  keyring: Keyring;
  sealer: Sealer;
  clock: Clock;
}): Promise<void> {
  const { db, keyring, sealer, clock } = deps;
  const rows = await db.selectFrom('secret_key_checks').selectAll().execute();
  for (const row of rows) {
    if (!keyring.keyFor(row.kid)) {
      throw new TwofoldError(
        'config_invalid',
        `TWOFOLD_SECRET_KEY: the database holds secrets sealed with key id ${row.kid}, which this instance does not have (have: ${keyring.keyIds.join(', ')}); give every instance the same keys`,
      );
    }
    try {
      sealer.openString(row.check_value, `secret-key-check:${row.kid}`);
    } catch {
      throw new TwofoldError(
        'config_invalid',
        `TWOFOLD_SECRET_KEY: key id ${row.kid} does not open its check value in the database; the key is wrong`,
      );
    }
  }
  if (!rows.some((row) => row.kid === keyring.currentKeyId)) {
    await db
      .insertInto('secret_key_checks')
      .values({
        kid: keyring.currentKeyId,
        check_value: sealer.seal(checkPlaintext, `secret-key-check:${keyring.currentKeyId}`),
        created_at: clock.now(),
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
  }
}
