/**
 * The registration step ("More information required"): a new method of a type the policy allows,
 * once the user proved who they are if the flow asks for it (spec section 6).
 */
import type { Actor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { loadFlow, proofOf, refuse, type SignInDeps } from './deps.js';
import type { FlowClient, FlowRegistration } from './types.js';

export async function registerAtSignIn(
  deps: SignInDeps,
  tenant: Tenant,
  flowId: string,
  client: FlowClient,
  input: {
    type: string;
    label?: string | undefined;
    phoneNumber?: string | undefined;
    email?: string | undefined;
  },
): Promise<FlowRegistration> {
  const row = await loadFlow(deps, tenant, flowId, client);
  if (row.status !== 'registration_required') {
    refuse('flow_state_invalid', 'this account already has a method: enter a code from it');
  }
  const proof = proofOf(row);
  if (proof === 'method') {
    refuse(
      'registration_proof_required',
      'before registering a new method, confirm it is you with a code from one of your methods or a recovery code',
    );
  }
  if (proof === 'pass') {
    refuse(
      'registration_pass_required',
      'your organisation lets you register a method only after signing in with a Temporary Access Pass; ask your administrator for one',
    );
  }
  const actor: Actor = { type: 'user', id: row.user_id, ip: client.ip };
  const ctx = { tenant, userId: row.user_id, ip: client.ip, userAgent: client.userAgent };
  const registered = await deps.factors.register(ctx, input.type, input, actor);
  await deps.store.setRegistration(row.id_hash, registered.methodId);
  return registered;
}
