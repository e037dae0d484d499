import { answerConsent } from './consent.js';
import { continueInteraction } from './continue.js';
import { describeInteraction } from './describe.js';
import { refuseInteraction } from './finish.js';
import { openInteraction } from './open.js';
import type { Interaction, InteractionDeps, InteractionRequest } from './types.js';

export type { Interaction, InteractionDeps, InteractionRequest } from './types.js';

/**
 * The interaction that connects each tenant's OpenID Connect provider to the Twofold sign-in: the
 * provider asks, the sign-in page answers (sign-in, step-up or consent), and the interaction hands
 * the Twofold session's user, amr and acr back to the provider. One file per step.
 */
export function createOidcInteractions(deps: InteractionDeps) {
  return {
    open: (request: InteractionRequest) => openInteraction(deps, request),
    continue: (interaction: Interaction) => continueInteraction(deps.clock, interaction),
    describe: (interaction: Interaction) => describeInteraction(deps.clock, interaction),
    consent: (interaction: Interaction, decision: 'allow' | 'deny') => answerConsent(interaction, decision),
    abort: (interaction: Interaction) => refuseInteraction(interaction, 'the user cancelled the sign-in'),
  };
}

export type OidcInteractions = ReturnType<typeof createOidcInteractions>;
