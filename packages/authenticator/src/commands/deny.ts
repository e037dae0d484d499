import type { Verb } from './kit.js';
import { answerPush, pushOptions } from './push-answer.js';

/** `deny`: a pending push sign-in; --report also blocks push for the account and alerts admins. */
export const denyVerb: Verb = (program, kit) => {
  kit.leaf(
    pushOptions(
      program
        .command('deny')
        .description(
          'Deny a pending push sign-in; --report also blocks push for the account and alerts admins.',
        )
        .option('--report', 'report it as not started by you (the admins are told)'),
    ),
    async (out, options) => answerPush(kit, out, options, options['report'] === true ? 'report' : 'deny'),
  );
};
