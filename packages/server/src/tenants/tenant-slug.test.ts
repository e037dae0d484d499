import { TwofoldError } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { checkTenantSlug } from './tenant-slug.js';

function problemOf(slug: string): string {
  try {
    checkTenantSlug(slug);
  } catch (error) {
    if (error instanceof TwofoldError && error.code === 'tenant_slug_invalid') return error.message;
    throw error;
  }
  throw new Error(`'${slug}' was accepted`);
}

describe('checkTenantSlug', () => {
  it.each([
    ['ab', 'shortest: 2 characters'],
    ['acme', 'a word'],
    ['a1', 'letter then digit'],
    ['acme-corp', 'one hyphen'],
    ['x-1-y-2', 'several single hyphens'],
    ['team42', 'digits after the first letter'],
    [`a${'b'.repeat(62)}`, 'longest: 63 characters (a DNS label)'],
    ['administrators', 'contains a reserved word but is not one'],
  ])('accepts %s (%s)', (slug) => {
    expect(checkTenantSlug(slug)).toBe(slug);
  });

  it.each([
    ['', 'must be 2 to 63 characters long'],
    ['a', 'must be 2 to 63 characters long'],
    [`a${'b'.repeat(63)}`, 'must be 2 to 63 characters long'],
    ['Acme', 'must be lowercase'],
    ['acmE', 'must be lowercase'],
    ['1acme', 'must start with a letter'],
    ['-acme', 'must start with a letter'],
    ['acme-', 'must not end with a hyphen'],
    ['ac--me', 'must not contain two hyphens in a row'],
    ['ac_me', 'may only contain a-z, 0-9 and hyphens'],
    ['ac me', 'may only contain a-z, 0-9 and hyphens'],
    ['acme.io', 'may only contain a-z, 0-9 and hyphens'],
    ['acmé', 'may only contain a-z, 0-9 and hyphens'],
    ['ac/me', 'may only contain a-z, 0-9 and hyphens'],
    ['admin', 'is reserved'],
    ['api', 'is reserved'],
    ['well-known', 'is reserved'],
    ['twofold', 'is reserved'],
    ['oidc', 'is reserved'],
  ])('refuses %j: %s', (slug, reason) => {
    expect(problemOf(slug)).toBe(`tenant slug '${slug}': ${reason}`);
  });
});
