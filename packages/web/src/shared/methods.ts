/** How the pages name methods; their shapes are the API contract's (@twofold/api). */
import type { OwnMethod } from '@twofold/api/self-service';
import type { SignInMethod } from '@twofold/api/sign-in';
import { formattingLocale, type MessageKey, t } from '../i18n/i18n.js';

export type { OwnMethod, SignInMethod };

const typeNames: Readonly<Record<string, MessageKey>> = {
  authenticator: 'common.methodType.authenticator',
  push: 'common.methodType.push',
  totp: 'common.methodType.totp',
  sms: 'common.methodType.sms',
  email: 'common.methodType.email',
  hardware_oath: 'common.methodType.hardware_oath',
  passkey: 'common.methodType.passkey',
  recovery_codes: 'common.methodType.recovery_codes',
  temporary_access_pass: 'common.methodType.temporary_access_pass',
};

export function methodTypeName(type: string): string {
  const key = typeNames[type];
  return key ? t(key) : type.replace(/_/g, ' ');
}

/** The labels the server gives methods nobody named (stored in English): they read as the type's name. */
const unnamedLabels: ReadonlySet<string> = new Set(['Authenticator app', 'Authenticator app (code only)']);

/** A method's label as the page shows it: the user's own, or the type's name in the page's language. */
export function methodLabel(method: { readonly type: string; readonly label: string }): string {
  const label = method.label.trim();
  return !label || unnamedLabels.has(label) ? methodTypeName(method.type) : label;
}

/** "Authenticator app (Work phone)", or just the type's name when the label says nothing more. */
export function methodDisplayName(method: { readonly type: string; readonly label: string }): string {
  const typeName = methodTypeName(method.type);
  const label = methodLabel(method);
  return label === typeName ? typeName : t('common.method.named', { type: typeName, label });
}

/**
 * The device a push entry goes to, from its label "Approve on <device>" (the server's words, in English, for
 * API clients); undefined when it names none.
 */
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
  if (method.type === 'recovery_codes') return t('common.alternative.recoveryCode');
  if (method.type === 'push') {
    // The server names the device the request goes to ("Approve on Ann's phone").
    const device = pushDeviceName(method);
    return device ? t('common.alternative.pushOn', { device }) : t('common.alternative.push');
  }
  if (method.type === 'sms') return t('common.alternative.sms', { destination: method.label });
  if (method.type === 'email') return t('common.alternative.email', { destination: method.label });
  if (method.type === 'passkey') return t('common.alternative.passkey', { name: methodLabel(method) });
  return t('common.alternative.code', { name: methodLabel(method) });
}

/** What a user may set up when sign-in asks for more information. */
export type RegistrationChoice = 'authenticator' | 'sms' | 'email' | 'passkey';

const allRegistrationChoices: readonly RegistrationChoice[] = ['authenticator', 'sms', 'email', 'passkey'];

/**
 * The choices offered, in a fixed order: those the flow's `registrationTypes` allows, or all of them when the
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
      return t('common.registrationChoice.authenticator');
    case 'sms':
      return t('common.registrationChoice.sms');
    case 'email':
      return t('common.registrationChoice.email');
    case 'passkey':
      return t('common.registrationChoice.passkey');
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
  return new Intl.DateTimeFormat(formattingLocale(), { dateStyle: 'medium' }).format(date);
}

/** The text file behind "Download": what the codes are and that each works once. */
export function recoveryCodesFile(codes: readonly string[], account: string, issuedAt: Date): string {
  return [
    account ? t('common.recoveryFile.titleFor', { account }) : t('common.recoveryFile.title'),
    t('common.recoveryFile.issued', { at: issuedAt.toISOString() }),
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
    return code ? { ok: true, code } : { ok: false, message: t('common.codeCheck.recoveryMissing') };
  }
  if (!code)
    return {
      ok: false,
      message: t(
        type === 'sms' || type === 'email' ? 'common.codeCheck.sentMissing' : 'common.codeCheck.appMissing',
      ),
    };
  if (!/^\d+$/.test(code)) return { ok: false, message: t('common.codeCheck.digitsOnly') };
  if (digits !== undefined && code.length !== digits)
    return { ok: false, message: t('common.codeCheck.length', { digits, entered: code.length }) };
  if (digits === undefined && (code.length < 6 || code.length > 10))
    return { ok: false, message: t('common.codeCheck.lengthRange', { entered: code.length }) };
  return { ok: true, code };
}
