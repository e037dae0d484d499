/**
 * Issue 9, attacks as tests: user enumeration at sign-in. An unknown username, a known user with a
 * wrong password, a disabled user (with the right password or not) and a wrong Temporary Access
 * Pass all get the same status, headers and body. Timing is not measured (no timing assertions in
 * unit tests); instead the test shows that the same password-hash work is done in every case:
 * argon2 itself is wrapped to count its verifications and read their parameters, and an unknown
 * user costs exactly one argon2id verification with the same memory, passes and lanes as a real
 * user's (users/user-service.ts verifyPassword → verifyOrDummy in platform/crypto/password-hasher.ts).
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { password } from '../test-support/attack-kit.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { testBackends } from '../test-support/databases.js';

const argon2Verifications = vi.hoisted(() => ({ hashes: [] as string[] }));

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: (hashed: string | Uint8Array, ...rest: unknown[]) => {
      argon2Verifications.hashes.push(String(hashed));
      return (real.verify as (...args: unknown[]) => Promise<boolean>)(hashed, ...rest);
    },
  };
});

const base = '/t/acme/api/v1';

/** The argon2 parameters of a PHC string, `argon2id$v=19$m=…,t=…,p=…`, without salt and hash. */
function parametersOf(phc: string): string {
  const parts = phc.split('$');
  return `${parts[1]}$${parts[2]}$${parts[3]}`;
}

/** What a client can observe of an answer, apart from the request id and the time of day. */
function observable(response: LightMyRequestResponse) {
  const { 'x-request-id': _id, date: _date, ...headers } = response.headers;
  const { requestId: _requestId, ...body } = response.json();
  return { status: response.statusCode, headers, body };
}

for (const backend of testBackends) {
  describe(`user enumeration at sign-in on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 12, 9, 0, 0));
    let t: TestApp;
    let annHash: string;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock });
      const acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      const users = t.runtime.services.users;
      await users.create({ tenantId: acme.id, email: 'ann@example.com', password }, operatorActor);
      const dan = await users.create(
        { tenantId: acme.id, email: 'dan@example.com', password },
        operatorActor,
      );
      await t.runtime.services.admin.updateUser({
        tenantId: acme.id,
        userId: dan.id,
        changes: { disabled: true },
        actor: operatorActor,
      });
      const row = await t.runtime.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', 'ann@example.com')
        .executeTakeFirstOrThrow();
      annHash = row.password_hash ?? '';
      expect(annHash).toMatch(/^\$argon2id\$/);
    });
    afterAll(async () => {
      await t?.close();
    });

    /** One sign-in attempt from a fresh browser and the argon2 verifications it caused. */
    async function attempt(body: Record<string, string>) {
      const before = argon2Verifications.hashes.length;
      const response = await createBrowserClient(t.app).post(`${base}/sign-in`, body);
      return { response, verified: argon2Verifications.hashes.slice(before) };
    }

    it('answers an unknown user exactly as a known user with a wrong password, after the same argon2id work', async () => {
      const cases = {
        'known user, wrong password': { username: 'ann@example.com', password: 'not the password' },
        'unknown user': { username: 'nobody@example.com', password: 'not the password' },
        'unknown user, the password of another': { username: 'nobody@example.com', password },
        'disabled user, right password': { username: 'dan@example.com', password },
        'disabled user, wrong password': { username: 'dan@example.com', password: 'not the password' },
      };
      const answers: Record<string, ReturnType<typeof observable>> = {};
      const work: Record<string, string[]> = {};
      for (const [label, body] of Object.entries(cases)) {
        const { response, verified } = await attempt(body);
        answers[label] = observable(response);
        work[label] = verified.map(parametersOf);
      }
      const reference = answers['known user, wrong password'];
      expect(reference?.status).toBe(401);
      expect(reference?.body.code).toBe('invalid_credentials');
      expect(reference?.headers['set-cookie']).toBeUndefined();
      for (const [label, answer] of Object.entries(answers)) expect(answer, label).toEqual(reference);
      // One argon2id verification each, with a real user's parameters (the dummy hash's for the unknown).
      for (const [label, params] of Object.entries(work)) {
        expect(params, label).toEqual([parametersOf(annHash)]);
      }
      // A correct password is one verification too (the control: the counter sees real work).
      const right = await attempt({ username: 'ann@example.com', password });
      expect(right.response.statusCode).toBe(200);
      expect(right.verified).toEqual([annHash]);
    });

    it('answers a wrong Temporary Access Pass for an unknown user as for a known one', async () => {
      const known = await attempt({ username: 'ann@example.com', temporaryAccessPass: 'TAP-WRONG-0000' });
      const unknown = await attempt({
        username: 'nobody@example.com',
        temporaryAccessPass: 'TAP-WRONG-0000',
      });
      expect(known.response.statusCode).toBe(401);
      expect(observable(unknown.response)).toEqual(observable(known.response));
    });

    it('keeps refusing the same way once the account is throttled, for unknown users too', async () => {
      // Password guessing past the account threshold: the known account is locked out, and an
      // unknown name guessed as often is locked out in the same words (the throttle counts names).
      // Ann signs in once first, so both names start from no failures.
      expect((await attempt({ username: 'ann@example.com', password })).response.statusCode).toBe(200);
      const guess = (username: string) =>
        attempt({ username, password: 'still not the password' }).then((a) => a.response);
      const knownAnswers: number[] = [];
      const unknownAnswers: number[] = [];
      for (let i = 0; i < 12; i++) {
        knownAnswers.push((await guess('ann@example.com')).statusCode);
        unknownAnswers.push((await guess('nobody-else@example.com')).statusCode);
      }
      expect(unknownAnswers).toEqual(knownAnswers);
      const lockedKnown = await guess('ann@example.com');
      const lockedUnknown = await guess('nobody-else@example.com');
      expect(lockedKnown.statusCode).toBe(429);
      const strip = (r: LightMyRequestResponse) => {
        const { body } = observable(r);
        return { ...body, retryAfter: typeof body.retryAfter };
      };
      expect(strip(lockedUnknown)).toEqual(strip(lockedKnown));
    });
  });
}
