import { TwofoldError } from '@twofold/core';
import { finishInteraction, refuseInteraction } from './finish.js';
import type { Interaction } from './types.js';

/** The user's answer to a third-party application's consent prompt; answers where the browser goes. */
export async function answerConsent(interaction: Interaction, decision: 'allow' | 'deny'): Promise<string> {
  if (interaction.details.prompt.name !== 'consent')
    throw new TwofoldError('flow_state_invalid', 'this application sign-in is not asking for consent');
  const session = await interaction.session();
  if (!session || session.userId !== interaction.details.session?.accountId)
    throw new TwofoldError('unauthenticated', 'sign in first');
  if (decision === 'deny') return refuseInteraction(interaction, 'the user did not allow the application');
  return finishInteraction(interaction);
}
