/**
 * The one interface every second factor implements, as ory/kratos's login strategies do: what it
 * is called, what a success proves (RFC 8176 `amr`), which entries it offers a user, how it is
 * registered, challenged and verified, and what ends it. Flows (flows/) loop over the registry
 * (registry.ts) and never name a factor; a new factor is one folder here and one line there.
 */
import type { Actor, Executor } from '../audit/audit-log.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { Method } from './method-service.js';

/** Whom a factor acts for, and where the request came from. */
export interface FactorContext {
  readonly tenant: Tenant;
  readonly userId: string;
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
}

/**
 * One way to answer a challenge, as the sign-in page ("Sign in another way") and step-up list
 * them: a method's id, or an id of the factor's own (`recovery-codes`, `push:<methodId>`).
 */
export interface FactorEntry {
  readonly id: string;
  readonly type: string;
  readonly label: string;
  readonly isDefault: boolean;
}

/** An entry a factor offers, with the method it belongs to (the registry orders entries by method). */
export interface OfferedEntry extends FactorEntry {
  readonly methodId?: string;
}

/** What an entry id resolved to: its factor, and the method row behind it when there is one. */
export interface EntryTarget {
  readonly entryId: string;
  readonly method?: Method;
  /** For entries of a factor's own (`push:<methodId>`): the id after the factor's prefix. */
  readonly ref?: string;
}

/** Why a code was refused; each is the problem code of the answer (spec section 4). */
export type CodeRefusalReason =
  | 'otp_invalid'
  | 'otp_replayed'
  | 'otp_clock_skew'
  | 'otp_expired'
  | 'recovery_code_invalid'
  | 'method_not_found';

export type FactorCheck =
  | {
      readonly ok: true;
      /** The code confirmed a pending method (registration). */
      readonly activated?: boolean;
      /** Recovery codes left after this one. */
      readonly recoveryCodesRemaining?: number;
    }
  | {
      readonly ok: false;
      readonly reason: CodeRefusalReason;
      /** otp_clock_skew: how far the device's clock is off; positive when it runs ahead. */
      readonly offsetSeconds?: number;
    };

/** What a user may send when registering a method (each factor takes what it needs). */
export interface RegistrationInput {
  readonly label?: string | undefined;
  readonly phoneNumber?: string | undefined;
  readonly email?: string | undefined;
}

export type FactorRegistration =
  | {
      readonly methodId: string;
      readonly otpauthUri: string;
      readonly secret: string;
      readonly qrCodeSvg: string;
    }
  | {
      readonly methodId: string;
      readonly sentTo: string;
      readonly expiresAt: number;
      readonly resendAfter: number;
    };

export interface ChallengeInput {
  /** Why a code is sent (the message's wording). */
  readonly purpose: 'sign_in_code' | 'step_up_code' | 'password_reset_code';
  /** The sign-in this challenge belongs to (a push is answered to it). */
  readonly flowIdHash?: string;
}

/**
 * What a challenge answers: nothing for codes shown on a device; where the code went for SMS and
 * email; for a push, the number to type on the device.
 */
export interface FactorChallenge {
  readonly number?: number;
  readonly sentTo?: string;
  readonly expiresAt?: number;
  readonly resendAfter?: number;
}

/**
 * Events after which a user's credentials must not go on working as before (spec section 6,
 * "Credentials follow the person's current rights"); each flow that raises one (flows/) asks
 * every factor in the same transaction:
 *
 * - `reregistration`: an admin required re-registration, or the operator recovered an admin;
 * - `sign_out_everywhere`: the user signed out everywhere (a lost device);
 * - `revoke_sessions`: an admin revoked the user's sessions;
 * - `disable`: an admin disabled the user;
 * - `role_granted`: the user was given an admin role, or a stronger one;
 * - `password_change`, `password_reset`: the user set a new password (or the operator did).
 */
export const endEvents = [
  'reregistration',
  'sign_out_everywhere',
  'revoke_sessions',
  'disable',
  'role_granted',
  'password_change',
  'password_reset',
] as const;
export type EndEvent = (typeof endEvents)[number];

/** What a factor ended; the flow sums them for its answer and its audit event. */
export interface EndResult {
  readonly deletedMethods?: readonly { readonly id: string; readonly type: string }[];
  readonly disabledMethods?: number;
  readonly revokedDevices?: number;
  /** Temporary Access Passes that could still have been redeemed. */
  readonly revokedPasses?: number;
  /** Recovery codes that were still unused. */
  readonly endedRecoveryCodes?: number;
}

export interface EndTarget {
  readonly tenantId: string;
  readonly userId: string;
  readonly actor: Actor;
  readonly now: number;
}

export interface Factor {
  /** The factor's name: a method type (`methods.type`), or the name of a factor of its own kind. */
  readonly type: string;
  /** The entry of the tenant policy's `allowedMethods` that turns it on and off. */
  readonly policyType: string;
  /** RFC 8176: what a success proves (added to the session's amr with `mfa`). */
  readonly amr: string;
  /** Its codes are sent to the user (SMS, email) rather than shown on a device. */
  readonly sendsCode: boolean;
  /**
   * Where its entries come from: rows of `methods` of its type (`method`), or the factor's own
   * offer (`own`: recovery codes, push), or nowhere (`none`: a first factor such as a pass).
   */
  readonly source: 'method' | 'own' | 'none';
  /** `own` entries: the prefix (or the whole id) that marks an entry id as this factor's. */
  readonly entryPrefix?: string;
  /** `own` entries offered only beside others (recovery codes are a way back, never the only way). */
  readonly fallback?: boolean;
  /**
   * `own` entries: what this factor offers the user now, given their active methods of the types
   * the policy allows (default first, then oldest) and how many entries the others offered.
   */
  offer?(ctx: FactorContext, methods: readonly Method[], offeredByOthers: number): Promise<OfferedEntry[]>;
  /** Registration by the user themselves (absent: only an admin or the system creates it). */
  register?(ctx: FactorContext, input: RegistrationInput, actor: Actor): Promise<FactorRegistration>;
  /** Before a code is typed: send one, or start a push (absent: nothing to do). */
  challenge?(ctx: FactorContext, target: EntryTarget, input: ChallengeInput): Promise<FactorChallenge>;
  /** Checks a code for one entry; a pending method is confirmed by its first right code. */
  verify?(ctx: FactorContext, target: EntryTarget, code: string, actor?: Actor): Promise<FactorCheck>;
  /** Clock drift of a TOTP-like method: two consecutive codes measure and record it (RFC 6238 section 6). */
  resync?(
    ctx: FactorContext,
    method: Method,
    codes: { code1: string; code2: string },
    actor: Actor,
  ): Promise<{ ok: true } | { ok: false; reason: 'otp_invalid' | 'otp_replayed' | 'method_not_found' }>;
  /** Forgets a method's recorded drift (a device whose clock was fixed). */
  resetDrift?(ctx: FactorContext, method: Method, actor: Actor, reason?: string): Promise<void>;
  /** What an event does to this factor's credentials of the user, inside the caller's transaction. */
  end?(executor: Executor, target: EndTarget, event: EndEvent): Promise<EndResult>;
}
