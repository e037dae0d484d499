import { formattingLocale, hasMessage, t } from '../i18n/i18n.js';
import type { Problem } from './api.js';

/**
 * What the user was doing when the problem happened: the same code reads differently on each field.
 * `sent-code` is a code we sent by text message or email; `destination` is the phone number or address
 * a method is being registered with.
 */
export type ProblemContext =
  | 'password'
  | 'pass'
  | 'code'
  | 'sent-code'
  | 'recovery-code'
  | 'destination'
  | 'general';

/**
 * What else the user can do when a code cannot be sent or checked: "sign in another way" (on the sign-in
 * page) or "choose another method" (registration, step-up).
 */
export type OtherWay = 'signIn' | 'method';

export interface MessageOptions {
  /** The current time in milliseconds (injected so tests are exact). */
  readonly now: number;
  /** Formats a time of day for "try again at ..."; the page's language by default. */
  readonly formatTime?: (ms: number) => string;
  /** "sign in another way" by default. */
  readonly otherWay?: OtherWay;
}

function defaultFormatTime(ms: number): string {
  return new Intl.DateTimeFormat(formattingLocale(), { hour: 'numeric', minute: '2-digit' }).format(ms);
}

function numberExtra(problem: Problem, key: string): number | undefined {
  const value = problem[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** "45 seconds", "1 minute", "about 15 minutes", "about 2 hours", in the page's language. */
export function formatDuration(seconds: number): string {
  const unit = (value: number, name: 'second' | 'minute' | 'hour') =>
    new Intl.NumberFormat(formattingLocale(), { style: 'unit', unit: name, unitDisplay: 'long' }).format(
      value,
    );
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return unit(s, 'second');
  const minutes = Math.round(s / 60);
  if (minutes === 1) return unit(1, 'minute');
  if (minutes < 90) return t('common.duration.about', { duration: unit(minutes, 'minute') });
  return t('common.duration.about', { duration: unit(Math.round(minutes / 60), 'hour') });
}

/** "Your device's clock looks about 5 minutes behind. …": positive offsets are a clock running ahead. */
export function describeClockSkew(offsetSeconds: number): string {
  return t('problem.otp_clock_skew.measured', {
    minutes: Math.max(1, Math.round(Math.abs(offsetSeconds) / 60)),
    direction: offsetSeconds > 0 ? 'ahead' : 'behind',
  });
}

/** Codes after which this sign-in cannot go on: the page offers to start again. */
export const flowEndingCodes: ReadonlySet<string> = new Set([
  'too_many_attempts',
  'flow_expired',
  'flow_not_found',
  'flow_state_invalid',
]);

/**
 * The page's words for a problem the API answered: chosen by its `code` (and its extras: `retryAfter`,
 * `scope`, `attemptsLeft`, `offsetSeconds`, `numberType`), never its English `detail`. A code this page does
 * not know is said by its status.
 */
export function describeProblem(problem: Problem, context: ProblemContext, options: MessageOptions): string {
  const way = options.otherWay ?? 'signIn';
  const retryAfter = numberExtra(problem, 'retryAfter');
  switch (problem.code) {
    case 'invalid_credentials':
      return t(context === 'pass' ? 'problem.invalid_credentials.pass' : 'problem.invalid_credentials');
    case 'otp_invalid':
      return withAttemptsLeft(
        problem,
        t(
          context === 'recovery-code'
            ? 'problem.otp_invalid.recoveryCode'
            : context === 'sent-code'
              ? 'problem.otp_invalid.sentCode'
              : 'problem.otp_invalid',
        ),
      );
    case 'recovery_code_invalid':
      return withAttemptsLeft(problem, t('problem.recovery_code_invalid'));
    case 'otp_replayed':
      return t(context === 'sent-code' ? 'problem.otp_replayed.sentCode' : 'problem.otp_replayed');
    case 'send_limited':
      return describeSendLimited(problem, retryAfter, way);
    case 'delivery_failed':
      return t('problem.delivery_failed', { way });
    case 'phone_number_invalid': {
      const type = problem['numberType'];
      if (type === 'landline') return t('problem.phone_number_invalid.landline');
      if (type === 'premium_rate') return t('problem.phone_number_invalid.premiumRate');
      return t('problem.phone_number_invalid');
    }
    case 'otp_clock_skew': {
      const offset = numberExtra(problem, 'offsetSeconds');
      return offset === undefined ? t('problem.otp_clock_skew') : describeClockSkew(offset);
    }
    case 'locked_out': {
      // At the password step the lock is on password attempts; after it, on codes.
      const firstFactor = context === 'password' || context === 'pass';
      if (retryAfter === undefined)
        return t(firstFactor ? 'problem.locked_out.password' : 'problem.locked_out');
      const values = {
        time: (options.formatTime ?? defaultFormatTime)(options.now + retryAfter * 1000),
        duration: formatDuration(retryAfter),
      };
      return t(firstFactor ? 'problem.locked_out.passwordUntil' : 'problem.locked_out.until', values);
    }
    case 'validation_failed':
      if (context === 'code' || context === 'sent-code') return t('problem.validation_failed.code');
      if (context === 'destination') return t('problem.validation_failed.destination');
      if (context === 'recovery-code') return t('problem.validation_failed.recoveryCode');
      return t('problem.validation_failed');
    case 'rate_limited':
      return retryAfter === undefined
        ? t('problem.rate_limited')
        : t('problem.rate_limited.wait', { duration: formatDuration(retryAfter) });
    case 'push_denied':
      return t('problem.push_denied', { way });
    case 'push_timeout':
      return t('problem.push_timeout', { way });
    default:
      return messageOfCode(problem);
  }
}

/**
 * The one message of a code, for codes whose words depend on nothing else. Every code of the error registry
 * has one (the catalog tests check it); a code the page does not know (a newer server's) is said by status.
 */
export function messageOfCode(problem: Problem): string {
  if (problem.code === 'flow_not_found') return t('problem.flow_expired');
  const key = `problem.${problem.code}`;
  if (hasMessage(key)) return t(key);
  return t(problem.status >= 500 ? 'problem.internal_error' : 'problem.unknown');
}

function describeSendLimited(problem: Problem, retryAfter: number | undefined, way: OtherWay): string {
  const scope = problem['scope'];
  const duration = retryAfter === undefined ? undefined : formatDuration(retryAfter);
  // Push approvals (scopes push_pending, push_hourly): requests to the authenticator, not codes.
  if (scope === 'push_pending') return t('problem.send_limited.pushPending', { way });
  if (scope === 'push_hourly')
    return duration === undefined
      ? t('problem.send_limited.pushHourly', { way })
      : t('problem.send_limited.pushHourlyWait', { way, duration });
  // Scope `resend`: a code went to this method moments ago and still works.
  if (scope === 'resend')
    return duration === undefined
      ? t('problem.send_limited.resend')
      : t('problem.send_limited.resendWait', { duration });
  return duration === undefined
    ? t('problem.send_limited', { way })
    : t('problem.send_limited.wait', { way, duration });
}

/** Warns once few tries are left on this sign-in (the server sends `attemptsLeft`). */
function withAttemptsLeft(problem: Problem, message: string): string {
  const left = numberExtra(problem, 'attemptsLeft');
  if (left === undefined || left > 2 || left < 1) return message;
  return t('problem.attemptsLeft', { message, count: left });
}
