/**
 * The policy editor's form as text fields and back, with the same bounds the server checks (the server's
 * answer still decides: its `errors[]` are mapped back onto the fields they name).
 */
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
}

export type PolicyField = keyof PolicyDraft;

export type FieldErrors = Partial<Record<PolicyField, string>>;

/** A policy from the server, with defaults for parts an older server or stored row may lack. */
export function normalisePolicy(raw: Partial<Policy>): Policy {
  return {
    mfaRequired: raw.mfaRequired ?? true,
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
  };
}

export function toDraft(policy: Policy): PolicyDraft {
  return {
    mfaRequired: policy.mfaRequired,
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
  };
}

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : undefined;
}

function inRange(
  text: string,
  bounds: { min: number; max: number },
  name: string,
): { value?: number; error?: string } {
  const value = wholeNumber(text);
  if (value === undefined) return { error: `Enter ${name} as a whole number.` };
  if (value < bounds.min || value > bounds.max)
    return { error: `Enter ${name} from ${bounds.min} to ${bounds.max}.` };
  return { value };
}

/** The policy to PUT, or what is wrong with the draft field by field. */
export function fromDraft(
  draft: PolicyDraft,
): { ok: true; policy: Policy } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const failures = inRange(draft.failuresPerLock, policyBounds.failuresPerLock, 'a number');
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
    const checked = inRange(draft[field], policyBounds.sendLimit, 'codes per hour');
    if (checked.error) errors[field] = checked.error;
    else sendLimits[key] = checked.value;
  }
  if (min.value !== undefined && max.value !== undefined && min.value > max.value)
    errors.maxMinutes = 'The longest lifetime must be at least the shortest.';
  if (
    def.value !== undefined &&
    min.value !== undefined &&
    max.value !== undefined &&
    !errors.maxMinutes &&
    (def.value < min.value || def.value > max.value)
  )
    errors.defaultMinutes = 'The default lifetime must lie between the shortest and the longest.';
  if (draft.allowedMethods.length === 0) errors.allowedMethods = 'Allow at least one method.';
  const algorithm = draft.algorithm as Policy['totp']['algorithm'];
  if (!['SHA1', 'SHA256', 'SHA512'].includes(algorithm)) errors.algorithm = 'Choose an algorithm.';
  const digits = Number(draft.digits);
  if (digits !== 6 && digits !== 8) errors.digits = 'Choose 6 or 8 digits.';
  const period = Number(draft.period);
  if (period !== 30 && period !== 60) errors.period = 'Choose 30 or 60 seconds.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      mfaRequired: draft.mfaRequired,
      allowedMethods: [...draft.allowedMethods],
      totp: { algorithm, digits: digits as 6 | 8, period: period as 30 | 60 },
      lockout: { failuresPerLock: failures.value!, firstLockMinutes: firstLock.value! },
      temporaryAccessPass: { minMinutes: min.value!, defaultMinutes: def.value!, maxMinutes: max.value! },
      sendLimits: sendLimits as SendLimits,
    },
  };
}

const fieldsByPath: Readonly<Record<string, PolicyField>> = {
  mfaRequired: 'mfaRequired',
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

/** Spreads a refusal's `errors[]` (`{path|field, message}`) over the form's fields. */
export function serverErrors(problem: Problem): ServerErrors {
  const fields: FieldErrors = {};
  const general: string[] = [];
  const list = Array.isArray(problem['errors']) ? (problem['errors'] as unknown[]) : [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const { path, field, message } = entry as { path?: unknown; field?: unknown; message?: unknown };
    const where = typeof path === 'string' ? path : typeof field === 'string' ? field : '';
    const text = typeof message === 'string' && message ? message : 'is not valid';
    const target = where ? fieldForPath(where) : undefined;
    if (target && !fields[target]) fields[target] = capitalise(text);
    else general.push(where ? `${where}: ${text}` : capitalise(text));
  }
  return { fields, general };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Checks a pass lifetime typed in the issue dialog against the policy's bounds. */
export function checkLifetime(
  text: string,
  limits: Policy['temporaryAccessPass'],
): { ok: true; minutes: number } | { ok: false; message: string } {
  const trimmed = text.trim();
  const range = `from ${limits.minMinutes} to ${limits.maxMinutes} minutes (${formatMinutes(limits.maxMinutes)})`;
  if (!/^\d{1,6}$/.test(trimmed)) return { ok: false, message: `Enter whole minutes, ${range}.` };
  const minutes = Number(trimmed);
  if (minutes < limits.minMinutes || minutes > limits.maxMinutes)
    return { ok: false, message: `Enter a lifetime ${range}.` };
  return { ok: true, minutes };
}
