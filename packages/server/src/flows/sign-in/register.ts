/** The registration step ("More information required"): a new method of a type the policy allows. */
import type { Actor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { loadFlow, refuse, type SignInDeps } from './deps.js';
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
  const actor: Actor = { type: 'user', id: row.user_id, ip: client.ip };
  const ctx = { tenant, userId: row.user_id, ip: client.ip, userAgent: client.userAgent };
  const registered = await deps.factors.register(ctx, input.type, input, actor);
  await deps.store.setRegistration(row.id_hash, registered.methodId);
  return registered;
}
