/** The email that tells a tenant's helpdesk and global admins that a user asked for help (spec section 6). */
import type { DiagnosisFinding } from '@twofold/api/troubleshoot';

/** One English sentence per finding, for emails (pages choose their own words by `code`). */
export function describeFinding(finding: DiagnosisFinding): string {
  switch (finding.code) {
    case 'locked_out':
      return finding.adminRequired
        ? 'Second-factor sign-in is locked until an admin unlocks it (too many wrong codes).'
        : `Second-factor sign-in is locked for ${Math.ceil((finding.retryAfter ?? 0) / 60)} more minutes (too many wrong codes).`;
    case 'no_method':
      return 'The user has no sign-in method they can use (none registered, or re-registration is required).';
    case 'method_not_allowed':
      return `The policy no longer allows the user's ${finding.methods.map((m) => m.type).join(', ')} method(s).`;
    case 'clock_ahead':
    case 'clock_behind': {
      const minutes = Math.max(1, Math.round(Math.abs(finding.offsetSeconds) / 60));
      const where = finding.source === 'codes' ? "The user's authenticator" : "The user's browser";
      return `${where} clock looks about ${minutes} minute${minutes === 1 ? '' : 's'} ${finding.code === 'clock_ahead' ? 'ahead' : 'behind'}.`;
    }
    case 'push_blocked':
      return 'Push approvals are blocked since the user reported a push they did not start.';
    case 'send_limit':
      return `No ${finding.type === 'sms' ? 'text message' : 'email'} code can be sent for ${finding.retryAfter} seconds (send limit).`;
  }
}

export function helpRequestEmail(input: {
  readonly tenantName: string;
  readonly recipientName: string;
  readonly user: { readonly email: string; readonly displayName: string };
  readonly message: string | null;
  readonly contact: string | null;
  readonly findings: readonly DiagnosisFinding[];
  readonly soleGlobalAdmin: boolean;
  readonly recoverCommand: string;
  readonly consoleUrl: string;
  readonly at: number;
}): { subject: string; text: string } {
  const { user } = input;
  const lines = [
    `Hello ${input.recipientName},`,
    '',
    `${user.displayName} (${user.email}) cannot get a sign-in code for ${input.tenantName} and asked for help at ${new Date(input.at).toISOString()}.`,
    '',
    `Their message: ${input.message ?? '(none)'}`,
    `How to reach them: ${input.contact ?? '(not given)'}`,
    '',
    'What Twofold found:',
    ...(input.findings.length > 0
      ? input.findings.map((f) => `- ${describeFinding(f)}`)
      : ['- Nothing blocking: their methods should work; they may have lost the device.']),
    '',
    ...(input.soleGlobalAdmin
      ? [
          'They are the only global admin of this organisation, so no admin can issue them a pass.',
          'The operator of this Twofold deployment recovers the account on the host with:',
          `  ${input.recoverCommand}`,
          '',
        ]
      : []),
    `Open the help requests in the admin console to act on it: ${input.consoleUrl}`,
    '',
    'Check who you are talking to before you issue a Temporary Access Pass.',
  ];
  return {
    subject: `[${input.tenantName}] Help request: ${user.email} cannot get a sign-in code`,
    text: lines.join('\n'),
  };
}
