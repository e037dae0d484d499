/**
 * The email that tells a tenant's helpdesk and global admins that a user asked for help (spec
 * section 6), in each admin's language: what the user wrote, what the diagnosis found, and (for the
 * tenant's only global admin) what the operator runs.
 */
import type { DiagnosisFinding } from '@twofold/api/troubleshoot';
import type { Locale, MessageValue } from '@twofold/core';
import { recipientLocale, serverTexts } from '../../i18n/server-texts.js';

/** One line per finding, in the reader's language (pages choose their own words by `code`). */
export function describeFindings(findings: readonly DiagnosisFinding[], locale: Locale): string {
  const texts = serverTexts(locale);
  if (findings.length === 0) return texts.text('email.helpRequest.finding', { code: 'none' });
  return findings
    .map((finding) => texts.text('email.helpRequest.finding', findingValues(finding)))
    .join('\n');
}

function findingValues(finding: DiagnosisFinding): Record<string, string | number> {
  switch (finding.code) {
    case 'locked_out':
      return {
        code: finding.code,
        adminRequired: finding.adminRequired ? 'yes' : 'no',
        minutes: Math.ceil((finding.retryAfter ?? 0) / 60),
      };
    case 'method_not_allowed':
      return { code: finding.code, methods: finding.methods.map((m) => m.type).join(', ') };
    case 'clock_ahead':
    case 'clock_behind':
      return {
        code: finding.code,
        source: finding.source,
        minutes: Math.max(1, Math.round(Math.abs(finding.offsetSeconds) / 60)),
      };
    case 'send_limit':
      return { code: finding.code, channel: finding.type, seconds: finding.retryAfter };
    default:
      return { code: finding.code };
  }
}

/** The help request's values for one admin's email (the findings in that admin's language). */
export function helpRequestValues(
  input: {
    readonly tenant: { readonly name: string; readonly policy: { readonly defaultLocale: Locale } };
    readonly user: { readonly email: string; readonly displayName: string };
    readonly message: string | null;
    readonly contact: string | null;
    readonly findings: readonly DiagnosisFinding[];
    readonly soleGlobalAdmin: boolean;
    readonly recoverCommand: string;
    readonly consoleUrl: string;
    readonly at: number;
  },
  admin: { readonly locale: string | null },
): Record<string, MessageValue> {
  const { tenant, user } = input;
  return {
    tenant: tenant.name,
    userName: user.displayName,
    email: user.email,
    when: new Date(input.at),
    message: input.message ?? 'none',
    contact: input.contact ?? 'none',
    findings: describeFindings(input.findings, recipientLocale(admin.locale, tenant.policy.defaultLocale)),
    soleAdmin: input.soleGlobalAdmin ? 'yes' : 'no',
    command: input.recoverCommand,
    adminUrl: input.consoleUrl,
  };
}
