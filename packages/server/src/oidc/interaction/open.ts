import { TwofoldError } from '@twofold/core';
import { errors as oidcErrors } from 'oidc-provider';
import type { Session } from '../../sessions/session-service.js';
import {
  type Interaction,
  type InteractionDeps,
  type InteractionRequest,
  interactionEnded,
} from './types.js';

/**
 * Finds the interaction a request names. Without the provider's interaction cookie there is nothing
 * to look up: it answers before building (and, for a tenant that never used OpenID Connect, keying)
 * the provider. An interaction of another uid than the path's is as good as none.
 */
export async function openInteraction(
  deps: InteractionDeps,
  request: InteractionRequest,
): Promise<Interaction> {
  if (!request.hasInteractionCookie) throw new TwofoldError('oidc_interaction_not_found', interactionEnded);
  const tenant = await deps.tenants.getBySlug(request.slug);
  const provider = await deps.providers.forTenant(tenant);
  let details: Interaction['details'];
  try {
    details = await provider.interactionDetails(request.req, request.res);
  } catch (error) {
    if (error instanceof oidcErrors.SessionNotFound)
      throw new TwofoldError('oidc_interaction_not_found', interactionEnded);
    throw error;
  }
  if (details.uid !== request.uid) throw new TwofoldError('oidc_interaction_not_found', interactionEnded);
  let session: Promise<Session | undefined> | undefined;
  return {
    tenant,
    provider,
    details,
    req: request.req,
    res: request.res,
    session() {
      session ??= request.sessionToken
        ? deps.sessions.authenticate(request.sessionToken, { tenantId: tenant.id })
        : Promise.resolve(undefined);
      return session;
    },
  };
}
