/**
 * The push step: the sign-in page waits (a long-poll) for the answer to its newest push. An
 * approval finishes the sign-in (amr: the first factor, `swk`, `mfa`); a report ends it.
 */
import { factorTypes } from '../../factors/registry.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { completeSignIn } from './complete.js';
import { loadFlow, parseAmr, refuse, type SignInDeps } from './deps.js';
import type { FlowClient, FlowPushPending, FlowSignedIn } from './types.js';

export async function pushStatusOfSignIn(
  deps: SignInDeps,
  tenant: Tenant,
  flowId: string,
  client: FlowClient,
  options: { waitMs: number; signal?: AbortSignal | undefined },
): Promise<FlowSignedIn | FlowPushPending> {
  const row = await loadFlow(deps, tenant, flowId, client, { failed: true });
  const push = deps.factors.get(factorTypes.push);
  const chosen = row.challenge_method_id ? deps.factors.ownerOfEntry(row.challenge_method_id) : undefined;
  if (!push || chosen !== push) {
    if (row.status === 'failed') refuse('flow_expired', 'this sign-in has ended; start again');
    refuse('flow_state_invalid', 'this sign-in has not sent a push; choose push approval first');
  }
  // A sign-in that ended waits for nothing: only a report may be what ended it.
  const outcome = await deps.push.outcome(row.tenant_id, row.id_hash, {
    waitMs: row.status === 'failed' ? 0 : options.waitMs,
    signal: options.signal,
  });
  if (!outcome) refuse('flow_state_invalid', 'this sign-in has not sent a push; choose push approval first');
  if (row.status === 'failed' && outcome.status !== 'reported') {
    refuse('flow_expired', 'this sign-in has ended; start again');
  }
  if (outcome.status !== 'approved') return { status: outcome.status };
  const user = await deps.users.getById(row.tenant_id, row.user_id);
  await deps.lockout.recordSuccess(row.tenant_id, row.user_id, outcome.methodId);
  return completeSignIn(deps, row, user, [...new Set([...parseAmr(row.amr), push.amr, 'mfa'])], client, {
    methodType: push.type,
    methodId: outcome.methodId,
  });
}
