/** Words and numbers of the console: times, drift, statuses, sign-in reasons. */
import { methodTypeName } from '../shared/methods.js';
import type { AdminMethod, AdminUser, OutboxMessage, PassState } from './types.js';

export interface FormatOptions {
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
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: options.timeZone,
  }).format(date);
}

/** "14:03:27" (to the second, in the admin's locale): when a list was last read. */
export function formatTimeOfDay(value: string | number, options: FormatOptions = {}): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(options.locale, { timeStyle: 'medium', timeZone: options.timeZone }).format(
    date,
  );
}

/** Signed seconds of clock drift: "+30 s", "−60 s", "0 s" (a no-break space keeps the unit on the line). */
export function formatDrift(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds === 0) return '0\u00a0s';
  return `${seconds > 0 ? '+' : '−'}${Math.abs(Math.round(seconds))}\u00a0s`;
}

/** "45 minutes", "2 hours", "1 day 6 hours" for a pass lifetime. */
export function formatMinutes(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (m < 60) return plural(m, 'minute');
  const days = Math.floor(m / 1440);
  const hours = Math.floor((m % 1440) / 60);
  const rest = m % 60;
  const parts: string[] = [];
  if (days) parts.push(plural(days, 'day'));
  if (hours) parts.push(plural(hours, 'hour'));
  if (rest) parts.push(plural(rest, 'minute'));
  return parts.join(' ');
}

export const methodStatusNames: Readonly<Record<string, string>> = {
  pending: 'Not activated',
  active: 'Active',
  disabled: 'Disabled',
};

export function methodStatusName(status: string): string {
  return methodStatusNames[status] ?? status;
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
  const label = method.label.trim();
  return !label || label === typeName ? typeName : `${typeName} “${label}”`;
}

/** "Serial 1234 · Token2 C202" for a hardware token, empty for other methods. */
export function hardwareDetails(method: Pick<AdminMethod, 'serial' | 'manufacturer' | 'model'>): string {
  const parts: string[] = [];
  if (method.serial) parts.push(`Serial ${method.serial}`);
  const make = [method.manufacturer, method.model].filter((part) => part?.trim()).join(' ');
  if (make) parts.push(make);
  return parts.join(' · ');
}

