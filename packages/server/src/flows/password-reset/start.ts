/**
 * "Forgot password?" (spec section 6), first step: `{username}` starts a reset bound to this
 * browser. A user proves who they are with one registered method (an admin with two different
 * ones); a user without enough methods cannot reset (`password_reset_unavailable`: ask an admin
 * for a Temporary Access Pass), and an unknown or disabled username gets that same answer after
 * the same statements. Each unavailable answer counts against the address's password throttle, so
 * the answer cannot be used to sort a list of usernames quickly.
 */
import { TwofoldError } from '@twofold/core';
import { nobodyUserId } from '../../factors/temporary-access-pass/temporary-access-pass-service.js';
import { generateToken, hashToken } from '../../platform/crypto/tokens.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import {
  type PasswordResetDeps,
  type ResetClient,
  type ResetView,
  resetEntries,
  resetLifetimeMs,
} from './deps.js';

export async function startReset(
  deps: PasswordResetDeps,
  input: { tenant: Tenant; username: string; ip: string; userAgent?: string | undefined },
): Promise<{ view: ResetView; clientSecret: string }> {
  const { tenant, ip } = input;
  const gate = await deps.passwordThrottle.check({ tenantId: tenant.id, ip });
  if (!gate.allowed) {
    throw new TwofoldError('locked_out', 'too many attempts from this address: wait before trying again', {
      retryAfter: gate.retryAfter,
    });
  }
  const known = await deps.users.findByEmail(tenant.id, input.username.trim());
  const user = known && !known.disabled ? known : undefined;
  const entries = await resetEntries(deps, tenant, user?.id ?? nobodyUserId);
  const proofsRequired = user && user.roles.length > 0 ? 2 : 1;
  if (!user || entries.length < proofsRequired) {
    await deps.passwordThrottle.recordFailure({ tenantId: tenant.id, ip });
    throw new TwofoldError(
      'password_reset_unavailable',
      'your password cannot be reset here: no sign-in method is registered for this username. Ask your administrator for a Temporary Access Pass',
    );
  }
  const flowId = generateToken('tfr_', 24);
  const clientSecret = generateToken('', 24);
  const now = deps.clock.now();
  await deps.store.insert({
    id_hash: hashToken(flowId),
    tenant_id: tenant.id,
    user_id: user.id,
    client_hash: hashToken(clientSecret),
    status: 'verification_required',
    proofs_required: proofsRequired,
    proven: '[]',
    challenge_failures: 0,
    ip,
    user_agent: input.userAgent ?? null,
    created_at: now,
    expires_at: now + resetLifetimeMs,
    completed_at: null,
  });
  return {
    view: {
      flowId,
      status: 'verification_required',
      methods: entries,
      verified: 0,
      expiresAt: now + resetLifetimeMs,
    },
    clientSecret,
  };
}

export type { ResetClient };
