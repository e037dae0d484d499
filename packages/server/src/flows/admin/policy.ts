/**
 * Replacing the tenant policy (spec section 4). Turning on `phishingResistantAdmins` (spec
 * section 6) would lock every admin out of the console unless some global admin can sign in with a
 * phishing-resistant method, so it is refused while none has one.
 */
import { TwofoldError } from '@twofold/core';
import type { Actor } from '../../audit/audit-log.js';
import type { TenantPolicy } from '../../tenants/tenant-policy.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { AdminFlowDeps } from './deps.js';

export async function updatePolicy(
  deps: Pick<AdminFlowDeps, 'db' | 'tenants' | 'factors'>,
  input: { tenant: Tenant; policy: TenantPolicy; actor: Actor; reason?: string | undefined },
): Promise<Tenant> {
  const { tenant, policy } = input;
  if (policy.phishingResistantAdmins && !tenant.policy.phishingResistantAdmins) {
    const types = deps.factors.phishingResistantTypes();
    const holder =
      types.length === 0
        ? undefined
        : await deps.db
            .selectFrom('user_roles as r')
            .innerJoin('users as u', 'u.id', 'r.user_id')
            .innerJoin('methods as m', 'm.user_id', 'r.user_id')
            .select('u.id')
            .where('r.tenant_id', '=', tenant.id)
            .where('r.role', '=', 'global-admin')
            .where('u.disabled', '=', 0)
            .where('m.status', '=', 'active')
            .where('m.type', 'in', types)
            .executeTakeFirst();
    if (!holder || !policy.allowedMethods.some((t) => types.includes(t))) {
      throw new TwofoldError(
        'phishing_resistant_required',
        'no global admin of this organisation has a passkey (or the policy does not allow passkeys): register one first, or every admin would be locked out of the console',
      );
    }
  }
  return deps.tenants.updatePolicy(tenant.id, policy, input.actor, input.reason);
}
