/** What the sign-in's steps share: the services they call and the helpers every step needs. */
import { TwofoldError } from '@twofold/core';
import type { MethodService } from '../../factors/method-service.js';
import type { PushService } from '../../factors/push/push-service.js';
import type { RecoveryCodeService } from '../../factors/recovery-codes/recovery-code-service.js';
import type { FactorRegistry } from '../../factors/registry.js';
import type { TemporaryAccessPassService } from '../../factors/temporary-access-pass/temporary-access-pass-service.js';
import type { CheckAtOnce } from '../../factors/totp/totp-check-at-once.js';
import type { Clock } from '../../platform/clock.js';
import { constantTimeEqual, hashToken } from '../../platform/crypto/tokens.js';
import type { SessionService } from '../../sessions/session-service.js';
import type { SignInEventInput } from '../../sign-in-log/sign-in-log.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { MfaLockout } from '../../users/mfa-lockout.js';
import type { PasswordThrottle } from '../../users/password-throttle.js';
import type { User, UserService } from '../../users/user-service.js';
import type { Troubleshooter } from '../troubleshoot/index.js';
import type { FlowRow, SignInFlowStore } from './flow-store.js';
import type { FlowClient, FlowView } from './types.js';

/** A sign-in log entry as the steps write it (the reason is a problem code of the answer). */
export type SignInAttempt = Omit<SignInEventInput, 'reason'> & { readonly reason?: string | undefined };

export interface SignInDeps {
  readonly clock: Clock;
  /** A code's check writes several times (the attempt, the replay guard, the session): stored together. */
  readonly unitOfWork: <T>(work: () => Promise<T>) => Promise<T>;
  readonly store: SignInFlowStore;
  readonly users: UserService;
  readonly passes: TemporaryAccessPassService;
  readonly methods: MethodService;
  readonly factors: FactorRegistry;
  readonly recoveryCodes: Pick<RecoveryCodeService, 'issue' | 'remaining'>;
  readonly lockout: MfaLockout;
  /** SQLite: a TOTP code's whole check in one unit (flows/code-check.ts). */
  readonly atOnce?: CheckAtOnce | undefined;
  readonly sessions: Pick<SessionService, 'create'>;
  readonly signInLog: { record(event: SignInAttempt): Promise<unknown> };
  readonly passwordThrottle: PasswordThrottle;
  readonly push: Pick<PushService, 'outcome'>;
  /** "I can't get a code": the diagnosis and help requests (flows/troubleshoot). */
  readonly troubleshooter: Pick<Troubleshooter, 'diagnose' | 'requestHelp'>;
}

export function refuse(
  code: ConstructorParameters<typeof TwofoldError>[0],
  message: string,
  extra?: Record<string, unknown>,
): never {
  throw new TwofoldError(code, message, extra);
}

/** How many sign-ins one browser keeps going at once (tabs): the cookie holds their secrets, newest first. */
export const maxFlowsPerBrowser = 4;

/** The flow secrets a cookie holds (`secret.secret...`). */
export function flowSecrets(cookie: string | undefined): string[] {
  return (cookie ?? '')
    .split('.')
    .filter((s) => s.length > 0)
    .slice(0, maxFlowsPerBrowser);
}

/** The cookie after a new sign-in started: its secret first, then the others still kept. */
export function addFlowSecret(cookie: string | undefined, secret: string): string {
  return [secret, ...flowSecrets(cookie)].slice(0, maxFlowsPerBrowser).join('.');
}

/**
 * A live flow of this tenant for the client that started it; anything else is "expired". With
 * `failed`, a flow that ended in failure is returned too (to say why it ended).
 */
export async function loadFlow(
  deps: Pick<SignInDeps, 'store' | 'clock'>,
  tenant: Tenant,
  flowId: string,
  client: FlowClient,
  options: { failed?: boolean } = {},
): Promise<FlowRow> {
  const row = await deps.store.find(tenant.id, hashToken(flowId));
  // The cookie holds the secrets of the browser's recent sign-ins (one per tab, issue 15 defect 7).
  const bound =
    row !== undefined &&
    flowSecrets(client.clientSecret).some((secret) => constantTimeEqual(hashToken(secret), row.client_hash));
  if (
    !row ||
    !bound ||
    row.expires_at <= deps.clock.now() ||
    (row.status === 'failed' && !options.failed) ||
    row.status === 'signed_in'
  ) {
    refuse('flow_expired', 'this sign-in has expired or ended; start again');
  }
  return row;
}

/** The entries the user can answer with now (default first), through the factor registry. */
export async function usableEntries(
  deps: Pick<SignInDeps, 'methods' | 'factors'>,
  tenant: Tenant,
  userId: string,
) {
  const active = await deps.methods.listForUser(tenant.id, userId);
  return deps.factors.offer({ tenant, userId }, active);
}

/**
 * The entries a user may prove who they are with before registering (spec section 6): every
 * method they hold with a code, whatever the policy allows now, and recovery codes.
 */
export async function proofEntries(
  deps: Pick<SignInDeps, 'methods' | 'factors'>,
  tenant: Tenant,
  userId: string,
) {
  const active = await deps.methods.listForUser(tenant.id, userId);
  return deps.factors.offer({ tenant, userId }, active, { proof: true });
}

/** What the flow waits for: the user must prove who they are first (`method`, `pass`), or nothing. */
export function proofOf(row: FlowRow): 'method' | 'pass' | undefined {
  return row.status === 'registration_required' && (row.proof === 'method' || row.proof === 'pass')
    ? row.proof
    : undefined;
}

/** The entries the flow offers now: a second factor's, or those to prove with before registering. */
export async function entriesOf(deps: Pick<SignInDeps, 'methods' | 'factors'>, tenant: Tenant, row: FlowRow) {
  if (row.status === 'mfa_required') return usableEntries(deps, tenant, row.user_id);
  if (proofOf(row) === 'method') return proofEntries(deps, tenant, row.user_id);
  return [];
}

export async function viewOf(
  deps: Pick<SignInDeps, 'methods' | 'factors'>,
  tenant: Tenant,
  row: FlowRow,
  flowId: string,
): Promise<FlowView> {
  const proof = proofOf(row);
  return {
    flowId,
    status: row.status as FlowView['status'],
    methods: await entriesOf(deps, tenant, row),
    expiresAt: row.expires_at,
    ...(row.status === 'registration_required'
      ? { registrationTypes: deps.factors.registrableTypes(tenant.policy) }
      : {}),
    ...(proof ? { proofRequired: proof } : {}),
  };
}

/** Records a refused step of this flow in the sign-in log. */
export async function logFailure(
  deps: Pick<SignInDeps, 'signInLog'>,
  row: FlowRow,
  user: Pick<User, 'email'>,
  client: FlowClient,
  reason: string,
  method?: { type: string; id?: string | undefined },
  details?: Record<string, unknown>,
): Promise<void> {
  await deps.signInLog.record({
    tenantId: row.tenant_id,
    userId: row.user_id,
    username: user.email,
    result: 'failure',
    reason,
    methodType: method?.type,
    methodId: method?.id,
    ip: client.ip,
    userAgent: client.userAgent,
    details,
  });
}

export function parseAmr(json: string): string[] {
  return JSON.parse(json) as string[];
}
