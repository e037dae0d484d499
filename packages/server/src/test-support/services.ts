import { createApiKeyService } from '../api-keys/api-key-service.js';
import { type AuditLog, createAuditLog } from '../audit/audit-log.js';
import { createTemporaryAccessPassService } from '../passes/temporary-access-pass-service.js';
import { createManualClock } from '../platform/clock.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { createSetupService } from '../setup/setup-service.js';
import { createTenantService } from '../tenants/tenant-service.js';
import { createUserService, type PasswordHashing } from '../users/user-service.js';
import { testPasswordHashing } from './passwords.js';

export type ManualClock = ReturnType<typeof createManualClock>;

export interface TestServicesOptions {
  /** Shared between several handles so that every "instance" agrees on the time. */
  readonly clock?: ManualClock;
  readonly passwords?: PasswordHashing;
  /** Replaces the audit log (to make it fail, for instance); the default writes to `handle.db`. */
  readonly audit?: AuditLog;
}

/**
 * The domain services over one database handle, wired as runtime.ts wires them, with a manual
 * clock: what one Twofold instance would hold. Build it once per handle to model several instances.
 */
export function createTestServices(handle: Pick<DatabaseHandle, 'db'>, options: TestServicesOptions = {}) {
  const { db } = handle;
  const clock = options.clock ?? createManualClock();
  const passwords = options.passwords ?? testPasswordHashing();
  const audit = options.audit ?? createAuditLog({ db, clock });
  const tenants = createTenantService({ db, clock, audit });
  const users = createUserService({ db, clock, audit, passwords });
  const apiKeys = createApiKeyService({ db, clock, audit });
  const passes = createTemporaryAccessPassService({ db, clock, audit });
  const setup = createSetupService({ db, clock, audit, tenants, users, passwords });
  return { db, clock, passwords, audit, tenants, users, apiKeys, passes, setup };
}

export type TestServices = ReturnType<typeof createTestServices>;
