import { type ErrorCode, TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../audit/audit-log.js';
import type { TemporaryAccessPassService } from '../factors/temporary-access-pass/temporary-access-pass-service.js';
import type { Clock } from '../platform/clock.js';
import { constantTimeEqual, generateToken, hashToken } from '../platform/crypto/tokens.js';
import type { Database } from '../platform/db/schema.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { User, UserService } from '../users/user-service.js';
import {
  admitSecondFactor,
  amrFor,
  checkSecondFactor,
  listUsableMethods,
  lockoutRefusal,
  pushAmr,
  pushMethodPrefix,
  recoveryCodesMethodId,
  sentCodeTypes,
  verifyMethodCode,
} from './second-factor.js';
import type {
  FlowMessageCodes,
  FlowMethods,
  FlowMfaLockout,
  FlowPasswordThrottle,
  FlowPush,
  FlowRecoveryCodes,
  FlowSessions,
  FlowSignInLog,
  FlowTotp,
} from './sign-in-flow-deps.js';

/** A sign-in lives 10 minutes (issue 3); five wrong codes on one flow end it (spec section 2). */
export const flowLifetimeMs = 10 * 60 * 1000;
export const maxCodeFailuresPerFlow = 5;
export { pushMethodPrefix, recoveryCodesMethodId } from './second-factor.js';

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
}

/**
 * What a challenge answers: nothing for codes shown on a device; where the code went for SMS and
 * email; for a push, the number to type on the device.
 */
export interface FlowChallenge {
  readonly number?: number;
  readonly sentTo?: string;
  readonly expiresAt?: number;
  readonly resendAfter?: number;
}

export type FlowRegistration =
  | { methodId: string; otpauthUri: string; secret: string; qrCodeSvg: string }
  | { methodId: string; sentTo: string; expiresAt: number; resendAfter: number };

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

type FlowRow = Selectable<Database['sign_in_flows']>;

export interface SignInFlowService {
  start(input: StartInput): Promise<StartResult>;
  get(tenant: Tenant, flowId: string, client: FlowClient): Promise<FlowView>;
  challenge(tenant: Tenant, flowId: string, client: FlowClient, methodId: string): Promise<FlowChallenge>;
  verify(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    methodId: string,
    code: string,
  ): Promise<FlowSignedIn>;
  register(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    input: {
      type: string;
      label?: string | undefined;
      phoneNumber?: string | undefined;
      email?: string | undefined;
    },
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
}

export interface SignInFlowDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly users: UserService;
  readonly passes: TemporaryAccessPassService;
  readonly methods: FlowMethods;
  readonly totp: FlowTotp;
  readonly messageCodes: FlowMessageCodes;
  readonly recoveryCodes: FlowRecoveryCodes;
  readonly mfaLockout: FlowMfaLockout;
  readonly sessions: FlowSessions;
  readonly signInLog: FlowSignInLog;
  readonly passwordThrottle: FlowPasswordThrottle;
  readonly push: FlowPush;
}

/** What a user can register at sign-in, in the order offered; the tenant's policy narrows it. */
const registrableTypes = ['authenticator', 'totp', 'sms', 'email'] as const;

function parseAmr(json: string): string[] {
  return JSON.parse(json) as string[];
}

