import { TwofoldError } from '@twofold/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../platform/clock.js';
import { createKeyring, deriveKeyId } from '../platform/crypto/keyring.js';
import { createSealer, isSealedValue, keyIdOf } from '../platform/crypto/sealer.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { openMoreHandles } from '../test-support/connections.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { tally } from '../test-support/outcomes.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { checkSecretKeys } from './key-check.js';

const oldKey = new Uint8Array(32).fill(11);
const newKey = new Uint8Array(32).fill(22);
const strangerKey = new Uint8Array(32).fill(33);

for (const backend of testBackends) {
  describe(`checkSecretKeys (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    const clock = createManualClock();

    beforeEach(async () => {
      handle = database();
    });

    /** What an instance with these keys does at start-up. */
    function start(keys: Uint8Array[], on: DatabaseHandle = handle): Promise<void> {
      const keyring = createKeyring(keys);
      return checkSecretKeys({ db: on.db, keyring, sealer: createSealer(keyring), clock });
    }
    function checkRows() {
      return handle.db.selectFrom('secret_key_checks').selectAll().orderBy('kid').execute();
    }
    async function startupError(keys: Uint8Array[]): Promise<TwofoldError> {
      const error = await start(keys).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof TwofoldError)) throw new Error(`expected a TwofoldError, got ${String(error)}`);
      return error;
    }

    it('on an empty database inserts a sealed check value for the current key', async () => {
      await start([oldKey]);
      const rows = await checkRows();
      expect(rows).toEqual([
        { kid: deriveKeyId(oldKey), check_value: expect.any(String), created_at: clock.now() },
      ]);
      const checkValue = rows[0]!.check_value;
      expect(isSealedValue(checkValue)).toBe(true);
      expect(keyIdOf(checkValue)).toBe(deriveKeyId(oldKey));
      // Bound to its row: it opens with the row's associated data only.
      const sealer = createSealer(createKeyring([oldKey]));
      expect(() => sealer.open(checkValue, `secret-key-check:${deriveKeyId(oldKey)}`)).not.toThrow();
      expect(() => sealer.open(checkValue, 'secret-key-check:other')).toThrow();
    });

    it('starting again with the same key changes nothing', async () => {
      await start([oldKey]);
      const before = await checkRows();
      clock.advance(60_000);
      await start([oldKey]);
      expect(await checkRows()).toEqual(before);
    });

    it('refuses an instance that lacks a key the database knows, naming the variable', async () => {
      await start([oldKey]);
      const before = await checkRows();
      const error = await startupError([strangerKey]);
      expect(error.code).toBe('config_invalid');
      expect(error.message.startsWith('TWOFOLD_SECRET_KEY:')).toBe(true);
      expect(error.message).toContain(deriveKeyId(oldKey));
      expect(error.message).toContain(`have: ${deriveKeyId(strangerKey)}`);
      expect(await checkRows()).toEqual(before); // the refused instance wrote nothing
    });

    it('refuses a key whose check value does not open (a tampered or wrong check row)', async () => {
      await start([oldKey]);
      const kid = deriveKeyId(oldKey);
      // A value sealed under the same key id by a different key: what a wrong key with a
      // colliding id would have written. Forged here by sealing with another key and relabelling.
      const forged = createSealer(createKeyring([strangerKey]))
        .seal('twofold secret key check', `secret-key-check:${kid}`)
        .replace(/^tf1\.[0-9a-f]{8}\./, `tf1.${kid}.`);
      await handle.db
        .updateTable('secret_key_checks')
        .set({ check_value: forged })
        .where('kid', '=', kid)
        .execute();
      const error = await startupError([oldKey]);
      expect(error.code).toBe('config_invalid');
      expect(error.message).toBe(
        `TWOFOLD_SECRET_KEY: key id ${kid} does not open its check value in the database; the key is wrong`,
      );

      // A check value moved from another row fails the same way (it is bound to its key id).
      await handle.db
        .updateTable('secret_key_checks')
        .set({
          check_value: createSealer(createKeyring([oldKey])).seal('twofold secret key check', 'elsewhere'),
        })
        .execute();
      expect((await startupError([oldKey])).message).toMatch(
        /^TWOFOLD_SECRET_KEY: key id .* the key is wrong$/,
      );
    });

    it('accepts a keyring with a new key in front of the old one and records the new key', async () => {
      await start([oldKey]);
      await start([newKey, oldKey]);
      expect((await checkRows()).map((r) => r.kid).sort()).toEqual(
        [deriveKeyId(oldKey), deriveKeyId(newKey)].sort(),
      );
      // The old key alone is now refused: the database knows a key it lacks.
      const error = await startupError([oldKey]);
      expect(error.message).toMatch(/^TWOFOLD_SECRET_KEY: the database holds secrets sealed with key id /);
      expect(error.message).toContain(deriveKeyId(newKey));
    });

    it('two instances with different keys starting at once on an empty database: exactly one starts', async () => {
      // Each generated its own key file: exactly the mistake the check exists to catch.
      const more = await openMoreHandles(handle, 2, { poolSize: 1 });
      try {
        const [one, two] = more.handles as [DatabaseHandle, DatabaseHandle];
        const results = await Promise.allSettled([start([oldKey], one), start([strangerKey], two)]);
        // The loser's transaction conflicts with the winner's, is retried, and then sees the
        // winner's check row, which names a key it does not have.
        expect(tally(results)).toEqual({ ok: 1, config_invalid: 1 });
        // Only the winner's check row is left, so the loser stays refused when started again.
        const rows = await checkRows();
        expect(rows).toHaveLength(1);
        const loserKey = rows[0]?.kid === deriveKeyId(oldKey) ? strangerKey : oldKey;
        expect((await startupError([loserKey])).code).toBe('config_invalid');
      } finally {
        await more.close();
      }
    });

    it('two instances with the same key starting at once both start, with one check row', async () => {
      const more = await openMoreHandles(handle, 2, { poolSize: 1 });
      try {
        const [one, two] = more.handles as [DatabaseHandle, DatabaseHandle];
        await Promise.all([start([oldKey], one), start([oldKey], two)]);
        expect((await checkRows()).map((r) => r.kid)).toEqual([deriveKeyId(oldKey)]);
      } finally {
        await more.close();
      }
    });
  });
}
