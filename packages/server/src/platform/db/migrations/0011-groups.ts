import type { Kysely } from 'kysely';

// Why: apps authorise by group and directories provision users and groups (spec section 6, issue 20).
// A group is a name unique per tenant compared case-insensitively (`name_normalized`), with members;
// `external_id` is what a provisioning client (SCIM) calls the group or user in its own directory.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_normalized', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('groups_tenant_name_unique', ['tenant_id', 'name_normalized'])
    .execute();
  await db.schema
    .createTable('group_members')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    // Deleting a user removes their memberships with the row.
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('group_members_user').on('group_members').columns(['user_id']).execute();
  await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
  await db.schema
    .createIndex('users_tenant_external_id')
    .on('users')
    .columns(['tenant_id', 'external_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_tenant_external_id').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('external_id').execute();
  await db.schema.dropTable('group_members').ifExists().execute();
  await db.schema.dropTable('groups').ifExists().execute();
}
