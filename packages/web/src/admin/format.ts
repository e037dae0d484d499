/** Words and numbers of the console: times, drift, statuses, sign-in reasons. */
import { formattingLocale, type MessageKey, t } from '../i18n/i18n.js';
import { methodLabel, methodTypeName } from '../shared/methods.js';
import { roleName } from './roles.js';
import type { AdminMethod, AdminUser, OutboxMessage, PassState } from './types.js';

export interface FormatOptions {
  /** The page's language (with the browser's own variant of it) when unset. */
  readonly locale?: string | undefined;
  /** An IANA zone; the browser's own when unset (tests pass 'UTC'). */
  readonly timeZone?: string | undefined;
}

/** "5 Mar 2026, 14:03" in the admin's locale, or the fallback for no time. */
export function formatDateTime(
  value: string | number | null | undefined,
  fallback = '—',
  options: FormatOptions = {},
): string {
  if (value === null || value === undefined || value === '') return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return fallback;
  return new Intl.DateTimeFormat(options.locale ?? formattingLocale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: options.timeZone,
  }).format(date);
}

/** "14:03:27" (to the second, in the admin's locale): when a list was last read. */
export function formatTimeOfDay(value: string | number, options: FormatOptions = {}): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(options.locale ?? formattingLocale(), {
    timeStyle: 'medium',
    timeZone: options.timeZone,
  }).format(date);
}

/** Signed seconds of clock drift: "+30 s", "−60 s", "0 s" (a no-break space keeps the unit on the line). */
export function formatDrift(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds === 0) return '0\u00a0s';
  return `${seconds > 0 ? '+' : '−'}${Math.abs(Math.round(seconds))}\u00a0s`;
}

/** "45 minutes", "2 hours", "1 day 6 hours" for a pass lifetime, in the page's language. */
export function formatMinutes(minutes: number): string {
  const tag = formattingLocale();
  const unit = (n: number, name: 'day' | 'hour' | 'minute') =>
    new Intl.NumberFormat(tag, { style: 'unit', unit: name, unitDisplay: 'long' }).format(n);
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return unit(m, 'minute');
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const rest = m % 60;
  const parts: string[] = [];
  if (days) parts.push(unit(days, 'day'));
  if (hours) parts.push(unit(hours, 'hour'));
  if (rest) parts.push(unit(rest, 'minute'));
  return new Intl.ListFormat(tag, { type: 'unit', style: 'narrow' }).format(parts);
}

const methodStatusNames: Readonly<Record<string, MessageKey>> = {
  pending: 'admin.methodStatus.pending',
  active: 'admin.methodStatus.active',
  disabled: 'admin.methodStatus.disabled',
};

export function methodStatusName(status: string): string {
  const key = methodStatusNames[status];
  return key ? t(key) : status;
}

/** The method types an admin sees, with their names (the policy editor lists them in this order). */
export const methodTypes = [
  'authenticator',
  'totp',
  'sms',
  'email',
  'hardware_oath',
  'recovery_codes',
  'temporary_access_pass',
] as const;

export { methodTypeName };

/** "Hardware token “Token2 C202”", or just the type's name when the label says nothing more. */
export function methodName(method: { readonly type: string; readonly label: string }): string {
  const typeName = methodTypeName(method.type);
  const label = methodLabel(method);
  return label === typeName ? typeName : t('admin.method.named', { type: typeName, label });
}

/** "Serial 1234 · Token2 C202" for a hardware token, empty for other methods. */
export function hardwareDetails(method: Pick<AdminMethod, 'serial' | 'manufacturer' | 'model'>): string {
  const parts: string[] = [];
  if (method.serial) parts.push(t('admin.method.serial', { serial: method.serial }));
  const make = [method.manufacturer, method.model].filter((part) => part?.trim()).join(' ');
  if (make) parts.push(make);
  return parts.join(' · ');
}

/** What a sign-in was checked with: a method type, or the first factor ("password"). */
export function signInMethodName(type: string): string {
  if (type === 'password') return t('admin.signIns.methodPassword');
  return sentenceCase(methodTypeName(type));
}

/** Types whose codes come from a clock, so their drift and resynchronisation mean something. */
export function isTimeBased(type: string): boolean {
  return type === 'authenticator' || type === 'totp' || type === 'hardware_oath';
}

export type BadgeTone = 'neutral' | 'warning' | 'danger' | 'success';

export interface StatusBadge {
  readonly key: string;
  readonly label: string;
  readonly tone: BadgeTone;
}

