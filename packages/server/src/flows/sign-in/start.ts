/**
 * The first step of a sign-in (spec section 3, flow 1): the password, or a Temporary Access
 * Pass, past the password throttle; then a second factor (`mfa_required`) or registration
 * (`registration_required`: no usable method, or an admin required re-registration). A pass is
 * strong on its own: for a user with methods it finishes the sign-in at once.
 */

import { passMethodType } from '../../factors/registry.js';
import { generateToken, hashToken } from '../../platform/crypto/tokens.js';
import type { User } from '../../users/user-service.js';
import { completeSignIn } from './complete.js';
import { refuse, type SignInDeps, usableEntries } from './deps.js';
import type { FlowRow } from './flow-store.js';
import {
  type FlowClient,
  type FlowStatus,
  flowLifetimeMs,
  type StartInput,
  type StartResult,
} from './types.js';

export async function startSignIn(deps: SignInDeps, input: StartInput): Promise<StartResult> {
  const { users, passwordThrottle, signInLog, factors, clock } = deps;
  const { tenant, ip, userAgent } = input;
  const username = input.username.trim();
  const known = await users.findByEmail(tenant.id, username);
  const gate = await passwordThrottle.check({
    tenantId: tenant.id,
    userId: known?.id,
    username,
    ip,
    deviceToken: input.deviceToken,
  });
  if (!gate.allowed) {
    await signInLog.record({
      tenantId: tenant.id,
      userId: known?.id,
      username,
      result: 'failure',
      reason: 'locked_out',
      ip,
      userAgent,
    });
    refuse('locked_out', 'too many failed sign-ins: wait before trying again', {
      retryAfter: gate.retryAfter,
    });
  }

  const first =
    input.temporaryAccessPass !== undefined
      ? await checkPass(deps, input, known, input.temporaryAccessPass)
      : await checkPassword(deps, input, known);
  const { user, firstFactor, deviceToken } = first;

  const methodsNow = await usableEntries(deps, tenant, user.id);
  const needsRegistration = user.registrationRequired || methodsNow.length === 0;
  const status: FlowStatus = needsRegistration ? 'registration_required' : 'mfa_required';
  const flowId = generateToken('tff_', 24);
  const clientSecret = generateToken('', 24);
  const now = clock.now();
  const row: FlowRow = {
    id_hash: hashToken(flowId),
    tenant_id: tenant.id,
    user_id: user.id,
    client_hash: hashToken(clientSecret),
    first_factor: firstFactor,
    status,
    challenge_method_id: null,
    challenge_failures: 0,
    registration_method_id: null,
    amr: JSON.stringify(firstFactor === 'tap' ? ['mfa'] : ['pwd']),
    ip,
    user_agent: userAgent ?? null,
    created_at: now,
    expires_at: now + flowLifetimeMs,
    completed_at: null,
  };
  await deps.store.insert(row);
  const client: FlowClient = { clientSecret, ip, userAgent };

  if (firstFactor === 'tap' && !needsRegistration) {
    // A pass is a strong sign-in on its own (spec section 2).
    const signedIn = await completeSignIn(deps, row, user, ['mfa'], client, { methodType: passMethodType });
    return {
      flow: { flowId, status: 'signed_in', methods: [], expiresAt: row.expires_at },
      clientSecret,
      signedIn,
    };
  }
  if (needsRegistration) {
    await signInLog.record({
      tenantId: tenant.id,
      userId: user.id,
      username: user.email,
      result: 'interrupted',
      reason: 'registration_required',
      methodType: firstFactor === 'tap' ? passMethodType : 'password',
      ip,
      userAgent,
    });
  }
  return {
    flow: {
      flowId,
      status,
      methods: status === 'mfa_required' ? methodsNow : [],
      expiresAt: row.expires_at,
      ...(status === 'registration_required'
        ? { registrationTypes: factors.registrableTypes(tenant.policy) }
        : {}),
    },
    clientSecret,
    ...(deviceToken ? { deviceToken } : {}),
  };
}

interface FirstFactor {
  readonly user: User;
  readonly firstFactor: 'pwd' | 'tap';
  readonly deviceToken?: string;
}

async function checkPass(
  deps: SignInDeps,
  input: StartInput,
  known: User | undefined,
  pass: string,
): Promise<FirstFactor> {
  const { tenant, ip, userAgent } = input;
  const username = input.username.trim();
  // The same answer for every user: the policy is the tenant's, so nothing about the user leaks.
  const passes = deps.factors.get(passMethodType);
  if (!passes || !deps.factors.permitted(tenant.policy, passes)) {
    refuse(
      'method_type_not_allowed',
      'this organisation does not accept Temporary Access Passes; sign in with your password',
    );
  }
  const redeemed = known && !known.disabled ? await deps.passes.redeem(tenant.id, pass, known.id) : undefined;
  if (redeemed && known) return { user: known, firstFactor: 'tap' };
  const why = known ? await deps.passes.explainFailure(tenant.id, pass, known.id) : 'unknown';
  await deps.passwordThrottle.recordFailure({ tenantId: tenant.id, userId: known?.id, username, ip });
  const reason = why === 'expired' ? 'tap_expired' : 'invalid_credentials';
  await deps.signInLog.record({
    tenantId: tenant.id,
    userId: known?.id,
    username,
    result: 'failure',
    reason,
    methodType: passMethodType,
    ip,
    userAgent,
  });
  if (why === 'expired') {
    refuse(
      'tap_expired',
      'this Temporary Access Pass has expired or was already used; ask your administrator for a new one',
    );
  }
  return refuse('invalid_credentials', 'that username or Temporary Access Pass is not right');
}

async function checkPassword(
  deps: SignInDeps,
  input: StartInput,
  known: User | undefined,
): Promise<FirstFactor> {
  const { tenant, ip, userAgent } = input;
  const username = input.username.trim();
  const user = await deps.users.verifyPassword(tenant.id, username, input.password ?? '');
  if (!user) {
    await deps.passwordThrottle.recordFailure({ tenantId: tenant.id, userId: known?.id, username, ip });
    await deps.signInLog.record({
      tenantId: tenant.id,
      userId: known?.id,
      username,
      result: 'failure',
      reason: known?.disabled ? 'user_disabled' : 'invalid_credentials',
      methodType: 'password',
      ip,
      userAgent,
    });
    refuse('invalid_credentials', 'that username or password is not right');
  }
  const { deviceToken } = await deps.passwordThrottle.recordSuccess({
    tenantId: tenant.id,
    userId: user.id,
    ip,
    deviceToken: input.deviceToken,
  });
  return { user, firstFactor: 'pwd', deviceToken };
}
