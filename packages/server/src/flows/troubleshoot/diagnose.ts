/**
 * "I can't get a code" (spec section 6): what stands between a user and their second factor now,
 * and what they can do about it. A function of (tenant, user, client) that any flow calls once it
 * knows the user: the sign-in flow (GET /sign-in/{flowId}/diagnosis), a password-reset flow, and
 * the admins' help-request queue. It reads, it never changes anything (no counter moves).
 *
 * Findings (the most blocking first): locked_out, no_method, method_not_allowed, clock_ahead /
 * clock_behind (from the user's recent codes, and from the browser's clock against the server's),
 * push_blocked, send_limit. Options: another method (with the seconds before it can send a code),
 * a recovery code, fixing the clock, waiting, a help request, and for the tenant's only global
 * admin, the operator's `twofold recover-admin`.
 */
import type { DiagnosisChoice, DiagnosisFinding } from '@twofold/api/troubleshoot';
import { clockFindingThresholdSeconds } from '@twofold/api/troubleshoot';
import type { MethodService } from '../../factors/method-service.js';
import type { FactorRegistry } from '../../factors/registry.js';
import { factorTypes } from '../../factors/registry.js';
import type { ClockReading } from '../../factors/totp/accepted-steps.js';
import type { Clock } from '../../platform/clock.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { MfaLockout } from '../../users/mfa-lockout.js';
import type { UserService } from '../../users/user-service.js';

/** How far back the user's codes tell where their clock stands. */
export const clockReadingWindowMs = 30 * 60_000;

export interface DiagnosisDeps {
  readonly clock: Clock;
  readonly users: Pick<UserService, 'getById' | 'listAdmins'>;
  readonly lockout: Pick<MfaLockout, 'check'>;
  readonly methods: Pick<MethodService, 'listForUser'>;
  readonly factors: Pick<FactorRegistry, 'offer' | 'get' | 'permitted'>;
  readonly recoveryCodes: { remaining(tenantId: string, userId: string): Promise<number> };
  readonly clockReading: (
    tenantId: string,
    userId: string,
    since: number,
  ) => Promise<ClockReading | undefined>;
  readonly nextSend: (input: {
    tenantId: string;
    userId: string;
    methodId: string;
    ip?: string | undefined;
  }) => Promise<{ retryAfter: number } | undefined>;
}

export interface DiagnosisInput {
  readonly tenant: Tenant;
  /** Undefined for a flow of an unknown user (a password reset answers alike): only the device clock is checked. */
  readonly userId: string | undefined;
  /** The browser's Date.now() when it asked (`?deviceTime=`). */
  readonly deviceTime?: number | undefined;
  readonly ip?: string | undefined;
}

export interface DiagnosisResult {
  readonly findings: DiagnosisFinding[];
  readonly options: DiagnosisChoice[];
  readonly serverTime: number;
  /** The user is the tenant's only active global admin: only the operator can let them in. */
  readonly soleGlobalAdmin: boolean;
}

const clockFinding = (
  offsetSeconds: number,
  source: 'codes' | 'device_time',
  methodId?: string,
): DiagnosisFinding | undefined =>
  Math.abs(offsetSeconds) > clockFindingThresholdSeconds
    ? {
        code: offsetSeconds > 0 ? 'clock_ahead' : 'clock_behind',
        offsetSeconds,
        source,
        ...(methodId ? { methodId } : {}),
      }
    : undefined;

/** A word for the shell: quoted unless it is plainly safe. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9@._+:/=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command the operator runs for a sole global admin (spec section 3, flow 3). */
export function recoverAdminCommand(tenantSlug: string, email: string): string {
  return `twofold recover-admin --tenant ${shellWord(tenantSlug)} --email ${shellWord(email)} --reason '…'`;
}

