import { createAdminActions } from '../admin/admin-actions.js';
import { createBreakGlass } from '../admin/break-glass.js';
import { createApiKeyService } from '../api-keys/api-key-service.js';
import { type AuditLog, createAuditLog } from '../audit/audit-log.js';
import { createAuditQuery } from '../audit/audit-query.js';
import { type CourierOptions, createCourier } from '../courier/dispatcher.js';
import { createOutboxProvider } from '../courier/providers/outbox.js';
import type { Providers } from '../courier/providers/provider.js';
import { createMessageCodeService } from '../methods/message-codes/message-code-service.js';
import { createSendLimits } from '../methods/message-codes/send-limits.js';
import { createMethodService } from '../methods/method-service.js';
import { createMfaLockout } from '../methods/mfa-lockout.js';
import { createRecoveryCodeService } from '../methods/recovery-codes/recovery-code-service.js';
import { createTotpMethodService } from '../methods/totp/totp-method-service.js';
import { createOutbox } from '../outbox/outbox.js';
import { createTemporaryAccessPassService } from '../passes/temporary-access-pass-service.js';
import { createManualClock } from '../platform/clock.js';
import { createCodeHasher } from '../platform/crypto/code-hasher.js';
import { createKeyring } from '../platform/crypto/keyring.js';
import { createSealer, type Sealer } from '../platform/crypto/sealer.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { createPushService } from '../push/push-service.js';
import { createSessionService } from '../sessions/session-service.js';
import { createSetupService } from '../setup/setup-service.js';
import { createSignInLog } from '../sign-in-log/sign-in-log.js';
import { createTenantService } from '../tenants/tenant-service.js';
import { createPasswordThrottle } from '../throttle/password-throttle.js';
import { createUserService, type PasswordHashing } from '../users/user-service.js';
import { testPasswordHashing } from './passwords.js';

export type ManualClock = ReturnType<typeof createManualClock>;

export interface TestServicesOptions {
  /** Shared between several handles so that every "instance" agrees on the time. */
  readonly clock?: ManualClock;
  readonly passwords?: PasswordHashing;
  /** Replaces the audit log (to make it fail, for instance); the default writes to `handle.db`. */
  readonly audit?: AuditLog;
  /** Seals method secrets; the default uses one fixed test key, so every "instance" can open them. */
  readonly sealer?: Sealer;
  /** Where the courier sends; the default keeps every message in the outbox (state sent, `outbox:kept`). */
  readonly providers?: Providers;
  readonly courierOptions?: CourierOptions;
}

/** The key of the default test sealer (32 bytes of 7). */
export const testSecretKey = new Uint8Array(32).fill(7);
/** TWOFOLD_PUBLIC_URL of the test services. */
export const testPublicUrl = 'https://mfa.example.com';

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
  const sessions = createSessionService({ db, clock, audit });
  const signInLog = createSignInLog({ db, clock });
  const auditQuery = createAuditQuery({ db });
  const passwordThrottle = createPasswordThrottle({ db, clock });
  const sealer = options.sealer ?? createSealer(createKeyring([testSecretKey]));
  const methods = createMethodService({ db, clock, audit });
  const totpMethods = createTotpMethodService({
    db,
    clock,
    audit,
    sealer,
    tenants,
    users,
    publicUrl: testPublicUrl,
  });
  const recoveryCodes = createRecoveryCodeService({ db, clock, audit, users });
  const mfaLockout = createMfaLockout({
    db,
    clock,
    audit,
    thresholdsFor: async (tenantId) => (await tenants.getById(tenantId)).policy.lockout,
  });
  const adminActions = createAdminActions({ db, clock, audit });
  const outbox = createOutbox({ db, clock, sealer });
  const courier = createCourier({
    outbox,
    clock,
    tenants,
    providers: options.providers ?? { email: createOutboxProvider(), sms: createOutboxProvider() },
    ...(options.courierOptions ? { options: options.courierOptions } : {}),
  });
  const breakGlass = createBreakGlass({ db, clock, audit, tenants, users, passes, courier });
  const sendLimits = createSendLimits({ db, clock });
  const messageCodes = createMessageCodeService({
    db,
    clock,
    audit,
    tenants,
    users,
    courier,
    codeHasher: createCodeHasher(createKeyring([testSecretKey])),
    sendLimits,
    publicUrl: testPublicUrl,
  });
  const push = createPushService({
    db,
    clock,
    audit,
    courier,
    tenants,
    users,
    signInLog,
    publicUrl: testPublicUrl,
  });
  return {
    db,
    clock,
    adminActions,
    outbox,
    courier,
    sendLimits,
    messageCodes,
    breakGlass,
    passwords,
    audit,
    tenants,
    users,
    apiKeys,
    passes,
    setup,
    sessions,
    signInLog,
    auditQuery,
    passwordThrottle,
    sealer,
    methods,
    totpMethods,
    recoveryCodes,
    mfaLockout,
    push,
  };
}

export type TestServices = ReturnType<typeof createTestServices>;
