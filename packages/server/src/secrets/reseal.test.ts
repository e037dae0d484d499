import { tmpdir } from 'node:os';
import type { TwofoldError } from '@twofold/core';
import { type Kysely, type KyselyPlugin, RawNode, ValueNode } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { createKeyring, deriveKeyId } from '../platform/crypto/keyring.js';
import { createSealer, keyIdOf } from '../platform/crypto/sealer.js';
import type { Database } from '../platform/db/schema.js';
import { createRuntime } from '../runtime.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { useTestDatabase } from '../test-support/shared-database.js';
import { checkSecretKeys } from './key-check.js';
import { type ResealProgress, resealAll } from './reseal.js';
import { sealedColumns } from './sealed-columns.js';

const oldKey = new Uint8Array(32).fill(11);
const newKey = new Uint8Array(32).fill(22);
const oldKid = deriveKeyId(oldKey);
const newKid = deriveKeyId(newKey);

/** Records the values resealAll writes, which it hands to the database as raw UPDATE parameters. */
function recordWrites(db: Kysely<Database>) {
  const writes: { value: string; id: string }[] = [];
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      if (RawNode.is(node) && /^\s*update\b/i.test(node.sqlFragments[0] ?? '')) {
        const [value, id] = node.parameters.filter(ValueNode.is).map((p) => String(p.value));
        writes.push({ value: value!, id: id! });
      }
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(plugin), writes };
}

describe('sealed columns', () => {
  it('lists the secret key checks, bound to their key id', () => {
    expect(sealedColumns.map((c) => [c.table, c.idColumn, c.column, c.aad('k')])).toContainEqual([
      'secret_key_checks',
      'kid',
      'check_value',
      'secret-key-check:k',
    ]);
  });
});

for (const backend of testBackends) {
  describe(`resealAll (${backend.name})`, () => {
    const database = useTestDatabase(backend);
    let handle: TestDatabaseHandle;
    const clock = createManualClock();

    beforeEach(async () => {
      handle = database();
    });

    function instance(keys: Uint8Array[]) {
      const keyring = createKeyring(keys);
      const sealer = createSealer(keyring);
      return {
        keyring,
        sealer,
        start: () => checkSecretKeys({ db: handle.db, keyring, sealer, clock }),
      };
    }
    function checkRows() {
      return handle.db.selectFrom('secret_key_checks').selectAll().orderBy('kid').execute();
    }

    /** The old key sealed something, then the operator put a new key in front of it and restarted. */
    async function rotatedDatabase() {
      await instance([oldKey]).start();
      const rotated = instance([newKey, oldKey]);
      await rotated.start();
      expect((await checkRows()).map((r) => keyIdOf(r.check_value)).sort()).toEqual([oldKid, newKid].sort());
      return rotated;
    }

    it('re-seals every value under the new key, reports counts and retires the old key id', async () => {
      const rotated = await rotatedDatabase();
      const oldValue = (await checkRows()).find((r) => r.kid === oldKid)!.check_value;
      const { db, writes } = recordWrites(handle.db);
      const progress: ResealProgress[] = [];

      const report = await resealAll({ db, keyring: rotated.keyring, sealer: rotated.sealer }, (p) =>
        progress.push(p),
      );

      expect(report).toEqual({
        currentKeyId: newKid,
        resealed: 1,
        alreadyCurrent: 1,
        retiredKeyIds: [oldKid],
      });
      expect(progress).toEqual([{ table: 'secret_key_checks', done: 2, total: 2 }]);
      // The old key's value was written back sealed under the new key, still bound to its row
      // (a key that is only the new one opens it)...
      expect(writes).toHaveLength(1);
      expect(writes[0]?.id).toBe(oldKid);
      expect(writes[0]?.value).not.toBe(oldValue);
      expect(keyIdOf(writes[0]!.value)).toBe(newKid);
      expect(instance([newKey]).sealer.openString(writes[0]!.value, `secret-key-check:${oldKid}`)).toBe(
        rotated.sealer.openString(oldValue, `secret-key-check:${oldKid}`),
      );
      // ...and then, nothing being sealed under the old key any more, its check row was retired.
      const rows = await checkRows();
      expect(rows.map((r) => r.kid)).toEqual([newKid]);
      expect(keyIdOf(rows[0]!.check_value)).toBe(newKid);
    });

    it('afterwards an instance with only the old key is refused at start-up; the new key alone starts', async () => {
      const rotated = await rotatedDatabase();
      await resealAll({ db: handle.db, keyring: rotated.keyring, sealer: rotated.sealer });

      const refused = (await instance([oldKey])
        .start()
        .catch((e: unknown) => e)) as TwofoldError;
      expect(refused.code).toBe('config_invalid');
      expect(refused.message.startsWith('TWOFOLD_SECRET_KEY:')).toBe(true);
      expect(refused.message).toContain(newKid);

      // The same through the real start-up path, configured from the environment.
      const config = loadConfig({
        TWOFOLD_SECRET_KEY: Buffer.from(oldKey).toString('base64'),
        TWOFOLD_DATA_DIR: tmpdir(),
      });
      await expect(createRuntime(config, { database: handle, migrate: false, clock })).rejects.toMatchObject({
        code: 'config_invalid',
        message: expect.stringMatching(/^TWOFOLD_SECRET_KEY: the database holds secrets sealed with key id /),
      });

      await expect(instance([newKey]).start()).resolves.toBeUndefined();
      await expect(instance([newKey, oldKey]).start()).resolves.toBeUndefined();
    });

    it('a second run finds everything current', async () => {
      const rotated = await rotatedDatabase();
      const deps = { db: handle.db, keyring: rotated.keyring, sealer: rotated.sealer };
      await resealAll(deps);
      const rows = await checkRows();
      expect(await resealAll(deps)).toEqual({
        currentKeyId: newKid,
        resealed: 0,
        alreadyCurrent: 1,
        retiredKeyIds: [oldKid],
      });
      expect(await checkRows()).toEqual(rows);
    });

    it('with a single key there is nothing to re-seal or retire', async () => {
      const only = instance([oldKey]);
      await only.start();
      const progress: ResealProgress[] = [];
      expect(
        await resealAll({ db: handle.db, keyring: only.keyring, sealer: only.sealer }, (p) =>
          progress.push(p),
        ),
      ).toEqual({
        currentKeyId: oldKid,
        resealed: 0,
        alreadyCurrent: 1,
        retiredKeyIds: [],
      });
      expect(progress).toEqual([{ table: 'secret_key_checks', done: 1, total: 1 }]);
    });

    it('a keyring that lacks the old key cannot re-seal its values and deletes nothing', async () => {
      await instance([oldKey]).start();
      const before = await checkRows();
      const newOnly = instance([newKey]);
      await expect(
        resealAll({ db: handle.db, keyring: newOnly.keyring, sealer: newOnly.sealer }),
      ).rejects.toMatchObject({ code: 'secret_key_missing' });
      expect(await checkRows()).toEqual(before);
    });
  });
}
