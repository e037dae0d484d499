import type { Kysely } from 'kysely';
import { errors } from 'oidc-provider';
import type { Clock } from '../platform/clock.js';
import type { Sealer } from '../platform/crypto/sealer.js';
import { hashToken } from '../platform/crypto/tokens.js';
import type { Database } from '../platform/db/schema.js';
import { accountHash } from './account-hash.js';
import type { OidcClientService } from './client-service.js';
import { signingAlgorithm } from './signing-keys.js';

/** What the provider library stores for a model (a token, a grant, a session...). */
export type AdapterPayload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

/** The adapter interface of oidc-provider (one instance per model name). */
export interface ProviderAdapter {
  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export interface StorageDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly sealer: Sealer;
  readonly clients: OidcClientService;
}

/** The client metadata the provider validates and uses, from a row of oidc_clients. */
export async function clientMetadata(
  clients: OidcClientService,
  tenantId: string,
  clientId: string,
): Promise<AdapterPayload | undefined> {
  const client = await clients.find(tenantId, clientId);
  if (!client) return undefined;
  return {
    client_id: client.id,
    client_name: client.name,
    // The SHA-256 of the secret: the provider compares a presented secret through its hash (see
    // provider-registry.ts), and no symmetric algorithm that would need the secret itself is enabled.
    ...(client.secretHash ? { client_secret: client.secretHash } : {}),
    token_endpoint_auth_method: client.secretHash ? 'client_secret_basic' : 'none',
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    // A service signs in as itself (client_credentials); an application signs users in.
    grant_types: client.service ? ['client_credentials'] : ['authorization_code', 'refresh_token'],
    response_types: client.service ? [] : ['code'],
    // An application told of logouts gets `sid` in its ID tokens (the provider's `includeSid`), and
    // its logout tokens name the session that ended by it (backchannel-logout.ts).
    ...(client.backchannelLogoutUri
      ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
    id_token_signed_response_alg: signingAlgorithm,
    'urn:twofold:first_party': client.firstParty,
  };
}

/**
 * oidc-provider's storage over our query layer (SQLite and PostgreSQL alike), one tenant per
 * provider. A token's id is the token itself, so rows are keyed by its SHA-256 and the payload is
 * sealed (bound to its row): a copy of the database holds no token that works. Clients come from
 * oidc_clients, which admins manage; the provider never writes them.
 */
export function storageAdapterFactory(
  deps: StorageDeps,
  tenantId: string,
): new (
  model: string,
) => ProviderAdapter {
  const { db, clock, sealer, clients } = deps;

  const aad = (model: string, idHash: string) => `oidc_payloads:${tenantId}:${model}:${idHash}`;

  return class TwofoldStorageAdapter implements ProviderAdapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    private rows() {
      const now = clock.now();
      return db
        .selectFrom('oidc_payloads')
        .select(['id_hash', 'payload', 'consumed_at'])
        .where('tenant_id', '=', tenantId)
        .where('model', '=', this.model)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
    }

    private open(row: { id_hash: string; payload: string; consumed_at: number | null }): AdapterPayload {
      const payload = JSON.parse(
        sealer.openString(row.payload, aad(this.model, row.id_hash)),
      ) as AdapterPayload;
      return row.consumed_at === null
        ? payload
        : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') return;
      const idHash = hashToken(id);
      const values = {
        payload: sealer.seal(JSON.stringify(payload), aad(this.model, idHash)),
        grant_id_hash: typeof payload.grantId === 'string' ? hashToken(payload.grantId) : null,
        uid_hash: typeof payload.uid === 'string' ? hashToken(payload.uid) : null,
        user_code_hash: typeof payload.userCode === 'string' ? hashToken(payload.userCode) : null,
        account_hash: typeof payload.accountId === 'string' ? accountHash(payload.accountId) : null,
        client_id: typeof payload.clientId === 'string' ? payload.clientId : null,
        expires_at: expiresIn ? clock.now() + expiresIn * 1000 : null,
      };
      await db
        .insertInto('oidc_payloads')
        .values({ tenant_id: tenantId, model: this.model, id_hash: idHash, consumed_at: null, ...values })
        .onConflict((oc) => oc.columns(['tenant_id', 'model', 'id_hash']).doUpdateSet(values))
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return clientMetadata(clients, tenantId, id);
      const row = await this.rows().where('id_hash', '=', hashToken(id)).executeTakeFirst();
      return row ? this.open(row) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const row = await this.rows().where('uid_hash', '=', hashToken(uid)).executeTakeFirst();
      return row ? this.open(row) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const row = await this.rows().where('user_code_hash', '=', hashToken(userCode)).executeTakeFirst();
      return row ? this.open(row) : undefined;
    }

    async consume(id: string): Promise<void> {
      // A compare-and-set: the provider reads `consumed` before it calls this, so two requests
      // presenting one authorization code (or rotated refresh token) at the same moment both pass
      // that read. Only one of them marks the row; the other is refused here, and, as for any
      // replay, every token of the grant is revoked.
      const idHash = hashToken(id);
      const marked = await db
        .updateTable('oidc_payloads')
        .set({ consumed_at: clock.now() })
        .where('tenant_id', '=', tenantId)
        .where('model', '=', this.model)
        .where('id_hash', '=', idHash)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) === 1) return;
      const row = await db
        .selectFrom('oidc_payloads')
        .select('grant_id_hash')
        .where('tenant_id', '=', tenantId)
        .where('model', '=', this.model)
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      if (row?.grant_id_hash) {
        await db
          .deleteFrom('oidc_payloads')
          .where('tenant_id', '=', tenantId)
          .where('grant_id_hash', '=', row.grant_id_hash)
          .execute();
      }
      throw new errors.InvalidGrant(
        `${this.model === 'RefreshToken' ? 'refresh token' : 'authorization code'} already used`,
      );
    }

    async destroy(id: string): Promise<void> {
      await db
        .deleteFrom('oidc_payloads')
        .where('tenant_id', '=', tenantId)
        .where('model', '=', this.model)
        .where('id_hash', '=', hashToken(id))
        .execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      // This model's rows only, as the library asks model by model (tokens and codes): an
      // interaction that names the grant stays (an account switch revokes the old grant, then
      // resumes that interaction).
      await db
        .deleteFrom('oidc_payloads')
        .where('tenant_id', '=', tenantId)
        .where('model', '=', this.model)
        .where('grant_id_hash', '=', hashToken(grantId))
        .execute();
    }
  };
}
