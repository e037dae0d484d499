import type { Kysely } from 'kysely';

// Why: applications learn when a user's sessions end, and services sign in as themselves (spec
// section 6, issue 20).
// - oidc_clients.backchannel_logout_uri: where OpenID Connect back-channel logout tokens go (null: none).
// - oidc_clients.service: 1 for a service (client_credentials only, no users, no redirect URIs).
// - oidc_payloads.client_id: which application a grant or token belongs to, readable without
//   opening the sealed payload, so that the event that ends a user's sessions can say which
//   applications to tell in the same transaction. Rows written before this migration have none
//   (their applications are not told; grants live 14 days at most).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oidc_clients').addColumn('backchannel_logout_uri', 'text').execute();
  await db.schema
    .alterTable('oidc_clients')
    .addColumn('service', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('oidc_payloads').addColumn('client_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oidc_payloads').dropColumn('client_id').execute();
  await db.schema.alterTable('oidc_clients').dropColumn('service').execute();
  await db.schema.alterTable('oidc_clients').dropColumn('backchannel_logout_uri').execute();
}
