import { type Kysely, sql } from 'kysely';

// Why: sign-in with a second factor (spec sections 2 and 3): authentication methods with replay
// and drift state, recovery codes, sign-in flows, sessions, the sign-in log, and the failure
// counters and throttles that live in the database so they hold across instances.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Per-user counters: consecutive second-factor failures (lockout with back-off, hard stop at
  // 100) and password failures; registration_required is set by "require re-registration".
  await db.schema
    .alterTable('users')
    .addColumn('mfa_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('mfa_locked_until', 'bigint').execute();
  await db.schema
    .alterTable('users')
    .addColumn('registration_required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('password_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('password_locked_until', 'bigint').execute();

  await db.schema
    .createTable('methods')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    // pending: registered, not yet proven with a code; active: usable; disabled: kept but unusable.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('secret_sealed', 'text')
    .addColumn('algorithm', 'text')
    .addColumn('digits', 'integer')
    .addColumn('period', 'integer')
    .addColumn('destination', 'text')
    // Replay protection: the last accepted TOTP step, advanced by one compare-and-set.
    .addColumn('last_step', 'bigint')
    .addColumn('drift_steps', 'integer', (c) => c.notNull().defaultTo(0))
    // The last code that matched outside the window (clock skew), for resync by two consecutive codes.
    .addColumn('skew_step', 'bigint')
    .addColumn('skew_offset', 'integer')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    // authenticator only: SHA-256 of the `twofold_push` token in its otpauth URI, redeemed once
    // by the Twofold Authenticator to activate push approvals.
    .addColumn('push_activation_hash', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('methods_user').on('methods').columns(['tenant_id', 'user_id']).execute();
  // At most one default method per user, even when two methods are activated at once on two instances.
  await db.schema
    .createIndex('methods_one_default')
    .unique()
    .on('methods')
    .column('user_id')
    .where(sql.ref('is_default'), '=', 1)
    .execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('recovery_codes_user')
    .on('recovery_codes')
    .columns(['user_id', 'code_hash'])
    .execute();

  // A flow is reached by a random id (stored hashed) and bound to the browser or client that
  // started it by a second secret (a cookie), so it cannot be continued elsewhere.
  await db.schema
    .createTable('sign_in_flows')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('first_factor', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('challenge_method_id', 'text')
    .addColumn('challenge_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('registration_method_id', 'text')
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('amr', 'text', (c) => c.notNull())
    .addColumn('mfa_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('idle_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('absolute_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id']).execute();

  await db.schema
    .createTable('sign_in_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text')
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('method_type', 'text')
    .addColumn('method_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema
    .createIndex('sign_in_events_tenant_at')
    .on('sign_in_events')
    .columns(['tenant_id', 'at'])
    .execute();
  await db.schema
    .createIndex('sign_in_events_user_at')
    .on('sign_in_events')
    .columns(['tenant_id', 'user_id', 'at'])
    .execute();

  // Failure counters that are not a user's own (per IP, per destination, per tenant), keyed by a
  // string such as `password:ip:<tenant>:<ip>`.
  await db.schema
    .createTable('throttles')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .execute();

  // Browsers (a long-lived random cookie, stored hashed) that completed a sign-in for a user: a
  // password attempt from one of them is not held back by failures that came from elsewhere.
  await db.schema
    .createTable('known_devices')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('device_hash', 'text', (c) => c.notNull())
    .addColumn('last_success_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('known_devices_pk', ['user_id', 'device_hash'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'known_devices',
    'throttles',
    'sign_in_events',
    'sessions',
    'sign_in_flows',
    'recovery_codes',
    'methods',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  for (const column of [
    'password_locked_until',
    'password_failures',
    'registration_required',
    'mfa_locked_until',
    'mfa_failures',
  ]) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
}
