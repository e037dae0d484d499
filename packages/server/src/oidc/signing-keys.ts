import { createHash, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor, AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import type { Sealer } from '../platform/crypto/sealer.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

/** ID tokens are signed with RS256, the one algorithm every OpenID Connect relying party supports. */
export const signingAlgorithm = 'RS256';

/**
 * A retired key stays in the JWKS this long after a rotation, so that an ID token signed just
 * before it (they live an hour) still verifies; then it is deleted at the next rotation.
 */
export const retiredKeyPublishedMs = 24 * 60 * 60_000;

export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  /** The private JWK (with kid, alg and use), for the provider only. */
  readonly jwk: JsonWebKey & { kid: string; alg: string; use: 'sig' };
  readonly createdAt: number;
  readonly retiredAt: number | null;
}

export interface SigningKeyStore {
  /** The published keys of a tenant, the signing one first; creates the first key on first use. */
  keys(tenantId: string): Promise<SigningKey[]>;
  /** Which keys a tenant has, as one string that changes with any rotation (cheap: no unsealing). */
  version(tenantId: string): Promise<string>;
  /** A new signing key; the old one is retired (still published for a day). Audited. */
  rotate(tenantId: string, actor: Actor): Promise<{ kid: string; retired: string[]; deleted: number }>;
}

/** RFC 7638 thumbprint of the public part: a kid that names the key itself. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

function newKey(): { kid: string; jwk: SigningKey['jwk'] } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const exported = privateKey.export({ format: 'jwk' });
  const kid = thumbprint(exported);
  return { kid, jwk: { ...exported, kid, alg: signingAlgorithm, use: 'sig' } };
}

const aadFor = (tenantId: string, kid: string) => `oidc_keys.private_jwk:${tenantId}:${kid}`;

export function createSigningKeyStore(deps: {
  db: Kysely<Database>;
  clock: Clock;
  sealer: Sealer;
  audit: AuditLog;
}): SigningKeyStore {
  const { db, clock, sealer, audit } = deps;

  function published(now: number) {
    return db
      .selectFrom('oidc_keys')
      .where((eb) =>
        eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', now - retiredKeyPublishedMs)]),
      );
  }

  async function insertKey(tenantId: string, executor: Kysely<Database>): Promise<string> {
    const { kid, jwk } = newKey();
    const now = clock.now();
    await executor
      .insertInto('oidc_keys')
      .values({
        id: generateId(now),
        tenant_id: tenantId,
        kid,
        alg: signingAlgorithm,
        private_jwk: sealer.seal(JSON.stringify(jwk), aadFor(tenantId, kid)),
        created_at: now,
        retired_at: null,
      })
      .execute();
    return kid;
  }

  async function read(tenantId: string): Promise<SigningKey[]> {
    const rows = await published(clock.now())
      .selectAll()
      .where('tenant_id', '=', tenantId)
      // The active key first (the provider signs with the first key of an algorithm), then the newest retired.
      .orderBy((eb) => eb.case().when('retired_at', 'is', null).then(0).else(1).end())
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      jwk: JSON.parse(sealer.openString(row.private_jwk, aadFor(tenantId, row.kid))) as SigningKey['jwk'],
      createdAt: row.created_at,
      retiredAt: row.retired_at,
    }));
  }

  return {
    async keys(tenantId) {
      const keys = await read(tenantId);
      if (keys.some((k) => k.retiredAt === null)) return keys;
      // First use (or every key retired by hand): make one. Two instances racing both insert; the
      // newest active key signs everywhere, the other stays published until the next rotation.
      await insertKey(tenantId, db);
      return read(tenantId);
    },

    async version(tenantId) {
      const rows = await published(clock.now())
        .select(['kid', 'retired_at'])
        .where('tenant_id', '=', tenantId)
        .orderBy('kid')
        .execute();
      return rows.map((r) => `${r.kid}${r.retired_at === null ? '' : '-'}`).join(',');
    },

    async rotate(tenantId, actor) {
      return db.transaction().execute(async (trx) => {
        const now = clock.now();
        const retired = await trx
          .updateTable('oidc_keys')
          .set({ retired_at: now })
          .where('tenant_id', '=', tenantId)
          .where('retired_at', 'is', null)
          .returning('kid')
          .execute();
        const deleted = await trx
          .deleteFrom('oidc_keys')
          .where('tenant_id', '=', tenantId)
          .where('retired_at', '<=', now - retiredKeyPublishedMs)
          .executeTakeFirst();
        const kid = await insertKey(tenantId, trx);
        await audit.record(
          {
            tenantId,
            actor,
            action: 'oidc_keys.rotate',
            details: { kid, retired: retired.map((r) => r.kid), deleted: Number(deleted.numDeletedRows) },
          },
          trx,
        );
        return { kid, retired: retired.map((r) => r.kid), deleted: Number(deleted.numDeletedRows) };
      });
    },
  };
}
