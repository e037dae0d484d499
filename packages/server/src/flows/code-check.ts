/**
 * A code's check, the same wherever a code is typed (sign-in, step-up, a new method's
 * confirmation): admit the attempt past the lockout (counted before it is checked, so a burst of
 * parallel guesses cannot pass the limit), verify it through the factor registry, record a
 * success, and turn a refusal into its problem in one place (`refuseCode`).
 */
import { TwofoldError } from '@twofold/core';
import type { Actor } from '../audit/audit-log.js';
import type { CodeRefusalReason, Factor, FactorContext } from '../factors/factor.js';
import type { MethodService } from '../factors/method-service.js';
import type { FactorRegistry } from '../factors/registry.js';
import type { CheckAtOnce } from '../factors/totp/totp-check-at-once.js';
import type { LockoutThresholds, MfaLockout, MfaLockState } from '../users/mfa-lockout.js';

export interface CodeCheckDeps {
  readonly factors: FactorRegistry;
  readonly methods: Pick<MethodService, 'find'>;
  readonly lockout: Pick<MfaLockout, 'admit' | 'recordSuccess'>;
  /**
   * SQLite: a TOTP code's whole check as one synchronous unit (factors/totp/totp-check-at-once.ts),
   * tried first for a typed code against a method; what it leaves (undefined) goes the usual way.
   */
  readonly atOnce?: CheckAtOnce | undefined;
}

/** What a code is for: a refusal's words depend on it. */
export type CodePurpose = 'sign_in' | 'step_up' | 'confirm';

export interface CodeCheckInput {
  readonly ctx: FactorContext;
  /** A method's id or a factor's own entry id (`recovery-codes`). */
  readonly entryId: string;
  /** A typed code; or, for a factor that answers with one, `credential` (a WebAuthn response). */
  readonly code?: string | undefined;
  readonly credential?: unknown;
  readonly purpose: CodePurpose;
  /** The method being registered may be confirmed by this code (it is still pending). */
  readonly pending?: boolean;
  /**
   * A proof of who the user is before registering or resetting: any method the user holds counts,
   * whatever the policy allows now (registry `resolve`).
   */
  readonly proof?: boolean;
  /** Count the attempt against the user's lockout first (default true). */
  readonly admit?: boolean;
  /** Who confirms a pending method, for the audit log (default: the user). */
  readonly actor?: Actor;
}

export type CodeCheck =
  | {
      readonly ok: true;
      readonly factor: Factor;
      /** What the success proved (RFC 8176): the factor's amr, or more (a synced passkey's `swk`, `user`). */
      readonly amr: readonly string[];
      /** The method behind the entry (none for recovery codes). */
      readonly methodId?: string;
      /** A pending method was confirmed by this code. */
      readonly activated: boolean;
      readonly recoveryCodesRemaining?: number;
    }
  /** Refused before any check: the user's second-factor sign-in is locked. */
  | { readonly ok: false; readonly stage: 'locked'; readonly refusal: TwofoldError }
  /** No such usable entry (nothing was checked). */
  | { readonly ok: false; readonly stage: 'unknown'; readonly refusal: TwofoldError }
  | {
      readonly ok: false;
      readonly stage: 'code';
      readonly refusal: TwofoldError;
      readonly reason: Exclude<CodeRefusalReason, 'method_not_found'>;
      readonly factor: Factor;
      readonly methodId?: string;
      readonly offsetSeconds?: number;
    };

/** Checks one code against one of the user's entries (see the module comment). */
export async function checkCode(deps: CodeCheckDeps, input: CodeCheckInput): Promise<CodeCheck> {
  const { ctx, entryId, purpose } = input;
  const tenantId = ctx.tenant.id;
  // A factor's own entry (recovery codes) counts against the user only; a method id also against the method.
  const lockMethodId = deps.factors.ownerOfEntry(entryId) ? undefined : entryId;
  if (deps.atOnce && lockMethodId !== undefined && input.admit !== false && input.pending !== true) {
    const checked = typeof input.code === 'string' ? await checkAtOnce(deps.atOnce, input) : undefined;
    if (checked) return checked;
  }
  if (input.admit !== false) {
    const admission = await deps.lockout.admit(tenantId, ctx.userId, lockMethodId, ctx.tenant.policy.lockout);
    if (!admission.admitted) return { ok: false, stage: 'locked', refusal: lockoutRefusal(admission.state) };
  }
  const entry = await deps.factors.resolve(
    ctx,
    entryId,
    (methodId) => deps.methods.find(tenantId, ctx.userId, methodId),
    { pending: input.pending === true, proof: input.proof === true },
  );
  if (!entry || (!entry.factor.verify && !entry.factor.verifyCredential)) {
    return {
      ok: false,
      stage: 'unknown',
      refusal: new TwofoldError('method_not_found', 'no such sign-in method for this account'),
    };
  }
  const { factor } = entry;
  const methodId = entry.method?.id;
  // A factor answers either with a code or with a credential (a passkey); the other is no answer.
  const byCredential = (factor.answer ?? 'code') === 'credential';
  const answer = byCredential ? input.credential : input.code;
  if (answer === undefined) {
    return {
      ok: false,
      stage: 'unknown',
      refusal: new TwofoldError(
        'validation_failed',
        byCredential
          ? 'this method answers with a passkey: send credential, not code'
          : 'this method answers with a code: send code, not credential',
      ),
    };
  }
  const result = byCredential
    ? await factor.verifyCredential!(ctx, entry, answer, input.actor)
    : await factor.verify!(ctx, entry, answer as string, input.actor);
  if (!result.ok) {
    if (result.reason === 'method_not_found') {
      return {
        ok: false,
        stage: 'unknown',
        refusal: new TwofoldError('method_not_found', 'no such method for this account'),
      };
    }
    return {
      ok: false,
      stage: 'code',
      reason: result.reason,
      factor,
      ...(methodId ? { methodId } : {}),
      ...(result.offsetSeconds !== undefined ? { offsetSeconds: result.offsetSeconds } : {}),
      refusal: refuseCode(result.reason, {
        purpose,
        sendsCode: factor.sendsCode,
        offsetSeconds: result.offsetSeconds,
      }),
    };
  }
  if (input.admit !== false) {
    // The user's count starts again; the method's too, unless the factor's own write did it already.
    const methodToReset = result.methodFailuresReset === true ? undefined : lockMethodId;
    await deps.lockout.recordSuccess(tenantId, ctx.userId, methodToReset);
  }
  return {
    ok: true,
    factor,
    amr: result.amr ?? [factor.amr],
    ...(methodId ? { methodId } : {}),
    activated: result.activated === true,
    ...(result.recoveryCodesRemaining !== undefined
      ? { recoveryCodesRemaining: result.recoveryCodesRemaining }
      : {}),
  };
}

