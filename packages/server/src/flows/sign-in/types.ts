/** The sign-in flow's public shapes (spec section 4), shared by its steps and the routes. */
import type { FactorChallenge, FactorRegistration } from '../../factors/factor.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { DiagnosisResult, HelpRequestOutcome } from '../troubleshoot/index.js';

/** A sign-in lives 10 minutes (issue 3); five wrong codes on one flow end it (spec section 2). */
export const flowLifetimeMs = 10 * 60 * 1000;
export const maxCodeFailuresPerFlow = 5;

export type FlowStatus = 'mfa_required' | 'registration_required' | 'signed_in';

export interface FlowMethodView {
  readonly id: string;
  readonly type: string;
  readonly label: string;
  readonly isDefault: boolean;
}

export interface FlowView {
  readonly flowId: string;
  readonly status: FlowStatus;
  readonly methods: FlowMethodView[];
  readonly expiresAt: number;
  /** registration_required: the method types the tenant lets the user register. */
  readonly registrationTypes?: string[];
  /**
   * registration_required: what the user must prove before registering. `method`: answer with one
   * of `methods` first (their own methods, whatever the policy allows now, or a recovery code);
   * `pass`: only a sign-in with a Temporary Access Pass may register (policy `registrationRequiresPass`).
   */
  readonly proofRequired?: 'method' | 'pass';
}

/** What a challenge answers (nothing, where a code went, or a push's number). */
export type FlowChallenge = FactorChallenge;

/** An answer to a second factor: a typed code, or a WebAuthn response (a passkey). */
export interface SignInAnswer {
  readonly code?: string | undefined;
  readonly credential?: unknown;
}

/** A sign-in without a password, started: its options for navigator.credentials.get() and its cookie secret. */
export interface PasskeySignInStart {
  readonly flowId: string;
  readonly clientSecret: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly expiresAt: number;
}

/** What registering a method answers (a QR code and key, or where its first code went). */
export type FlowRegistration = FactorRegistration;

export interface FlowSignedIn {
  readonly status: 'signed_in';
  readonly session: { token: string; expiresAt: number };
  readonly recoveryCodes?: string[];
  readonly recoveryCodesRemaining?: number;
}

/** Who is asking: the flow's client secret (a cookie) and where the request came from. */
export interface FlowClient {
  readonly clientSecret: string | undefined;
  readonly ip: string;
  readonly userAgent?: string | undefined;
}

export interface StartInput {
  readonly tenant: Tenant;
  readonly username: string;
  readonly password?: string | undefined;
  readonly temporaryAccessPass?: string | undefined;
  readonly ip: string;
  readonly userAgent?: string | undefined;
  readonly deviceToken?: string | undefined;
}

export interface StartResult {
  readonly flow: FlowView;
  /** Set as an HttpOnly cookie: binds the flow to this client. */
  readonly clientSecret: string;
  /** A known-device token to keep in a long-lived cookie (issued after a correct password). */
  readonly deviceToken?: string;
  /** Present when the first factor alone finished the sign-in (a pass for a user with methods). */
  readonly signedIn?: FlowSignedIn;
}

/** Where a push stands, as the sign-in page's long-poll sees it (approved: signed in instead). */
export interface FlowPushPending {
  readonly status: 'pending' | 'denied' | 'expired' | 'reported';
}

/** What a user sends to register a method: its type, and what that type needs. */
export interface RegisterInput {
  readonly type: string;
  readonly label?: string | undefined;
  readonly phoneNumber?: string | undefined;
  readonly email?: string | undefined;
}

export interface SignInFlowService {
  start(input: StartInput): Promise<StartResult>;
  get(tenant: Tenant, flowId: string, client: FlowClient): Promise<FlowView>;
  challenge(tenant: Tenant, flowId: string, client: FlowClient, methodId: string): Promise<FlowChallenge>;
  /** Signed in; or, for a proof before registration, the flow now waiting for the new method. */
  verify(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    methodId: string,
    code: string,
  ): Promise<FlowSignedIn | FlowView>;
  /**
   * A WebAuthn response: for `methodId` (a passkey as the second factor, or confirming one just
   * registered), or with no methodId the answer to a sign-in without a password (startPasskey).
   */
  verifyCredential(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    methodId: string | undefined,
    credential: unknown,
  ): Promise<FlowSignedIn | FlowView>;
  /** Starts a sign-in without a password: a passkey is both factors (spec section 6). */
  startPasskey(tenant: Tenant): Promise<PasskeySignInStart>;
  register(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    input: RegisterInput,
  ): Promise<FlowRegistration>;
  /**
   * The outcome of the sign-in's newest push, waiting up to waitMs while it is pending: signed in
   * when it was approved (amr pwd, swk, mfa), else where it stands. A reported push ends the sign-in.
   */
  pushStatus(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    options: { waitMs: number; signal?: AbortSignal | undefined },
  ): Promise<FlowSignedIn | FlowPushPending>;
  /** "I can't get a code": what stands in the way now (`deviceTime`: the browser's clock, ms). */
  diagnose(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    deviceTime: number | undefined,
  ): Promise<DiagnosisResult>;
  /** A help request to the tenant's helpdesk and global admins, with the diagnosis. */
  requestHelp(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    input: { message?: string | undefined; contact?: string | undefined; deviceTime?: number | undefined },
  ): Promise<HelpRequestOutcome>;
}
