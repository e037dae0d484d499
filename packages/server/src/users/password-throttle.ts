import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { Clock } from '../platform/clock.js';
import { generateToken, hashToken } from '../platform/crypto/tokens.js';
import { preparedQuery, type Slots } from '../platform/db/prepared-query.js';
import type { Database } from '../platform/db/schema.js';
import { throttleAddress } from '../throttle/address-key.js';

/**
 * Password guessing, throttled in the database so the limits hold across instances:
 *
 * - per account: after `accountThreshold` consecutive failures the account waits
 *   `accountBaseLockMs`, doubling with each further failure, at most `accountMaxLockMs`; a
 *   success resets it. Kept in `users.password_failures` / `password_locked_until`.
 * - per client address and tenant: `ipThreshold` failures within `ipWindowMs` make that address
 *   wait `ipLockMs`. A success does not reset it (an attacker with one account of their own
 *   must not be able to wipe the counter between guesses).
 * - a browser that signed in to the account before (a known device token) is not held back by
 *   the account counter, only by its own address's: failures from elsewhere cannot lock the real
 *   user out.
 *
 * Every counter changes with one atomic statement (increment or upsert ... RETURNING), never a
 * read-then-write, so concurrent failures on several instances are all counted.
 */
export interface PasswordThrottlePolicy {
  readonly accountThreshold: number;
  readonly accountBaseLockMs: number;
  readonly accountMaxLockMs: number;
  readonly ipThreshold: number;
  readonly ipWindowMs: number;
  readonly ipLockMs: number;
  /** A device stays known this long after its last successful sign-in. */
  readonly knownDeviceLifetimeMs: number;
}

export const defaultPasswordThrottlePolicy: PasswordThrottlePolicy = {
  accountThreshold: 10,
  accountBaseLockMs: 60_000,
  accountMaxLockMs: 60 * 60_000,
  ipThreshold: 50,
  ipWindowMs: 15 * 60_000,
  ipLockMs: 15 * 60_000,
  knownDeviceLifetimeMs: 90 * 24 * 60 * 60_000,
};

/** Known-device tokens: this prefix and 256 random bits in base64url; only their SHA-256 is stored. */
export const deviceTokenPrefix = 'tfd_';
const deviceTokenPattern = /^tfd_[A-Za-z0-9_-]{43}$/;

/** The cookie that carries the known-device token (HttpOnly, SameSite=Lax, long-lived). */
export const knownDeviceCookieName = 'twofold_device';

export function knownDeviceCookieOptions(options: {
  secure: boolean;
  policy?: Pick<PasswordThrottlePolicy, 'knownDeviceLifetimeMs'>;
}) {
  const lifetime = (options.policy ?? defaultPasswordThrottlePolicy).knownDeviceLifetimeMs;
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: options.secure,
    maxAge: Math.floor(lifetime / 1000),
  } as const;
}

export type ThrottleDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** Seconds until an attempt may be made (for `locked_out` and the Retry-After header). */
      readonly retryAfter: number;
      /** Which counter holds it back; for the sign-in log, not for the client. */
      readonly scope: 'account' | 'ip';
    };

export interface ThrottleSubject {
  readonly tenantId: string;
  /** The account the username names, when it exists. */
  readonly userId?: string | undefined;
  /**
   * The username as typed. When `userId` is absent it gets a counter of its own, so a made-up
   * username locks exactly as a real account does and lockouts do not tell which accounts
   * exist. Without it, an unknown user behaves like a user without failures.
   */
  readonly username?: string | undefined;
  readonly ip: string;
}

/**
 * The account's counters as the caller read them with the user (a sign-in reads the user, their
 * roles and these in one statement: users/user-reads.ts `findForSignIn`), so the throttle need not
 * read the row again.
 */
export interface AccountCounters {
  readonly failures: number;
  readonly lockedUntil: number | null;
}

