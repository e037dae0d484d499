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

export interface MessageOptions {
  /** The current time in milliseconds (injected so tests are exact). */
  readonly now: number;
  /** Formats a time of day for "try again at ..."; the user's locale by default. */
  readonly formatTime?: (ms: number) => string;
  /**
   * What else the user can do when a code cannot be sent: "sign in another way" (the default, on the
   * sign-in page), "choose another method" (registration, step-up).
   */
  readonly otherWay?: string;
}

function defaultFormatTime(ms: number): string {
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(ms);
}

function numberExtra(problem: Problem, key: string): number | undefined {
  const value = problem[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** "45 seconds", "1 minute", "about 15 minutes", "about 2 hours". */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const minutes = Math.round(s / 60);
  if (minutes < 90) return minutes === 1 ? '1 minute' : `about ${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return `about ${hours} hours`;
}

/** "your device's clock looks about 5 minutes behind": positive offsets are a clock running ahead. */
export function describeClockSkew(offsetSeconds: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(offsetSeconds) / 60));
  const amount = minutes === 1 ? 'about 1 minute' : `about ${minutes} minutes`;
  return `Your device's clock looks ${amount} ${offsetSeconds > 0 ? 'ahead' : 'behind'}. Set it to automatic date and time, then try a new code.`;
}

/** Codes after which this sign-in cannot go on: the page offers to start again. */
export const flowEndingCodes: ReadonlySet<string> = new Set([
  'too_many_attempts',
  'flow_expired',
  'flow_not_found',
  'flow_state_invalid',
]);

/** Turns a problem from the API into plain words for the field it concerns. */
export function describeProblem(problem: Problem, context: ProblemContext, options: MessageOptions): string {
  const formatTime = options.formatTime ?? defaultFormatTime;
  const otherWay = options.otherWay ?? 'sign in another way';
  switch (problem.code) {
    case 'invalid_credentials':
      if (context === 'pass')
        return 'That Temporary Access Pass is not right. Check it, or ask your admin for a new one.';
      return 'That email or password is not right.';
    case 'otp_invalid':
      return withAttemptsLeft(
        problem,
        context === 'recovery-code'
          ? 'That recovery code is not right, or it was already used.'
          : context === 'sent-code'
            ? 'That code is not right. Check the latest code we sent you and try again.'
            : 'That code is not right. Check the code in your app and try again.',
      );
    case 'otp_replayed':
      return context === 'sent-code'
        ? 'This code was already used. Send a new code.'
        : 'This code was already used. Wait for the next code in your app, then enter it.';
    case 'otp_expired':
      return 'This code has expired. Send a new code.';
    case 'send_limited': {
      const retryAfter = numberExtra(problem, 'retryAfter');
      // Push approvals (scopes push_pending, push_hourly): requests to the authenticator, not codes.
      if (typeof problem['scope'] === 'string' && problem['scope'].startsWith('push')) {
        const wait = retryAfter === undefined ? 'Wait a while' : `Wait ${formatDuration(retryAfter)}`;
        return problem['scope'] === 'push_pending'
          ? `Several sign-in requests are already waiting on your device. Answer or deny them in Twofold Authenticator, or ${otherWay}.`
          : `Too many sign-in requests were sent to your device. ${wait} before sending another, or ${otherWay}.`;
      }
      // Scope `resend`: a code went to this method moments ago and still works.
      if (problem['scope'] === 'resend')
        return `A code was sent a moment ago: enter it, or wait ${retryAfter === undefined ? 'a little' : formatDuration(retryAfter)} to ask for a new one.`;
      const wait = retryAfter === undefined ? 'Wait a while' : `Wait ${formatDuration(retryAfter)}`;
      return `Too many codes were sent. ${wait} before asking for a new one, or ${otherWay}.`;
    }
    case 'delivery_failed':
      return `We couldn't send the code. Try again, or ${otherWay}.`;
    case 'phone_number_invalid':
      return problem.detail
        ? sentence(problem.detail)
        : 'That is not a mobile number in international form. Start with + and the country code, like +44 7700 900123.';
    case 'email_invalid':
      return 'Enter an email address like name@example.com.';
    case 'otp_clock_skew': {
      const offset = numberExtra(problem, 'offsetSeconds');
      return offset === undefined
        ? "That code is from another time: your device's clock looks wrong. Set it to automatic date and time, then try a new code."
        : describeClockSkew(offset);
    }
    case 'locked_out': {
      const retryAfter = numberExtra(problem, 'retryAfter');
      // At the password step the lock is on password attempts; after it, on codes.
      const firstFactor = context === 'password' || context === 'pass';
      const what = firstFactor
        ? 'Too many failed sign-ins, so signing in to this account is paused for now.'
        : 'Too many wrong codes, so signing in with a code is locked for now.';
      if (retryAfter === undefined) return `${what} Your admin can unlock it.`;
      const at = formatTime(options.now + retryAfter * 1000);
      return `${what} You can try again at ${at} (in ${formatDuration(retryAfter)}).`;
    }
    case 'too_many_attempts':
      return 'That was too many wrong codes, so this sign-in has ended. Start again.';
    case 'flow_expired':
    case 'flow_not_found':
      return 'This sign-in took too long and has expired. Start again.';
    case 'mfa_admin_required':
      return 'Your account needs your admin before you can sign in. Contact them: they can issue you a Temporary Access Pass or ask you to register again.';
    case 'tap_expired':
      return 'This Temporary Access Pass has expired or was already used. Ask your admin for a new one.';
    case 'validation_failed':
      if (context === 'code' || context === 'sent-code') return 'Enter the code as digits only, like 123456.';
      if (context === 'destination') return 'Check the phone number or address and try again.';
      if (context === 'recovery-code') return 'Enter the recovery code as it was shown to you.';
      return 'Some of what you entered is not in the right form. Check it and try again.';
    case 'rate_limited': {
      const retryAfter = numberExtra(problem, 'retryAfter');
      return retryAfter === undefined
        ? 'Too many attempts. Wait a little, then try again.'
        : `Too many attempts. Wait ${formatDuration(retryAfter)}, then try again.`;
    }
    case 'recovery_code_invalid':
      return withAttemptsLeft(
        problem,
        'That recovery code is not right, or it was already used. Each code works once.',
      );
    case 'last_method':
      return 'This is your only sign-in method, so it cannot be deleted. Add another method first.';
    case 'method_not_found':
      return 'That sign-in method no longer exists. Reload the page to see your methods.';
    case 'method_type_not_allowed':
      return 'Your organisation does not allow this kind of method. Choose another one.';
    case 'user_disabled':
      return 'This account is disabled. Contact your admin.';
    case 'flow_state_invalid':
      return 'This sign-in is at another step than this page. Start again.';
    case 'forbidden':
      return problem.detail ? sentence(problem.detail) : 'You are not allowed to do that.';
    case 'step_up_required':
      return 'For your security, confirm it is you with a code first.';
    case 'unauthenticated':
      return 'Your session has ended. Sign in again.';
    case 'network_error':
      return "We couldn't reach the server. Check your connection and try again.";
    case 'tenant_not_found':
      return 'This sign-in address is not right: there is no such organisation. Check the link you were given.';
    default:
      if (problem.status >= 500 || problem.code === 'internal_error')
        return 'Something went wrong on our side. Try again in a moment.';
      return problem.detail ? sentence(problem.detail) : 'That did not work. Try again.';
  }
}

/** Warns once few tries are left on this sign-in (the server sends `attemptsLeft`). */
function withAttemptsLeft(problem: Problem, message: string): string {
  const left = numberExtra(problem, 'attemptsLeft');
  if (left === undefined || left > 2 || left < 1) return message;
  return `${message} ${left === 1 ? 'One more wrong code ends' : `${left} more wrong codes end`} this sign-in.`;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
