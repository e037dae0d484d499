import type { Clock } from '../../platform/clock.js';
import { requirementOf, sessionSatisfies } from '../provider-registry.js';
import type { Interaction, InteractionDetailsOf, InteractionStep } from './types.js';

/**
 * When this interaction began, on Twofold's clock (the provider's own timestamps are on the system
 * clock, which need not be the clock sessions are stamped with): noted in the interaction the first
 * time the browser comes here, which is before any step of it.
 */
async function startedAt(clock: Clock, details: InteractionDetailsOf): Promise<number> {
  const noted = (details.lastSubmission as { twofoldStartedAt?: unknown } | undefined)?.twofoldStartedAt;
  if (typeof noted === 'number') return noted;
  const now = clock.now();
  details.lastSubmission = { ...details.lastSubmission, twofoldStartedAt: now };
  await details.save(Math.max(1, (details.exp ?? 0) - Math.floor(Date.now() / 1000)));
  return now;
}

/** What the browser must do for this interaction: sign in, prove a fresh or stronger factor, or consent. */
export async function nextStep(clock: Clock, interaction: Interaction): Promise<InteractionStep> {
  const { tenant, provider, details } = interaction;
  if (details.prompt.name === 'consent') {
    const client = await provider.Client.find(String(details.params.client_id));
    return client?.['urn:twofold:first_party'] === true ? undefined : 'consent';
  }
  const session = await interaction.session();
  if (!session) return 'sign-in';
  const requirement = requirementOf(details.params, tenant, clock.now());
  // prompt=login (and max_age=0, which the provider turns into it): the user proves it again
  // during this interaction, whatever the session holds.
  const fresh =
    !details.prompt.reasons.includes('login_prompt') ||
    (session.mfaAt ?? 0) >= (await startedAt(clock, details));
  return sessionSatisfies(session, requirement) && fresh ? undefined : 'step-up';
}