/** A TOTP code checked in one unit (CodeCheckDeps.atOnce), as checkCode answers; undefined when it was left. */
async function checkAtOnce(atOnce: CheckAtOnce, input: CodeCheckInput): Promise<CodeCheck | undefined> {
  const checked = await atOnce(input.ctx, input.entryId, input.code!, { proof: input.proof === true });
  if (!checked) return undefined;
  if (checked.ok) {
    const { factor, method } = checked.entry;
    return {
      ok: true,
      factor,
      amr: [factor.amr],
      ...(method ? { methodId: method.id } : {}),
      activated: false,
    };
  }
  if (checked.stage === 'locked')
    return { ok: false, stage: 'locked', refusal: lockoutRefusal(checked.state) };
  const { factor, method } = checked.entry;
  return {
    ok: false,
    stage: 'code',
    reason: checked.reason,
    factor,
    ...(method ? { methodId: method.id } : {}),
    refusal: refuseCode(checked.reason, { purpose: input.purpose, sendsCode: factor.sendsCode }),
  };
}

/**
 * The problem for a refused code: its code is the reason (pages choose their words by it); the
 * detail says what to do. `extra` adds facts such as the attempts left on a sign-in.
 */
export function refuseCode(
  reason: Exclude<CodeRefusalReason, 'method_not_found'>,
  context: {
    readonly purpose: CodePurpose;
    readonly sendsCode: boolean;
    readonly offsetSeconds?: number | undefined;
    readonly extra?: Record<string, unknown>;
  },
): TwofoldError {
  const extra = context.extra ?? {};
  switch (reason) {
    case 'otp_replayed':
      return new TwofoldError(
        'otp_replayed',
        context.sendsCode
          ? 'this code was already used; ask for a new code'
          : 'this code was already used; wait for the next code in your app',
        extra,
      );
    case 'otp_clock_skew': {
      const offsetSeconds = context.offsetSeconds ?? 0;
      const minutes = Math.max(1, Math.round(Math.abs(offsetSeconds) / 60));
      return new TwofoldError(
        'otp_clock_skew',
        `this code would be right ${minutes} minute${minutes === 1 ? '' : 's'} ${offsetSeconds < 0 ? 'ago' : 'from now'}: your device's clock looks ${offsetSeconds < 0 ? 'behind' : 'ahead'}; set it to automatic time and try a new code`,
        { offsetSeconds, ...extra },
      );
    }
    case 'recovery_code_invalid':
      return new TwofoldError(
        'recovery_code_invalid',
        'that recovery code is not valid or was already used',
        extra,
      );
    case 'passkey_invalid':
      return new TwofoldError(
        'passkey_invalid',
        'this passkey did not verify (wrong site, wrong account, or no user verification); try again',
        extra,
      );
    case 'passkey_challenge_invalid':
      return new TwofoldError(
        'passkey_challenge_invalid',
        'this passkey answered a request that expired or was already answered; try again',
        extra,
      );
    case 'passkey_counter_replayed':
      return new TwofoldError(
        'passkey_counter_replayed',
        'this passkey looks copied (its signature counter went backwards); it was refused and reported',
        extra,
      );
    case 'passkey_unknown':
      return new TwofoldError(
        'passkey_unknown',
        'this passkey is not registered here (it may have been removed)',
        extra,
      );
    case 'otp_expired':
      return new TwofoldError(
        'otp_expired',
        'this code has expired or a newer one was sent; ask for a new code',
        extra,
      );
    default:
      return new TwofoldError(
        'otp_invalid',
        context.purpose === 'confirm'
          ? 'that code did not confirm the method; enter the current code from the app you just set up'
          : 'that code is not right; check your app and try the current code',
        extra,
      );
  }
}

/** The refusal for a user whose second-factor sign-in is locked. */
export function lockoutRefusal(state: Extract<MfaLockState, { locked: true }>): TwofoldError {
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

export type { LockoutThresholds };
