import { TwofoldError } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { checkEmail, normalizeEmail } from './email.js';

function problemOf(email: string): string {
  try {
    checkEmail(email);
  } catch (error) {
    if (error instanceof TwofoldError && error.code === 'email_invalid') return error.message;
    throw error;
  }
  throw new Error(`'${email}' was accepted`);
}

describe('normalizeEmail', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['Alice@Example.COM', 'alice@example.com'],
    ['  alice@example.com \t', 'alice@example.com'],
    // NFD "e + combining acute" and NFC "é" are one address
    ['jose\u0301@example.com', 'jos\u00e9@example.com'],
    ['JOS\u00c9@EXAMPLE.COM', 'jos\u00e9@example.com'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });
});

describe('checkEmail', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['  Alice@Example.com  ', 'Alice@Example.com'], // trimmed, case kept for display and mail
    ['a.b+tag@sub.example.co.uk', 'a.b+tag@sub.example.co.uk'],
    ['"a@b"@example.com', '"a@b"@example.com'], // quoted local part may hold an @
    ['jos\u00e9@b\u00fccher.de', 'jos\u00e9@b\u00fccher.de'],
    ['jose\u0301@example.com', 'jos\u00e9@example.com'], // stored in NFC
    [`${'l'.repeat(64)}@example.com`, `${'l'.repeat(64)}@example.com`],
    [`${'a'.repeat(64)}@${'d'.repeat(185)}.com`, `${'a'.repeat(64)}@${'d'.repeat(185)}.com`], // 254: the limit
  ])('accepts %j as %j', (input, expected) => {
    expect(checkEmail(input)).toBe(expected);
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    [`${'a'.repeat(64)}@${'d'.repeat(186)}.com`, 'must be at most 254 characters'],
    ['alice @example.com', 'must not contain spaces or control characters'],
    ['alice@exa\u0000mple.com', 'must not contain spaces or control characters'],
    ['alice\n@example.com', 'must not contain spaces or control characters'],
    ['alice.example.com', 'must look like name@example.com'],
    ['@example.com', 'must look like name@example.com'],
    [`${'l'.repeat(65)}@example.com`, 'the part before @ must be at most 64 characters'],
    ['a@b@example.com', 'must contain exactly one @'],
    ['alice@', 'the domain after @ must be like example.com'],
    ['alice@localhost', 'the domain after @ must be like example.com'],
    ['alice@.example.com', 'the domain after @ must be like example.com'],
    ['alice@example.', 'the domain after @ must be like example.com'],
    ['alice@example..com', 'the domain after @ must be like example.com'],
  ])('refuses %j: %s', (input, reason) => {
    expect(problemOf(input)).toMatch(new RegExp(`: ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it('quotes at most 80 characters of a refused address', () => {
    const long = `${'a'.repeat(300)}@example.com`;
    expect(problemOf(long)).toBe(`email '${'a'.repeat(80)}': must be at most 254 characters`);
  });
});
