/**
 * What every event that ends a user's credentials does (spec section 6, "Credentials follow the
 * person's current rights"), inside the caller's one transaction: each factor ends what the event
 * ends (registry `end`: passes always, recovery codes and methods on re-registration, push devices
 * on sign-out everywhere), the user's sessions and application grants end (but the caller's own
 * session when it is kept), and sign-ins and password resets in progress end, so none of them
 * finishes with what was just ended.
 */
import type { Executor } from '../audit/audit-log.js';
import type { EndEvent, EndResult, EndTarget } from '../factors/factor.js';
import type { FactorRegistry } from '../factors/registry.js';
import type { SessionService } from '../sessions/session-service.js';

/** A store of flows that a user may have in progress (sign-ins, password resets). */
export interface UnfinishedFlows {
  endUnfinishedForUser(executor: Executor, tenantId: string, userId: string): Promise<void>;
}

export interface EndCredentialsDeps {
  readonly factors: Pick<FactorRegistry, 'end'>;
  readonly sessions: Pick<SessionService, 'revokeAllForUser'>;
  readonly unfinishedFlows: readonly UnfinishedFlows[];
}

export interface EndedCredentials extends Required<EndResult> {
  readonly revokedSessions: number;
}

export async function endCredentials(
  deps: EndCredentialsDeps,
  executor: Executor,
  target: EndTarget,
  event: EndEvent,
  options: { keepSessionId?: string | undefined; reason?: string | undefined } = {},
): Promise<EndedCredentials> {
  const { tenantId, userId, actor } = target;
  const ended = await deps.factors.end(executor, target, event);
  const revokedSessions = await deps.sessions.revokeAllForUser(tenantId, userId, actor, {
    executor,
    endGrants: true,
    ...(options.keepSessionId !== undefined ? { exceptSessionId: options.keepSessionId } : {}),
    ...(options.reason ? { reason: options.reason } : {}),
  });
  for (const flows of deps.unfinishedFlows) await flows.endUnfinishedForUser(executor, tenantId, userId);
  return { ...ended, revokedSessions };
}