export interface PasswordThrottle {
  /**
   * Whether a password attempt may be made now. Call before checking the password. With `account`
   * (the counters read with the user), the account's lock is taken from it instead of read again.
   * The address's and the username's counters are read in one statement, for a known user too (whose
   * username counter is not consulted), so a known and an unknown username cost the same statements.
   */
  check(
    input: ThrottleSubject & { deviceToken?: string | undefined; account?: AccountCounters | undefined },
  ): Promise<ThrottleDecision>;
  /** Counts a wrong password (or unknown user); returns the counters after this failure. */
  recordFailure(input: ThrottleSubject): Promise<{ accountFailures: number | null; ipFailures: number }>;
  /**
   * Resets the account counter after a right password and returns the device token to set in
   * the cookie: the caller's own when it is known for this user, else a new one. With `account`
   * (the counters read with the user before the password's check) showing no failure and no lock,
   * nothing is written: there is nothing to reset, and a failure counted meanwhile by a concurrent
   * attempt stays counted (the unconditional reset would have wiped it).
   */
  recordSuccess(input: {
    tenantId: string;
    userId: string;
    ip: string;
    deviceToken?: string | undefined;
    account?: AccountCounters | undefined;
  }): Promise<{ deviceToken: string }>;
  /** Deletes throttle rows whose window and lock ended more than `retainMs` ago; returns how many. */
  purgeStale(retainMs?: number): Promise<number>;
}

// The statements of every sign-in, built once (platform/db/prepared-query.ts).
const throttleLock = preparedQuery((db, v: Slots<{ key: string }>) =>
  db.selectFrom('throttles').select(['key', 'locked_until']).where('key', '=', v.key),
);
const throttleLocks = preparedQuery((db, v: Slots<{ ipKey: string; usernameKey: string }>) =>
  db.selectFrom('throttles').select(['key', 'locked_until']).where('key', 'in', [v.ipKey, v.usernameKey]),
);
const accountLock = preparedQuery((db, v: Slots<{ tenantId: string; userId: string }>) =>
  db
    .selectFrom('users')
    .select('password_locked_until')
    .where('id', '=', v.userId)
    .where('tenant_id', '=', v.tenantId),
);
const resetAccount = preparedQuery((db, v: Slots<{ tenantId: string; userId: string }>) =>
  db
    .updateTable('users')
    .set({ password_failures: 0, password_locked_until: null })
    .where('id', '=', v.userId)
    .where('tenant_id', '=', v.tenantId),
);
type DeviceArgs = { tenantId: string; userId: string; deviceHash: string };
const knownDevice = preparedQuery((db, v: Slots<DeviceArgs & { since: number }>) =>
  db
    .selectFrom('known_devices')
    .select('last_success_at')
    .where('user_id', '=', v.userId)
    .where('device_hash', '=', v.deviceHash)
    .where('tenant_id', '=', v.tenantId)
    .where('last_success_at', '>', v.since),
);
const renewDevice = preparedQuery((db, v: Slots<DeviceArgs & { since: number; now: number }>) =>
  db
    .updateTable('known_devices')
    .set({ last_success_at: v.now })
    .where('user_id', '=', v.userId)
    .where('device_hash', '=', v.deviceHash)
    .where('tenant_id', '=', v.tenantId)
    .where('last_success_at', '>', v.since),
);
const forgetStaleDevices = preparedQuery((db, v: Slots<{ userId: string; stale: number }>) =>
  db.deleteFrom('known_devices').where('user_id', '=', v.userId).where('last_success_at', '<=', v.stale),
);
const insertDevice = preparedQuery((db, v: Slots<DeviceArgs & { now: number }>) =>
  db.insertInto('known_devices').values({
    tenant_id: v.tenantId,
    user_id: v.userId,
    device_hash: v.deviceHash,
    last_success_at: v.now,
  }),
);

export function ipThrottleKey(tenantId: string, ip: string): string {
  return `password:ip:${tenantId}:${throttleAddress(ip)}`;
}

/** Usernames are hashed in the key: the throttles table need not hold what people typed. */
export function usernameThrottleKey(tenantId: string, username: string): string {
  return `password:user:${tenantId}:${hashToken(username.normalize('NFC').trim().toLowerCase())}`;
}

function checkPolicy(policy: PasswordThrottlePolicy): void {
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`password throttle: ${name} must be a positive integer`);
  }
  if (policy.accountMaxLockMs < policy.accountBaseLockMs)
    throw new RangeError('password throttle: accountMaxLockMs must be at least accountBaseLockMs');
}

