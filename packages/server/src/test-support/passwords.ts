import { createPasswordHasher } from '../platform/crypto/password-hasher.js';
import { checkNewPassword } from '../users/password-rules.js';
import type { PasswordHashing } from '../users/user-service.js';

export interface CountingPasswordHashing extends PasswordHashing {
  /** argon2id computations started so far (hashes and verifications, dummy ones included). */
  readonly computations: () => number;
}

/**
 * The real argon2id hasher, as runtime.ts adapts it, counting its computations.
 *
 * With `memoize`, `hash` computes each distinct password once and then returns that same (real,
 * verifiable) hash at once: a file that completes setup twenty times pays for one hash, and
 * concurrent callers reach the database together instead of one argon2 run (~60 ms) apart,
 * which would turn a race test into a queue.
 */
export function testPasswordHashing(options: { memoize?: boolean } = {}): CountingPasswordHashing {
  const hasher = createPasswordHasher();
  const memo = new Map<string, Promise<string>>();
  let computations = 0;
  const hash = (password: string): Promise<string> => {
    computations++;
    return hasher.hash(password);
  };
  return {
    checkPassword: checkNewPassword,
    hash(password) {
      if (!options.memoize) return hash(password);
      let hashed = memo.get(password);
      if (!hashed) {
        hashed = hash(password);
        memo.set(password, hashed);
      }
      return hashed;
    },
    verifyOrDummy(stored, password) {
      computations++;
      return hasher.verifyOrDummy(stored, password);
    },
    computations: () => computations,
  };
}
