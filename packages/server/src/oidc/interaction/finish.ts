import { TwofoldError } from '@twofold/core';
import { acrOf, authTimeOf } from '../provider-registry.js';
import type { Interaction, InteractionDetailsOf } from './types.js';

/**
 * What the earlier steps of this authorization request answered (the provider keeps them as the
 * interaction's last submission), without Twofold's own note. A step's result carries them on:
 * the consent step must not drop the login a step-up just proved, or a request with both
 * `prompt=login` (max_age=0) and `prompt=consent` asks for each in turn for ever.
 */
function earlierResults(details: InteractionDetailsOf): Record<string, unknown> {
  const { twofoldStartedAt: _note, ...earlier } = (details.lastSubmission ?? {}) as Record<string, unknown>;
  return earlier;
}

/** Ends the interaction with the application told `access_denied`; answers where the browser goes. */
export function refuseInteraction(interaction: Interaction, description: string): Promise<string> {
  return interaction.provider.interactionResult(
    interaction.req,
    interaction.res,
    { error: 'access_denied', error_description: description },
    { mergeWithLastSubmission: false },
  );
}

/** The login result from the Twofold session: who, with what (amr, acr) and when. */
async function finishLogin(interaction: Interaction): Promise<string> {
  const session = await interaction.session();
  if (!session) throw new TwofoldError('unauthenticated', 'sign in first');
  return interaction.provider.interactionResult(
    interaction.req,
    interaction.res,
    {
      ...earlierResults(interaction.details),
      login: {
        accountId: session.userId,
        amr: session.amr,
        acr: acrOf(session),
        ts: Math.floor(authTimeOf(session) / 1000),
        remember: true,
      },
    },
    { mergeWithLastSubmission: false },
  );
}

/** Grants what the consent prompt says is missing, on the existing grant or a new one. */
async function finishConsent(interaction: Interaction): Promise<string> {
  const { provider, details } = interaction;
  const accountId = details.session?.accountId;
  if (!accountId) return refuseInteraction(interaction, 'this request cannot be answered here');
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  if (!grant)
    throw new TwofoldError('oidc_interaction_not_found', 'this application sign-in has ended; start again');
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
    grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  return provider.interactionResult(
    interaction.req,
    interaction.res,
    { ...earlierResults(details), consent: details.grantId ? {} : { grantId } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * Finishes the provider's prompt: login from the Twofold session, consent by granting what was
 * asked; any other prompt is refused. Answers where the browser goes next.
 */
export function finishInteraction(interaction: Interaction): Promise<string> {
  switch (interaction.details.prompt.name) {
    case 'login':
      return finishLogin(interaction);
    case 'consent':
      return finishConsent(interaction);
    default:
      return refuseInteraction(interaction, 'this request cannot be answered here');
  }
}
