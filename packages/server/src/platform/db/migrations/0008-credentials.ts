import { type Kysely, sql } from 'kysely';

// Why: credentials follow the person's current rights, and passwords can be changed and reset
// (issue 14, spec section 6).
// - temporary_access_passes: who issued a pass (issuer_type, with created_by) and with which role
//   (issuer_role: a role, or 'operator'), so a pass is refused once its user holds a role the
//   issuer could not act on; revoked_at ends a pass when its user's credentials must end.
//   Existing passes get their issuer's role as it is now (the strictest, helpdesk, when unknown).
// - sign_in_flows.proof: 'method' or 'pass' while the user must prove who they are before
//   registering a method (their methods are all of types the policy no longer allows, or the
//   policy requires a pass); null otherwise.
// - sessions.first_factor: 'pwd' or 'tap', so a session started with a pass may set a password
//   without the current one for an hour.
// - password_reset_flows: "Forgot password?", a flow bound to its browser like a sign-in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('temporary_access_passes')
    .addColumn('issuer_type', 'text', (c) => c.notNull().defaultTo('user'))
    .execute();
  await db.schema
    .alterTable('temporary_access_passes')
    .addColumn('issuer_role', 'text', (c) => c.notNull().defaultTo('helpdesk'))
    .execute();
  await db.schema.alterTable('temporary_access_passes').addColumn('revoked_at', 'bigint').execute();
  await sql`update temporary_access_passes set issuer_type = 'operator', issuer_role = 'operator'
    where created_by = 'operator'`.execute(db);
  await sql`update temporary_access_passes set issuer_type = 'api_key',
    issuer_role = (select role from api_keys where api_keys.id = temporary_access_passes.created_by)
    where created_by in (select id from api_keys)`.execute(db);
  for (const role of ['authentication-admin', 'global-admin']) {
    await sql`update temporary_access_passes set issuer_role = ${role}
      where issuer_type = 'user' and exists (select 1 from user_roles
        where user_roles.user_id = temporary_access_passes.created_by and user_roles.role = ${role})`.execute(
      db,
    );
  }

  await db.schema.alterTable('sign_in_flows').addColumn('proof', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('first_factor', 'text').execute();

  await db.schema
    .createTable('password_reset_flows')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_hash', 'text', (c) => c.notNull())
    // verification_required | password_required | completed | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proofs_required', 'integer', (c) => c.notNull())
    // JSON array of the entry ids proven so far (each proof must be a different method).
    .addColumn('proven', 'text', (c) => c.notNull())
    .addColumn('challenge_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('password_reset_flows_user')
    .on('password_reset_flows')
    .columns(['tenant_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('password_reset_flows_expiry')
    .on('password_reset_flows')
    .columns(['expires_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('password_reset_flows').ifExists().execute();
  await db.schema.alterTable('sessions').dropColumn('first_factor').execute();
  await db.schema.alterTable('sign_in_flows').dropColumn('proof').execute();
  for (const column of ['revoked_at', 'issuer_role', 'issuer_type']) {
    await db.schema.alterTable('temporary_access_passes').dropColumn(column).execute();
  }
}
