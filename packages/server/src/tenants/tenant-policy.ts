/**
 * A tenant's policy, stored as JSON on the tenant row. Issue-specific fields are added with
 * defaults here so older rows keep working (parsePolicy fills what is missing).
 */
export interface TenantPolicy {
  readonly mfaRequired: boolean;
  readonly allowedMethods: readonly string[];
  readonly totp: {
    readonly algorithm: 'SHA1' | 'SHA256' | 'SHA512';
    readonly digits: 6 | 8;
    readonly period: 30 | 60;
  };
  readonly temporaryAccessPass: {
    readonly minMinutes: number;
    readonly maxMinutes: number;
    readonly defaultMinutes: number;
  };
}

export const defaultTenantPolicy: TenantPolicy = {
  mfaRequired: true,
  allowedMethods: [
    'authenticator',
    'totp',
    'sms',
    'email',
    'hardware_oath',
    'recovery_codes',
    'temporary_access_pass',
  ],
  totp: { algorithm: 'SHA1', digits: 6, period: 30 },
  temporaryAccessPass: { minMinutes: 10, maxMinutes: 30 * 24 * 60, defaultMinutes: 60 },
};

export function parsePolicy(json: string): TenantPolicy {
  const stored = JSON.parse(json) as Partial<TenantPolicy>;
  return {
    ...defaultTenantPolicy,
    ...stored,
    totp: { ...defaultTenantPolicy.totp, ...stored.totp },
    temporaryAccessPass: { ...defaultTenantPolicy.temporaryAccessPass, ...stored.temporaryAccessPass },
  };
}
