import { defaultLocale, isLocale, type Locale, TwofoldError } from '@twofold/core';
import { policyTypes, secondFactorPolicyTypes } from '../factors/registry.js';

/**
 * A tenant's policy, stored as JSON on the tenant row. Fields added later get defaults here so
 * older rows keep working (parsePolicy fills what is missing); checkPolicy validates what an admin
 * writes, so the stored document is always one this code understands.
 */
export interface TenantPolicy {
  readonly mfaRequired: boolean;
  readonly allowedMethods: readonly string[];
  readonly totp: {
    readonly algorithm: 'SHA1' | 'SHA256' | 'SHA512';
    readonly digits: 6 | 8;
    readonly period: 30 | 60;
  };
  /** Second-factor lockout: a tenant may be stricter than the defaults (10 failures, 15 minutes), never looser. */
  readonly lockout: {
    readonly failuresPerLock: number;
    readonly firstLockMinutes: number;
  };
  readonly temporaryAccessPass: {
    readonly minMinutes: number;
    readonly maxMinutes: number;
    readonly defaultMinutes: number;
  };
  /**
   * Every registration of a method at sign-in needs a sign-in with a Temporary Access Pass (spec
   * section 6); otherwise a password alone registers only for a user with no method at all.
   */
  readonly registrationRequiresPass: boolean;
  /**
   * Admin routes and the console accept only sessions proven with a phishing-resistant factor (a
   * passkey; spec section 6, NIST SP 800-63B rev. 4). API keys are not sessions and are not affected.
   */
  readonly phishingResistantAdmins: boolean;
  /**
   * Codes sent by SMS and email, counted per hour (spec section 2; SMS pumping): per user, per
   * phone number or address, per client IP, and for the whole tenant.
   */
  readonly sendLimits: {
    readonly perUser: number;
    readonly perDestination: number;
    readonly perIp: number;
    readonly perTenant: number;
  };
  /**
   * The tenant's language (spec section 6): pages whose browser asks for none of Twofold's languages, and
   * the emails and text messages of users who chose none.
   */
  readonly defaultLocale: Locale;
}

/** What `allowedMethods` may name: the factor registry's policy types. */
export const methodTypesInPolicy = policyTypes;

/** The limits an admin can set the policy within (spec section 2, NIST SP 800-63B). */
export const policyBounds = {
  lockout: { failuresPerLock: { min: 3, max: 10 }, firstLockMinutes: { min: 15, max: 24 * 60 } },
  sendLimits: { min: 1, max: 100_000 },
  temporaryAccessPass: { min: 10, max: 30 * 24 * 60 },
} as const;

export const defaultTenantPolicy: TenantPolicy = {
  mfaRequired: true,
  allowedMethods: [...methodTypesInPolicy],
  totp: { algorithm: 'SHA1', digits: 6, period: 30 },
  lockout: { failuresPerLock: 10, firstLockMinutes: 15 },
  temporaryAccessPass: { minMinutes: 10, maxMinutes: 30 * 24 * 60, defaultMinutes: 60 },
  registrationRequiresPass: false,
  phishingResistantAdmins: false,
  sendLimits: { perUser: 10, perDestination: 10, perIp: 30, perTenant: 1000 },
  defaultLocale,
};

export function parsePolicy(json: string): TenantPolicy {
  const stored = JSON.parse(json) as Partial<TenantPolicy>;
  return {
    ...defaultTenantPolicy,
    ...stored,
    totp: { ...defaultTenantPolicy.totp, ...stored.totp },
    lockout: { ...defaultTenantPolicy.lockout, ...stored.lockout },
    temporaryAccessPass: { ...defaultTenantPolicy.temporaryAccessPass, ...stored.temporaryAccessPass },
    sendLimits: { ...defaultTenantPolicy.sendLimits, ...stored.sendLimits },
    defaultLocale: isLocale(stored.defaultLocale) ? stored.defaultLocale : defaultTenantPolicy.defaultLocale,
  };
}