/** What needs an admin's eye on a user, most serious first; an empty list is a user in good standing. */
export function userBadges(user: AdminUser, now: number): StatusBadge[] {
  const badges: StatusBadge[] = [];
  if (user.disabled) badges.push({ key: 'disabled', label: t('admin.badge.disabled'), tone: 'danger' });
  if (isLocked(user, now))
    badges.push({
      key: 'locked',
      label: t(user.lockout.adminRequired ? 'admin.badge.lockedAdmin' : 'admin.badge.locked'),
      tone: 'danger',
    });
  if (user.pushBlocked) badges.push({ key: 'push', label: t('admin.badge.pushBlocked'), tone: 'warning' });
  if (user.registrationRequired)
    badges.push({ key: 'registration', label: t('admin.badge.registrationRequired'), tone: 'warning' });
  return badges;
}

/** Locked now: an admin-required lock stays until lifted; a timed one ends at `lockedUntil`. */
export function isLocked(user: Pick<AdminUser, 'lockout'>, now: number): boolean {
  const { lockout } = user;
  if (lockout.adminRequired) return true;
  if (!lockout.locked) return false;
  if (lockout.lockedUntil === null) return true;
  const until = Date.parse(lockout.lockedUntil);
  return Number.isNaN(until) || until > now;
}

export const signInResults = ['success', 'failure', 'interrupted'] as const;

const resultNames: Readonly<Record<string, MessageKey>> = {
  success: 'admin.result.success',
  failure: 'admin.result.failure',
  interrupted: 'admin.result.interrupted',
};

export function resultName(result: string): string {
  const key = resultNames[result];
  return key ? t(key) : result;
}

/** The stable reasons of the sign-in log, with words an admin reads at a glance. */
const reasonKeys: Readonly<Record<string, MessageKey>> = {
  invalid_credentials: 'admin.signInReason.invalid_credentials',
  otp_invalid: 'admin.signInReason.otp_invalid',
  otp_replayed: 'admin.signInReason.otp_replayed',
  otp_clock_skew: 'admin.signInReason.otp_clock_skew',
  otp_expired: 'admin.signInReason.otp_expired',
  locked_out: 'admin.signInReason.locked_out',
  send_limited: 'admin.signInReason.send_limited',
  delivery_failed: 'admin.signInReason.delivery_failed',
  push_denied: 'admin.signInReason.push_denied',
  push_reported: 'admin.signInReason.push_reported',
  push_timeout: 'admin.signInReason.push_timeout',
  registration_required: 'admin.signInReason.registration_required',
  tap_expired: 'admin.signInReason.tap_expired',
  recovery_code_invalid: 'admin.signInReason.recovery_code_invalid',
  flow_expired: 'admin.signInReason.flow_expired',
  too_many_attempts: 'admin.signInReason.too_many_attempts',
  user_disabled: 'admin.signInReason.user_disabled',
  mfa_admin_required: 'admin.signInReason.mfa_admin_required',
};

/** The reasons the sign-in log filter lists, in the order above. */
export const signInReasons: readonly string[] = Object.keys(reasonKeys);

