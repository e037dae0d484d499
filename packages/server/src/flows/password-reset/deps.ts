/** What the steps of "Forgot password?" share: their services, the flow's view, and loading a flow. */
import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { FactorEntry } from '../../factors/factor.js';
import type { MethodService } from '../../factors/method-service.js';
import type { FactorRegistry } from '../../factors/registry.js';
import type { CheckAtOnce } from '../../factors/totp/totp-check-at-once.js';
import type { Clock } from '../../platform/clock.js';
import { constantTimeEqual, hashToken } from '../../platform/crypto/tokens.js';
import type { Database } from '../../platform/db/schema.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { MfaLockout } from '../../users/mfa-lockout.js';
import type { PasswordThrottle } from '../../users/password-throttle.js';
import type { PasswordHashing, UserService } from '../../users/user-service.js';
import type { NewPasswordDeps } from '../new-password.js';
import type { Troubleshooter } from '../troubleshoot/index.js';
import type { PasswordResetStore, ResetRow } from './reset-store.js';

/** A reset lives 10 minutes, like a sign-in; five wrong codes end it. */
export const resetLifetimeMs = 10 * 60 * 1000;
export const maxCodeFailuresPerReset = 5;

export type ResetStatus = 'verification_required' | 'password_required';

export interface ResetView {
  readonly flowId: string;
  readonly status: ResetStatus;
  /** verification_required: the methods to prove with (each proof must be a different one). */
  readonly methods: FactorEntry[];
  /** Methods proven so far (admins need two different ones; the count is not told in advance). */
  readonly verified: number;
  readonly expiresAt: number;
}

export interface ResetClient {
  readonly clientSecret: string | undefined;
  readonly ip: string;
  readonly userAgent?: string | undefined;
}

export interface PasswordResetDeps extends NewPasswordDeps {
  readonly clock: Clock;
  readonly unitOfWork: <T>(work: () => Promise<T>) => Promise<T>;
  readonly db: Kysely<Database>;
  readonly store: PasswordResetStore;
  readonly users: Pick<UserService, 'findByEmail' | 'getById' | 'setPassword'>;
  readonly methods: Pick<MethodService, 'listForUser' | 'find'>;
  readonly factors: FactorRegistry;
  readonly lockout: Pick<MfaLockout, 'admit' | 'recordSuccess' | 'check'>;
  /** SQLite: a TOTP code's whole check in one unit (flows/code-check.ts). */
  readonly atOnce?: CheckAtOnce | undefined;
  readonly passwordThrottle: Pick<PasswordThrottle, 'check' | 'recordFailure'>;
  readonly passwords: Pick<PasswordHashing, 'checkPassword' | 'hash'>;
  /** "I can't get a code" during a reset: the same diagnosis and help request as a sign-in's. */
  readonly troubleshooter: Pick<Troubleshooter, 'diagnose' | 'requestHelp'>;
}

/**
 * The entries a user may prove themselves with: their methods of the types the policy allows that
 * take a code (push approvals belong to sign-ins), and recovery codes, but those already proven.
 */
export async function resetEntries(
  deps: Pick<PasswordResetDeps, 'methods' | 'factors'>,
  tenant: Tenant,
  userId: string,
  proven: readonly string[] = [],
): Promise<FactorEntry[]> {
  const methods = await deps.methods.listForUser(tenant.id, userId);
  const offered = await deps.factors.offer({ tenant, userId }, methods);
  return offered.filter((e) => deps.factors.get(e.type)?.verify !== undefined && !proven.includes(e.id));
}

export function provenOf(row: ResetRow): string[] {
  return JSON.parse(row.proven) as string[];
}

export async function viewOf(
  deps: Pick<PasswordResetDeps, 'methods' | 'factors'>,
  tenant: Tenant,
  row: ResetRow,
  flowId: string,
): Promise<ResetView> {
  const proven = provenOf(row);
  const status = row.status as ResetStatus;
  return {
    flowId,
    status,
    methods: status === 'verification_required' ? await resetEntries(deps, tenant, row.user_id, proven) : [],
    verified: proven.length,
    expiresAt: row.expires_at,
  };
}

/**
 * A live reset of this tenant for the browser that started it; anything else is `flow_expired`.
 * With `failed`, a reset that five wrong codes ended is returned too (to diagnose why).
 */
export async function loadReset(
  deps: Pick<PasswordResetDeps, 'store' | 'clock'>,
  tenant: Tenant,
  flowId: string,
  client: ResetClient,
  options: { failed?: boolean } = {},
): Promise<ResetRow> {
  const live = ['verification_required', 'password_required', ...(options.failed ? ['failed'] : [])];
  const row = await deps.store.find(tenant.id, hashToken(flowId));
  const bound =
    row !== undefined &&
    client.clientSecret !== undefined &&
    constantTimeEqual(hashToken(client.clientSecret), row.client_hash);
  if (!row || !bound || row.expires_at <= deps.clock.now() || !live.includes(row.status)) {
    throw new TwofoldError('flow_expired', 'this password reset has expired or ended; start again');
  }
  return row;
}