interface FieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks a whole policy document as an admin sent it (types are already checked by the route's
 * schema; this checks what a schema cannot: ranges that depend on each other, at least one
 * method, no duplicates). Throws validation_failed listing every problem.
 */
export function checkPolicy(policy: TenantPolicy): TenantPolicy {
  const errors: FieldError[] = [];
  const allowed = [...new Set(policy.allowedMethods)];
  for (const type of allowed) {
    if (!(methodTypesInPolicy as readonly string[]).includes(type))
      errors.push({
        path: 'allowedMethods',
        message: `'${type}' is not a method type (use ${methodTypesInPolicy.join(', ')})`,
      });
  }
  if (
    policy.mfaRequired &&
    !allowed.some((t) => (secondFactorPolicyTypes as readonly string[]).includes(t))
  ) {
    errors.push({
      path: 'allowedMethods',
      message: `MFA is required, so allow at least one of ${secondFactorPolicyTypes.join(', ')}`,
    });
  }
  const { failuresPerLock, firstLockMinutes } = policy.lockout;
  const lb = policyBounds.lockout;
  if (!inRange(failuresPerLock, lb.failuresPerLock))
    errors.push({
      path: 'lockout.failuresPerLock',
      message: `a whole number from ${lb.failuresPerLock.min} to ${lb.failuresPerLock.max} (fewer is stricter)`,
    });
  if (!inRange(firstLockMinutes, lb.firstLockMinutes))
    errors.push({
      path: 'lockout.firstLockMinutes',
      message: `a whole number of minutes from ${lb.firstLockMinutes.min} to ${lb.firstLockMinutes.max}`,
    });
  const { minMinutes, maxMinutes, defaultMinutes } = policy.temporaryAccessPass;
  const tb = policyBounds.temporaryAccessPass;
  for (const [name, value] of [
    ['minMinutes', minMinutes],
    ['maxMinutes', maxMinutes],
    ['defaultMinutes', defaultMinutes],
  ] as const) {
    if (!inRange(value, tb))
      errors.push({
        path: `temporaryAccessPass.${name}`,
        message: `a whole number of minutes from ${tb.min} (10 minutes) to ${tb.max} (30 days)`,
      });
  }
  if (minMinutes > maxMinutes)
    errors.push({ path: 'temporaryAccessPass.minMinutes', message: 'must not be more than maxMinutes' });
  if (defaultMinutes < minMinutes || defaultMinutes > maxMinutes)
    errors.push({
      path: 'temporaryAccessPass.defaultMinutes',
      message: 'must be between minMinutes and maxMinutes',
    });
  for (const [name, value] of Object.entries(policy.sendLimits)) {
    if (!inRange(value, policyBounds.sendLimits))
      errors.push({
        path: `sendLimits.${name}`,
        message: `a whole number of codes per hour from ${policyBounds.sendLimits.min} to ${policyBounds.sendLimits.max}`,
      });
  }
  const first = errors[0];
  if (first) {
    throw new TwofoldError('validation_failed', `${first.path}: ${first.message}`, {
      errors: errors.map((e) => ({ path: `body/${e.path.replaceAll('.', '/')}`, message: e.message })),
    });
  }
  return { ...policy, allowedMethods: allowed };
}

function inRange(value: number, bounds: { min: number; max: number }): boolean {
  return Number.isInteger(value) && value >= bounds.min && value <= bounds.max;
}

/** Checks a pass lifetime against the tenant's policy (which lies within 10 minutes to 30 days). */
export function checkPassLifetime(policy: TenantPolicy, lifetimeMinutes: number): void {
  const { minMinutes, maxMinutes } = policy.temporaryAccessPass;
  if (!Number.isInteger(lifetimeMinutes) || lifetimeMinutes < minMinutes || lifetimeMinutes > maxMinutes) {
    throw new TwofoldError(
      'validation_failed',
      `lifetimeMinutes: this tenant allows passes of ${minMinutes} to ${maxMinutes} minutes, got ${lifetimeMinutes}`,
    );
  }
}
