/**
 * The policy editor's form as text fields and back, with the same bounds the server checks (the server's
 * answer still decides: its `errors[]` are mapped back onto the fields they name).
 */
import { defaultLocale, isLocale } from '@twofold/core';
import { type MessageKey, t } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { formatMinutes } from './format.js';
import type { Policy, SendLimits } from './types.js';

export const policyBounds = {
  failuresPerLock: { min: 3, max: 10 },
  firstLockMinutes: { min: 15, max: 1440 },
  passMinutes: { min: 10, max: 43_200 },
  /** Codes per hour, for each of the four send limits. */
  sendLimit: { min: 1, max: 100_000 },
} as const;

/** What the server assumes when a stored policy predates a field. */
export const defaultLockout = { failuresPerLock: 10, firstLockMinutes: 15 } as const;
export const defaultSendLimits = { perUser: 10, perDestination: 10, perIp: 30, perTenant: 1000 } as const;

/** The send limits, in the form's order, with the draft field each is typed in. */
export const sendLimitFields = [
  { key: 'perUser', field: 'sendPerUser' },
  { key: 'perDestination', field: 'sendPerDestination' },
  { key: 'perIp', field: 'sendPerIp' },
  { key: 'perTenant', field: 'sendPerTenant' },
] as const satisfies readonly { key: keyof SendLimits; field: PolicyField }[];

export type SendLimitField = (typeof sendLimitFields)[number]['field'];

export interface PolicyDraft {
  readonly mfaRequired: boolean;
  /** Registering a method at sign-in needs a sign-in with a Temporary Access Pass. */
  readonly registrationRequiresPass: boolean;
  readonly allowedMethods: readonly string[];
  readonly algorithm: string;
  readonly digits: string;
  readonly period: string;
  readonly failuresPerLock: string;
  readonly firstLockMinutes: string;
  readonly minMinutes: string;
  readonly defaultMinutes: string;
  readonly maxMinutes: string;
  readonly sendPerUser: string;
  readonly sendPerDestination: string;
  readonly sendPerIp: string;
  readonly sendPerTenant: string;
  readonly defaultLocale: string;
}

export type PolicyField = keyof PolicyDraft;

export type FieldErrors = Partial<Record<PolicyField, string>>;

/** A policy from the server, with defaults for parts an older server or stored row may lack. */
export function normalisePolicy(raw: Partial<Policy>): Policy {
  return {
    mfaRequired: raw.mfaRequired ?? true,
    registrationRequiresPass: raw.registrationRequiresPass ?? false,
    allowedMethods: raw.allowedMethods ?? [],
    totp: { algorithm: 'SHA1', digits: 6, period: 30, ...raw.totp },
    lockout: { ...defaultLockout, ...raw.lockout },
    temporaryAccessPass: {
      minMinutes: 10,
      maxMinutes: 43_200,
      defaultMinutes: 60,
      ...raw.temporaryAccessPass,
    },
    sendLimits: { ...defaultSendLimits, ...raw.sendLimits },
    defaultLocale: isLocale(raw.defaultLocale) ? raw.defaultLocale : defaultLocale,
  };
}

export function toDraft(policy: Policy): PolicyDraft {
  return {
    mfaRequired: policy.mfaRequired,
    registrationRequiresPass: policy.registrationRequiresPass ?? false,
    allowedMethods: [...policy.allowedMethods],
    algorithm: policy.totp.algorithm,
    digits: String(policy.totp.digits),
    period: String(policy.totp.period),
    failuresPerLock: String(policy.lockout.failuresPerLock),
    firstLockMinutes: String(policy.lockout.firstLockMinutes),
    minMinutes: String(policy.temporaryAccessPass.minMinutes),
    defaultMinutes: String(policy.temporaryAccessPass.defaultMinutes),
    maxMinutes: String(policy.temporaryAccessPass.maxMinutes),
    sendPerUser: String(policy.sendLimits.perUser),
    sendPerDestination: String(policy.sendLimits.perDestination),
    sendPerIp: String(policy.sendLimits.perIp),
    sendPerTenant: String(policy.sendLimits.perTenant),
    defaultLocale: policy.defaultLocale,
  };
}

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** What a number field counts, for its error message. */
type Quantity = 'number' | 'minutes' | 'codes';

function inRange(
  text: string,
  bounds: { min: number; max: number },
  quantity: Quantity,
): { value?: number; error?: string } {
  const value = wholeNumber(text);
  if (value === undefined) return { error: t('admin.policy.check.whole', { quantity }) };
  if (value < bounds.min || value > bounds.max)
    return { error: t('admin.policy.check.range', { quantity, min: bounds.min, max: bounds.max }) };
  return { value };
}