function waitSeconds(lockedUntil: number | null | undefined, now: number): number {
  return lockedUntil != null && lockedUntil > now ? Math.max(1, Math.ceil((lockedUntil - now) / 1000)) : 0;
}

export function createPasswordThrottle(deps: {
  db: Kysely<Database>;
  clock: Clock;
  policy?: Partial<PasswordThrottlePolicy>;
}): PasswordThrottle {
  const { db, clock } = deps;
  const policy: PasswordThrottlePolicy = { ...defaultPasswordThrottlePolicy, ...deps.policy };
  checkPolicy(policy);

  /** How long the account waits once it has `failures` consecutive failures (0 below the threshold). */
  function accountLockMs(failures: number): number {
    if (failures < policy.accountThreshold) return 0;
    const doublings = failures - policy.accountThreshold;
    // 2^doublings overflows nothing: past ~50 doublings the cap has long been reached.
    return Math.min(policy.accountBaseLockMs * 2 ** Math.min(doublings, 52), policy.accountMaxLockMs);
  }

  /**
   * SQL for the lock end after one more failure, given the counter before it (`previous`): the
   * same ladder as accountLockMs, spelled as a CASE so the increment and the lock are one
   * statement. Policy numbers are validated integers and inlined as literals.
   */
  function lockAfterFailureSql(previous: RawBuilder<number>, now: number, keep: RawBuilder<number | null>) {
    const cases: RawBuilder<unknown>[] = [];
    for (let failures = policy.accountThreshold; ; failures++) {
      const ms = accountLockMs(failures);
      if (ms >= policy.accountMaxLockMs) break;
      cases.push(sql`when ${previous} + 1 = ${sql.lit(failures)} then ${sql.lit(ms)}`);
    }
    const ladder = sql`case ${sql.join(cases, sql` `)} else ${sql.lit(policy.accountMaxLockMs)} end`;
    return sql<number | null>`case when ${previous} + 1 >= ${sql.lit(policy.accountThreshold)}
      then cast(${now} as bigint) + ${ladder} else ${keep} end`;
  }

  async function isKnownDevice(
    tenantId: string,
    userId: string,
    deviceToken: string | undefined,
    now: number,
  ) {
    if (deviceToken === undefined || !deviceTokenPattern.test(deviceToken)) return false;
    const row = await knownDevice.first(db, {
      tenantId,
      userId,
      deviceHash: hashToken(deviceToken),
      since: now - policy.knownDeviceLifetimeMs,
    });
    return row !== undefined;
  }

  /** The lock ends of the address's counter and, with a username, the username's: one statement. */
  async function counterLocks(ipKey: string, usernameKey: string | undefined) {
    const rows =
      usernameKey === undefined
        ? await throttleLock.rows(db, { key: ipKey })
        : await throttleLocks.rows(db, { ipKey, usernameKey });
    return (key: string | undefined) => rows.find((row) => row.key === key)?.locked_until;
  }

  return {
    async check(input) {
      const now = clock.now();
      const ipKey = ipThrottleKey(input.tenantId, input.ip);
      const usernameKey =
        input.username === undefined ? undefined : usernameThrottleKey(input.tenantId, input.username);
      // An unknown user costs the same statements as a known one: the same counters' read, and a
      // known-device probe (with a token) that cannot match.
      const [lockOf, knownDevice] = await Promise.all([
        counterLocks(ipKey, usernameKey),
        isKnownDevice(input.tenantId, input.userId ?? '', input.deviceToken, now),
      ]);
      let account = 0;
      if (input.userId === undefined) account = waitSeconds(lockOf(usernameKey), now);
      else if (!knownDevice) {
        const lockedUntil = input.account
          ? input.account.lockedUntil
          : (await accountLock.first(db, { tenantId: input.tenantId, userId: input.userId }))
              ?.password_locked_until;
        account = waitSeconds(lockedUntil, now);
      }
      const ip = waitSeconds(lockOf(ipKey), now);
      if (ip === 0 && account === 0) return { allowed: true };
      return ip >= account
        ? { allowed: false, retryAfter: ip, scope: 'ip' }
        : { allowed: false, retryAfter: account, scope: 'account' };
    },

    async recordFailure(input) {
      const now = clock.now();
      const windowOpen = now - policy.ipWindowMs;
      const ipKey = ipThrottleKey(input.tenantId, input.ip);
      // Two independent counters, two atomic statements, no transaction: neither depends on the
      // other, and a transaction would only add lock waits between instances.
      const ipCounter = db
        .insertInto('throttles')
        .values({
          key: ipKey,
          failures: 1,
          window_started_at: now,
          locked_until: 1 >= policy.ipThreshold ? now + policy.ipLockMs : null,
        })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: sql<number>`case when throttles.window_started_at <= cast(${windowOpen} as bigint)
              then 1 else throttles.failures + 1 end`,
            window_started_at: sql<number>`case when throttles.window_started_at <= cast(${windowOpen} as bigint)
              then cast(${now} as bigint) else throttles.window_started_at end`,
            locked_until: sql<
              number | null
            >`case when throttles.window_started_at > cast(${windowOpen} as bigint)
              and throttles.failures + 1 >= ${sql.lit(policy.ipThreshold)}
              then cast(${now + policy.ipLockMs} as bigint) else throttles.locked_until end`,
          }),
        )
        .returning('failures')
        .executeTakeFirstOrThrow();

      let accountCounter: Promise<{ failures: number } | undefined>;
      if (input.userId !== undefined) {
        accountCounter = db
          .updateTable('users')
          .set({
            password_failures: sql<number>`password_failures + 1`,
            password_locked_until: lockAfterFailureSql(
              sql<number>`password_failures`,
              now,
              sql<number | null>`password_locked_until`,
            ),
          })
          .where('id', '=', input.userId)
          .where('tenant_id', '=', input.tenantId)
          .returning('password_failures as failures')
          .executeTakeFirst();
      } else if (input.username !== undefined) {
        accountCounter = db
          .insertInto('throttles')
          .values({
            key: usernameThrottleKey(input.tenantId, input.username),
            failures: 1,
            window_started_at: now,
            locked_until: accountLockMs(1) > 0 ? now + accountLockMs(1) : null,
          })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              failures: sql<number>`throttles.failures + 1`,
              // For a username counter the column holds the last failure, which purgeStale reads.
              window_started_at: now,
              locked_until: lockAfterFailureSql(
                sql<number>`throttles.failures`,
                now,
                sql<number | null>`throttles.locked_until`,
              ),
            }),
          )
          .returning('failures')
          .executeTakeFirstOrThrow();
      } else {
        accountCounter = Promise.resolve(undefined);
      }
      const [ip, account] = await Promise.all([ipCounter, accountCounter]);
      return { accountFailures: account?.failures ?? null, ipFailures: ip.failures };
    },

    async recordSuccess(input) {
      const now = clock.now();
      const { account } = input;
      if (account === undefined || account.failures !== 0 || account.lockedUntil !== null) {
        await resetAccount.run(db, { tenantId: input.tenantId, userId: input.userId });
      }
      const stale = now - policy.knownDeviceLifetimeMs;
      if (input.deviceToken !== undefined && deviceTokenPattern.test(input.deviceToken)) {
        const seen = await renewDevice.run(db, {
          tenantId: input.tenantId,
          userId: input.userId,
          deviceHash: hashToken(input.deviceToken),
          since: stale,
          now,
        });
        if (Number(seen.numAffectedRows) === 1) return { deviceToken: input.deviceToken };
      }
      // No token, or one this user never signed in with (or so long ago it lapsed): a new one.
      // A token known for someone else is not adopted, so a cookie planted in the victim's
      // browser cannot become a token the planter holds for the victim's account.
      const deviceToken = generateToken(deviceTokenPrefix);
      await forgetStaleDevices.run(db, { userId: input.userId, stale });
      await insertDevice.run(db, {
        tenantId: input.tenantId,
        userId: input.userId,
        deviceHash: hashToken(deviceToken),
        now,
      });
      return { deviceToken };
    },

    async purgeStale(retainMs = 24 * 60 * 60_000) {
      const before = clock.now() - retainMs;
      const result = await db
        .deleteFrom('throttles')
        .where('key', 'like', 'password:%')
        .where('window_started_at', '<', before - policy.ipWindowMs)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