/** The sign-in flow of spec section 3: first factor, then a second factor or registration. */
export function createSignInFlowService(deps: SignInFlowDeps): SignInFlowService {
  const {
    db,
    clock,
    users,
    passes,
    methods,
    totp,
    messageCodes,
    recoveryCodes,
    mfaLockout,
    sessions,
    signInLog,
    passwordThrottle,
    push,
  } = deps;

  /** The user's methods that the tenant's policy allows now (push entries included). */
  const usableMethods = (tenant: Tenant, userId: string) =>
    listUsableMethods(
      { methods, totp, recoveryCodes, messageCodes, push },
      tenant.id,
      userId,
      tenant.policy.allowedMethods,
    );
  const registrationTypesOf = (tenant: Tenant) =>
    registrableTypes.filter((type) => tenant.policy.allowedMethods.includes(type));

  function refuse(reason: ErrorCode, message: string, extra?: Record<string, unknown>): never {
    throw new TwofoldError(reason, message, extra);
  }

  /**
   * Loads a live flow of this tenant for the client that started it; anything else is "expired".
   * With `failed`, a flow that ended in failure is returned too (to say why it ended).
   */
  async function loadFlow(
    tenant: Tenant,
    flowId: string,
    client: FlowClient,
    options: { failed?: boolean } = {},
  ): Promise<FlowRow> {
    const row = await db
      .selectFrom('sign_in_flows')
      .selectAll()
      .where('id_hash', '=', hashToken(flowId))
      .where('tenant_id', '=', tenant.id)
      .executeTakeFirst();
    const bound =
      row !== undefined &&
      client.clientSecret !== undefined &&
      constantTimeEqual(hashToken(client.clientSecret), row.client_hash);
    if (
      !row ||
      !bound ||
      row.expires_at <= clock.now() ||
      (row.status === 'failed' && !options.failed) ||
      row.status === 'signed_in'
    ) {
      refuse('flow_expired', 'this sign-in has expired or ended; start again');
    }
    return row;
  }

  async function view(tenant: Tenant, row: FlowRow, flowId: string): Promise<FlowView> {
    return {
      flowId,
      status: row.status as FlowStatus,
      methods: row.status === 'mfa_required' ? await usableMethods(tenant, row.user_id) : [],
      expiresAt: row.expires_at,
      ...(row.status === 'registration_required' ? { registrationTypes: registrationTypesOf(tenant) } : {}),
    };
  }

  /** Ends the flow once (compare-and-set on its status) and opens a session. */
  async function complete(
    row: FlowRow,
    user: User,
    amr: string[],
    client: FlowClient,
    extra: {
      recoveryCodes?: string[];
      recoveryCodesRemaining?: number;
      methodType?: string;
      methodId?: string;
    },
  ): Promise<FlowSignedIn> {
    const now = clock.now();
    const done = await db
      .updateTable('sign_in_flows')
      .set({ status: 'signed_in', completed_at: now, amr: JSON.stringify(amr) })
      .where('id_hash', '=', row.id_hash)
      .where('status', 'in', ['mfa_required', 'registration_required'])
      .where('expires_at', '>', now)
      .returning('id_hash')
      .executeTakeFirst();
    if (!done) refuse('flow_expired', 'this sign-in has already finished; start again');
    const { token, session } = await sessions.create({
      tenantId: row.tenant_id,
      userId: row.user_id,
      amr,
      mfaAt: amr.includes('mfa') ? now : null,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    await signInLog.record({
      tenantId: row.tenant_id,
      userId: row.user_id,
      username: user.email,
      result: 'success',
      methodType: extra.methodType,
      methodId: extra.methodId,
      ip: client.ip,
      userAgent: client.userAgent,
      details: { amr },
    });
    return {
      status: 'signed_in',
      session: { token, expiresAt: session.absoluteExpiresAt },
      ...(extra.recoveryCodes ? { recoveryCodes: extra.recoveryCodes } : {}),
      ...(extra.recoveryCodesRemaining !== undefined
        ? { recoveryCodesRemaining: extra.recoveryCodesRemaining }
        : {}),
    };
  }

  /** Counts a wrong code against the user and the flow; the fifth on one flow ends it. */
  async function countCodeFailure(
    row: FlowRow,
    user: User,
    client: FlowClient,
    methodType: string,
    methodId: string,
    reason: string,
    details?: Record<string, unknown>,
  ): Promise<never> {
    // The attempt was already counted against the user's lockout when it was admitted.
    const counted = await db
      .updateTable('sign_in_flows')
      .set((eb) => ({ challenge_failures: eb('challenge_failures', '+', 1) }))
      .where('id_hash', '=', row.id_hash)
      .returning('challenge_failures')
      .executeTakeFirst();
    const failures = counted?.challenge_failures ?? maxCodeFailuresPerFlow;
    await signInLog.record({
      tenantId: row.tenant_id,
      userId: row.user_id,
      username: user.email,
      result: 'failure',
      reason,
      methodType,
      methodId,
      ip: client.ip,
      userAgent: client.userAgent,
      details,
    });
    if (failures >= maxCodeFailuresPerFlow) {
      await db
        .updateTable('sign_in_flows')
        .set({ status: 'failed' })
        .where('id_hash', '=', row.id_hash)
        .execute();
      refuse('too_many_attempts', `${maxCodeFailuresPerFlow} wrong codes ended this sign-in; start again`);
    }
    const attemptsLeft = maxCodeFailuresPerFlow - failures;
    switch (reason) {
      case 'otp_replayed':
        return refuse(
          'otp_replayed',
          sentCodeTypes.has(methodType)
            ? 'this code was already used; ask for a new code'
            : 'this code was already used; wait for the next code in your app',
          { attemptsLeft },
        );
      case 'otp_clock_skew': {
        const offsetSeconds = Number(details?.['offsetSeconds'] ?? 0);
        const minutes = Math.max(1, Math.round(Math.abs(offsetSeconds) / 60));
        return refuse(
          'otp_clock_skew',
          `this code would be right ${minutes} minute${minutes === 1 ? '' : 's'} ${offsetSeconds < 0 ? 'ago' : 'from now'}: your device's clock looks ${offsetSeconds < 0 ? 'behind' : 'ahead'}; set it to automatic time and try a new code`,
          { offsetSeconds, attemptsLeft },
        );
      }
      case 'recovery_code_invalid':
        return refuse('recovery_code_invalid', 'that recovery code is not valid or was already used', {
          attemptsLeft,
        });
      case 'otp_expired':
        return refuse('otp_expired', 'this code has expired or a newer one was sent; ask for a new code', {
          attemptsLeft,
        });
      default:
        return refuse('otp_invalid', 'that code is not right; check your app and try the current code', {
          attemptsLeft,
        });
    }
  }

  async function admitOrRefuse(
    row: FlowRow,
    user: User,
    client: FlowClient,
    methodId: string,
  ): Promise<void> {
    const refusal = await admitSecondFactor(mfaLockout, {
      tenantId: row.tenant_id,
      userId: row.user_id,
      methodId,
    });
    if (!refusal) return;
    await signInLog.record({
      tenantId: row.tenant_id,
      userId: row.user_id,
      username: user.email,
      result: 'failure',
      reason: refusal.code,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    throw refusal;
  }

  /** Records a refused second-factor step in the sign-in log. */
  async function logFailure(
    row: FlowRow,
    client: FlowClient,
    reason: string,
    method?: { type: string; id: string },
    details?: Record<string, unknown>,
  ): Promise<void> {
    const user = await users.getById(row.tenant_id, row.user_id);
    await signInLog.record({
      tenantId: row.tenant_id,
      userId: row.user_id,
      username: user.email,
      result: 'failure',
      reason,
      methodType: method?.type,
      methodId: method?.id,
      ip: client.ip,
      userAgent: client.userAgent,
      details,
    });
  }

  /** Sends a push for `push:<methodId>`: the number for the page, refused while locked or past the limits. */
  async function startPush(row: FlowRow, client: FlowClient, pushMethodId: string): Promise<FlowChallenge> {
    const methodId = pushMethodId.slice(pushMethodPrefix.length);
    const lock = await mfaLockout.check(row.tenant_id, row.user_id);
    if (lock.locked) {
      const refusal = lockoutRefusal(lock);
      await logFailure(row, client, refusal.code);
      throw refusal;
    }
    try {
      const started = await push.start({
        tenantId: row.tenant_id,
        userId: row.user_id,
        methodId,
        flowIdHash: row.id_hash,
        ip: client.ip,
        userAgent: client.userAgent,
      });
      await db
        .updateTable('sign_in_flows')
        .set({ challenge_method_id: pushMethodId })
        .where('id_hash', '=', row.id_hash)
        .execute();
      return { number: started.number, expiresAt: started.expiresAt };
    } catch (error) {
      if (error instanceof TwofoldError && error.code === 'send_limited') {
        await logFailure(row, client, 'send_limited', { type: 'push', id: methodId }, error.details);
      }
      throw error;
    }
  }

  return {
    async start(input) {
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

      let user: User | undefined;
      let firstFactor: 'pwd' | 'tap';
      let deviceToken: string | undefined;
      if (input.temporaryAccessPass !== undefined) {
        firstFactor = 'tap';
        // The same answer for every user: the policy is the tenant's, so nothing about the user leaks.
        if (!tenant.policy.allowedMethods.includes('temporary_access_pass')) {
          refuse(
            'method_type_not_allowed',
            'this organisation does not accept Temporary Access Passes; sign in with your password',
          );
        }
        const redeemed =
          known && !known.disabled
            ? await passes.redeem(tenant.id, input.temporaryAccessPass, known.id)
            : undefined;
        if (!redeemed || !known) {
          const why = known
            ? await passes.explainFailure(tenant.id, input.temporaryAccessPass, known.id)
            : 'unknown';
          await passwordThrottle.recordFailure({ tenantId: tenant.id, userId: known?.id, username, ip });
          const reason = why === 'expired' ? 'tap_expired' : 'invalid_credentials';
          await signInLog.record({
            tenantId: tenant.id,
            userId: known?.id,
            username,
            result: 'failure',
            reason,
            methodType: 'temporary_access_pass',
            ip,
            userAgent,
          });
          if (why === 'expired')
            refuse(
              'tap_expired',
              'this Temporary Access Pass has expired or was already used; ask your administrator for a new one',
            );
          refuse('invalid_credentials', 'that username or Temporary Access Pass is not right');
        }
        user = known;
      } else {
        firstFactor = 'pwd';
        user = await users.verifyPassword(tenant.id, username, input.password ?? '');
        if (!user) {
          await passwordThrottle.recordFailure({ tenantId: tenant.id, userId: known?.id, username, ip });
          await signInLog.record({
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
        ({ deviceToken } = await passwordThrottle.recordSuccess({
          tenantId: tenant.id,
          userId: user.id,
          ip,
          deviceToken: input.deviceToken,
        }));
      }

      const methodsNow = await usableMethods(tenant, user.id);
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
      await db.insertInto('sign_in_flows').values(row).execute();
      const client: FlowClient = { clientSecret, ip, userAgent };

      if (firstFactor === 'tap' && !needsRegistration) {
        // A pass is a strong sign-in on its own (spec section 2).
        const signedIn = await complete(row, user, ['mfa'], client, { methodType: 'temporary_access_pass' });
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
          methodType: firstFactor === 'tap' ? 'temporary_access_pass' : 'password',
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
          ...(status === 'registration_required' ? { registrationTypes: registrationTypesOf(tenant) } : {}),
        },
        clientSecret,
        ...(deviceToken ? { deviceToken } : {}),
      };
    },

    async get(tenant, flowId, client) {
      const row = await loadFlow(tenant, flowId, client);
      return view(tenant, row, flowId);
    },

    async challenge(tenant, flowId, client, methodId) {
      const row = await loadFlow(tenant, flowId, client);
      if (row.status !== 'mfa_required')
        refuse(
          'flow_state_invalid',
          'this sign-in is waiting for a new method to be registered, not for a code',
        );
      const usable = await usableMethods(tenant, row.user_id);
      const method = usable.find((m) => m.id === methodId);
      if (!method) refuse('method_not_found', 'no such sign-in method for this account');
      if (method.type === 'push') return startPush(row, client, method.id);
      await db
        .updateTable('sign_in_flows')
        .set({ challenge_method_id: methodId })
        .where('id_hash', '=', row.id_hash)
        .execute();
      // Authenticator codes and recovery codes need nothing sent; SMS and email send one now.
      if (!sentCodeTypes.has(method.type)) return {};
      try {
        const sent = await messageCodes.sendCode({
          tenantId: row.tenant_id,
          userId: row.user_id,
          methodId,
          purpose: 'sign_in_code',
          ip: client.ip,
        });
        return { sentTo: sent.sentTo, expiresAt: sent.expiresAt, resendAfter: sent.resendAfter };
      } catch (error) {
        if (
          error instanceof TwofoldError &&
          (error.code === 'send_limited' || error.code === 'delivery_failed')
        ) {
          const user = await users.getById(row.tenant_id, row.user_id);
          await signInLog.record({
            tenantId: row.tenant_id,
            userId: row.user_id,
            username: user.email,
            result: 'failure',
            reason: error.code,
            methodType: method.type,
            methodId,
            ip: client.ip,
            userAgent: client.userAgent,
          });
        }
        throw error;
      }
    },

    async verify(tenant, flowId, client, methodId, code) {
      const row = await loadFlow(tenant, flowId, client);
      if (methodId.startsWith(pushMethodPrefix)) {
        refuse('flow_state_invalid', 'a push is approved on the device, not with a code');
      }
      const user = await users.getById(row.tenant_id, row.user_id);
      await admitOrRefuse(row, user, client, methodId);
      const amrBase = parseAmr(row.amr);

      if (row.status === 'registration_required') {
        if (!row.registration_method_id || row.registration_method_id !== methodId) {
          refuse('flow_state_invalid', 'register a method first, then confirm it with a code from it');
        }
        const registeredType = (await methods.get(row.tenant_id, row.user_id, methodId)).type;
        const result = await verifyMethodCode({ totp, messageCodes }, registeredType, {
          tenantId: row.tenant_id,
          userId: row.user_id,
          methodId,
          code,
        });
        if (!result.ok)
          return countCodeFailure(
            row,
            user,
            client,
            registeredType,
            methodId,
            result.reason,
            result.offsetSeconds !== undefined ? { offsetSeconds: result.offsetSeconds } : undefined,
          );
        await mfaLockout.recordSuccess(row.tenant_id, row.user_id, methodId);
        await users.clearRegistrationRequired(row.tenant_id, row.user_id);
        const hasCodes = (await recoveryCodes.remaining(row.tenant_id, row.user_id)) > 0;
        const issued = hasCodes
          ? undefined
          : await recoveryCodes.issue(row.tenant_id, row.user_id, {
              type: 'user',
              id: row.user_id,
              ip: client.ip,
            } satisfies Actor);
        return complete(
          row,
          user,
          [...new Set([...amrBase.filter((a) => a !== 'mfa'), amrFor(registeredType), 'mfa'])],
          client,
          {
            ...(issued ? { recoveryCodes: issued } : {}),
            methodType: registeredType,
            methodId,
          },
        );
      }

      const checked = await checkSecondFactor(
        { methods, totp, recoveryCodes, messageCodes },
        {
          tenantId: row.tenant_id,
          userId: row.user_id,
          methodId,
          code,
          allowed: tenant.policy.allowedMethods,
        },
      );
      if (!checked) refuse('method_not_found', 'no such sign-in method for this account');
      if (!checked.ok) {
        return countCodeFailure(
          row,
          user,
          client,
          checked.methodType,
          methodId,
          checked.reason,
          checked.offsetSeconds !== undefined ? { offsetSeconds: checked.offsetSeconds } : undefined,
        );
      }
      await mfaLockout.recordSuccess(
        row.tenant_id,
        row.user_id,
        methodId === recoveryCodesMethodId ? undefined : methodId,
      );
      return complete(row, user, [...new Set([...amrBase, amrFor(checked.methodType), 'mfa'])], client, {
        ...(checked.recoveryCodesRemaining !== undefined
          ? { recoveryCodesRemaining: checked.recoveryCodesRemaining }
          : {}),
        methodType: checked.methodType,
        methodId,
      });
    },

    async register(tenant, flowId, client, input) {
      const row = await loadFlow(tenant, flowId, client);
      if (row.status !== 'registration_required')
        refuse('flow_state_invalid', 'this account already has a method: enter a code from it');
      const type = registrableTypes.find((t) => t === input.type);
      if (!type) {
        refuse(
          'validation_failed',
          `type: '${input.type}' cannot be registered here; use ${registrableTypes.join(', ')}`,
        );
      }
      if (!tenant.policy.allowedMethods.includes(type)) {
        refuse('method_type_not_allowed', `your organisation does not allow ${type} methods`);
      }
      const actor: Actor = { type: 'user', id: row.user_id, ip: client.ip };
      const registered: FlowRegistration =
        type === 'sms' || type === 'email'
          ? await messageCodes.register(
              {
                tenantId: row.tenant_id,
                userId: row.user_id,
                type,
                destination: type === 'sms' ? input.phoneNumber : input.email,
                ip: client.ip,
              },
              actor,
            )
          : await totp.register(
              { tenantId: row.tenant_id, userId: row.user_id, type, label: input.label },
              actor,
            );
      await db
        .updateTable('sign_in_flows')
        .set({ registration_method_id: registered.methodId })
        .where('id_hash', '=', row.id_hash)
        .execute();
      return registered;
    },

    async pushStatus(tenant, flowId, client, options) {
      const row = await loadFlow(tenant, flowId, client, { failed: true });
      if (!row.challenge_method_id?.startsWith(pushMethodPrefix)) {
        if (row.status === 'failed') refuse('flow_expired', 'this sign-in has ended; start again');
        refuse('flow_state_invalid', 'this sign-in has not sent a push; choose push approval first');
      }
      // A sign-in that ended waits for nothing: only a report may be what ended it.
      const outcome = await push.outcome(row.tenant_id, row.id_hash, {
        waitMs: row.status === 'failed' ? 0 : options.waitMs,
        signal: options.signal,
      });
      if (!outcome)
        refuse('flow_state_invalid', 'this sign-in has not sent a push; choose push approval first');
      if (row.status === 'failed' && outcome.status !== 'reported') {
        refuse('flow_expired', 'this sign-in has ended; start again');
      }
      if (outcome.status !== 'approved') return { status: outcome.status };
      const user = await users.getById(row.tenant_id, row.user_id);
      await mfaLockout.recordSuccess(row.tenant_id, row.user_id, outcome.methodId);
      return complete(row, user, [...new Set([...parseAmr(row.amr), pushAmr, 'mfa'])], client, {
        methodType: 'push',
        methodId: outcome.methodId,
      });
    },
  };
}
