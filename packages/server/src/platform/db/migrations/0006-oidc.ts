import type { Kysely } from 'kysely';

// Why: each tenant is an OpenID Connect provider (issue 7). Three tables:
// - oidc_clients: the relying parties an admin registered. The secret is stored as its SHA-256
//   only (it is 256 random bits, shown once); redirect URIs are matched exactly.
// - oidc_keys: the tenant's signing keys (private JWK sealed with the secret key). The newest
//   active key signs; retired keys stay published in the JWKS for a while so that tokens
//   signed before a rotation still verify.
// - oidc_payloads: what the provider library persists (authorization codes, access and refresh
//   tokens, grants, sessions, interactions). Rows are found by the SHA-256 of their id (a token's
//   id is the token itself) and the payload is sealed, so a database dump holds no usable token.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // null: a public client (no secret; PKCE with S256 is required of every client anyway).
    .addColumn('secret_hash', 'text')
    // JSON arrays of absolute URLs.
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
    // 1: an application of the organisation itself (no consent screen); 0: a third party.
    .addColumn('first_party', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oidc_clients_tenant').on('oidc_clients').columns(['tenant_id']).execute();

  await db.schema
    .createTable('oidc_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('oidc_keys_tenant_kid')
    .on('oidc_keys')
    .columns(['tenant_id', 'kid'])
    .unique()
    .execute();

  await db.schema
    .createTable('oidc_payloads')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id_hash', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id_hash', 'text')
    .addColumn('uid_hash', 'text')
    .addColumn('user_code_hash', 'text')
    // SHA-256 of the user id: "sign out everywhere" (and every other revocation of a user's
    // sessions) deletes the user's grants and tokens with their sessions.
    .addColumn('account_hash', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['tenant_id', 'model', 'id_hash'])
    .execute();
  await db.schema
    .createIndex('oidc_payloads_grant')
    .on('oidc_payloads')
    .columns(['tenant_id', 'grant_id_hash'])
    .execute();
  await db.schema
    .createIndex('oidc_payloads_uid')
    .on('oidc_payloads')
    .columns(['tenant_id', 'uid_hash'])
    .execute();
  await db.schema
    .createIndex('oidc_payloads_account')
    .on('oidc_payloads')
    .columns(['tenant_id', 'account_hash'])
    .execute();
  await db.schema.createIndex('oidc_payloads_expiry').on('oidc_payloads').columns(['expires_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_payloads').execute();
  await db.schema.dropTable('oidc_keys').execute();
  await db.schema.dropTable('oidc_clients').execute();
}
