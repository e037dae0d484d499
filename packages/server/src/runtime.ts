import { readFileSync } from 'node:fs';
import { createAdminActions } from './admin/admin-actions.js';
import { createBreakGlass } from './admin/break-glass.js';
import { createApiKeyService } from './api-keys/api-key-service.js';
import { createAuditLog } from './audit/audit-log.js';
import { createAuditQuery } from './audit/audit-query.js';
import { createCourier } from './courier/dispatcher.js';
import { providersFromConfig } from './courier/providers/index.js';
import { createSignInFlowService } from './flows/sign-in-flow-service.js';
import { createHousekeeping } from './housekeeping/housekeeping.js';
import { createHardwareTokenService } from './methods/hardware/hardware-token-service.js';
import { createMessageCodeService } from './methods/message-codes/message-code-service.js';
import { createSendLimits } from './methods/message-codes/send-limits.js';
import { createMethodService } from './methods/method-service.js';
import { createMfaLockout } from './methods/mfa-lockout.js';
import { createRecoveryCodeService } from './methods/recovery-codes/recovery-code-service.js';
import { createTotpMethodService } from './methods/totp/totp-method-service.js';
import { createOidcClientService } from './oidc/client-service.js';
import { createSigningKeyStore } from './oidc/signing-keys.js';
import { createOutbox } from './outbox/outbox.js';
import { createTemporaryAccessPassService } from './passes/temporary-access-pass-service.js';
import type { Clock } from './platform/clock.js';
import { systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { createCodeHasher } from './platform/crypto/code-hasher.js';
import {
  createKeyring,
  type Keyring,
  loadOrCreateKeyFile,
  parseSecretKeys,
} from './platform/crypto/keyring.js';
import {
  checkPassword,
  createPasswordHasher,
  type PasswordHasher,
} from './platform/crypto/password-hasher.js';
import { createSealer, type Sealer } from './platform/crypto/sealer.js';
import { type DatabaseHandle, migrateToLatest, openDatabase, sqlitePathFor } from './platform/db/database.js';
import { createPostgresPushNotifier, type PostgresPushNotifier } from './push/postgres-notifier.js';
import { createPushService } from './push/push-service.js';
import { checkSecretKeys } from './secrets/key-check.js';
import { createSessionService } from './sessions/session-service.js';
import { createSetupService } from './setup/setup-service.js';
import { createSignInLog } from './sign-in-log/sign-in-log.js';
import { createTenantService } from './tenants/tenant-service.js';
import { createPasswordThrottle } from './throttle/password-throttle.js';
import { createUserService, type PasswordHashing } from './users/user-service.js';

export interface RuntimeLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Everything a command or the server needs, built once from the configuration. */
export interface Runtime {
  readonly config: Config;
  readonly version: string;
  readonly clock: Clock;
  readonly database: DatabaseHandle;
  readonly keyring: Keyring;
  readonly sealer: Sealer;
  readonly passwords: PasswordHasher;
  readonly services: ReturnType<typeof createServices>;
  close(): Promise<void>;
}

export interface CreateRuntimeOptions {
  readonly log?: RuntimeLog;
  readonly clock?: Clock;
  /** Apply pending migrations before anything else (default true). */
  readonly migrate?: boolean;
  /** Use this database instead of opening one from the configuration (tests). */
  readonly database?: DatabaseHandle;
}

export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Keys from TWOFOLD_SECRET_KEY, or the generated key file in the data directory. */
export async function loadKeyring(config: Config, log?: RuntimeLog): Promise<Keyring> {
  if (config.secretKey) return createKeyring(parseSecretKeys(config.secretKey));
  const file = await loadOrCreateKeyFile(config.dataDir);
  if (file.warning) {
    log?.warn(`TWOFOLD_SECRET_KEY is unset: ${file.warning}`);
    if (config.databaseUrl) {
      log?.warn(
        'with PostgreSQL and several instances, set TWOFOLD_SECRET_KEY to the same value on every instance',
      );
    }
  }
  return createKeyring(file.keys);
}

function createServices(deps: {
  config: Config;
  log?: RuntimeLog | undefined;
  database: DatabaseHandle;
  clock: Clock;
  passwords: PasswordHashing;
  sealer: Sealer;
  keyring: Keyring;
  pushNotifier?: PostgresPushNotifier | undefined;
}) {
  const { db } = deps.database;
  const { clock, passwords, sealer } = deps;
  const audit = createAuditLog({ db, clock });
  const tenants = createTenantService({ db, clock, audit });
  const users = createUserService({ db, clock, audit, passwords });
  const apiKeys = createApiKeyService({ db, clock, audit });
  const passes = createTemporaryAccessPassService({ db, clock, audit });
  const setup = createSetupService({ db, clock, audit, tenants, users, passwords });
  const methods = createMethodService({ db, clock, audit });
  const totp = createTotpMethodService({
    db,
    clock,
    audit,
    sealer,
    tenants,
    users,
    publicUrl: deps.config.publicUrl,
  });
  const recoveryCodes = createRecoveryCodeService({ db, clock, audit, users });
  const mfaLockout = createMfaLockout({
    db,
    clock,
    audit,
    thresholdsFor: async (tenantId) => (await tenants.getById(tenantId)).policy.lockout,
  });
  const sessions = createSessionService({ db, clock, audit });
  const signInLog = createSignInLog({ db, clock });
  const outbox = createOutbox({ db, clock, sealer });
  const courier = createCourier({
    outbox,
    clock,
    tenants,
    providers: providersFromConfig(deps.config, clock),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const sendLimits = createSendLimits({ db, clock });
  const messageCodes = createMessageCodeService({
    db,
    clock,
    audit,
    tenants,
    users,
    courier,
    codeHasher: createCodeHasher(deps.keyring),
    sendLimits,
    publicUrl: deps.config.publicUrl,
  });
  const push = createPushService({
    db,
    clock,
    audit,
    courier,
    tenants,
    users,
    signInLog,
    publicUrl: deps.config.publicUrl,
    ...(deps.pushNotifier ? { notifier: deps.pushNotifier } : {}),
  });
  const passwordThrottle = createPasswordThrottle({ db, clock });
  const flows = createSignInFlowService({
    db,
    clock,
    users,
    passes,
    methods,
    totp,
    messageCodes,
    push,
    recoveryCodes,
    mfaLockout,
    sessions,
    signInLog,
    passwordThrottle,
  });
  const hardwareTokens = createHardwareTokenService({ db, clock, audit, sealer, tenants, users, totp });
  const auditQuery = createAuditQuery({ db });
  const adminActions = createAdminActions({ db, clock, audit });
  const housekeeping = createHousekeeping({
    db,
    clock,
    sessions,
    passwordThrottle,
    sendLimits,
    ...(deps.log ? { log: deps.log } : {}),
  });
  const oidcClients = createOidcClientService({ db, clock, audit });
  const oidcKeys = createSigningKeyStore({ db, clock, sealer, audit });
  const breakGlass = createBreakGlass({ db, clock, audit, tenants, users, passes, courier });
  return {
    audit,
    oidcClients,
    oidcKeys,
    adminActions,
    auditQuery,
    hardwareTokens,
    outbox,
    courier,
    sendLimits,
    messageCodes,
    push,
    housekeeping,
    breakGlass,
    tenants,
    users,
    apiKeys,
    passes,
    setup,
    methods,
    totp,
    recoveryCodes,
    mfaLockout,
    sessions,
    signInLog,
    passwordThrottle,
    flows,
  };
}

export async function createRuntime(config: Config, options: CreateRuntimeOptions = {}): Promise<Runtime> {
  const clock = options.clock ?? systemClock;
  const keyring = await loadKeyring(config, options.log);
  const sealer = createSealer(keyring);
  const database =
    options.database ??
    openDatabase({
      databaseUrl: config.databaseUrl,
      sqlitePath: sqlitePathFor(config.dataDir),
      poolSize: config.databasePoolSize,
    });
  try {
    if (options.migrate !== false) {
      const report = await migrateToLatest(database);
      if (report.applied.length > 0) options.log?.info(`applied migrations: ${report.applied.join(', ')}`);
    }
    await checkSecretKeys({ db: database.db, keyring, sealer, clock });
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }
  const passwords = createPasswordHasher(
    config.passwordHashConcurrency ? { maxConcurrency: config.passwordHashConcurrency } : {},
  );
  const passwordHashing: PasswordHashing = {
    checkPassword,
    hash: (password) => passwords.hash(password),
    verifyOrDummy: (hash, password) => passwords.verifyOrDummy(hash, password),
  };
  // Several instances on one PostgreSQL wake each other's push long-polls (LISTEN/NOTIFY).
  const pushNotifier =
    !options.database && database.dialect === 'postgres' && config.databaseUrl
      ? createPostgresPushNotifier({
          db: database.db,
          connectionString: config.databaseUrl,
          log: options.log,
        })
      : undefined;
  const services = createServices({
    config,
    log: options.log,
    database,
    clock,
    passwords: passwordHashing,
    sealer,
    keyring,
    pushNotifier,
  });
  return {
    config,
    version: readVersion(),
    clock,
    database,
    keyring,
    sealer,
    passwords,
    services,
    async close() {
      // A send in flight (a command's, or the server's dispatcher) is recorded before the database closes.
      await services.courier.stop();
      await services.housekeeping.stop();
      await pushNotifier?.close();
      await database.close();
    },
  };
}
