import { type Kysely, sql } from 'kysely';

// Why: the admin console and API (issue 4): a tamper-evident audit log (each row chained to the
// previous one of its tenant by a hash), hardware OATH tokens imported from CSV, a per-user push
// block that only an admin clears, and an outbox for messages to people (emails to admins after a
// break-glass recovery; the SMS/email courier sends from it).
export async function up(db: Kysely<unknown>): Promise<void> {
  // The chain a row belongs to (its tenant id, or 'global' for deployment-wide events), its
  // position in that chain, and SHA-256 hashes linking it to the row before.
  await db.schema.alterTable('audit_events').addColumn('chain', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('seq', 'bigint').execute();
  await db.schema.alterTable('audit_events').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('hash', 'text').execute();
  // Two writers can never take the same place in a chain.
  await db.schema
    .createIndex('audit_events_chain_seq')
    .unique()
    .on('audit_events')
    .columns(['chain', 'seq'])
    .execute();
  // (tenant_id, at) is indexed since 0001 (audit_events_tenant_at): the admin API's listing uses it.

  // Set when the user reports a push they did not start; push stays off until an admin clears it.
  await db.schema.alterTable('users').addColumn('push_blocked_at', 'bigint').execute();

  // Hardware OATH tokens (type hardware_oath): the serial printed on the token, its maker and model.
  await db.schema.alterTable('methods').addColumn('serial', 'text').execute();
  await db.schema.alterTable('methods').addColumn('manufacturer', 'text').execute();
  await db.schema.alterTable('methods').addColumn('model', 'text').execute();
  // A serial names one token in a tenant.
  await db.schema
    .createIndex('methods_tenant_serial')
    .unique()
    .on('methods')
    .columns(['tenant_id', 'serial'])
    .where(sql.ref('serial'), 'is not', null)
    .execute();

  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
    // email | sms
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    // pending | sending | sent | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('outbox_messages_due')
    .on('outbox_messages')
    .columns(['status', 'next_attempt_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox_messages').ifExists().execute();
  await db.schema.dropIndex('methods_tenant_serial').ifExists().execute();
  for (const column of ['model', 'manufacturer', 'serial']) {
    await db.schema.alterTable('methods').dropColumn(column).execute();
  }
  await db.schema.alterTable('users').dropColumn('push_blocked_at').execute();
  await db.schema.dropIndex('audit_events_chain_seq').ifExists().execute();
  for (const column of ['hash', 'prev_hash', 'seq', 'chain']) {
    await db.schema.alterTable('audit_events').dropColumn(column).execute();
  }
}
