import type { Static } from '@sinclair/typebox';
import type { InteractionDetails } from '@twofold/api/oidc-interaction';
import type { Clock } from '../../platform/clock.js';
import { interactionPath } from '../provider-registry.js';
import { nextStep } from './next-step.js';
import type { Interaction } from './types.js';

/** What an application's sign-in needs from this browser, for the sign-in page. */
export async function describeInteraction(
  clock: Clock,
  interaction: Interaction,
): Promise<Static<typeof InteractionDetails>> {
  const step = await nextStep(clock, interaction);
  const clientId = String(interaction.details.params.client_id);
  const client = await interaction.provider.Client.find(clientId);
  return {
    mode: step ?? 'continue',
    client: { id: clientId, name: client?.clientName ?? clientId },
    scopes: String(interaction.details.params.scope ?? '')
      .split(' ')
      .filter((s) => s.length > 0),
    continueTo: interactionPath(interaction.tenant.slug, interaction.details.uid),
  };
}
