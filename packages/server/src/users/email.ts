import { TwofoldError } from '@twofold/core';

/**
 * Email addresses are compared case-insensitively after NFC normalisation and trimming; the
 * address as typed is kept for display and mail. The check is deliberately plausibility only
 * (one @, a dotted domain, no spaces, 254 characters): proving an address is the email method's job.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

export function checkEmail(email: string): string {
  const trimmed = email.normalize('NFC').trim();
  const problem = describeEmailProblem(trimmed);
  if (problem) throw new TwofoldError('email_invalid', `email '${trimmed.slice(0, 80)}': ${problem}`);
  return trimmed;
}

function describeEmailProblem(email: string): string | undefined {
  if (email.length === 0) return 'must not be empty';
  if (email.length > 254) return 'must be at most 254 characters';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(email)) return 'must not contain spaces or control characters';
  const at = email.lastIndexOf('@');
  if (at <= 0) return 'must look like name@example.com';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64) return 'the part before @ must be at most 64 characters';
  if (local.includes('@') && !/^".*"$/.test(local)) return 'must contain exactly one @';
  if (!/^[^.][^@]*\.[^.@]+$/.test(domain) || domain.includes('..'))
    return 'the domain after @ must be like example.com';
  return undefined;
}
