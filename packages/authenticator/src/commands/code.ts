import { advanceHotpCounter, findEntry, generateEntryCode } from '@twofold/core';
import { entryWithCode } from '../codes.js';
import { openSession } from '../session.js';
import type { Verb } from './kit.js';
import { unixSecondsOption } from './options.js';

/** `code`: the current code of one account (hotp: the next, and the counter moves on). */
export const codeVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('code')
      .argument('<name>', 'id, or text in the issuer or name of the account')
      .description('Print the current code of one account (hotp: the next code, and the counter moves on).')
      .option('--at <unix-seconds>', 'the code at this time instead of now (totp, steam)', unixSecondsOption),
    async (out, options, name: string) => {
      const session = await openSession(kit.io, out, kit.vaultPath(options), { create: false });
      const entry = findEntry(session.vault, name);
      const at = options['at'] as number | undefined;
      const time = at ?? Date.now() / 1000;
      const code = generateEntryCode(entry, time);
      if (entry.type === 'hotp') {
        if (at !== undefined) out.warn('--at has no effect on a hotp account');
        await session.save(advanceHotpCounter(session.vault, entry.id));
      }
      out.result({ ...entryWithCode(entry, time), code, ...(at === undefined ? {} : { at }) }, () => [code]);
    },
  );
};
