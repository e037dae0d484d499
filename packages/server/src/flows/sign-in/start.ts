/**
 * The first step of a sign-in (spec section 3, flow 1): the password, or a Temporary Access
 * Pass, past the password throttle; then a second factor (`mfa_required`) or registration
 * (`registration_required`: no usable method, or an admin required re-registration). A pass is
 * strong on its own: for a user with methods it finishes the sign-in at once.
 *
 * Registration after a password alone is allowed only for a user with no method at all (spec
 * section 6): a user whose methods are all of types the policy no longer allows proves who they
 * are with one of them or a recovery code first (`proofRequired: 'method'`), and with the policy's
 * `registrationRequiresPass` only a pass opens registration (`proofRequired: 'pass'`).
 */

import { passMethodType } from '../../factors/registry.js';
import { nobodyUserId } from '../../factors/temporary-access-pass/temporary-access-pass-service.js';
import { generateToken, hashToken } from '../../platform/crypto/tokens.js';
import type { TenantPolicy } from '../../tenants/tenant-policy.js';
import type { SignInCandidate, User } from '../../users/user-service.js';
import { completeSignIn } from './complete.js';
import { proofEntries, refuse, type SignInDeps } from './deps.js';
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
  // The user, their roles and their password counters, read once and passed along.
  const candidate = await users.findForSignIn(tenant.id, username);
  const known = candidate?.user;
  const gate = await passwordThrottle.check({
    tenantId: tenant.id,
    userId: known?.id,
    username,
    ip,
    deviceToken: input.deviceToken,
    account: candidate?.counters,
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
      : await checkPassword(deps, input, candidate);
  const { user, firstFactor, deviceToken } = first;

  const held = await deps.methods.listForUser(tenant.id, user.id);
  const methodsNow = await factors.offer({ tenant, userId: user.id }, held);
  const needsRegistration = user.registrationRequired || methodsNow.length === 0;
  const status: FlowStatus = needsRegistration ? 'registration_required' : 'mfa_required';
  const proof = needsRegistration && firstFactor === 'pwd' ? proofNeeded(tenant.policy, held.length) : null;
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
    proof,
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
      methods:
        status === 'mfa_required'
          ? methodsNow
          : proof === 'method'
            ? await proofEntries(deps, tenant, user.id)
            : [],
      expiresAt: row.expires_at,
      ...(status === 'registration_required'
        ? { registrationTypes: factors.registrableTypes(tenant.policy) }
        : {}),
      ...(proof ? { proofRequired: proof } : {}),
    },
    clientSecret,
    ...(deviceToken ? { deviceToken } : {}),
  };
}

/** What a user who signed in with a password must prove before registering (null: nothing). */
function proofNeeded(policy: TenantPolicy, methodsHeld: number): 'method' | 'pass' | null {
  if (policy.registrationRequiresPass) return 'pass';
  return methodsHeld > 0 ? 'method' : null;
}

interface FirstFactor {
  readonly user: User;
  readonly firstFactor: 'pwd' | 'tap';
  readonly deviceToken?: string;
}

/** The problem (and sign-in log reason) for each way a pass fails. */
const passRefusals = {
  expired: 'tap_expired',
  revoked: 'tap_revoked',
  not_allowed: 'tap_not_allowed',
  unknown: 'invalid_credentials',
} as const;

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
  // Every username costs the same statements (issue 14, item 7): an unknown or disabled user's
  // pass is redeemed and explained against an id nobody has.
  const eligible = known && !known.disabled ? known : undefined;
  const subjectId = eligible?.id ?? nobodyUserId;
  const redeemed = await deps.passes.redeem(tenant.id, pass, subjectId);
  if (redeemed && eligible) return { user: eligible, firstFactor: 'tap' };
  const why = await deps.passes.explainFailure(tenant.id, pass, subjectId);
  await deps.passwordThrottle.recordFailure({ tenantId: tenant.id, userId: known?.id, username, ip });
  const reason = passRefusals[why];
  await deps.signInLog.record({
    tenantId: tenant.id,
    userId: known?.id,
    username,
    result: 'failure',
    reason: known?.disabled ? 'user_disabled' : reason,
    methodType: passMethodType,
    ip,
    userAgent,
  });
  switch (reason) {
    case 'tap_expired':
      return refuse(
        reason,
        'this Temporary Access Pass has expired or was already used; ask your administrator for a new one',
      );
    case 'tap_revoked':
      return refuse(
        reason,
        'this Temporary Access Pass was revoked (your account was changed or signed out everywhere); ask your administrator for a new one',
      );
    case 'tap_not_allowed':
      return refuse(
        reason,
        'this Temporary Access Pass was issued by an admin who may not act on your account now; ask a global administrator for a new one',
      );
    default:
      return refuse('invalid_credentials', 'that username or Temporary Access Pass is not right');
  }
}

async function checkPassword(
  deps: SignInDeps,
  input: StartInput,
  candidate: SignInCandidate | undefined,
): Promise<FirstFactor> {
  const { tenant, ip, userAgent } = input;
  const username = input.username.trim();
  const known = candidate?.user;
  const user = await deps.users.verifyCandidatePassword(candidate, input.password ?? '');
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
    account: candidate?.counters,
  });
  return { user, firstFactor: 'pwd', deviceToken };
}
