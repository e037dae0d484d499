/** How the pages name methods; their shapes are the API contract's (@twofold/api). */
import type { OwnMethod } from '@twofold/api/self-service';
import type { SignInMethod } from '@twofold/api/sign-in';

export type { OwnMethod, SignInMethod };

const typeNames: Record<string, string> = {
  authenticator: 'Authenticator app',
  push: 'Push approval',
  totp: 'Other authenticator app',
  sms: 'Phone (text message)',
  email: 'Email',
  hardware_oath: 'Hardware token',
  recovery_codes: 'Recovery codes',
  temporary_access_pass: 'Temporary Access Pass',
};

export function methodTypeName(type: string): string {
  return typeNames[type] ?? type.replace(/_/g, ' ');
}

/** "Authenticator app (Work phone)", or just the type's name when the label says nothing more. */
export function methodDisplayName(method: { readonly type: string; readonly label: string }): string {
  const typeName = methodTypeName(method.type);
  const label = method.label.trim();
  return !label || label === typeName ? typeName : `${typeName} (${label})`;
}

/** The device a push entry goes to, from its label "Approve on <device>"; undefined when it names none. */
export function pushDeviceName(method: {
  readonly type: string;
  readonly label: string;
}): string | undefined {
  if (method.type !== 'push') return undefined;
  const match = /^Approve on (.+)$/.exec(method.label.trim());
  return match?.[1]?.trim() || undefined;
}

/** Types whose sign-in is a code typed from an app or a token, with nothing sent first. */
export function isAppCode(type: string): boolean {
  return type === 'authenticator' || type === 'totp' || type === 'hardware_oath';
}

/** The line on "Sign in another way" for a method: sms and email show their masked destination. */
export function describeAlternative(method: SignInMethod): string {
  if (method.type === 'recovery_codes') return 'Use a recovery code';
  // "Approve on Ann's phone": the server names the device the request goes to.
  if (method.type === 'push') return `${method.label} (Twofold Authenticator)`;
  if (method.type === 'sms') return `Text ${method.label}`;
  if (method.type === 'email') return `Email ${method.label}`;
  return `Use a verification code from ${method.label}`;
}

/** What a user may set up when sign-in asks for more information. */
export type RegistrationChoice = 'authenticator' | 'sms' | 'email';

const allRegistrationChoices: readonly RegistrationChoice[] = ['authenticator', 'sms', 'email'];

/**
 * The choices offered, in a fixed order: those the flow's `registrationTypes` allows, or all three when the
 * server does not say (it still refuses a type its policy forbids, with method_type_not_allowed).
 */
export function registrationChoices(allowed: readonly string[] | undefined): RegistrationChoice[] {
  if (!Array.isArray(allowed)) return [...allRegistrationChoices];
  return allRegistrationChoices.filter((type) => allowed.includes(type));
}

/** One line under each choice, saying what using it is like. */
export function registrationChoiceHint(type: RegistrationChoice): string {
  switch (type) {
    case 'authenticator':
      return 'An app on your phone shows a code. Works without signal. Recommended.';
    case 'sms':
      return 'We text a code to your mobile phone each time you sign in.';
    case 'email':
      return 'We email a code to an address you choose each time you sign in.';
  }
}

/** The method a challenge starts with: the default one, else the first that is not recovery codes. */
export function pickDefaultMethod(methods: readonly SignInMethod[]): SignInMethod | undefined {
  return (
    methods.find((m) => m.isDefault && m.type !== 'recovery_codes') ??
    methods.find((m) => m.type !== 'recovery_codes') ??
    methods[0]
  );
}

/** Strips what people type around a code (spaces, dashes in "123 456"); recovery codes keep their form. */
export function normaliseCode(raw: string, type: string): string {
  const trimmed = raw.trim();
  return type === 'recovery_codes' ? trimmed : trimmed.replace(/[\s-]/g, '');
}

/** Groups a base32 key in fours for reading aloud or typing: "JBSW Y3DP EHPK 3PXP". */
export function groupKey(secret: string): string {
  return (secret.replace(/\s/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

export interface OtpauthDetails {
  readonly issuer: string;
  readonly account: string;
  readonly digits: number;
  readonly period: number;
}

/** Reads what the manual-entry panel shows from an otpauth:// URI (Key Uri Format: label "Issuer:account"). */
export function readOtpauthUri(uri: string): OtpauthDetails {
  let label = '';
  let params = new URLSearchParams();
  try {
    const url = new URL(uri);
    label = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    params = url.searchParams;
  } catch {
    // An unreadable URI still leaves the key, which is what the user needs.
  }
  const colon = label.indexOf(':');
  const labelIssuer = colon >= 0 ? label.slice(0, colon).trim() : '';
  const account = (colon >= 0 ? label.slice(colon + 1) : label).trim();
  const digits = Number(params.get('digits') ?? '6');
  const period = Number(params.get('period') ?? '30');
  return {
    issuer: params.get('issuer') ?? labelIssuer,
    account,
    digits: Number.isInteger(digits) && digits > 0 ? digits : 6,
    period: Number.isInteger(period) && period > 0 ? period : 30,
  };
}

/** The server's QR code SVG as an image address: an <img> needs no inline SVG or style under the CSP. */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

export function formatDate(value: number | string | null | undefined, fallback: string): string {
  if (value === null || value === undefined || value === '') return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return fallback;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(date);
}

/** The text file behind "Download": what the codes are and that each works once. */
export function recoveryCodesFile(codes: readonly string[], account: string, issuedAt: Date): string {
  return [
    `Twofold recovery codes${account ? ` for ${account}` : ''}`,
    `Issued ${issuedAt.toISOString()}. Each code works once; new codes replace these.`,
    '',
    ...codes,
    '',
  ].join('\n');
}

export type CodeCheck =
  | { readonly ok: true; readonly code: string }
  | { readonly ok: false; readonly message: string };

/** What the page can tell before asking the server: an empty field, letters in a numeric code, a wrong length. */
export function checkCode(raw: string, type: string, digits?: number): CodeCheck {
  const code = normaliseCode(raw, type);
  if (type === 'recovery_codes') {
    return code ? { ok: true, code } : { ok: false, message: 'Enter one of your recovery codes.' };
  }
  const source = type === 'sms' || type === 'email' ? 'the code we sent you' : 'the code from your app';
  if (!code) return { ok: false, message: `Enter ${source}.` };
  if (!/^\d+$/.test(code)) return { ok: false, message: 'The code is digits only, like 123456.' };
  if (digits !== undefined && code.length !== digits)
    return { ok: false, message: `The code has ${digits} digits; you entered ${code.length}.` };
  if (digits === undefined && (code.length < 6 || code.length > 10))
    return { ok: false, message: `The code has 6 to 10 digits; you entered ${code.length}.` };
  return { ok: true, code };
}