/** What a sign-in was checked with: a method type, or the first factor ("password"). */
export function signInMethodName(type: string): string {
  if (type === 'password') return 'Password';
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
  if (user.disabled) badges.push({ key: 'disabled', label: 'Disabled', tone: 'danger' });
  if (isLocked(user, now))
    badges.push({
      key: 'locked',
      label: user.lockout.adminRequired ? 'Locked (admin must unlock)' : 'Locked',
      tone: 'danger',
    });
  if (user.pushBlocked) badges.push({ key: 'push', label: 'Push blocked', tone: 'warning' });
  if (user.registrationRequired)
    badges.push({ key: 'registration', label: 'Registration required', tone: 'warning' });
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

export const resultNames: Readonly<Record<string, string>> = {
  success: 'Success',
  failure: 'Failure',
  interrupted: 'Interrupted',
};

export function resultName(result: string): string {
  return resultNames[result] ?? result;
}

/** The stable reasons of the sign-in log, with words an admin reads at a glance. */
export const reasonNames: Readonly<Record<string, string>> = {
  invalid_credentials: 'Wrong password or pass',
  otp_invalid: 'Wrong code',
  otp_replayed: 'Code used twice',
  otp_clock_skew: 'Device clock wrong',
  otp_expired: 'Code expired',
  locked_out: 'Locked out',
  send_limited: 'Too many codes sent',
  delivery_failed: 'Message not delivered',
  push_denied: 'Push denied',
  push_reported: 'Push reported as fraud',
  push_timeout: 'Push not answered',
  registration_required: 'Registration required',
  tap_expired: 'Pass expired or used',
  recovery_code_invalid: 'Wrong recovery code',
  flow_expired: 'Sign-in expired',
  too_many_attempts: 'Too many wrong codes',
  user_disabled: 'Account disabled',
  mfa_admin_required: 'Needs an admin',
};

export function reasonName(reason: string): string {
  return reasonNames[reason] ?? sentenceCase(reason.replace(/_/g, ' '));
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

/** "3 sessions", "1 code": a count with its noun. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A code the admin typed from a user's token: digits only (spaces and dashes dropped), 6 to 10 of them. */
export function checkTokenCode(raw: string): { ok: true; code: string } | { ok: false; message: string } {
  const code = raw.replace(/[\s-]/g, '');
  if (!code) return { ok: false, message: 'Enter the code the token shows.' };
  if (!/^\d+$/.test(code)) return { ok: false, message: 'The code is digits only, like 123456.' };
  if (code.length < 6 || code.length > 10)
    return { ok: false, message: `The code has 6 to 10 digits; this one has ${code.length}.` };
  return { ok: true, code };
}

/** The Temporary Access Pass line of a user's details. */
export function describePass(pass: PassState | null, now: number): string {
  if (pass === null) return 'None';
  if (Date.parse(pass.expiresAt) <= now) return `Expired ${formatDateTime(pass.expiresAt)}`;
  if (pass.used && !pass.reusable) return 'Used (it worked for one sign-in)';
  return `${pass.reusable ? 'Reusable' : 'One-time'}, ${pass.used ? 'used' : 'not used yet'}; expires ${formatDateTime(pass.expiresAt)}`;
}

/**
 * The "Next sign-in" line of a user's details. Only active methods count: a phone or address whose code was
 * never entered, or a token not activated yet, leaves the user registering at their next sign-in.
 */
export function describeNextSignIn(
  user: Pick<AdminUser, 'registrationRequired'>,
  methods: readonly Pick<AdminMethod, 'status'>[] | undefined,
): string {
  if (user.registrationRequired) return 'Must register a new method';
  if (methods === undefined) return 'Uses their registered methods';
  if (methods.length === 0) return 'Registers a first method (they have none yet)';
  if (!methods.some((method) => method.status === 'active'))
    return 'Registers a method (none of theirs is active yet)';
  return 'Uses their registered methods';
}

/** The lockout line of a user's details. */
export function describeLockout(user: Pick<AdminUser, 'lockout'>, now: number): string {
  const { lockout } = user;
  if (lockout.adminRequired)
    return `Locked until an admin unlocks it (${count(lockout.failures, 'failed attempt')})`;
  if (isLocked(user, now))
    return lockout.lockedUntil
      ? `Locked until ${formatDateTime(lockout.lockedUntil)} (${count(lockout.failures, 'failed attempt')})`
      : `Locked (${count(lockout.failures, 'failed attempt')})`;
  return lockout.failures > 0
    ? `Not locked; ${count(lockout.failures, 'failed attempt')} since the last success`
    : 'Not locked';
}

/** The channel of an outbox message: "SMS", "Email". */
export function channelName(channel: string): string {
  if (channel === 'sms') return 'SMS';
  if (channel === 'email') return 'Email';
  return sentenceCase(channel.replace(/_/g, ' '));
}

const outboxStatuses: Readonly<Record<string, { label: string; tone: BadgeTone }>> = {
  pending: { label: 'Waiting', tone: 'neutral' },
  sending: { label: 'Sending', tone: 'warning' },
  sent: { label: 'Sent', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
};

/** The badge of an outbox message's status; an unknown status is shown as it comes, neutral. */
export function outboxStatusBadge(status: string): StatusBadge {
  const known = outboxStatuses[status];
  return known
    ? { key: status, ...known }
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
  if (messages.length === 0) return 'No messages';
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message.status, (counts.get(message.status) ?? 0) + 1);
  const order = [...Object.keys(outboxStatuses), ...[...counts.keys()].filter((s) => !(s in outboxStatuses))];
  const parts = order
    .filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${outboxStatusBadge(status).label.toLowerCase()}`);
  return `${count(messages.length, 'message')} (${parts.join(', ')})`;
}
