/**
 * SMS and email methods (spec section 2): registration proves the destination with a code sent
 * to it; sign-in sends a 6-digit code valid 10 minutes, single use, stored as a keyed hash
 * (platform/crypto/code-hasher). Asking again sends a new code and retires the older ones, which
 * then fail as expired, not as wrong: people type the code from the message they opened first.
 * Sends pass the resend interval and the hourly limits (send-limits.ts) before anything is sent.
 */
import { type Locale, TwofoldError } from '@twofold/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Actor, AuditLog } from '../../audit/audit-log.js';
import type { Courier, MessagePurpose } from '../../courier/courier.js';
import { emailText, recipientLocale, serverTexts } from '../../i18n/server-texts.js';
import type { Clock } from '../../platform/clock.js';
import type { CodeHasher } from '../../platform/crypto/code-hasher.js';
import { generateNumericCode } from '../../platform/crypto/tokens.js';
import type { Database } from '../../platform/db/schema.js';
import { generateId } from '../../platform/ids.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import type { UserService } from '../../users/user-service.js';
import { activatePendingMethod, insertPendingMethod, readUserMethod } from '../method-service.js';
import { checkDestination, type MessageChannel, maskDestination } from './destination.js';
import { resendIntervalMs, type SendLimits } from './send-limits.js';

export const messageCodeDigits = 6;
export const messageCodeLifetimeMs = 10 * 60_000;
/** Wrong codes on one sent code before it is retired (a new one must be sent). */
export const messageCodeMaxFailures = 5;
/** How long a sign-in waits for the provider before answering "sent" anyway (the courier keeps trying). */
export const deliveryWaitMs = 3_000;

export const messageMethodTypes = ['sms', 'email'] as const;
export type MessageMethodType = (typeof messageMethodTypes)[number];

export function isMessageMethodType(type: string): type is MessageMethodType {
  return (messageMethodTypes as readonly string[]).includes(type);
}

export interface SentCode {
  /** The masked destination: `+1 ••• •• 23`, `a•••@example.com`. */
  readonly sentTo: string;
  readonly expiresAt: number;
  /** Seconds before another code may be sent to this method. */
  readonly resendAfter: number;
  /** sent: the provider took it; queued: the provider is slow, the courier keeps trying. */
  readonly delivery: 'sent' | 'queued';
}

export type MessageCodeVerification =
  | { readonly ok: true; readonly activated: boolean }
  | {
      readonly ok: false;
      readonly reason: 'otp_invalid' | 'otp_replayed' | 'otp_expired' | 'method_not_found';
    };

export interface MessageCodeService {
  /**
   * Adds a pending sms or email method (replacing an unfinished one of the same type) and sends a
   * code to prove it. Throws phone_number_invalid, email_invalid, method_type_not_allowed,
   * send_limited, delivery_failed. Audited.
   */
  register(
    input: {
      tenantId: string;
      userId: string;
      type: MessageMethodType;
      destination: string | undefined;
      ip?: string | undefined;
    },
    actor: Actor,
  ): Promise<SentCode & { methodId: string }>;
  /** Sends a new code to a pending or active method. Throws method_not_found, send_limited, delivery_failed. */
  sendCode(input: {
    tenantId: string;
    userId: string;
    methodId: string;
    purpose: MessagePurpose;
    ip?: string | undefined;
  }): Promise<SentCode>;
  /** Checks a code; a right one is spent at once and confirms a pending method. */
  verify(input: {
    tenantId: string;
    userId: string;
    methodId: string;
    code: string;
    actor?: Actor;
  }): Promise<MessageCodeVerification>;
  /** Deletes sent codes that expired before `before`; returns how many. */
  purgeExpired(before: number): Promise<number>;
  /**
   * Whether the user proved they read mail at `email`: an active email method at that address (its
   * first code, sent there, was typed back). OpenID Connect's `email_verified`.
   */
  confirmedEmail(tenantId: string, userId: string, email: string): Promise<boolean>;
  /**
   * When a code could next be sent to the method, counting nothing (the troubleshooter): undefined
   * when now; else the seconds to wait and whether a sent code is still waiting to be typed.
   */
  nextSend(input: {
    tenantId: string;
    userId: string;
    methodId: string;
    ip?: string | undefined;
  }): Promise<{ retryAfter: number; codePending: boolean } | undefined>;
}

type MethodRow = Selectable<Database['methods']>;

function channelOf(type: MessageMethodType): MessageChannel {
  return type;
}

/** The words of each message, in the reader's language; the tenant's name says who is asking. */
export function composeMessage(input: {
  tenant: Pick<Tenant, 'name'>;
  channel: MessageChannel;
  code: string;
  purpose: MessagePurpose;
  host: string;
  locale: Locale;
}): { subject?: string; text: string } {
  const texts = serverTexts(input.locale);
  const values = {
    code: input.code,
    tenant: input.tenant.name,
    minutes: messageCodeLifetimeMs / 60_000,
    purpose:
      input.purpose === 'registration_code'
        ? 'registration'
        : input.purpose === 'password_reset_code'
          ? 'passwordReset'
          : 'signIn',
  };
  if (input.channel === 'sms') {
    // The last line lets browsers offer the code on the sign-in page (WebOTP); it is a format, not words.
    return { text: `${texts.text('sms.code', values)}\n\n@${input.host} #${input.code}` };
  }
  return emailText(texts, 'email.code', values);
}