/** An unknown reason (a newer server's) is shown as its code reads. */
export function reasonName(reason: string): string {
  const key = reasonKeys[reason];
  return key ? t(key) : sentenceCase(reason.replace(/_/g, ' '));
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A date picked in a date field ("2026-03-05") as the ISO instant where that day starts, or ends (the last
 * millisecond), in the admin's time zone. Empty or unreadable input gives undefined.
 */
export function dayBoundary(value: string, edge: 'start' | 'end'): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  const [, y, m, d] = match;
  const date =
    edge === 'start'
      ? new Date(Number(y), Number(m) - 1, Number(d), 0, 0, 0, 0)
      : new Date(Number(y), Number(m) - 1, Number(d), 23, 59, 59, 999);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A code the admin typed from a user's token: digits only (spaces and dashes dropped), 6 to 10 of them. */
export function checkTokenCode(raw: string): { ok: true; code: string } | { ok: false; message: string } {
  const code = raw.replace(/[\s-]/g, '');
  if (!code) return { ok: false, message: t('admin.tokenCode.missing') };
  if (!/^\d+$/.test(code)) return { ok: false, message: t('common.codeCheck.digitsOnly') };
  if (code.length < 6 || code.length > 10)
    return { ok: false, message: t('admin.tokenCode.length', { entered: code.length }) };
  return { ok: true, code };
}

/** The Temporary Access Pass line of a user's details. */
export function describePass(pass: PassState | null, now: number): string {
  if (pass === null) return t('admin.pass.state.none');
  const at = formatDateTime(pass.expiresAt);
  if (Date.parse(pass.expiresAt) <= now) return t('admin.pass.state.expired', { at });
  if (pass.used && !pass.reusable) return t('admin.pass.state.spent');
  return t('admin.pass.state.valid', {
    use: pass.reusable ? 'reusable' : 'once',
    used: pass.used ? 'yes' : 'no',
    at,
  });
}

/**
 * Who issued a user's pass, under its state: an admin by their email, an API key or the operator, with the
 * role it was issued with (a pass stops working once its user outranks that role). Undefined for a pass
 * from a server that does not say.
 */
export function describePassIssuer(pass: PassState | null): string | undefined {
  const issuer = pass?.issuedBy;
  if (!issuer) return undefined;
  const role = roleName(issuer.role);
  if (issuer.type === 'operator') return t('admin.pass.issuedBy.operator');
  if (issuer.type === 'api_key') return t('admin.pass.issuedBy.apiKey', { role });
  return issuer.email
    ? t('admin.pass.issuedBy.admin', { email: issuer.email, role })
    : t('admin.pass.issuedBy.deletedAdmin', { role });
}

/**
 * The "Next sign-in" line of a user's details. Only active methods count: a phone or address whose code was
 * never entered, or a token not activated yet, leaves the user registering at their next sign-in.
 */
export function describeNextSignIn(
  user: Pick<AdminUser, 'registrationRequired'>,
  methods: readonly Pick<AdminMethod, 'status'>[] | undefined,
): string {
  if (user.registrationRequired) return t('admin.nextSignIn.mustRegister');
  if (methods === undefined) return t('admin.nextSignIn.usual');
  if (methods.length === 0) return t('admin.nextSignIn.first');
  if (!methods.some((method) => method.status === 'active')) return t('admin.nextSignIn.noneActive');
  return t('admin.nextSignIn.usual');
}

/** The lockout line of a user's details. */
export function describeLockout(user: Pick<AdminUser, 'lockout'>, now: number): string {
  const { lockout } = user;
  const count = lockout.failures;
  if (lockout.adminRequired) return t('admin.lockout.adminRequired', { count });
  if (isLocked(user, now))
    return lockout.lockedUntil
      ? t('admin.lockout.until', { count, at: formatDateTime(lockout.lockedUntil) })
      : t('admin.lockout.locked', { count });
  return count > 0 ? t('admin.lockout.failures', { count }) : t('admin.lockout.none');
}

/** The channel of an outbox message: "SMS", "Email", "Logout token" (back-channel logout to an application). */
export function channelName(channel: string): string {
  if (channel === 'sms') return t('admin.channel.sms');
  if (channel === 'email') return t('admin.channel.email');
  if (channel === 'logout') return t('admin.channel.logout');
  return sentenceCase(channel.replace(/_/g, ' '));
}

const outboxStatuses: Readonly<Record<string, { label: MessageKey; count: MessageKey; tone: BadgeTone }>> = {
  pending: { label: 'admin.outbox.pending', count: 'admin.outbox.pendingCount', tone: 'neutral' },
  sending: { label: 'admin.outbox.sending', count: 'admin.outbox.sendingCount', tone: 'warning' },
  sent: { label: 'admin.outbox.sent', count: 'admin.outbox.sentCount', tone: 'success' },
  // The development outbox provider kept it: nobody received it (issue 15).
  kept: { label: 'admin.outbox.kept', count: 'admin.outbox.keptCount', tone: 'neutral' },
  failed: { label: 'admin.outbox.failed', count: 'admin.outbox.failedCount', tone: 'danger' },
};

/** The badge of an outbox message's status; an unknown status is shown as it comes, neutral. */
export function outboxStatusBadge(status: string): StatusBadge {
  const known = outboxStatuses[status];
  return known
    ? { key: status, label: t(known.label), tone: known.tone }
    : { key: status, label: sentenceCase(status.replace(/_/g, ' ')), tone: 'neutral' };
}

/** What the server leaves of a code's body and subject once a real provider delivered it. */
export const removedCodeText = '[code removed after delivery]';

/** Whether the code was taken out of this text after delivery (nothing is left to read in it). */
export function isRemovedCode(text: string | null): boolean {
  return text !== null && text.trim() === removedCodeText;
}

/** "3 messages (1 waiting, 2 sent)" above the Messages table (statuses in a fixed order, unknown ones last). */
export function summariseOutbox(messages: readonly Pick<OutboxMessage, 'status'>[]): string {
  if (messages.length === 0) return t('admin.outbox.none');
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message.status, (counts.get(message.status) ?? 0) + 1);
  const order = [...Object.keys(outboxStatuses), ...[...counts.keys()].filter((s) => !(s in outboxStatuses))];
  const parts = order.flatMap((status) => {
    const count = counts.get(status);
    if (count === undefined) return [];
    const known = outboxStatuses[status];
    return [known ? t(known.count, { count }) : `${count} ${status.replace(/_/g, ' ')}`];
  });
  const list = new Intl.ListFormat(formattingLocale(), { type: 'unit', style: 'short' }).format(parts);
  return t('admin.outbox.summary', { count: messages.length, statuses: list });
}
