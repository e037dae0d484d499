import { describeEntry, removeEntry } from '@twofold/core';
import { entrySummary } from '../codes.js';
import { openSession } from '../session.js';
import type { Verb } from './kit.js';

/** `remove`: one account out of the vault. */
export const removeVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('remove')
      .argument('<name>', 'id, or text in the issuer or name of the account')
      .description('Remove one account from the vault.'),
    async (out, options, name: string) => {
      const session = await openSession(kit.io, out, kit.vaultPath(options), { create: false });
      const { vault, removed } = removeEntry(session.vault, name);
      await session.save(vault);
      out.result({ removed: entrySummary(removed) }, () => [`Removed ${describeEntry(removed)}.`]);
    },
  );
};
