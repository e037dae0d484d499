/** What the signed-in user's own flows (spec section 4, `/me`) share. */
import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Actor } from '../../audit/audit-log.js';
import type { Courier } from '../../courier/courier.js';
import type { MethodService } from '../../factors/method-service.js';
import type { RecoveryCodeService } from '../../factors/recovery-codes/recovery-code-service.js';
import type { FactorRegistry } from '../../factors/registry.js';
import type { CheckAtOnce } from '../../factors/totp/totp-check-at-once.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import { hasRecentSecondFactor, type SessionService } from '../../sessions/session-service.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { MfaLockout } from '../../users/mfa-lockout.js';
import type { PasswordThrottle } from '../../users/password-throttle.js';
import type { PasswordHashing, UserService } from '../../users/user-service.js';
import type { UnfinishedFlows } from '../end-credentials.js';

/** The signed-in user as the flows see them: their session and where the request came from. */
export interface Me {
  readonly tenant: Tenant;
  readonly session: {
    readonly id: string;
    readonly userId: string;
    readonly amr: readonly string[];
    readonly mfaAt: number | null;
    readonly createdAt: number;
    readonly firstFactor: 'pwd' | 'tap' | null;
  };
  readonly actor: Actor;
  readonly ip?: string | undefined;
}

export interface SelfServiceDeps {
  readonly clock: Clock;
  /** A code's check writes several times (the attempt, the replay guard, the session): stored together. */
  readonly unitOfWork: <T>(work: () => Promise<T>) => Promise<T>;
  /** Flows that change several owners' tables do it in one transaction. */
  readonly db: Kysely<Database>;
  readonly users: UserService;
  readonly methods: MethodService;
  readonly factors: FactorRegistry;
  readonly recoveryCodes: Pick<RecoveryCodeService, 'issue' | 'remaining'>;
  readonly lockout: Pick<MfaLockout, 'admit' | 'recordSuccess'>;
  /** SQLite: a TOTP code's whole check in one unit (flows/code-check.ts). */
  readonly atOnce?: CheckAtOnce | undefined;
  readonly sessions: Pick<SessionService, 'recordSecondFactor' | 'revoke' | 'revokeAllForUser'>;
  /** Sign-ins and password resets in progress: they end with the user's credentials. */
  readonly unfinishedFlows: readonly UnfinishedFlows[];
  readonly passwords: Pick<PasswordHashing, 'checkPassword' | 'hash'>;
  readonly passwordThrottle: Pick<PasswordThrottle, 'check' | 'recordFailure'>;
  readonly courier: Pick<Courier, 'enqueue'>;
  /** TWOFOLD_PUBLIC_URL (links in emails). */
  readonly publicUrl: string;
}

export function requireStepUp(deps: Pick<SelfServiceDeps, 'clock'>, me: Me): void {
  if (!hasRecentSecondFactor(me.session, deps.clock.now())) {
    throw new TwofoldError(
      'step_up_required',
      'confirm it is you: enter a code from one of your methods first',
    );
  }
}

export function context(me: Me) {
  return { tenant: me.tenant, userId: me.session.userId, ip: me.ip };
}