export function createMessageCodeService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  tenants: Pick<TenantService, 'getById'>;
  /** The reader's language (their `locale`, else the tenant's `defaultLocale`). */
  users: Pick<UserService, 'getById'>;
  courier: Pick<Courier, 'send'>;
  codeHasher: CodeHasher;
  sendLimits: SendLimits;
  publicUrl: string;
}): MessageCodeService {
  const { db, clock, audit, tenants, users, courier, codeHasher, sendLimits } = deps;
  // WebOTP names the host without the port (`@example.com #123456`).
  const host = new URL(deps.publicUrl).hostname;

  function loadMethod(tenantId: string, userId: string, methodId: string) {
    return readUserMethod(db, { tenantId, userId, methodId }, messageMethodTypes, ['pending', 'active']);
  }

  function methodNotFound() {
    return new TwofoldError('method_not_found', 'no such SMS or email method for this account');
  }

  /**
   * The resend interval: a method waits 30 s after a code was sent, unless that code was already
   * used (the person got it: right after adding a phone, signing in by SMS sends at once).
   */
  async function resendWait(
    methodId: string,
    now: number,
  ): Promise<{ retryAfter: number; codePending: boolean } | undefined> {
    // The newest code sent within the interval and not used: a used one proved the person has it.
    const last = await db
      .selectFrom('otp_challenges')
      .select(['created_at', 'expires_at'])
      .where('method_id', '=', methodId)
      .where('created_at', '>', now - resendIntervalMs)
      .where('used_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (!last) return undefined;
    return {
      retryAfter: Math.ceil((last.created_at + resendIntervalMs - now) / 1000),
      codePending: last.expires_at > now,
    };
  }

  async function send(
    tenant: Tenant,
    method: MethodRow,
    purpose: MessagePurpose,
    ip: string | undefined,
  ): Promise<SentCode> {
    const type = method.type as MessageMethodType;
    const channel = channelOf(type);
    const destination = method.destination ?? '';
    const now = clock.now();
    const wait = await resendWait(method.id, now);
    if (wait) {
      // Honest about what the user has: a code still waiting to be typed, or none (issue 15, defect 6).
      throw new TwofoldError(
        'send_limited',
        wait.codePending
          ? `a code was just sent; enter it, or ask for a new one in ${wait.retryAfter} seconds`
          : `no code is waiting; a new one can be sent in ${wait.retryAfter} seconds`,
        { retryAfter: wait.retryAfter, scope: 'resend', codePending: wait.codePending },
      );
    }
    const admitted = await sendLimits.admit({
      tenantId: tenant.id,
      userId: method.user_id,
      channel,
      destination,
      ip,
      limits: tenant.policy.sendLimits,
    });
    if (!admitted.allowed) {
      throw new TwofoldError(
        'send_limited',
        `too many codes were sent in the last hour; try again in ${Math.ceil(admitted.retryAfter / 60)} minutes or use another method`,
        { retryAfter: admitted.retryAfter, scope: admitted.scope, codePending: false },
      );
    }
    // In the reader's language, read before the code exists: nothing is stored for a send that fails here.
    const reader = await users.getById(tenant.id, method.user_id);
    const locale = recipientLocale(reader.locale, tenant.policy.defaultLocale);
    const code = generateNumericCode(messageCodeDigits);
    const id = generateId(now);
    const expiresAt = now + messageCodeLifetimeMs;
    await db.transaction().execute(async (trx) => {
      // Older codes of this method stop working: only the newest message counts.
      await trx
        .updateTable('otp_challenges')
        .set({ expires_at: now })
        .where('method_id', '=', method.id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .execute();
      await trx
        .insertInto('otp_challenges')
        .values({
          id,
          tenant_id: tenant.id,
          user_id: method.user_id,
          method_id: method.id,
          code_hash: codeHasher.hash(code, id),
          expires_at: expiresAt,
          used_at: null,
          created_at: now,
        })
        .execute();
    });
    const message = composeMessage({ tenant, channel, code, purpose, host, locale });
    const delivery = await courier.send(
      {
        tenantId: tenant.id,
        channel,
        to: destination,
        ...(message.subject ? { subject: message.subject } : {}),
        text: message.text,
        purpose,
      },
      { waitMs: deliveryWaitMs },
    );
    if (delivery.state === 'failed') {
      // The code can never arrive: retire it, so that the next request may send at once.
      await db
        .updateTable('otp_challenges')
        .set({ expires_at: now, created_at: now - resendIntervalMs })
        .where('id', '=', id)
        .execute();
      throw new TwofoldError(
        'delivery_failed',
        `the ${channel === 'sms' ? 'text message' : 'email'} could not be sent; try again, or use another method`,
      );
    }
    return {
      sentTo: maskDestination(channel, destination),
      expiresAt,
      resendAfter: resendIntervalMs / 1000,
      delivery: delivery.state,
    };
  }

  const activate = (method: MethodRow, now: number, actor?: Actor) =>
    activatePendingMethod({ db, audit }, method, now, actor);

  return {
    async register(input, actor) {
      const { tenantId, userId, type } = input;
      if (!isMessageMethodType(type)) {
        throw new TwofoldError('validation_failed', `type: must be sms or email, got '${String(type)}'`);
      }
      const tenant = await tenants.getById(tenantId);
      if (!tenant.policy.allowedMethods.includes(type)) {
        throw new TwofoldError('method_type_not_allowed', `this organisation does not allow ${type} methods`);
      }
      const destination = checkDestination(channelOf(type), input.destination);
      const now = clock.now();
      const methodId = generateId(now);
      const label = maskDestination(channelOf(type), destination);
      await db.transaction().execute((trx) =>
        insertPendingMethod(trx, audit, {
          id: methodId,
          tenantId,
          userId,
          type,
          label,
          now,
          actor,
          columns: { destination },
        }),
      );
      const method = await loadMethod(tenantId, userId, methodId);
      if (!method) throw methodNotFound();
      const sent = await send(tenant, method, 'registration_code', input.ip);
      return { methodId, ...sent };
    },

    async sendCode(input) {
      const method = await loadMethod(input.tenantId, input.userId, input.methodId);
      if (!method) throw methodNotFound();
      const tenant = await tenants.getById(input.tenantId);
      return send(tenant, method, input.purpose, input.ip);
    },

    async nextSend(input) {
      const method = await loadMethod(input.tenantId, input.userId, input.methodId);
      if (!method) return undefined;
      const now = clock.now();
      const tenant = await tenants.getById(input.tenantId);
      const limited = await sendLimits.peek({
        tenantId: tenant.id,
        userId: method.user_id,
        channel: channelOf(method.type as MessageMethodType),
        destination: method.destination ?? '',
        ip: input.ip,
        limits: tenant.policy.sendLimits,
      });
      const wait = await resendWait(method.id, now);
      if (limited.allowed) return wait;
      return {
        retryAfter: Math.max(limited.retryAfter, wait?.retryAfter ?? 0),
        codePending: wait?.codePending ?? false,
      };
    },

    async confirmedEmail(tenantId, userId, email) {
      const rows = await db
        .selectFrom('methods')
        .select('destination')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('type', '=', 'email' satisfies MessageMethodType)
        .where('status', '=', 'active')
        .execute();
      const wanted = email.trim().toLowerCase();
      return rows.some((row) => row.destination?.trim().toLowerCase() === wanted);
    },

    async purgeExpired(before) {
      const result = await db
        .deleteFrom('otp_challenges')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async verify(input) {
      const method = await loadMethod(input.tenantId, input.userId, input.methodId);
      if (!method) return { ok: false, reason: 'method_not_found' };
      const code = input.code.replace(/[\s-]/g, '');
      const now = clock.now();
      const recent = await db
        .selectFrom('otp_challenges')
        .selectAll()
        .where('method_id', '=', method.id)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(5)
        .execute();
      const latest = recent[0];
      if (!latest) return { ok: false, reason: 'otp_invalid' };
      const matched = /^\d{6}$/.test(code)
        ? recent.find((c) => codeHasher.verify(c.code_hash, code, c.id))
        : undefined;
      if (!matched) {
        // Count the wrong code on the newest challenge; the fifth retires it.
        await db
          .updateTable('otp_challenges')
          .set((eb) => ({
            failures: eb('failures', '+', 1),
            // The fifth wrong code retires it: guessing a million codes takes a new message per five.
            expires_at: sql<number>`case when failures + 1 >= ${messageCodeMaxFailures} then cast(${now} as bigint) else expires_at end`,
          }))
          .where('id', '=', latest.id)
          .execute();
        return { ok: false, reason: 'otp_invalid' };
      }
      if (matched.used_at !== null) return { ok: false, reason: 'otp_replayed' };
      if (matched.id !== latest.id || matched.expires_at <= now) return { ok: false, reason: 'otp_expired' };
      // Spent with one conditional UPDATE: of two requests with the same code, one wins.
      const spent = await db
        .updateTable('otp_challenges')
        .set({ used_at: now })
        .where('id', '=', matched.id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .executeTakeFirst();
      if (!spent) {
        const after = await db
          .selectFrom('otp_challenges')
          .select('used_at')
          .where('id', '=', matched.id)
          .executeTakeFirst();
        return { ok: false, reason: after?.used_at ? 'otp_replayed' : 'otp_expired' };
      }
      await db
        .updateTable('methods')
        .set({ last_used_at: now, updated_at: now })
        .where('id', '=', method.id)
        .execute();
      const activated = method.status === 'pending' && (await activate(method, now, input.actor));
      return { ok: true, activated };
    },
  };
}
