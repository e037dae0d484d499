/**
 * The email that tells a tenant's other admins about a break-glass recovery (spec section 3, flow
 * 3). It says "every admin was locked out" only when the flow checked that this was so (issue 15,
 * defect 7): otherwise it says that other admins could still sign in, which is worth a question.
 */
export interface BreakGlassNoticeInput {
  readonly tenantName: string;
  readonly recipientName: string;
  /** The admin who got the pass. */
  readonly recoveredEmail: string;
  readonly minutes: number;
  readonly reason: string;
  /** ISO time of the recovery. */
  readonly when: string;
  readonly operator: { readonly osUser: string; readonly host: string };
  readonly consoleUrl: string;
  /** The flow found every other active admin locked out (or there is no other admin). */
  readonly everyAdminLocked: boolean;
}

export function breakGlassNotice(input: BreakGlassNoticeInput): { subject: string; text: string } {
  const why = input.everyAdminLocked
    ? 'because no other admin of the organisation could sign in.'
    : 'although other admins (you among them) could still sign in: ask the operator why.';
  return {
    subject: `[${input.tenantName}] Break-glass recovery of admin ${input.recoveredEmail}`,
    text: [
      `Hello ${input.recipientName},`,
      '',
      `At ${input.when} the operator of this Twofold deployment (${input.operator.osUser} on ${input.operator.host}) issued`,
      `a one-time Temporary Access Pass, valid ${input.minutes} minutes, to the admin ${input.recoveredEmail}`,
      `of '${input.tenantName}', ${why}`,
      '',
      `Reason given: ${input.reason}`,
      '',
      'If you did not expect this, review the audit log in the admin console now',
      `(${input.consoleUrl}) and contact your operator.`,
    ].join('\n'),
  };
}
