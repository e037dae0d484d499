import { entryWithCode, renderCodes, runLiveView } from '../codes.js';
import { openSession } from '../session.js';
import type { Verb } from './kit.js';

/** `list`: the accounts and their codes; a live view on a terminal. */
export const listVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('list')
      .argument('[filter]', 'show only accounts whose issuer or name contains this text')
      .description('Show the accounts and their codes; on a terminal, a live view with the seconds left.')
      .option('--once', 'print the codes once instead of the live view'),
    async (out, options, filter: string | undefined) => {
      const session = await openSession(kit.io, out, kit.vaultPath(options), { create: false });
      const needle = filter?.trim().toLowerCase() ?? '';
      const entries = session.vault.entries.filter(
        (entry) =>
          needle === '' ||
          `${entry.issuer}\n${entry.name}\n${(entry.groups ?? []).join('\n')}`.toLowerCase().includes(needle),
      );
      const now = Date.now() / 1000;
      if (out.json) {
        out.result(
          entries.map((entry) => entryWithCode(entry, now)),
          () => [],
        );
        return;
      }
      if (kit.io.stdout.isTTY === true && options['once'] !== true && entries.length > 0) {
        await runLiveView(kit.io, entries);
        return;
      }
      out.result(null, () => renderCodes(entries, now, false));
    },
  );
};
