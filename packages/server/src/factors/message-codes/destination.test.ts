import { isTwofoldError } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { checkDestination, maskEmail, maskPhone, parsePhoneNumber } from './destination.js';

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isTwofoldError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  return { code: 'no error', message: '' };
}

describe('phone numbers', () => {
  it('parses numbers in international form to E.164, with spaces, dots, dashes or 00', () => {
    expect(parsePhoneNumber('+44 7911 123456')).toBe('+447911123456');
    expect(parsePhoneNumber('+1 (415) 555-2671')).toBe('+14155552671');
    expect(parsePhoneNumber('0033 6.12.34.56.78')).toBe('+33612345678');
    expect(parsePhoneNumber('＋４４ ７９１１ １２３４５６')).toBe('+447911123456');
  });

  it("accepts the phone field's own example, from Ofcom's range for drama (issue 15, defect 7), and no neighbour", () => {
    expect(parsePhoneNumber('+44 7700 900123')).toBe('+447700900123');
    expect(parsePhoneNumber('0044 7700 900999')).toBe('+447700900999');
    expect(() => parsePhoneNumber('+44 7700 901123')).toThrow(/not a valid number/);
    expect(() => parsePhoneNumber('+44 7700 9001234')).toThrow();
  });

  it('refuses what is not a mobile number in international form, saying why', () => {
    const cases: [string, RegExp][] = [
      ['07911 123456', /international form: \+ then the country code/],
      ['hello', /not a phone number/],
      ['+44 7911', /not a valid number for country code \+44/],
      ['+44 20 7946 0958', /a landline/],
      ['+1 900 555 0100', /premium-rate/],
      ['', /1 to 40 characters/],
      ['+4479111234561234567890123456789012345678', /1 to 40 characters/],
    ];
    for (const [input, message] of cases) {
      const error = refusal(() => parsePhoneNumber(input));
      expect(error.code, input).toBe('phone_number_invalid');
      expect(error.message, input).toMatch(message);
    }
  });

  it('masks all but the country code and the last two digits', () => {
    expect(maskPhone('+14155552671')).toBe('+1 ••• •• 71');
    expect(maskPhone('+447911123456')).toBe('+44 ••• •• 56');
  });
});

describe('email addresses', () => {
  it('masks all but the first letter and the domain', () => {
    expect(maskEmail('alice@example.com')).toBe('a•••@example.com');
    expect(maskEmail('x@y.org')).toBe('x•••@y.org');
  });

  it('checks the destination for its channel', () => {
    expect(checkDestination('email', 'Ann@Example.com')).toBe('Ann@Example.com');
    expect(refusal(() => checkDestination('email', 'not-an-email')).code).toBe('email_invalid');
    expect(refusal(() => checkDestination('sms', undefined)).code).toBe('validation_failed');
    expect(refusal(() => checkDestination('email', undefined)).code).toBe('validation_failed');
  });
});
