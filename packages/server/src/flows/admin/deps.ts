/** What an admin's (and the operator's) flows on a user share. */
import { TwofoldError } from '@twofold/core';
import type { Kysely } from 'kysely';
import type { Courier } from '../../courier/courier.js';
import type { MethodService } from '../../factors/method-service.js';
import type { FactorRegistry } from '../../factors/registry.js';
import type { TemporaryAccessPassService } from '../../factors/temporary-access-pass/temporary-access-pass-service.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/schema.js';
import type { SessionService } from '../../sessions/session-service.js';
import type { TenantService } from '../../tenants/tenant-service.js';
import type { PasswordHashing, UserService } from '../../users/user-service.js';
import type { UnfinishedFlows } from '../end-credentials.js';

export interface AdminFlowDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: import('../../audit/audit-log.js').AuditLog;
  readonly tenants: TenantService;
  readonly users: UserService;
  readonly methods: MethodService;
  readonly factors: FactorRegistry;
  readonly passes: TemporaryAccessPassService;
  readonly sessions: Pick<SessionService, 'revokeAllForUser'>;
  /** Sign-ins and password resets in progress: they end with the user's credentials. */
  readonly unfinishedFlows: readonly UnfinishedFlows[];
  readonly courier: Pick<Courier, 'enqueue'>;
  readonly passwords: Pick<PasswordHashing, 'checkPassword' | 'hash'>;
  /** TWOFOLD_PUBLIC_URL (links in emails). */
  readonly publicUrl: string;
}

/** A reason for the audit log: 1 to 500 characters after trimming. */
export function checkReason(reason: string | undefined): string {
  const text = reason?.normalize('NFC').trim() ?? '';
  if (text.length === 0)
    throw new TwofoldError('validation_failed', 'reason: say why, for the audit log', {
      errors: [{ path: 'body/reason', message: 'is required' }],
    });
  if (text.length > 500) throw new TwofoldError('validation_failed', 'reason: at most 500 characters');
  return text;
}