export async function diagnose(deps: DiagnosisDeps, input: DiagnosisInput): Promise<DiagnosisResult> {
  const { tenant, userId } = input;
  const now = deps.clock.now();
  const findings: DiagnosisFinding[] = [];
  const options: DiagnosisChoice[] = [];
  const device =
    input.deviceTime !== undefined
      ? clockFinding(Math.round((input.deviceTime - now) / 1000), 'device_time')
      : undefined;
  if (userId === undefined) {
    if (device) findings.push(device);
    options.push({ code: 'help_request' });
    return { findings, options, serverTime: now, soleGlobalAdmin: false };
  }

  const user = await deps.users.getById(tenant.id, userId);
  const lock = await deps.lockout.check(tenant.id, userId);
  if (lock.locked) {
    findings.push({
      code: 'locked_out',
      adminRequired: lock.adminRequired,
      ...(lock.retryAfter !== undefined ? { retryAfter: lock.retryAfter } : {}),
    });
  }

  const active = await deps.methods.listForUser(tenant.id, userId);
  const ctx = { tenant, userId, ip: input.ip ?? '' };
  const entries = user.registrationRequired ? [] : await deps.factors.offer(ctx, active);
  const notAllowed = active.filter((m) => {
    const factor = deps.factors.get(m.type);
    return !factor || !deps.factors.permitted(tenant.policy, factor);
  });
  const usable = entries.filter((e) => e.type !== factorTypes.recoveryCodes);
  if (active.length === 0 || user.registrationRequired) findings.push({ code: 'no_method' });
  else if (notAllowed.length > 0) {
    findings.push({
      code: 'method_not_allowed',
      methods: notAllowed.map((m) => ({ id: m.id, type: m.type, label: m.label })),
    });
  }

  const reading = await deps.clockReading(tenant.id, userId, now - clockReadingWindowMs);
  const fromCodes = reading ? clockFinding(reading.offsetSeconds, 'codes', reading.methodId) : undefined;
  if (fromCodes) findings.push(fromCodes);
  if (device) findings.push(device);
  if (user.pushBlocked && active.some((m) => m.type === factorTypes.authenticator)) {
    findings.push({ code: 'push_blocked' });
  }

  const sendsCode = (type: string) => deps.factors.get(type)?.sendsCode === true;
  for (const entry of usable) {
    const wait = sendsCode(entry.type)
      ? await deps.nextSend({ tenantId: tenant.id, userId, methodId: entry.id, ip: input.ip })
      : undefined;
    if (wait) {
      findings.push({
        code: 'send_limit',
        methodId: entry.id,
        type: entry.type,
        retryAfter: wait.retryAfter,
      });
    }
    if (!lock.locked) {
      options.push({
        code: 'another_method',
        methodId: entry.id,
        type: entry.type,
        label: entry.label,
        ...(wait ? { availableIn: wait.retryAfter } : {}),
      });
    }
  }
  const recovery = entries.find((e) => e.type === factorTypes.recoveryCodes);
  if (recovery && !lock.locked) {
    options.push({
      code: 'recovery_code',
      methodId: recovery.id,
      remaining: await deps.recoveryCodes.remaining(tenant.id, userId),
    });
  }
  const clockOff = fromCodes ?? device;
  if (clockOff && 'offsetSeconds' in clockOff) {
    options.push({ code: 'fix_clock', offsetSeconds: clockOff.offsetSeconds });
  }
  if (lock.locked && lock.retryAfter !== undefined)
    options.push({ code: 'wait', retryAfter: lock.retryAfter });

  const soleGlobalAdmin =
    user.roles.includes('global-admin') &&
    (await deps.users.listAdmins(tenant.id, { roles: ['global-admin'], exceptUserId: userId })).length === 0;
  options.push({ code: 'help_request' });
  if (soleGlobalAdmin) {
    options.push({ code: 'operator_recovery', command: recoverAdminCommand(tenant.slug, user.email) });
  }
  return { findings, options, serverTime: now, soleGlobalAdmin };
}
