/**
 * Builds every factor's service and the registry over them: the one place that knows which
 * folder implements which type (registry.ts checks that each type has exactly one).
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { Courier } from '../courier/courier.js';
import type { Clock } from '../platform/clock.js';
import type { CodeHasher } from '../platform/crypto/code-hasher.js';
import type { Sealer } from '../platform/crypto/sealer.js';
import type { Database } from '../platform/db/schema.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { UserService } from '../users/user-service.js';
import { createHardwareFactor } from './hardware/hardware-factor.js';
import { createHardwareTokenService } from './hardware/hardware-token-service.js';
import { createMessageCodeFactors } from './message-codes/message-code-factors.js';
import { createMessageCodeService } from './message-codes/message-code-service.js';
import { createSendLimits } from './message-codes/send-limits.js';
import { createMethodService } from './method-service.js';
import { createPasskeyFactor } from './passkey/passkey-factor.js';
import { createPasskeyService } from './passkey/passkey-service.js';
import { createPushFactor } from './push/push-factor.js';
import type { PushNotifier } from './push/push-notifier.js';
import { createPushService, type PushServiceDeps } from './push/push-service.js';
import { createRecoveryCodeService } from './recovery-codes/recovery-code-service.js';
import { createRecoveryCodesFactor } from './recovery-codes/recovery-codes-factor.js';
import { createFactorRegistry } from './registry.js';
import { createTemporaryAccessPassFactor } from './temporary-access-pass/temporary-access-pass-factor.js';
import { createTemporaryAccessPassService } from './temporary-access-pass/temporary-access-pass-service.js';
import { createTotpFactors } from './totp/totp-factor.js';
import { createTotpMethodService } from './totp/totp-method-service.js';

export interface FactorsDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly sealer: Sealer;
  readonly codeHasher: CodeHasher;
  readonly tenants: TenantService;
  readonly users: UserService;
  readonly courier: Courier;
  readonly signInLog: PushServiceDeps['signInLog'];
  readonly signIns: PushServiceDeps['signIns'];
  /** TWOFOLD_PUBLIC_URL: authenticator URIs carry it for push activation; emails link to it. */
  readonly publicUrl: string;
  readonly pushNotifier?: PushNotifier | undefined;
}

export function createFactors(deps: FactorsDeps) {
  const { db, clock, audit, sealer, tenants, users, courier, publicUrl } = deps;
  const methods = createMethodService({ db, clock, audit });
  const totp = createTotpMethodService({ db, clock, audit, sealer, tenants, users, publicUrl });
  const hardwareTokens = createHardwareTokenService({ db, clock, audit, sealer, tenants, users, totp });
  const sendLimits = createSendLimits({ db, clock });
  const messageCodes = createMessageCodeService({
    db,
    clock,
    audit,
    tenants,
    users,
    courier,
    codeHasher: deps.codeHasher,
    sendLimits,
    publicUrl,
  });
  const recoveryCodes = createRecoveryCodeService({ db, clock, audit, users });
  const passes = createTemporaryAccessPassService({ db, clock, audit });
  const push = createPushService({
    db,
    clock,
    audit,
    courier,
    tenants,
    users,
    signInLog: deps.signInLog,
    signIns: deps.signIns,
    publicUrl,
    ...(deps.pushNotifier ? { notifier: deps.pushNotifier } : {}),
  });
  const passkeys = createPasskeyService({ db, clock, audit, users, publicUrl });
  const registry = createFactorRegistry([
    createPasskeyFactor({ passkeys }),
    ...createTotpFactors({ totp, methods }),
    createHardwareFactor({ totp, methods }),
    ...createMessageCodeFactors({ messageCodes, methods }),
    createRecoveryCodesFactor({ recoveryCodes }),
    createPushFactor({ push }),
    createTemporaryAccessPassFactor({ passes }),
  ]);
  return {
    registry,
    methods,
    totp,
    hardwareTokens,
    sendLimits,
    messageCodes,
    recoveryCodes,
    passes,
    push,
    passkeys,
  };
}

export type Factors = ReturnType<typeof createFactors>;
