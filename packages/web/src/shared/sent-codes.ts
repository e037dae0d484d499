import type { SentCodeAnswer as SentCodeJson } from '@twofold/api/self-service';
import { t } from '../i18n/i18n.js';
import type { Problem } from './api.js';

/**
 * Codes Twofold sends by text message or email: what the server answers when it sent one, the wait before
 * another may be asked for, and the checks on a phone number or an address before it is sent to the server.
 */

/** Method types whose code is sent to the user rather than shown by an app. */
export type SentCodeType = 'sms' | 'email';

export function isSentCodeType(type: string): type is SentCodeType {
  return type === 'sms' || type === 'email';
}

/** The digits of a code sent by text message or email. */
export const sentCodeDigits = 6;

/**
 * `challenge`, `register`, `POST /me/methods` and `POST /me/step-up/challenge` answer this when they sent a
 * code (registration adds the pending method's id).
 */
export type SentCodeAnswer = SentCodeJson & { readonly methodId?: string };

/** A sent code as the page keeps it: the wait turned into a time on this browser's clock. */
export interface SentCode {
  readonly sentTo: string;
  readonly expiresAt: string;
  /** Milliseconds (this browser's clock) from which "Send a new code" is allowed. */
  readonly resendAt: number;
  readonly methodId?: string;
}

/** The code a method's challenge answer says was sent: for sms and email, when the answer says where. */
export function challengeSentCode(
  type: string,
  answer: Partial<SentCodeAnswer>,
  now: number,
): SentCode | undefined {
  const { sentTo, expiresAt, resendAfter } = answer;
  return isSentCodeType(type) && typeof sentTo === 'string'
    ? toSentCode({ sentTo, expiresAt: expiresAt ?? '', resendAfter: resendAfter ?? 0 }, now)
    : undefined;
}

/** Reads an answer received at `now`; a missing or odd `resendAfter` means no wait. */
export function toSentCode(answer: SentCodeAnswer, now: number): SentCode {
  const wait =
    typeof answer.resendAfter === 'number' && Number.isFinite(answer.resendAfter)
      ? Math.max(0, answer.resendAfter)
      : 0;
  return {
    sentTo: answer.sentTo,
    expiresAt: answer.expiresAt,
    resendAt: now + wait * 1000,
    ...(answer.methodId ? { methodId: answer.methodId } : {}),
  };
}

/** Whole seconds left until `until`, rounded up so "0:01" shows until the wait is really over; never negative. */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** A countdown as a clock reads it: "0:45", "1:05", "10:00". */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  return `${minutes}:${rest < 10 ? '0' : ''}${rest}`;
}

/** The line under "Send a new code" while it waits: "You can send a new code in 0:45." */
export function resendWaitText(seconds: number): string {
  return seconds > 0 ? t('common.sentCode.resendWait', { countdown: formatCountdown(seconds) }) : '';
}

/** Until when "Send a new code" stays off after a refusal that says how long to wait (`send_limited`). */
export function resendBlockedUntil(problem: Problem | undefined, now: number): number | undefined {
  if (problem?.code !== 'send_limited') return undefined;
  const retryAfter = problem['retryAfter'];
  return typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter > 0
    ? now + retryAfter * 1000
    : undefined;
}

/**
 * A refusal only because a code went to this method moments ago (`send_limited` with scope `resend`):
 * that code still works, so the page says to enter it rather than that something failed.
 */
export function isRecentlySent(problem: Problem | undefined): boolean {
  return problem?.code === 'send_limited' && problem['scope'] === 'resend';
}

/**
 * The line above the Code field: "We sent a code to +1 ••• •• 23. It works for 10 minutes.", "We emailed a
 * code to a•••@example.com a moment ago.", or, when nothing could be sent yet, that.
 */
export function sentCodeLead(
  type: SentCodeType,
  sentTo: string | undefined,
  when: { readonly minutes?: number | undefined; readonly moment?: boolean } = {},
): string {
  const channel = type;
  if (sentTo === undefined) return t('common.sentCode.notYet', { channel });
  if (when.moment) return t('common.sentCode.sentMoment', { channel, destination: sentTo });
  if (when.minutes === undefined) return t('common.sentCode.sent', { channel, destination: sentTo });
  return t('common.sentCode.sentFor', { channel, destination: sentTo, minutes: when.minutes });
}

/** The status line after "Send a new code". */
export function resentStatus(type: SentCodeType, sentTo: string): string {
  return t('common.sentCode.resent', { channel: type, destination: sentTo });
}

/** Codes sent by text or email never live longer than this (spec section 2). */
export const sentCodeLifetimeMinutes = 10;

/**
 * The minutes a code still works from its expiry, or undefined when this browser's clock makes it
 * implausible. Never more than a code's lifetime: a browser clock behind the server's would otherwise promise
 * more.
 */
export function codeLifetimeMinutes(expiresAt: string, now: number): number | undefined {
  const ms = Date.parse(expiresAt) - now;
  if (!Number.isFinite(ms)) return undefined;
  const minutes = Math.min(Math.round(ms / 60_000), sentCodeLifetimeMinutes);
  if (minutes < 1 || ms > 60 * 60_000) return undefined;
  return minutes;
}

export type ValueCheck =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly message: string };

/**
 * What the page can tell about a phone number before the server does the real check (which knows every
 * country's numbering plan): it is there, it starts with + (or 00) and a country code, and it holds only
 * digits and the usual separators. The number goes to the server as typed.
 */
export function checkPhoneNumber(raw: string): ValueCheck {
  const value = raw.trim();
  if (!value) return { ok: false, message: t('common.phoneCheck.missing') };
  // 00 before the country code is the international prefix in most countries; the server reads it as +.
  const international = value.startsWith('00') ? `+${value.slice(2)}` : value;
  if (!international.startsWith('+')) return { ok: false, message: t('common.phoneCheck.plus') };
  if (!/^\+[\d\s().-]+$/.test(international)) return { ok: false, message: t('common.phoneCheck.digits') };
  if (international.replace(/\D/g, '').length > 15)
    return { ok: false, message: t('common.phoneCheck.tooLong') };
  return { ok: true, value };
}

/** An address the server may accept: something@domain.tld, at most 254 characters, no spaces. */
export function checkEmailAddress(raw: string): ValueCheck {
  const value = raw.trim();
  if (!value) return { ok: false, message: t('common.emailCheck.missing') };
  if (value.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
    return { ok: false, message: t('common.emailCheck.form') };
  return { ok: true, value };
}
