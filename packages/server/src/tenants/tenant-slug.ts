import { TwofoldError } from '@twofold/core';

/** Words that would collide with routes or mislead people if used as a tenant slug. */
const reservedSlugs = new Set([
  'admin',
  'api',
  'app',
  'assets',
  'authenticator',
  'healthz',
  'login',
  'logout',
  'metrics',
  'oauth',
  'oidc',
  'operator',
  'static',
  'system',
  'twofold',
  'well-known',
  'www',
]);

/**
 * Tenant slug rule: 2 to 63 characters of a-z, 0-9 and hyphens, starting with a letter, not
 * ending with a hyphen, no double hyphens, and not reserved. It appears in URLs (`/t/{slug}`) and
 * the OIDC issuer, so it is lowercase ASCII only.
 */
export function checkTenantSlug(slug: string): string {
  const reason = describeSlugProblem(slug);
  if (reason) throw new TwofoldError('tenant_slug_invalid', `tenant slug '${slug}': ${reason}`);
  return slug;
}

function describeSlugProblem(slug: string): string | undefined {
  if (slug.length < 2 || slug.length > 63) return 'must be 2 to 63 characters long';
  if (/[A-Z]/.test(slug)) return 'must be lowercase';
  if (!/^[a-z0-9-]+$/.test(slug)) return 'may only contain a-z, 0-9 and hyphens';
  if (!/^[a-z]/.test(slug)) return 'must start with a letter';
  if (slug.endsWith('-')) return 'must not end with a hyphen';
  if (slug.includes('--')) return 'must not contain two hyphens in a row';
  if (reservedSlugs.has(slug)) return 'is reserved';
  return undefined;
}
