/** Refusals of the admin API in words for an admin, chosen by the problem's code. */
import { t } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { describeProblem } from '../shared/messages.js';

/** `code` when the admin typed codes from the user's token (resync, activate). */
export function adminMessage(problem: Problem, context: 'general' | 'code' = 'general'): string {
  switch (problem.code) {
    case 'step_up_required':
      return t('problem.step_up_required.admin');
    case 'forbidden':
      return t('problem.forbidden.admin');
    case 'otp_invalid':
      return context === 'code' ? t('problem.otp_invalid.token') : t('problem.otp_invalid');
    case 'otp_replayed':
    case 'otp_clock_skew':
    case 'locked_out':
      return describeProblem(problem, context === 'code' ? 'code' : 'general', { now: Date.now() });
    default:
      return describeProblem(problem, 'general', { now: Date.now() });
  }
}
