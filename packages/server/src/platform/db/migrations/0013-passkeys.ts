import type { Kysely } from 'kysely';

// Why: passkeys (WebAuthn), spec section 6. A passkey is a row of `methods` (type `passkey`: its
// label, status, default, created and last used) and one credential here (owned by
// factors/passkey/): the credential id the browser names it by (one per tenant, so a credential
// belongs to one user of one tenant), its public key (COSE, base64url), the signature counter
// (one that goes backwards is refused: a cloned authenticator), its transports, the backup flags
// (synced or device-bound) and the authenticator's AAGUID. Challenges are single use: each is one
// row spent by a conditional UPDATE, bound to its user, its sign-in or its browser.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('passkey_credentials')
    .addColumn('method_id', 'text', (c) => c.primaryKey().references('methods.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('credential_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sign_count', 'bigint', (c) => c.notNull())
    // JSON array of AuthenticatorTransport strings ("internal", "hybrid", "usb", ...).
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('backup_eligible', 'integer', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull())
    .addColumn('aaguid', 'text', (c) => c.notNull())
    // The authenticator's model from its AAGUID, when a known list names it.
    .addColumn('model', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('passkey_credentials_id')
    .unique()
    .on('passkey_credentials')
    .columns(['tenant_id', 'credential_id'])
    .execute();
  await db.schema
    .createIndex('passkey_credentials_user')
    .on('passkey_credentials')
    .columns(['tenant_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('passkey_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // register | authenticate | discover (no user yet: a sign-in without a password)
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    // register: the pending method; authenticate: the method asked for
    .addColumn('method_id', 'text')
    // discover: SHA-256 of the sign-in's id and of its browser's secret
    .addColumn('flow_hash', 'text')
    .addColumn('client_hash', 'text')
    // base64url, as the browser echoes it in clientDataJSON
    .addColumn('challenge', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('passkey_challenges_flow')
    .on('passkey_challenges')
    .columns(['flow_hash'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('passkey_challenges').ifExists().execute();
  await db.schema.dropTable('passkey_credentials').ifExists().execute();
}
