/**
 * The second-factor step: a code for one of the user's entries (or, at registration, for the
 * method just registered), checked by the one code check (flows/code-check.ts). Five wrong codes
 * end the sign-in; every refusal goes to the sign-in log with its reason.
 */
import type { Actor } from '../../audit/audit-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { User } from '../../users/user-service.js';
import { type CodeCheck, checkCode, refuseCode } from '../code-check.js';
import { completeSignIn } from './complete.js';
import {
  loadFlow,
  logFailure,
  parseAmr,
  proofEntries,
  proofOf,
  refuse,
  type SignInDeps,
  viewOf,
} from './deps.js';
import type { FlowRow } from './flow-store.js';
import {
  type FlowClient,
  type FlowSignedIn,
  type FlowView,
  maxCodeFailuresPerFlow,
  type SignInAnswer,
} from './types.js';

export async function verifySignIn(
  deps: SignInDeps,
  tenant: Tenant,
  flowId: string,
  client: FlowClient,
  entryId: string,
  answer: SignInAnswer,
): Promise<FlowSignedIn | FlowView> {
  const row = await loadFlow(deps, tenant, flowId, client);
  const owner = deps.factors.ownerOfEntry(entryId);
  if (owner && !owner.verify)
    refuse('flow_state_invalid', 'a push is approved on the device, not with a code');
  const user = await deps.users.getById(row.tenant_id, row.user_id);
  const ctx = { tenant, userId: row.user_id, ip: client.ip, userAgent: client.userAgent };
  const amrBase = parseAmr(row.amr);
  const proof = proofOf(row);
  if (proof === 'pass') {
    refuse(
      'registration_pass_required',
      'your organisation lets you register a method only after signing in with a Temporary Access Pass; ask your administrator for one',
    );
  }
  if (proof === 'method') return verifyProof(deps, tenant, row, user, client, entryId, answer, flowId);
  const registering = row.status === 'registration_required';
  if (registering && (!row.registration_method_id || row.registration_method_id !== entryId)) {
    refuse('flow_state_invalid', 'register a method first, then confirm it with a code from it');
  }
  const checked = await checkCode(deps, {
    ctx,
    entryId,
    ...answer,
    purpose: 'sign_in',
    pending: registering,
  });
  if (!checked.ok) return refuseChecked(deps, row, user, client, entryId, checked);

  if (registering) {
    await deps.users.clearRegistrationRequired(row.tenant_id, row.user_id);
    const hasCodes = (await deps.recoveryCodes.remaining(row.tenant_id, row.user_id)) > 0;
    const actor: Actor = { type: 'user', id: row.user_id, ip: client.ip };
    const issued = hasCodes ? undefined : await deps.recoveryCodes.issue(row.tenant_id, row.user_id, actor);
    const amr = [...new Set([...amrBase.filter((a) => a !== 'mfa'), ...checked.amr, 'mfa'])];
    return completeSignIn(deps, row, user, amr, client, {
      recoveryCodes: issued,
      methodType: checked.factor.type,
      methodId: entryId,
    });
  }
  return completeSignIn(deps, row, user, [...new Set([...amrBase, ...checked.amr, 'mfa'])], client, {
    recoveryCodesRemaining: checked.recoveryCodesRemaining,
    methodType: checked.factor.type,
    methodId: entryId,
  });
}

/**
 * A proof before registration (spec section 6): a code from one of the user's own methods, of any
 * type the policy may no longer allow, or a recovery code; the same lockout, replay and refusal
 * rules as any code. Then the flow waits for the new method.
 */
async function verifyProof(
  deps: SignInDeps,
  tenant: Tenant,
  row: FlowRow,
  user: User,
  client: FlowClient,
  entryId: string,
  answer: SignInAnswer,
  flowId: string,
): Promise<FlowView> {
  const ctx = { tenant, userId: row.user_id, ip: client.ip, userAgent: client.userAgent };
  const offered = (await proofEntries(deps, tenant, row.user_id)).some((e) => e.id === entryId);
  if (!offered) refuse('method_not_found', 'no such sign-in method for this account');
  const checked = await checkCode(deps, { ctx, entryId, ...answer, purpose: 'sign_in', proof: true });
  if (!checked.ok) return refuseChecked(deps, row, user, client, entryId, checked);
  const amr = [...new Set([...parseAmr(row.amr), ...checked.amr])];
  if (!(await deps.store.proved(row.id_hash, amr))) {
    refuse('flow_expired', 'this sign-in has expired or ended; start again');
  }
  return viewOf(deps, tenant, { ...row, proof: null, amr: JSON.stringify(amr) }, flowId);
}

/** Logs a refused code and counts it against the flow: the fifth wrong code ends the sign-in. */
async function refuseChecked(
  deps: SignInDeps,
  row: FlowRow,
  user: User,
  client: FlowClient,
  entryId: string,
  checked: Exclude<CodeCheck, { ok: true }>,
): Promise<never> {
  if (checked.stage === 'unknown') throw checked.refusal;
  if (checked.stage === 'locked') {
    await logFailure(deps, row, user, client, checked.refusal.code);
    throw checked.refusal;
  }
  // The attempt was already counted against the user's lockout when it was admitted.
  const failures = (await deps.store.countFailure(row.id_hash)) ?? maxCodeFailuresPerFlow;
  const method = { type: checked.factor.type, id: entryId };
  const details = checked.offsetSeconds !== undefined ? { offsetSeconds: checked.offsetSeconds } : undefined;
  await logFailure(deps, row, user, client, checked.reason, method, details);
  if (failures >= maxCodeFailuresPerFlow) {
    await deps.store.fail(row.id_hash);
    refuse('too_many_attempts', `${maxCodeFailuresPerFlow} wrong codes ended this sign-in; start again`);
  }
  throw refuseCode(checked.reason, {
    purpose: 'sign_in',
    sendsCode: checked.factor.sendsCode,
    offsetSeconds: checked.offsetSeconds,
    extra: { attemptsLeft: maxCodeFailuresPerFlow - failures },
  });
}
