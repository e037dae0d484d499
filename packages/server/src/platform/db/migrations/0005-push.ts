import type { Kysely } from 'kysely';

// Why: push approvals with number matching (spec section 2, issue 6). A device is the public key
// (ECDSA P-256, JWK) that a Twofold Authenticator registered by redeeming the `twofold_push` token
// of an authenticator method; it goes with its method (deleting the method deletes its devices)
// and is revoked by "sign out everywhere". A challenge is one push of a sign-in: a 2-digit number
// shown on the page, 2 minutes to live, answered once by a conditional UPDATE on its status.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('push_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('method_id', 'text', (c) => c.notNull().references('methods.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // The device's public key as a JWK {kty, crv, x, y}; its private key never leaves the device.
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('push_devices_method').on('push_devices').columns(['method_id']).execute();
  await db.schema
    .createIndex('push_devices_user')
    .on('push_devices')
    .columns(['tenant_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('push_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('method_id', 'text', (c) => c.notNull().references('methods.id').onDelete('cascade'))
    // The sign-in it belongs to (its id hash); it goes when the sign-in is deleted.
    .addColumn('flow_id_hash', 'text', (c) => c.references('sign_in_flows.id_hash').onDelete('cascade'))
    // 10..99, shown on the sign-in page and typed on the device; never sent to the device.
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('application', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    // pending | approved | denied | reported | expired | cancelled
    .addColumn('status', 'text', (c) => c.notNull())
    // denied: why (`device` or `number_mismatch`).
    .addColumn('status_reason', 'text')
    .addColumn('device_id', 'text', (c) => c.references('push_devices.id').onDelete('set null'))
    // Set when the sign-in sent a newer push: the sign-in page waits for the one push not replaced.
    .addColumn('replaced_at', 'bigint')
    .addColumn('answered_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('push_challenges_method')
    .on('push_challenges')
    .columns(['method_id', 'status'])
    .execute();
  await db.schema
    .createIndex('push_challenges_user')
    .on('push_challenges')
    .columns(['user_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('push_challenges_flow')
    .on('push_challenges')
    .columns(['flow_id_hash', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('push_challenges').ifExists().execute();
  await db.schema.dropTable('push_devices').ifExists().execute();
}
