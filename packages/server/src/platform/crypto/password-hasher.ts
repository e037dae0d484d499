/**
 * Password hashing with argon2id, run off the event loop with bounded concurrency.
 *
 * @node-rs/argon2's async functions run on the libuv threadpool; a FIFO semaphore keeps at most
 * `maxConcurrency` of them in flight so a burst of sign-ins queues (and shows in `stats()`)
 * instead of occupying every threadpool thread, which file system and DNS work share. With more
 * cores than the threadpool has threads (UV_THREADPOOL_SIZE, default 4), raise the pool size
 * before the first asynchronous I/O, or hashing cannot use every core.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { type Options as Argon2Options, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { TwofoldError } from '@twofold/core';
import { createSemaphore, type SemaphoreStats } from './semaphore.js';

export interface PasswordHashParams {
  /** Memory in KiB (`m=` in the PHC string). */
  readonly memoryCost: number;
  /** Passes (`t=`). */
  readonly timeCost: number;
  /** Lanes (`p=`). */
  readonly parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for argon2id (19 MiB, 2 passes, 1 lane); the floor. */
export const MIN_PASSWORD_HASH_PARAMS: PasswordHashParams = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export interface PasswordHasherOptions {
  /** Most hashes computed at once; defaults to the number of cores. */
  readonly maxConcurrency?: number;
  /** Stronger parameters than the OWASP floor, if wanted; weaker ones are refused. */
  readonly params?: Partial<PasswordHashParams>;
}

export interface PasswordHasher {
  readonly params: PasswordHashParams;
  /** Checks the password's length (throws `password_too_short`, `password_too_long`), then hashes the NFC form. */
  hash(password: string): Promise<string>;
  /** True when `password` matches. Throws (a bug or corrupt data) if `hash` is not an argon2 hash. */
  verify(hash: string, password: string): Promise<boolean>;
  /**
   * Like `verify`, but for an unknown user (or one without a password) pass `undefined`: the
   * password is checked against a dummy hash with the same parameters, so the answer (false)
   * takes as long as for a known user and does not reveal which usernames exist.
   */
  verifyOrDummy(hash: string | undefined, password: string): Promise<boolean>;
  /** True when `hash` is not argon2id v19 or any of its parameters is below the current ones. */
  needsRehash(hash: string): boolean;
  /** Hashes running and waiting, for metrics. */
  stats(): SemaphoreStats;
}

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const params = resolveParams(options.params);
  const semaphore = createSemaphore(options.maxConcurrency ?? availableParallelism());
  const argon2Options: Argon2Options = {
    algorithm: 2, // Algorithm.Argon2id; a const enum, which isolatedModules cannot import
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
    outputLen: OUTPUT_BYTES,
  };

  let dummyHash: Promise<string> | undefined;
  function getDummyHash(): Promise<string> {
    if (!dummyHash) {
      // Computed once, on first need, with the same parameters as real hashes; the password is
      // random so nothing can ever match it.
      dummyHash = semaphore.run(() => argon2Hash(randomBytes(32).toString('base64'), argon2Options));
      dummyHash.catch(() => {
        dummyHash = undefined;
      });
    }
    return dummyHash;
  }

  async function verify(hash: string, password: string): Promise<boolean> {
    const normalized = password.normalize('NFC');
    try {
      return await semaphore.run(() => argon2Verify(hash, normalized));
    } catch (error) {
      throw new Error('stored password hash is not a valid argon2 hash', { cause: error });
    }
  }

  return {
    params,
    async hash(password) {
      checkPassword(password);
      const normalized = password.normalize('NFC');
      return semaphore.run(() => argon2Hash(normalized, argon2Options));
    },
    verify,
    async verifyOrDummy(hash, password) {
      if (hash !== undefined) return verify(hash, password);
      await verify(await getDummyHash(), password);
      return false;
    },
    needsRehash(hash) {
      const stored = parsePhc(hash);
      if (!stored) return true;
      return (
        stored.algorithm !== 'argon2id' ||
        stored.version !== 19 ||
        stored.memoryCost < params.memoryCost ||
        stored.timeCost < params.timeCost ||
        stored.parallelism < params.parallelism ||
        stored.outputBytes < OUTPUT_BYTES
      );
    },
    stats: () => semaphore.stats(),
  };
}

/**
 * The password policy (NIST SP 800-63B): 8 to 256 characters, counted as Unicode code points of
 * the NFC form, any characters allowed except unpaired surrogates (they have no UTF-8 encoding,
 * so two different passwords would hash alike). Throws `password_too_short`, `password_too_long` or
 * `password_invalid` (an unpaired surrogate). The common-password list is checked by the users'
 * rules (users/password-rules.ts) on top of this.
 */
export function checkPassword(password: string): void {
  const normalized = password.normalize('NFC');
  if (/\p{Cs}/u.test(normalized)) {
    throw new TwofoldError(
      'password_invalid',
      'Password contains an invalid character (an unpaired surrogate)',
    );
  }
  const length = [...normalized].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new TwofoldError(
      'password_too_short',
      `Password must be at least ${PASSWORD_MIN_LENGTH} characters`,
      {
        minLength: PASSWORD_MIN_LENGTH,
      },
    );
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new TwofoldError(
      'password_too_long',
      `Password must be at most ${PASSWORD_MAX_LENGTH} characters`,
      {
        maxLength: PASSWORD_MAX_LENGTH,
      },
    );
  }
}

const OUTPUT_BYTES = 32;
const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$([A-Za-z0-9+/]+)$/;

function parsePhc(hash: string):
  | {
      algorithm: string;
      version: number;
      memoryCost: number;
      timeCost: number;
      parallelism: number;
      outputBytes: number;
    }
  | undefined {
  const match = PHC.exec(hash);
  if (!match) return undefined;
  return {
    algorithm: match[1]!,
    version: Number(match[2]),
    memoryCost: Number(match[3]),
    timeCost: Number(match[4]),
    parallelism: Number(match[5]),
    outputBytes: Math.floor((match[6]!.length * 3) / 4),
  };
}

function resolveParams(overrides: Partial<PasswordHashParams> = {}): PasswordHashParams {
  const params = { ...MIN_PASSWORD_HASH_PARAMS, ...stripUndefined(overrides) };
  const floor = MIN_PASSWORD_HASH_PARAMS;
  const valid =
    Number.isInteger(params.memoryCost) &&
    Number.isInteger(params.timeCost) &&
    Number.isInteger(params.parallelism) &&
    params.parallelism <= 255 &&
    params.memoryCost <= 4_194_304; // 4 GiB per hash is already absurd for a sign-in
  if (!valid) {
    throw new TwofoldError(
      'config_invalid',
      `password hash parameters m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism} are not valid argon2 parameters`,
    );
  }
  if (
    params.memoryCost < floor.memoryCost ||
    params.timeCost < floor.timeCost ||
    params.parallelism < floor.parallelism
  ) {
    throw new TwofoldError(
      'config_invalid',
      `password hash parameters m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism} are below the ` +
        `OWASP minimum m=${floor.memoryCost},t=${floor.timeCost},p=${floor.parallelism}`,
    );
  }
  return Object.freeze(params);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