/** The policy to PUT, or what is wrong with the draft field by field. */
export function fromDraft(
  draft: PolicyDraft,
): { ok: true; policy: Policy } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const failures = inRange(draft.failuresPerLock, policyBounds.failuresPerLock, 'number');
  const firstLock = inRange(draft.firstLockMinutes, policyBounds.firstLockMinutes, 'minutes');
  const min = inRange(draft.minMinutes, policyBounds.passMinutes, 'minutes');
  const def = inRange(draft.defaultMinutes, policyBounds.passMinutes, 'minutes');
  const max = inRange(draft.maxMinutes, policyBounds.passMinutes, 'minutes');
  if (failures.error) errors.failuresPerLock = failures.error;
  if (firstLock.error) errors.firstLockMinutes = firstLock.error;
  if (min.error) errors.minMinutes = min.error;
  if (def.error) errors.defaultMinutes = def.error;
  if (max.error) errors.maxMinutes = max.error;
  const sendLimits: Partial<Record<keyof SendLimits, number>> = {};
  for (const { key, field } of sendLimitFields) {
    const checked = inRange(draft[field], policyBounds.sendLimit, 'codes');
    if (checked.error) errors[field] = checked.error;
    else sendLimits[key] = checked.value;
  }
  if (min.value !== undefined && max.value !== undefined && min.value > max.value)
    errors.maxMinutes = t('admin.policy.check.maxBelowMin');
  if (
    def.value !== undefined &&
    min.value !== undefined &&
    max.value !== undefined &&
    !errors.maxMinutes &&
    (def.value < min.value || def.value > max.value)
  )
    errors.defaultMinutes = t('admin.policy.check.defaultOutside');
  if (draft.allowedMethods.length === 0) errors.allowedMethods = t('admin.policy.check.noMethod');
  const algorithm = draft.algorithm as Policy['totp']['algorithm'];
  if (!['SHA1', 'SHA256', 'SHA512'].includes(algorithm)) errors.algorithm = t('admin.policy.check.algorithm');
  const digits = Number(draft.digits);
  if (digits !== 6 && digits !== 8) errors.digits = t('admin.policy.check.digits');
  const period = Number(draft.period);
  if (period !== 30 && period !== 60) errors.period = t('admin.policy.check.period');
  if (!isLocale(draft.defaultLocale)) errors.defaultLocale = t('admin.policy.check.language');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      mfaRequired: draft.mfaRequired,
      registrationRequiresPass: draft.registrationRequiresPass,
      allowedMethods: [...draft.allowedMethods],
      totp: { algorithm, digits: digits as 6 | 8, period: period as 30 | 60 },
      lockout: { failuresPerLock: failures.value!, firstLockMinutes: firstLock.value! },
      temporaryAccessPass: { minMinutes: min.value!, defaultMinutes: def.value!, maxMinutes: max.value! },
      sendLimits: sendLimits as SendLimits,
      defaultLocale: isLocale(draft.defaultLocale) ? draft.defaultLocale : defaultLocale,
    },
  };
}

const fieldsByPath: Readonly<Record<string, PolicyField>> = {
  mfaRequired: 'mfaRequired',
  registrationRequiresPass: 'registrationRequiresPass',
  allowedMethods: 'allowedMethods',
  'totp.algorithm': 'algorithm',
  'totp.digits': 'digits',
  'totp.period': 'period',
  'lockout.failuresPerLock': 'failuresPerLock',
  'lockout.firstLockMinutes': 'firstLockMinutes',
  'temporaryAccessPass.minMinutes': 'minMinutes',
  'temporaryAccessPass.defaultMinutes': 'defaultMinutes',
  'temporaryAccessPass.maxMinutes': 'maxMinutes',
  'sendLimits.perUser': 'sendPerUser',
  'sendLimits.perDestination': 'sendPerDestination',
  'sendLimits.perIp': 'sendPerIp',
  'sendLimits.perTenant': 'sendPerTenant',
  defaultLocale: 'defaultLocale',
};

/**
 * A server path such as `body/lockout/failuresPerLock`, `/totp/digits`, `allowedMethods/2` or
 * `temporaryAccessPass.maxMinutes` as the form field it concerns.
 */
export function fieldForPath(path: string): PolicyField | undefined {
  const parts = path
    .replace(/^body(?=[/.]|$)/, '')
    .split(/[/.]/)
    .filter((part) => part !== '' && !/^\d+$/.test(part));
  for (let length = parts.length; length > 0; length -= 1) {
    const field = fieldsByPath[parts.slice(0, length).join('.')];
    if (field) return field;
  }
  return undefined;
}

export interface ServerErrors {
  readonly fields: FieldErrors;
  /** Messages that name no field of the form (shown above it). */
  readonly general: readonly string[];
}

/** What the page says next to a field the server refused (its English `message` stays unread). */
const refusals: Readonly<Partial<Record<PolicyField, MessageKey>>> = {
  allowedMethods: 'admin.policy.refused.allowedMethods',
  minMinutes: 'admin.policy.refused.passMinutes',
  defaultMinutes: 'admin.policy.refused.passMinutes',
  maxMinutes: 'admin.policy.refused.passMinutes',
};

/** Spreads a refusal's `errors[]` (`{path|field, message}`) over the form's fields, in the page's words. */
export function serverErrors(problem: Problem): ServerErrors {
  const fields: FieldErrors = {};
  const general = new Set<string>();
  const list = Array.isArray(problem['errors']) ? (problem['errors'] as unknown[]) : [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const { path, field } = entry as { path?: unknown; field?: unknown };
    const where = typeof path === 'string' ? path : typeof field === 'string' ? field : '';
    const target = where ? fieldForPath(where) : undefined;
    if (target) fields[target] ??= t(refusals[target] ?? 'admin.policy.refused.value');
    else general.add(t('problem.validation_failed'));
  }
  return { fields, general: [...general] };
}

/** Checks a pass lifetime typed in the issue dialog against the policy's bounds. */
export function checkLifetime(
  text: string,
  limits: Policy['temporaryAccessPass'],
): { ok: true; minutes: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  const range = {
    min: limits.minMinutes,
    max: limits.maxMinutes,
    longest: formatMinutes(limits.maxMinutes),
  };
  if (!/^\d{1,6}$/.test(trimmed)) return { ok: false, message: t('admin.pass.check.whole', range) };
  const minutes = Number(trimmed);
  if (minutes < limits.minMinutes || minutes > limits.maxMinutes)
    return { ok: false, message: t('admin.pass.check.range', range) };
  return { ok: true, minutes };
}
