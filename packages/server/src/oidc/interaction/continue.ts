import type { Clock } from '../../platform/clock.js';
import { finishInteraction } from './finish.js';
import { nextStep } from './next-step.js';
import type { Interaction } from './types.js';

const signInPage = (slug: string, uid: string) =>
  `/t/${encodeURIComponent(slug)}/sign-in?interaction=${encodeURIComponent(uid)}`;

/**
 * Where the browser goes when it comes back to an interaction: the sign-in page while a step is
 * missing (sign-in, step-up, consent), else on to the provider with the step's result.
 */
export async function continueInteraction(clock: Clock, interaction: Interaction): Promise<string> {
  const step = await nextStep(clock, interaction);
  return step ? signInPage(interaction.tenant.slug, interaction.details.uid) : finishInteraction(interaction);
}
