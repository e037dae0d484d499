import { performance } from 'node:perf_hooks';
import { hash as argon2Hash } from '@node-rs/argon2';
import { TwofoldError } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { checkPassword, createPasswordHasher, MIN_PASSWORD_HASH_PARAMS } from './password-hasher.js';

function errorOf(fn: () => unknown): TwofoldError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TwofoldError) return error;
    throw error;
  }
  throw new Error('expected a TwofoldError');
}

describe('checkPassword', () => {
  it('accepts 8 to 256 code points', () => {
    expect(() => checkPassword('12345678')).not.toThrow();
    expect(() => checkPassword('x'.repeat(256))).not.toThrow();
    expect(() => checkPassword('🔑'.repeat(8))).not.toThrow(); // 16 UTF-16 units, 8 code points
  });

  it('refuses too short and too long passwords, naming the rule', () => {
    const short = errorOf(() => checkPassword('1234567'));
    expect(short.code).toBe('password_too_short');
    expect(short.message).toBe('Password must be at least 8 characters');
    expect(errorOf(() => checkPassword('🔑'.repeat(4))).message).toMatch(/at least 8/);
    const long = errorOf(() => checkPassword('x'.repeat(257)));
    expect(long.code).toBe('password_too_long');
    expect(long.message).toBe('Password must be at most 256 characters');
  });

  it('counts after NFC normalisation', () => {
    // "e" + combining acute accent is one character once composed.
    // 8 code points as typed, 7 once composed.
    expect(errorOf(() => checkPassword('cafe\u0301!!!')).message).toMatch(/at least 8/);
    expect(() => checkPassword('cafe\u0301!!!!')).not.toThrow();
  });

  it('refuses unpaired surrogates', () => {
    expect(errorOf(() => checkPassword('password\ud800')).code).toBe('password_invalid');
  });
});

describe('createPasswordHasher', () => {
  const hasher = createPasswordHasher();

  it('defaults to argon2id at the OWASP floor', async () => {
    expect(hasher.params).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verifyOrDummy(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verifyOrDummy(hash, 'wrong password')).toBe(false);
  });

  it('hashes the NFC form, so composed and decomposed spellings match', async () => {
    const hash = await hasher.hash('caf\u00e9-passw0rd');
    expect(await hasher.verify(hash, 'cafe\u0301-passw0rd')).toBe(true);
  });

  it('enforces the policy when hashing', async () => {
    await expect(hasher.hash('short')).rejects.toMatchObject({ code: 'password_too_short' });
  });

  it('throws on a stored value that is not an argon2 hash', async () => {
    await expect(hasher.verify('not a hash', 'whatever1')).rejects.toThrow(/not a valid argon2 hash/);
  });

  it('returns false for an unknown user after a full argon2id verification, like a known user', async () => {
    // Equal cost is shown by the work done, not by timing it (timings belong to `npm run bench`):
    // the unknown user's check runs one argon2id verification on the thread pool, through the
    // same queue, against a hash of the same parameters.
    const known = await hasher.hash('correct horse battery staple');
    expect(await hasher.verifyOrDummy(undefined, 'correct horse battery staple')).toBe(false);
    const jobsDuring = async (run: () => Promise<unknown>) => {
      let seen = 0;
      const timer = setInterval(() => {
        seen = Math.max(seen, hasher.stats().running);
      }, 0);
      const pending = run();
      seen = Math.max(seen, hasher.stats().running);
      await pending;
      clearInterval(timer);
      return seen;
    };
    expect(await jobsDuring(() => hasher.verifyOrDummy(known, 'guess-1234'))).toBe(1);
    expect(await jobsDuring(() => hasher.verifyOrDummy(undefined, 'guess-1234'))).toBe(1);
  });

  it('never runs more hashes at once than maxConcurrency, and queues the rest', async () => {
    const bounded = createPasswordHasher({ maxConcurrency: 2 });
    expect(bounded.stats()).toEqual({ running: 0, queued: 0 });
    let maxRunning = 0;
    let maxQueued = 0;
    const sample = () => {
      const { running, queued } = bounded.stats();
      maxRunning = Math.max(maxRunning, running);
      maxQueued = Math.max(maxQueued, queued);
    };
    const timer = setInterval(sample, 1);
    const hashes = Array.from({ length: 6 }, (_, i) => bounded.hash(`password-${i}`));
    sample();
    await Promise.all(hashes);
    clearInterval(timer);
    expect(maxRunning).toBe(2);
    expect(maxQueued).toBe(4);
    expect(bounded.stats()).toEqual({ running: 0, queued: 0 });
  });

  it('keeps the event loop responsive during a burst', async () => {
    let last = performance.now();
    let maxLag = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxLag = Math.max(maxLag, now - last - 10);
      last = now;
    }, 10);
    await Promise.all(Array.from({ length: 8 }, (_, i) => hasher.hash(`burst-password-${i}`)));
    clearInterval(timer);
    expect(maxLag).toBeLessThan(200);
  });

  it('flags hashes made with weaker parameters or another variant for rehashing', async () => {
    const current = await hasher.hash('password-1234');
    expect(hasher.needsRehash(current)).toBe(false);

    const weaker = await argon2Hash('password-1234', { algorithm: 2, memoryCost: 8192, timeCost: 2 });
    const fewerPasses = await argon2Hash('password-1234', { algorithm: 2, memoryCost: 19456, timeCost: 1 });
    const argon2i = await argon2Hash('password-1234', { algorithm: 1, memoryCost: 19456, timeCost: 2 });
    expect(hasher.needsRehash(weaker)).toBe(true);
    expect(hasher.needsRehash(fewerPasses)).toBe(true);
    expect(hasher.needsRehash(argon2i)).toBe(true);
    expect(hasher.needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);

    const stronger = createPasswordHasher({ params: { memoryCost: 32_768 } });
    expect(stronger.params).toEqual({ ...MIN_PASSWORD_HASH_PARAMS, memoryCost: 32_768 });
    expect(stronger.needsRehash(current)).toBe(true);
    const strongerHash = await stronger.hash('password-1234');
    expect(hasher.needsRehash(strongerHash)).toBe(false);
    expect(await hasher.verify(strongerHash, 'password-1234')).toBe(true);
  });

  it('refuses parameters below the OWASP floor or invalid concurrency', () => {
    expect(errorOf(() => createPasswordHasher({ params: { memoryCost: 4096 } })).code).toBe('config_invalid');
    expect(errorOf(() => createPasswordHasher({ params: { timeCost: 1 } })).message).toMatch(
      /below the OWASP/,
    );
    expect(errorOf(() => createPasswordHasher({ params: { parallelism: 0 } })).code).toBe('config_invalid');
    expect(errorOf(() => createPasswordHasher({ params: { timeCost: 2.5 } })).code).toBe('config_invalid');
    expect(() => createPasswordHasher({ maxConcurrency: 0 })).toThrow(RangeError);
  });
});
