import { TwofoldError } from '@twofold/core';
import type {
  FlowMessageCodes,
  FlowMethods,
  FlowMfaLockout,
  FlowPush,
  FlowRecoveryCodes,
  FlowTotp,
  LockoutState,
} from './sign-in-flow-deps.js';
import type { FlowMethodView } from './sign-in-flow-service.js';

/** The recovery codes appear in method lists under this id. */
export const recoveryCodesMethodId = 'recovery-codes';
/** A push entry's id is this prefix and its authenticator method's id (`push:<methodId>`). */
export const pushMethodPrefix = 'push:';
/** RFC 8176 `swk`: proof of a software-secured key, the device's signature on a push approval. */
export const pushAmr = 'swk';
const codeMethodTypes = new Set(['totp', 'authenticator', 'hardware_oath', 'sms', 'email']);
/** Methods whose code is sent to the user (the others show it on a device). */
export const sentCodeTypes = new Set(['sms', 'email']);

/** RFC 8176 method reference for a second factor: `sms` for a texted code, `otp` for the others. */
export function amrFor(methodType: string): string {
  return methodType === 'sms' ? 'sms' : 'otp';
}

export type SecondFactorResult =
  | { ok: true; methodType: string; recoveryCodesRemaining?: number }
  | { ok: false; methodType: string; reason: string; offsetSeconds?: number };

export interface SecondFactorDeps {
  readonly methods: FlowMethods;
  readonly totp: FlowTotp;
  readonly recoveryCodes: FlowRecoveryCodes;
  readonly messageCodes: Pick<FlowMessageCodes, 'verify'>;
  /** With it, authenticator methods with an active push device are also offered as push entries. */
  readonly push?: Pick<FlowPush, 'targets'>;
}

/** Checks a code against a pending or active method of any code type. */
export function verifyMethodCode(
  deps: Pick<SecondFactorDeps, 'totp' | 'messageCodes'>,
  methodType: string,
  input: { tenantId: string; userId: string; methodId: string; code: string },
): Promise<{ ok: true } | { ok: false; reason: string; offsetSeconds?: number }> {
  return sentCodeTypes.has(methodType) ? deps.messageCodes.verify(input) : deps.totp.verify(input);
}

/**
 * The methods a user can answer a challenge with now: active code methods, then recovery codes, of
 * the types the tenant's policy allows (`allowed`; every type when absent). A type the policy
 * turned off stops working at once, even for methods registered before. With `push`, an
 * authenticator method that push reaches comes first as `{ id: "push:<id>", type: "push" }`,
 * default in its method's place; its code entry stays, not default.
 */
export async function listUsableMethods(
  deps: SecondFactorDeps,
  tenantId: string,
  userId: string,
  allowed?: readonly string[],
): Promise<FlowMethodView[]> {
  const permitted = (type: string) => allowed === undefined || allowed.includes(type);
  const active = (await deps.methods.listForUser(tenantId, userId)).filter(
    (m) => m.status === 'active' && codeMethodTypes.has(m.type) && permitted(m.type),
  );
  const targets =
    deps.push && active.some((m) => m.type === 'authenticator')
      ? await deps.push.targets(tenantId, userId)
      : [];
  const views: FlowMethodView[] = [];
  for (const m of active) {
    const target = m.type === 'authenticator' ? targets.find((t) => t.methodId === m.id) : undefined;
    if (target) {
      views.push({
        id: `${pushMethodPrefix}${m.id}`,
        type: 'push',
        label: `Approve on ${target.deviceName}`,
        isDefault: m.isDefault,
      });
    }
    views.push({ id: m.id, type: m.type, label: m.label, isDefault: target ? false : m.isDefault });
  }
  if (
    views.length > 0 &&
    permitted('recovery_codes') &&
    (await deps.recoveryCodes.remaining(tenantId, userId)) > 0
  ) {
    views.push({
      id: recoveryCodesMethodId,
      type: 'recovery_codes',
      label: 'Recovery code',
      isDefault: false,
    });
  }
  return views;
}

/**
 * Checks one code against one of the user's usable methods (sign-in and step-up share this).
 * Returns undefined when the method is not one of them; lockouts are the caller's to check and count.
 */
export async function checkSecondFactor(
  deps: SecondFactorDeps,
  input: {
    tenantId: string;
    userId: string;
    methodId: string;
    code: string;
    /** The method types the tenant's policy allows (every type when absent). */
    allowed?: readonly string[];
  },
): Promise<SecondFactorResult | undefined> {
  const { tenantId, userId, methodId, code, allowed } = input;
  if (methodId === recoveryCodesMethodId) {
    if (allowed !== undefined && !allowed.includes('recovery_codes')) return undefined;
    const redeemed = await deps.recoveryCodes.redeem(tenantId, userId, code);
    return redeemed.ok
      ? { ok: true, methodType: 'recovery_codes', recoveryCodesRemaining: redeemed.remaining }
      : { ok: false, methodType: 'recovery_codes', reason: 'recovery_code_invalid' };
  }
  // The entry listUsableMethods would give for this id, without what only other entries need (the
  // recovery codes left, push devices): a push entry (`push:<id>`) is answered on the device, never
  // with a code, and matches no method id here.
  const permitted = (type: string) => allowed === undefined || allowed.includes(type);
  const method = await deps.methods.get(tenantId, userId, methodId).catch((error: unknown) => {
    if (error instanceof TwofoldError && error.code === 'method_not_found') return undefined;
    throw error;
  });
  if (method?.status !== 'active' || !codeMethodTypes.has(method.type) || !permitted(method.type))
    return undefined;
  const result = await verifyMethodCode(deps, method.type, { tenantId, userId, methodId, code });
  if (result.ok) return { ok: true, methodType: method.type };
  return {
    ok: false,
    methodType: method.type,
    reason: result.reason,
    ...(result.offsetSeconds !== undefined ? { offsetSeconds: result.offsetSeconds } : {}),
  };
}

/**
 * Admits one second-factor attempt against the user's lockout, counting it as a failure up front
 * (a right code then calls recordSuccess). Returns the refusal to raise when the user is locked.
 */
export async function admitSecondFactor(
  lockout: FlowMfaLockout,
  input: {
    tenantId: string;
    userId: string;
    methodId: string;
    /** The tenant's lockout policy, when the caller has just read the tenant. */
    thresholds?: { readonly failuresPerLock: number; readonly firstLockMinutes: number };
  },
): Promise<TwofoldError | undefined> {
  const lockMethodId = input.methodId === recoveryCodesMethodId ? undefined : input.methodId;
  const admission = await lockout.admit(input.tenantId, input.userId, lockMethodId, input.thresholds);
  if (admission.admitted) return undefined;
  return lockoutRefusal(admission.state);
}

/** The refusal for a user whose second-factor sign-in is locked. */
export function lockoutRefusal(state: Extract<LockoutState, { locked: true }>): TwofoldError {
  if (state.adminRequired) {
    return new TwofoldError(
      'mfa_admin_required',
      'too many wrong codes: ask your administrator to unlock your sign-in',
    );
  }
  return new TwofoldError(
    'locked_out',
    'too many wrong codes: second-factor sign-in is paused for a while',
    state.retryAfter !== undefined ? { retryAfter: state.retryAfter } : undefined,
  );
}
