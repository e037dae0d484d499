/** Refusals of the admin API in words for an admin: the server's own detail where it says more. */
import type { Problem } from '../shared/api.js';
import { describeProblem } from '../shared/messages.js';

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** `code` when the admin typed codes from the user's token (resync, activate). */
export function adminMessage(problem: Problem, context: 'general' | 'code' = 'general'): string {
  const detail = typeof problem.detail === 'string' && problem.detail.trim() ? problem.detail : undefined;
  switch (problem.code) {
    case 'step_up_required':
      return 'The admin console needs a sign-in with a second factor. Sign out, then sign in again with a code from your app.';
    case 'forbidden':
      return detail
        ? `Not allowed: ${lowerFirst(sentence(detail))}`
        : 'Not allowed: your role does not allow this.';
    case 'user_not_found':
      return 'This user no longer exists: someone may have deleted it.';
    case 'method_not_found':
      return 'This method no longer exists: someone may have deleted it.';
    case 'oidc_client_not_found':
      return 'This application no longer exists: someone may have deleted it.';
    case 'user_exists':
      return 'A user with this email already exists.';
    case 'last_global_admin':
      return 'This is the last active global admin: make someone else a global admin first.';
    case 'not_found':
      return 'The server does not know this request. It may be an older version of Twofold.';
    case 'validation_failed':
    case 'email_invalid':
    case 'password_invalid':
    case 'role_invalid':
    case 'method_type_not_allowed':
      return detail ? sentence(detail) : describeProblem(problem, 'general', { now: Date.now() });
    case 'otp_invalid':
    case 'otp_replayed':
    case 'otp_clock_skew':
    case 'locked_out':
      if (context === 'code')
        return problem.code === 'otp_invalid'
          ? 'Those codes did not match the token. Check them and try again with newer ones.'
          : describeProblem(problem, 'code', { now: Date.now() });
      return detail ? sentence(detail) : describeProblem(problem, 'general', { now: Date.now() });
    default:
      return describeProblem(problem, 'general', { now: Date.now() });
  }
}
