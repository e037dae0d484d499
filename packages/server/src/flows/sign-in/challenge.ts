/**
 * The challenge step: the user picked one of their entries ("Sign in another way"); its factor
 * sends a code (SMS, email) or starts a push, or does nothing (a code shown on a device).
 * Nothing is sent while the user's second-factor sign-in is locked.
 */
import { TwofoldError } from '@twofold/core';
import type { Tenant } from '../../tenants/tenant-service.js';
import { lockoutRefusal } from '../code-check.js';
import { entriesOf, loadFlow, logFailure, proofOf, refuse, type SignInDeps } from './deps.js';
import type { FlowChallenge, FlowClient } from './types.js';

export async function challengeSignIn(
  deps: SignInDeps,
  tenant: Tenant,
  flowId: string,
  client: FlowClient,
  entryId: string,
): Promise<FlowChallenge> {
  const row = await loadFlow(deps, tenant, flowId, client);
  const proof = proofOf(row) === 'method';
  if (row.status !== 'mfa_required' && !proof) {
    refuse('flow_state_invalid', 'this sign-in is waiting for a new method to be registered, not for a code');
  }
  const ctx = { tenant, userId: row.user_id, ip: client.ip, userAgent: client.userAgent };
  const offered = (await entriesOf(deps, tenant, row)).find((e) => e.id === entryId);
  const entry = offered
    ? await deps.factors.resolve(ctx, entryId, (id) => deps.methods.find(tenant.id, row.user_id, id), {
        proof,
      })
    : undefined;
  if (!offered || !entry) refuse('method_not_found', 'no such sign-in method for this account');
  if (!entry.factor.challenge) {
    await deps.store.setChallenge(row.id_hash, entryId);
    return {};
  }
  const method = { type: offered.type, id: entry.method?.id ?? entry.ref };
  const lock = await deps.lockout.check(tenant.id, row.user_id);
  if (lock.locked) {
    const refusal = lockoutRefusal(lock);
    await logFailure(
      deps,
      row,
      await deps.users.getById(tenant.id, row.user_id),
      client,
      refusal.code,
      method,
    );
    throw refusal;
  }
  try {
    const challenge = await deps.factors.challenge(ctx, entry, {
      purpose: 'sign_in_code',
      flowIdHash: row.id_hash,
    });
    await deps.store.setChallenge(row.id_hash, entryId);
    return challenge;
  } catch (error) {
    if (
      error instanceof TwofoldError &&
      (error.code === 'send_limited' || error.code === 'delivery_failed')
    ) {
      const user = await deps.users.getById(tenant.id, row.user_id);
      await logFailure(
        deps,
        row,
        user,
        client,
        error.code,
        method,
        error.details as Record<string, unknown> | undefined,
      );
    }
    throw error;
  }
}
