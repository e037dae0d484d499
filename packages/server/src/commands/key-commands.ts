/** `twofold rotate-key`: re-seal every stored secret under the newest key. */
import { addKeyToFile } from '../platform/crypto/keyring.js';
import { createSealer } from '../platform/crypto/sealer.js';
import { migrateToLatest, openDatabase, sqlitePathFor } from '../platform/db/database.js';
import { loadKeyring } from '../runtime.js';
import { checkSecretKeys } from '../secrets/key-check.js';
import { resealAll } from '../secrets/reseal.js';
import type { CommandGroup } from './kit.js';
import { progressLine } from './output.js';

export const keyCommands: CommandGroup = (program, kit) => {
  kit.leaf(
    program
      .command('rotate-key')
      .description(
        'Re-seal every stored secret under the newest key: with TWOFOLD_SECRET_KEY, the first key listed (put the new key first, keep the old ones after it); without it, a new key is added to the key file.',
      ),
    async (out) => {
      const config = kit.ctx.config();
      if (!config.secretKey) {
        // Make sure the file exists and the database agrees with it before adding a key.
        await loadKeyring(config);
        const rotated = await addKeyToFile(config.dataDir);
        out.note(`added key ${rotated.newKeyId} to ${rotated.path}`);
      }
      const keyring = await loadKeyring(config);
      const database = openDatabase({
        databaseUrl: config.databaseUrl,
        sqlitePath: sqlitePathFor(config.dataDir),
        poolSize: 2,
      });
      try {
        await migrateToLatest(database);
        const sealer = createSealer(keyring);
        await checkSecretKeys({ db: database.db, keyring, sealer, clock: { now: () => Date.now() } });
        const report = await resealAll({ db: database.db, keyring, sealer }, (p) =>
          out.note(progressLine(`re-sealing ${p.table}`, p.done, p.total)),
        );
        out.result(report, () => [
          `Every secret is now sealed with key ${report.currentKeyId} (${report.resealed} re-sealed, ${report.alreadyCurrent} already current).`,
          ...(report.retiredKeyIds.length
            ? [
                `Keys no longer used: ${report.retiredKeyIds.join(', ')}. Restart every instance, then you may remove them.`,
              ]
            : []),
        ]);
      } finally {
        await database.close();
      }
    },
  );
};
