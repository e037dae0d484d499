/** An admin issues a Temporary Access Pass (spec section 2): allowed by the policy, within its lifetimes. */
import { type IssuerRole, TwofoldError } from '@twofold/core';
import type { Actor } from '../../audit/audit-log.js';
import { passMethodType } from '../../factors/registry.js';
import type { IssuedPass } from '../../factors/temporary-access-pass/temporary-access-pass-service.js';
import { checkPassLifetime } from '../../tenants/tenant-policy.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { AdminFlowDeps } from './deps.js';

export async function issuePass(
  deps: AdminFlowDeps,
  input: {
    tenant: Tenant;
    userId: string;
    lifetimeMinutes?: number | undefined;
    reusable?: boolean | undefined;
    reason?: string | undefined;
    actor: Actor;
    /** The caller's role (an admin's strongest role, or an API key's): the pass remembers it. */
    issuerRole: IssuerRole;
  },
): Promise<IssuedPass & { lifetimeMinutes: number }> {
  const { policy } = input.tenant;
  const passes = deps.factors.get(passMethodType);
  if (!passes || !deps.factors.permitted(policy, passes)) {
    throw new TwofoldError(
      'method_type_not_allowed',
      'the tenant policy does not allow Temporary Access Passes',
    );
  }
  const lifetimeMinutes = input.lifetimeMinutes ?? policy.temporaryAccessPass.defaultMinutes;
  checkPassLifetime(policy, lifetimeMinutes);
  const issued = await deps.passes.issue(
    {
      tenantId: input.tenant.id,
      userId: input.userId,
      lifetimeMinutes,
      reusable: input.reusable === true,
      reason: input.reason,
      issuerRole: input.issuerRole,
    },
    input.actor,
  );
  return { ...issued, lifetimeMinutes };
}
