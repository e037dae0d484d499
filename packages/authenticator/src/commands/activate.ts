import { describeEntry, findEntry, replaceEntry, TwofoldError } from '@twofold/core';
import { entrySummary } from '../codes.js';
import { activatePush, defaultDeviceName, pushParametersOf, withoutPushParameters } from '../push.js';
import { openSession } from '../session.js';
import type { Verb } from './kit.js';
import { deviceNameOption } from './options.js';

/** `activate`: retries push activation for an account whose URI offered it. */
export const activateVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('activate')
      .argument('<name>', 'id, or text in the issuer or name of the account')
      .description('Retry activating push approvals for an account whose URI offered them (twofold_push).')
      .option(
        '--device-name <name>',
        'name of this device for push approvals (default: host name)',
        deviceNameOption,
      ),
    async (out, options, name: string) => {
      const session = await openSession(kit.io, out, kit.vaultPath(options), { create: false });
      const entry = findEntry(session.vault, name);
      const params = pushParametersOf(entry);
      if (params === undefined) {
        throw new TwofoldError(
          'validation_failed',
          `${describeEntry(entry)} has no push activation to retry (${entry.push ? 'already activated' : 'its URI had no twofold_push'})`,
        );
      }
      const push = await activatePush(
        params,
        (options['deviceName'] as string | undefined) ?? defaultDeviceName(),
      );
      const updated = { ...withoutPushParameters(entry), push };
      await session.save(replaceEntry(session.vault, updated));
      out.result(entrySummary(updated), () => [
        `Push approvals activated for ${describeEntry(entry)} on ${push.tenantName ?? push.tenant}.`,
      ]);
    },
  );
};
