import type { Kysely } from 'kysely';

// Why: SMS and email codes (issue 5). A code sent to a method is a row in `otp_challenges`
// (stored hashed, single use, 10 minutes); messages leave through `outbox_messages` with their
// delivery state; send limits per user, destination, IP and tenant are counters in `send_limits`
// so that they hold across instances.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('otp_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('method_id', 'text', (c) => c.notNull().references('methods.id').onDelete('cascade'))
    // HMAC-SHA-256 of the code under a key derived from the secret key, bound to this challenge.
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('otp_challenges_method')
    .on('otp_challenges')
    .columns(['method_id', 'created_at'])
    .execute();

  // Delivery: the provider's id for the message (a Twilio SID, an SMTP message id).
  await db.schema.alterTable('outbox_messages').addColumn('provider_ref', 'text').execute();
  // What the message is for (sign_in_code, registration_code, admin_notice, ...), for the console.
  await db.schema.alterTable('outbox_messages').addColumn('purpose', 'text').execute();

  // Fixed-window counters: key such as `sms:user:<tenant>:<user>`, sends in the current window.
  await db.schema
    .createTable('send_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('send_limits').ifExists().execute();
  await db.schema.alterTable('outbox_messages').dropColumn('purpose').execute();
  await db.schema.alterTable('outbox_messages').dropColumn('provider_ref').execute();
  await db.schema.dropTable('otp_challenges').ifExists().execute();
}
