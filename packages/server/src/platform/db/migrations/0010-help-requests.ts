import type { Kysely } from 'kysely';

// Why: "I can't get a code" ends in a help request instead of a dead end (spec section 6, issue 15).
// A request is what the user wrote, how to reach them, and what the troubleshooter found when they
// asked; admins see open requests in the console, act on the user, and resolve them (audited).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('help_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('message', 'text')
    .addColumn('contact', 'text')
    // The troubleshooter's findings when the user asked (JSON array).
    .addColumn('findings', 'text', (c) => c.notNull())
    // open | resolved
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'bigint')
    .addColumn('ip', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('help_requests_queue')
    .on('help_requests')
    .columns(['tenant_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('help_requests_user')
    .on('help_requests')
    .columns(['tenant_id', 'user_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('help_requests').ifExists().execute();
}
