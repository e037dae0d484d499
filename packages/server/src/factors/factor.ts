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
  /** A WebAuthn response that does not verify: signature, origin, relying party or user verification. */
  | 'passkey_invalid'
  /** A WebAuthn response to no live challenge of this user (replayed, expired, or someone else's). */
  | 'passkey_challenge_invalid'
  /** The authenticator's signature counter went backwards: a cloned credential (reported). */
  | 'passkey_counter_replayed'
  /** A credential this tenant does not know (deleted, or never registered here). */
  | 'passkey_unknown'
  | 'method_not_found';

export type FactorCheck =
  | {
      readonly ok: true;
      /** The code confirmed a pending method (registration). */
      readonly activated?: boolean;
      /** Recovery codes left after this one. */
      readonly recoveryCodesRemaining?: number;
      /** What this success proved, when it says more than the factor's `amr` (a synced passkey: `swk`, `user`). */
      readonly amr?: readonly string[];
      /**
       * The write that recorded this use also set the method's failure count to 0 (a TOTP method's
       * compare-and-set does), so the lockout's success resets only the user's.
       */
      readonly methodFailuresReset?: boolean;
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
    }
  | {
      readonly methodId: string;
      /** WebAuthn PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create(). */
      readonly options: WebAuthnOptions;
    };

/** What Security info and the console show of a method beyond its row (a passkey: synced or bound to one device). */
export interface MethodDescription {
  /** Backup eligible: a synced passkey (`swk`); false: bound to one device (`hwk`). */
  readonly synced?: boolean;
  readonly backedUp?: boolean;
}

/** WebAuthn options as JSON (creation or request), handed to the browser as they are. */
export type WebAuthnOptions = Readonly<Record<string, unknown>>;

/**
 * A sign-in without a password (spec section 6): its challenge is bound to the sign-in and to the
 * browser that started it (SHA-256 of each), since no user is known until the credential names one.
 */
export interface DiscoveryBinding {
  readonly flowHash: string;
  readonly clientHash: string;
}

/** The answer's side: the sign-in, and the browser's secrets (a cookie holds one per tab's sign-in). */
export interface DiscoveryAnswerBinding {
  readonly flowHash: string;
  readonly clientHashes: readonly string[];
}

/** Who a credential alone proved, or why not (the reason is the sign-in log's and the answer's code). */
export type DiscoveryCheck =
  | { readonly ok: true; readonly userId: string; readonly methodId: string; readonly amr: readonly string[] }
  | {
      readonly ok: false;
      readonly reason: Exclude<CodeRefusalReason, 'method_not_found'>;
      readonly userId?: string;
      readonly methodId?: string;
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
  /** A passkey: WebAuthn PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get(). */
  readonly options?: WebAuthnOptions;
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
  /**
   * What the user answers with: a typed code (`verify`, the default) or a WebAuthn credential from
   * the browser (`verifyCredential`).
   */
  readonly answer?: 'code' | 'credential';
  /** Checks a code for one entry; a pending method is confirmed by its first right code. */
  verify?(ctx: FactorContext, target: EntryTarget, code: string, actor?: Actor): Promise<FactorCheck>;
  /**
   * Checks a WebAuthn response for one entry: the registration response of a pending method (which
   * it confirms), else an assertion to the entry's last challenge. The response is untrusted JSON.
   */
  verifyCredential?(
    ctx: FactorContext,
    target: EntryTarget,
    credential: unknown,
    actor?: Actor,
  ): Promise<FactorCheck>;
  /**
   * A first and second factor in one (spec section 6, a passkey with user verification): options
   * with no allowed credentials, bound to a sign-in and its browser, and the check of the answer,
   * which names the user.
   */
  discover?: {
    start(
      tenant: Tenant,
      binding: DiscoveryBinding,
    ): Promise<{ options: WebAuthnOptions; expiresAt: number }>;
    finish(tenant: Tenant, binding: DiscoveryAnswerBinding, credential: unknown): Promise<DiscoveryCheck>;
  };
  /** Clock drift of a TOTP-like method: two consecutive codes measure and record it (RFC 6238 section 6). */
  resync?(
    ctx: FactorContext,
    method: Method,
    codes: { code1: string; code2: string },
    actor: Actor,
  ): Promise<{ ok: true } | { ok: false; reason: 'otp_invalid' | 'otp_replayed' | 'method_not_found' }>;
  /** Forgets a method's recorded drift (a device whose clock was fixed). */
  resetDrift?(ctx: FactorContext, method: Method, actor: Actor, reason?: string): Promise<void>;
  /**
   * Phishing-resistant (spec section 6, `phishingResistantAdmins`, acr `urn:twofold:acr:phr`): the
   * session's amr shows a success of this factor.
   */
  provedIn?(amr: readonly string[]): boolean;
  /** What its methods of the user are beyond their rows, by method id. */
  describe?(tenantId: string, userId: string): Promise<ReadonlyMap<string, MethodDescription>>;
  /** What an event does to this factor's credentials of the user, inside the caller's transaction. */
  end?(executor: Executor, target: EndTarget, event: EndEvent): Promise<EndResult>;
}
