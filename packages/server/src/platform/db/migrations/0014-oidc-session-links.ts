import type { Kysely } from 'kysely';

// Why: ending one Twofold session (sign out, RP-initiated logout, one session revoked) tells the
// applications that session signed in to, and only those (OpenID Connect Back-Channel Logout 1.0
// with `sid`, issue 20). A row says: this Twofold session signed in to this application, whose ID
// tokens carry this `sid` (the provider session's id for the application). `told_at`: when its
// logout token was queued because that one session ended (the row then says the application's
// grant from it needs no token with `sub` alone when all the user's sessions end). Deleted when all
// the user's sessions end, and with the Twofold session when that is purged.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_session_links')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('sid', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('told_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_session_links_pk', ['session_id', 'client_id', 'sid'])
    .execute();
  await db.schema
    .createIndex('oidc_session_links_user')
    .on('oidc_session_links')
    .columns(['tenant_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('oidc_session_links_client_sid')
    .on('oidc_session_links')
    .columns(['tenant_id', 'client_id', 'sid'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_session_links').ifExists().execute();
}
