/**
 * The emails about a user's password (spec section 6: a change or reset "emails the user"). One
 * function per message, its words in one place with named parameters, so they can move into a
 * message catalog per language as they are.
 */

export interface PasswordChangedParams {
  readonly tenantName: string;
  readonly displayName: string;
  /** When it happened, as an ISO 8601 time. */
  readonly when: string;
  /** The user changed it, reset it ("Forgot password?"), or the operator set it. */
  readonly how: 'change' | 'reset' | 'operator';
  readonly signInUrl: string;
}

export function passwordChangedEmail(p: PasswordChangedParams): { subject: string; text: string } {
  const what = {
    change: 'Your password was changed from your Security info page.',
    reset: 'Your password was reset with "Forgot password?" on the sign-in page.',
    operator: 'Your password was set by the operator of this Twofold deployment.',
  }[p.how];
  return {
    subject: `Your ${p.tenantName} password was changed`,
    text: [
      `Hello ${p.displayName},`,
      '',
      `${what} (${p.when})`,
      p.how === 'change'
        ? 'Every other session and every application signed in as you was signed out.'
        : 'Every session and every application signed in as you was signed out.',
      '',
      `If this was you, there is nothing to do. If it was not, someone may have your sign-in methods:`,
      `tell your ${p.tenantName} administrator now. Sign in: ${p.signInUrl}`,
    ].join('\n'),
  };
}
