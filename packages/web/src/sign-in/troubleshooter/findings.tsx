/** The troubleshooter's findings in the user's words, one sentence each (spec section 6). */
import type { DiagnosisFinding } from '@twofold/api/troubleshoot';
import { formatList, formattingLocale, t } from '../../i18n/i18n.js';
import { formatOffset, offsetDirection } from '../../shared/clock-offset.js';
import { formatDuration } from '../../shared/messages.js';
import { methodLabel, type SignInMethod } from '../../shared/methods.js';

function timeOfDay(ms: number): string {
  return new Intl.DateTimeFormat(formattingLocale(), { hour: 'numeric', minute: '2-digit' }).format(ms);
}

/** One finding as a sentence; `methods` names the method a send limit is about ("+44 ••• 23"). */
export function describeFinding(
  finding: DiagnosisFinding,
  methods: readonly SignInMethod[],
  now: number,
): string {
  switch (finding.code) {
    case 'clock_ahead':
    case 'clock_behind':
      return t(
        finding.source === 'codes'
          ? 'troubleshooter.finding.clockCodes'
          : 'troubleshooter.finding.clockDevice',
        { offset: formatOffset(finding.offsetSeconds), direction: offsetDirection(finding.offsetSeconds) },
      );
    case 'locked_out':
      return t(
        finding.adminRequired ? 'troubleshooter.finding.lockedOutAdmin' : 'troubleshooter.finding.lockedOut',
      );
    case 'no_method':
      return t('troubleshooter.finding.noMethod');
    case 'method_not_allowed':
      return t('troubleshooter.finding.methodNotAllowed', {
        methods: formatList(finding.methods.map((m) => methodLabel(m))),
      });
    case 'push_blocked':
      return t('troubleshooter.finding.pushBlocked');
    case 'send_limit': {
      const method = methods.find((m) => m.id === finding.methodId);
      return t('troubleshooter.finding.sendLimit', {
        destination: method ? method.label : methodLabel({ type: finding.type, label: '' }),
        duration: formatDuration(finding.retryAfter),
        time: timeOfDay(now + finding.retryAfter * 1000),
      });
    }
  }
}

/** Whether a finding is serious enough to show as a warning (the rest are plain facts). */
export function isBlocking(finding: DiagnosisFinding): boolean {
  return finding.code === 'locked_out' || finding.code === 'no_method' || finding.code === 'push_blocked';
}
