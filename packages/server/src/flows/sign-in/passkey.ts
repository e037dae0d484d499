/**
 * A sign-in without a password (spec section 6): the browser is given WebAuthn options with no
 * allowed credentials, bound to a new sign-in id and to the browser's secret (a cookie, as for any
 * sign-in); the answer names the user through the credential, and a passkey with user
 * verification is both factors. Which factor can do this is the registry's answer (`discoverer`).
 */
import { generateToken, hashToken } from '../../platform/crypto/tokens.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { lockoutRefusal, refuseCode } from '../code-check.js';
import { completeSignIn } from './complete.js';
import { flowSecrets, refuse, type SignInDeps, viewOf } from './deps.js';
import type { FlowRow } from './flow-store.js';
import {
  type FlowClient,
  type FlowSignedIn,
  type FlowView,
  flowLifetimeMs,
  type PasskeySignInStart,
} from './types.js';

function discoverer(deps: SignInDeps, tenant: Tenant) {
  const factor = deps.factors.discoverer(tenant.policy);
  if (!factor?.discover) {
    refuse('method_type_not_allowed', 'this organisation does not accept sign-in with a passkey');
  }
  return { factor, discover: factor.discover };
}

export async function startPasskeySignIn(deps: SignInDeps, tenant: Tenant): Promise<PasskeySignInStart> {
  const { discover } = discoverer(deps, tenant);
  const flowId = generateToken('tff_', 24);
  const clientSecret = generateToken('', 24);
  const started = await discover.start(tenant, {
    flowHash: hashToken(flowId),
    clientHash: hashToken(clientSecret),
  });
  return { flowId, clientSecret, options: started.options, expiresAt: started.expiresAt };
}

export async function finishPasskeySignIn(
  deps: SignInDeps,
  tenant: Tenant,
  flowId: string,
  client: FlowClient,
  credential: unknown,
): Promise<FlowSignedIn | FlowView> {
  const { factor, discover } = discoverer(deps, tenant);
  const checked = await discover.finish(
    tenant,
    { flowHash: hashToken(flowId), clientHashes: flowSecrets(client.clientSecret).map(hashToken) },
    credential,
  );
  const user = checked.userId ? await deps.users.getById(tenant.id, checked.userId) : undefined;
  const logFailure = (reason: string) =>
    deps.signInLog.record({
      tenantId: tenant.id,
      userId: user?.id,
      username: user?.email ?? '',
      result: 'failure',
      reason,
      methodType: factor.type,
      methodId: checked.methodId,
      ip: client.ip,
      userAgent: client.userAgent,
    });
  if (!checked.ok) {
    await logFailure(checked.reason);
    if (user) await deps.lockout.recordFailure(tenant.id, user.id, checked.methodId);
    throw refuseCode(checked.reason, { purpose: 'sign_in', sendsCode: false });
  }
  if (!user || user.disabled) {
    await logFailure('user_disabled');
    refuse('invalid_credentials', 'this account cannot sign in; ask your administrator');
  }
  const lock = await deps.lockout.check(tenant.id, user.id);
  if (lock.locked) {
    const refusal = lockoutRefusal(lock);
    await logFailure(refusal.code);
    throw refusal;
  }
  const now = deps.clock.now();
  const amr = [...new Set([...checked.amr, 'mfa'])];
  const row: FlowRow = {
    id_hash: hashToken(flowId),
    tenant_id: tenant.id,
    user_id: user.id,
    client_hash: hashToken(flowSecrets(client.clientSecret)[0] ?? ''),
    // The factor that named the user: no password came first.
    first_factor: factor.type,
    status: user.registrationRequired ? 'registration_required' : 'mfa_required',
    challenge_method_id: checked.methodId,
    challenge_failures: 0,
    registration_method_id: null,
    amr: JSON.stringify(amr),
    proof: null,
    ip: client.ip,
    user_agent: client.userAgent ?? null,
    created_at: now,
    expires_at: now + flowLifetimeMs,
    completed_at: null,
  };
  await deps.store.insert(row);
  if (user.registrationRequired) {
    // A passkey outlives "require re-registration" (as in Entra) and proves who registers the rest.
    await deps.signInLog.record({
      tenantId: tenant.id,
      userId: user.id,
      username: user.email,
      result: 'interrupted',
      reason: 'registration_required',
      methodType: factor.type,
      methodId: checked.methodId,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    return viewOf(deps, tenant, row, flowId);
  }
  await deps.lockout.recordSuccess(tenant.id, user.id, checked.methodId);
  return completeSignIn(deps, row, user, amr, client, {
    methodType: factor.type,
    methodId: checked.methodId,
  });
}
