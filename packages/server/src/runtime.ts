import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { createApiKeyService } from './api-keys/api-key-service.js';
import { type AuditLog, createAuditLog } from './audit/audit-log.js';
import { createAuditQuery } from './audit/audit-query.js';
import { type CourierOptions, createCourier } from './courier/dispatcher.js';
import { providersFromConfig } from './courier/providers/index.js';
import type { Providers } from './courier/providers/provider.js';
import { createFactors } from './factors/index.js';
import { createPostgresPushNotifier, type PostgresPushNotifier } from './factors/push/postgres-notifier.js';
import { latestClockReading, purgeAcceptedSteps } from './factors/totp/accepted-steps.js';
import { createTotpCheckAtOnce } from './factors/totp/totp-check-at-once.js';
import { createAdminFlows } from './flows/admin/index.js';
import { createPasswordResetFlows } from './flows/password-reset/index.js';
import { createPasswordResetStore } from './flows/password-reset/reset-store.js';
import { createScimFlows } from './flows/scim/index.js';
import { createSelfServiceFlows } from './flows/self-service/index.js';
import { createSignInFlowStore } from './flows/sign-in/flow-store.js';
import { createSignInFlows } from './flows/sign-in/index.js';
import { createTroubleshooter } from './flows/troubleshoot/index.js';
import { createGroupService } from './groups/group-service.js';
import { createHelpRequestService } from './help-requests/help-request-service.js';
import { createHousekeeping } from './housekeeping/housekeeping.js';
import { createApplicationLogout } from './oidc/backchannel-logout.js';
import { createOidcClientService } from './oidc/client-service.js';
import { createLogoutTokenProvider } from './oidc/logout-token.js';
import { purgeExpiredPayloads } from './oidc/payload-retention.js';
import { createSigningKeyStore } from './oidc/signing-keys.js';
import { createOutbox } from './outbox/outbox.js';
import type { Clock } from './platform/clock.js';
import { systemClock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import { type CodeHasher, createCodeHasher } from './platform/crypto/code-hasher.js';
import {
  createKeyring,
  type Keyring,
  loadOrCreateKeyFile,
  parseSecretKeys,
} from './platform/crypto/keyring.js';
import { createPasswordHasher, type PasswordHasher } from './platform/crypto/password-hasher.js';
import { createSealer, type Sealer } from './platform/crypto/sealer.js';
import type { ChangeFeed } from './platform/db/change-feed.js';
import { type DatabaseHandle, migrateToLatest, openDatabase, sqlitePathFor } from './platform/db/database.js';
import type { Database } from './platform/db/schema.js';
import { checkSecretKeys } from './secrets/key-check.js';
import { createSessionService } from './sessions/session-service.js';
import { createSetupService } from './setup/setup-service.js';
import { createSignInLog } from './sign-in-log/sign-in-log.js';
import { createTenantService } from './tenants/tenant-service.js';
import { createMfaLockout } from './users/mfa-lockout.js';
import { checkNewPassword } from './users/password-rules.js';
import { createPasswordThrottle } from './users/password-throttle.js';
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
  readonly services: Services;
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

/** What the services are built from: one database, one clock, the keys, and where messages go. */
export interface ServicesDeps {
  readonly db: Kysely<Database>;
  /** PostgreSQL's unit of work for a code's check (runs the work as it is elsewhere). */
  readonly unitOfWork?: DatabaseHandle['unitOfWork'];
  /** SQLite's synchronous units: a TOTP code's check runs as one (factors/totp/totp-check-at-once.ts). */
  readonly runSync?: DatabaseHandle['runSync'];
  readonly clock: Clock;
  readonly passwords: PasswordHashing;
  readonly sealer: Sealer;
  readonly codeHasher: CodeHasher;
  /** TWOFOLD_PUBLIC_URL. */
  readonly publicUrl: string;
  readonly providers: Providers;
  readonly courierOptions?: CourierOptions | undefined;
  /** Replaces the audit log (tests make it fail); the default writes to `db`. */
  readonly audit?: AuditLog | undefined;
  readonly log?: RuntimeLog | undefined;
  readonly pushNotifier?: PostgresPushNotifier | undefined;
  /** Changes other processes or instances make, for the caches (the tenants'); none: no cache. */
  readonly changes?: ChangeFeed | undefined;
}

/** Builds every service and flow of one instance; `serve`, the CLI and the tests all use this. */
export function createServices(deps: ServicesDeps) {
  const { db, clock, passwords, sealer, publicUrl } = deps;
  const unitOfWork = deps.unitOfWork ?? (<T>(work: () => Promise<T>) => work());
  const audit = deps.audit ?? createAuditLog({ db, clock });
  const tenants = createTenantService({ db, clock, audit, changes: deps.changes });
  const users = createUserService({ db, clock, audit, passwords });
  const apiKeys = createApiKeyService({ db, clock, audit });
  const groups = createGroupService({ db, clock, audit });
  const setup = createSetupService({ db, clock, audit, tenants, users, passwords });
  const signInLog = createSignInLog({ db, clock });
  const outbox = createOutbox({ db, clock, sealer });
  const oidcKeys = createSigningKeyStore({ db, clock, sealer, audit });
  const courier = createCourier({
    outbox,
    clock,
    tenants,
    // Back-channel logout tokens are signed with the tenant's keys when they leave.
    providers: {
      ...deps.providers,
      logout: deps.providers.logout ?? createLogoutTokenProvider({ keys: oidcKeys, clock, publicUrl }),
    },
    ...(deps.courierOptions ? { options: deps.courierOptions } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const applicationLogout = createApplicationLogout({ db, clock, audit, courier });
  const sessions = createSessionService({ db, clock, audit, applicationLogout });
  const signIns = createSignInFlowStore(db);
  const factors = createFactors({
    db,
    clock,
    audit,
    sealer,
    codeHasher: deps.codeHasher,
    tenants,
    users,
    courier,
    signInLog,
    signIns,
    publicUrl,
    pushNotifier: deps.pushNotifier,
  });
  const { methods, passes, recoveryCodes, push } = factors;
  const mfaLockout = createMfaLockout({
    db,
    clock,
    audit,
    methods,
    thresholdsFor: async (tenantId) => (await tenants.getById(tenantId)).policy.lockout,
  });
  const atOnce =
    deps.runSync &&
    createTotpCheckAtOnce({
      db,
      runSync: deps.runSync,
      clock,
      sealer,
      factors: factors.registry,
      lockout: mfaLockout,
    });
  const passwordThrottle = createPasswordThrottle({ db, clock });
  const helpRequests = createHelpRequestService({ db, clock, audit });
  const troubleshooter = createTroubleshooter({
    db,
    clock,
    audit,
    users,
    lockout: mfaLockout,
    methods,
    factors: factors.registry,
    recoveryCodes,
    clockReading: (tenantId, userId, since) => latestClockReading(db, tenantId, userId, since),
    nextSend: (input) => factors.messageCodes.nextSend(input),
    helpRequests,
    courier,
    publicUrl,
  });
  const flows = createSignInFlows({
    clock,
    unitOfWork,
    store: signIns,
    users,
    passes,
    methods,
    factors: factors.registry,
    recoveryCodes,
    lockout: mfaLockout,
    atOnce,
    sessions,
    signInLog,
    passwordThrottle,
    push,
    troubleshooter,
  });
  const resets = createPasswordResetStore(db);
  // Sign-ins and password resets in progress end with the user's credentials (flows/end-credentials.ts).
  const unfinishedFlows = [signIns, resets];
  const passwordResets = createPasswordResetFlows({
    clock,
    unitOfWork,
    db,
    store: resets,
    users,
    methods,
    factors: factors.registry,
    lockout: mfaLockout,
    atOnce,
    passwordThrottle,
    passwords,
    sessions,
    unfinishedFlows,
    courier,
    publicUrl,
    troubleshooter,
  });
  const selfService = createSelfServiceFlows({
    clock,
    unitOfWork,
    db,
    users,
    methods,
    factors: factors.registry,
    recoveryCodes,
    lockout: mfaLockout,
    atOnce,
    sessions,
    unfinishedFlows,
    passwords,
    passwordThrottle,
    courier,
    publicUrl,
  });
  const admin = createAdminFlows({
    db,
    clock,
    audit,
    tenants,
    users,
    methods,
    factors: factors.registry,
    passes,
    sessions,
    unfinishedFlows,
    courier,
    passwords,
    publicUrl,
  });
  const housekeeping = createHousekeeping({
    clock,
    sessions,
    signIns,
    resets,
    messageCodes: factors.messageCodes,
    passwordThrottle,
    sendLimits: factors.sendLimits,
    outbox,
    oidcPayloads: { purgeExpired: (now) => purgeExpiredPayloads(db, now) },
    acceptedSteps: { purgeBefore: (before) => purgeAcceptedSteps(db, before) },
    passkeyChallenges: factors.passkeys,
    ...(deps.log ? { log: deps.log } : {}),
  });
  return {
    db,
    clock,
    passwords,
    sealer,
    audit,
    auditQuery: createAuditQuery({ db }),
    tenants,
    users,
    groups,
    apiKeys,
    setup,
    sessions,
    signInLog,
    outbox,
    courier,
    mfaLockout,
    passwordThrottle,
    ...factors,
    factors: factors.registry,
    signIns,
    flows,
    selfService,
    passwordResets,
    admin,
    helpRequests,
    troubleshooter,
    housekeeping,
    scim: createScimFlows({ db, users, groups, admin, apiKeys, publicUrl }),
    oidcClients: createOidcClientService({ db, clock, audit }),
    oidcKeys,
    applicationLogout,
  };
}

export type Services = ReturnType<typeof createServices>;

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
    checkPassword: checkNewPassword,
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
    db: database.db,
    unitOfWork: database.unitOfWork,
    ...(database.runSync ? { runSync: database.runSync } : {}),
    clock,
    passwords: passwordHashing,
    sealer,
    codeHasher: createCodeHasher(keyring),
    publicUrl: config.publicUrl,
    providers: providersFromConfig(config, clock),
    log: options.log,
    pushNotifier,
    // SQLite hears other processes' commits itself; PostgreSQL instances announce theirs.
    changes: database.changes ?? pushNotifier?.changeFeed('tenants'),
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
