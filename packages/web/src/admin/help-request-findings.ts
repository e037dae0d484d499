/** A help request's findings as the console says them: about the person, in an admin's words. */
import type { DiagnosisFinding } from '@twofold/api/troubleshoot';
import { formatList, t } from '../i18n/i18n.js';
import { formatOffset, offsetDirection } from '../shared/clock-offset.js';
import { formatDuration } from '../shared/messages.js';
import { methodName } from './format.js';

export function describeHelpFinding(finding: DiagnosisFinding): string {
  switch (finding.code) {
    case 'clock_ahead':
    case 'clock_behind':
      return t(
        finding.source === 'codes' ? 'helpRequests.finding.clockCodes' : 'helpRequests.finding.clockDevice',
        { offset: formatOffset(finding.offsetSeconds), direction: offsetDirection(finding.offsetSeconds) },
      );
    case 'locked_out':
      if (finding.adminRequired) return t('helpRequests.finding.lockedOutAdmin');
      return finding.retryAfter === undefined
        ? t('helpRequests.finding.lockedOutEnded')
        : t('helpRequests.finding.lockedOut', { duration: formatDuration(finding.retryAfter) });
    case 'no_method':
      return t('helpRequests.finding.noMethod');
    case 'method_not_allowed':
      return t('helpRequests.finding.methodNotAllowed', {
        methods: formatList(finding.methods.map((m) => methodName(m))),
      });
    case 'push_blocked':
      return t('helpRequests.finding.pushBlocked');
    case 'send_limit':
      return t('helpRequests.finding.sendLimit', {
        type: methodName({ type: finding.type, label: '' }),
        duration: formatDuration(finding.retryAfter),
      });
  }
}
