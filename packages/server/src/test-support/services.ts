import type { AuditLog } from '../audit/audit-log.js';
import type { CourierOptions } from '../courier/dispatcher.js';
import { createOutboxProvider } from '../courier/providers/outbox.js';
import type { Providers } from '../courier/providers/provider.js';
import { createManualClock } from '../platform/clock.js';
import { createCodeHasher } from '../platform/crypto/code-hasher.js';
import { createKeyring } from '../platform/crypto/keyring.js';
import { createSealer, type Sealer } from '../platform/crypto/sealer.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { createServices } from '../runtime.js';
import type { PasswordHashing } from '../users/user-service.js';
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
 * The services of one Twofold instance over one database handle, wired by runtime.ts's own
 * `createServices`, with a manual clock. Build it once per handle to model several instances.
 */
export function createTestServices(
  handle: Pick<DatabaseHandle, 'db'> & Partial<Pick<DatabaseHandle, 'unitOfWork' | 'runSync'>>,
  options: TestServicesOptions = {},
) {
  const keyring = createKeyring([testSecretKey]);
  const clock = options.clock ?? createManualClock();
  return {
    ...createServices({
      db: handle.db,
      ...(handle.unitOfWork ? { unitOfWork: handle.unitOfWork } : {}),
      ...(handle.runSync ? { runSync: handle.runSync } : {}),
      clock,
      passwords: options.passwords ?? testPasswordHashing(),
      sealer: options.sealer ?? createSealer(keyring),
      codeHasher: createCodeHasher(keyring),
      publicUrl: testPublicUrl,
      providers: options.providers ?? { email: createOutboxProvider(), sms: createOutboxProvider() },
      courierOptions: options.courierOptions,
      audit: options.audit,
    }),
    clock,
  };
}

export type TestServices = ReturnType<typeof createTestServices>;
