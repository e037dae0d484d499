/**
 * Where SMS and email codes go: phone numbers parsed and validated as E.164 (libphonenumber-js,
 * Google's metadata), email addresses checked like usernames, and both masked in every answer.
 */
import { TwofoldError } from '@twofold/core';
import { ParseError, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { checkEmail } from '../../users/email.js';

export type MessageChannel = 'sms' | 'email';

const parseReasons: Record<string, string> = {
  INVALID_COUNTRY: 'write it in international form: + then the country code, as in +44 7911 123456',
  NOT_A_NUMBER: 'it is not a phone number',
  TOO_SHORT: 'it is too short',
  TOO_LONG: 'it is too long',
  INVALID_LENGTH: 'it has the wrong number of digits',
};

/**
 * Ofcom keeps +44 7700 900000 to 900999 for drama and documentation: mobile numbers that no one
 * will ever hold. Google's metadata calls them invalid, but the phone field shows one as its
 * example (issue 15, defect 7), so they are taken as the mobile numbers they look like; a real
 * provider simply fails to deliver to them.
 */
const ofcomDramaRange = /^\+447700900\d{3}$/;

/** The number in E.164 (`+447700900123`). Throws phone_number_invalid saying why. */
export function parsePhoneNumber(input: string): string {
  const text = input.normalize('NFKC').trim();
  if (text.length === 0 || text.length > 40) {
    throw new TwofoldError(
      'phone_number_invalid',
      'phone number: 1 to 40 characters, such as +44 7911 123456',
    );
  }
  let parsed: ReturnType<typeof parsePhoneNumberWithError>;
  try {
    // No default country: a number without + and a country code is ambiguous, so it is refused.
    parsed = parsePhoneNumberWithError(text.startsWith('00') ? `+${text.slice(2)}` : text);
  } catch (error) {
    const reason =
      error instanceof ParseError ? (parseReasons[error.message] ?? error.message) : 'it cannot be read';
    throw new TwofoldError('phone_number_invalid', `phone number '${text}': ${reason}`);
  }
  if (ofcomDramaRange.test(parsed.number)) return parsed.number;
  if (!parsed.isValid()) {
    const where = parsed.country
      ? ` for country ${parsed.country}`
      : ` for country code +${parsed.countryCallingCode}`;
    throw new TwofoldError('phone_number_invalid', `phone number '${text}' is not a valid number${where}`);
  }
  // Landlines cannot receive texts, and premium-rate numbers are how SMS pumping makes money.
  const type = parsed.getType();
  if (type === 'FIXED_LINE' || type === 'PREMIUM_RATE' || type === 'SHARED_COST') {
    // `numberType` lets a page say which, in its own language (the detail stays English).
    const landline = type === 'FIXED_LINE';
    throw new TwofoldError(
      'phone_number_invalid',
      `phone number '${text}' is ${landline ? 'a landline' : 'a premium-rate number'}: text messages need a mobile number`,
      { numberType: landline ? 'landline' : 'premium_rate' },
    );
  }
  return parsed.number;
}

/** `+1 ••• •• 23`: the country code and the last two digits, nothing else. */
export function maskPhone(e164: string): string {
  try {
    const parsed = parsePhoneNumberWithError(e164);
    return `+${parsed.countryCallingCode} ••• •• ${e164.slice(-2)}`;
  } catch {
    return `••• •• ${e164.slice(-2)}`;
  }
}

/** `a•••@example.com`: the first character of the local part and the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

export function maskDestination(channel: MessageChannel, destination: string): string {
  return channel === 'sms' ? maskPhone(destination) : maskEmail(destination);
}

/** Checks and normalises a destination for its channel. */
export function checkDestination(channel: MessageChannel, input: string | undefined): string {
  if (channel === 'sms') {
    if (input === undefined)
      throw new TwofoldError('validation_failed', 'phoneNumber: required for an SMS method', {
        errors: [{ path: 'body/phoneNumber', message: 'is required' }],
      });
    return parsePhoneNumber(input);
  }
  if (input === undefined)
    throw new TwofoldError('validation_failed', 'email: required for an email method', {
      errors: [{ path: 'body/email', message: 'is required' }],
    });
  return checkEmail(input);
}
