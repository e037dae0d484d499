import type { Verb } from './kit.js';
import { integerOption } from './options.js';
import { answerPush, pushOptions } from './push-answer.js';

/** `approve`: a pending push sign-in, with the number the sign-in page shows. */
export const approveVerb: Verb = (program, kit) => {
  kit.leaf(
    pushOptions(
      program
        .command('approve')
        .description('Approve a pending push sign-in of a Twofold account (number matching).')
        .option('--number <n>', 'the number shown on the sign-in page', integerOption('--number', 0, 999)),
    ),
    async (out, options) => answerPush(kit, out, options, 'approve'),
  );
};
