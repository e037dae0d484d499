/**
 * What the sign-in flow needs of the method, session, log and throttle services: structural
 * interfaces, so the flow depends on behaviour rather than on how each service is built.
 */
import type { Actor } from '../audit/audit-log.js';

export interface FlowMethod {
  readonly id: string;
  readonly type: string;
  readonly label: string;
  readonly isDefault: boolean;
  readonly status: string;
}

export interface FlowMethods {
  listForUser(tenantId: string, userId: string): Promise<readonly FlowMethod[]>;
  /** Any method of the user, pending ones included; throws method_not_found. */
  get(tenantId: string, userId: string, methodId: string): Promise<FlowMethod>;
}

export type TotpVerifyResult =
  | { ok: true; step: number; offsetSteps: number; resynced: boolean; activated: boolean }
  | { ok: false; reason: string; offsetSeconds?: number };

export interface FlowTotp {
  register(
    input: { tenantId: string; userId: string; type: 'totp' | 'authenticator'; label?: string | undefined },
    actor: Actor,
  ): Promise<{ methodId: string; otpauthUri: string; secret: string; qrCodeSvg: string }>;
  verify(input: {
    tenantId: string;
    userId: string;
    methodId: string;
    code: string;
  }): Promise<TotpVerifyResult>;
}

/** SMS and email methods: a code is sent on request, then checked (methods/message-codes). */
export interface FlowMessageCodes {
  register(
    input: {
      tenantId: string;
      userId: string;
      type: 'sms' | 'email';
      destination: string | undefined;
      ip?: string | undefined;
    },
    actor: Actor,
  ): Promise<{ methodId: string; sentTo: string; expiresAt: number; resendAfter: number }>;
  sendCode(input: {
    tenantId: string;
    userId: string;
    methodId: string;
    purpose: 'sign_in_code' | 'step_up_code' | 'registration_code';
    ip?: string | undefined;
  }): Promise<{ sentTo: string; expiresAt: number; resendAfter: number }>;
  verify(input: {
    tenantId: string;
    userId: string;
    methodId: string;
    code: string;
  }): Promise<{ ok: true; activated: boolean } | { ok: false; reason: string }>;
}

export interface FlowRecoveryCodes {
  issue(tenantId: string, userId: string, actor: Actor): Promise<string[]>;
  redeem(
    tenantId: string,
    userId: string,
    code: string,
  ): Promise<{ ok: true; remaining: number } | { ok: false }>;
  remaining(tenantId: string, userId: string): Promise<number>;
}

export type LockoutState =
  | { locked: false }
  | { locked: true; retryAfter?: number | undefined; adminRequired: boolean };

export interface FlowMfaLockout {
  check(tenantId: string, userId: string): Promise<LockoutState>;
  /** Counts one attempt up front (refused while locked), so parallel guesses cannot slip past the limit. */
  admit(
    tenantId: string,
    userId: string,
    methodId?: string,
    /** The tenant's lockout policy, when the caller has it at hand (otherwise the lockout reads it). */
    thresholds?: { readonly failuresPerLock: number; readonly firstLockMinutes: number },
  ): Promise<{ admitted: true } | { admitted: false; state: Extract<LockoutState, { locked: true }> }>;
  recordFailure(tenantId: string, userId: string, methodId?: string): Promise<unknown>;
  recordSuccess(tenantId: string, userId: string, methodId?: string): Promise<unknown>;
}

export interface FlowSessions {
  create(input: {
    tenantId: string;
    userId: string;
    amr: string[];
    mfaAt: number | null;
    ip?: string | undefined;
    userAgent?: string | undefined;
  }): Promise<{ token: string; session: { id: string; absoluteExpiresAt: number } }>;
}

export interface SignInEvent {
  tenantId: string;
  userId?: string | undefined;
  username: string;
  result: 'success' | 'failure' | 'interrupted';
  reason?: string | undefined;
  methodType?: string | undefined;
  methodId?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface FlowSignInLog {
  record(event: SignInEvent): Promise<unknown>;
}

export interface FlowPasswordThrottle {
  check(input: {
    tenantId: string;
    userId?: string | undefined;
    username?: string | undefined;
    ip: string;
    deviceToken?: string | undefined;
  }): Promise<{ allowed: true } | { allowed: false; retryAfter: number }>;
  recordFailure(input: {
    tenantId: string;
    userId?: string | undefined;
    username?: string | undefined;
    ip: string;
  }): Promise<unknown>;
  recordSuccess(input: {
    tenantId: string;
    userId: string;
    ip: string;
    deviceToken?: string | undefined;
  }): Promise<{ deviceToken: string }>;
}

/** Push approvals (push/push-service.ts): who can be pushed, starting a push, and its outcome. */
export interface FlowPush {
  /** The user's authenticator methods that push reaches now (none while push is blocked). */
  targets(tenantId: string, userId: string): Promise<readonly { methodId: string; deviceName: string }[]>;
  start(input: {
    tenantId: string;
    userId: string;
    methodId: string;
    flowIdHash: string;
    ip?: string | undefined;
    userAgent?: string | undefined;
  }): Promise<{ challengeId: string; number: number; expiresAt: number }>;
  /** The sign-in's newest push, waiting up to waitMs while it is pending; undefined when none was sent. */
  outcome(
    tenantId: string,
    flowIdHash: string,
    options: { waitMs: number; signal?: AbortSignal | undefined },
  ): Promise<
    | {
        challengeId: string;
        methodId: string;
        status: 'pending' | 'approved' | 'denied' | 'reported' | 'expired';
      }
    | undefined
  >;
}
