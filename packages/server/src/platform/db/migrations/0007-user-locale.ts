import type { Kysely } from 'kysely';

// Why: every email and text message goes out in its reader's language (spec section 6, issue 19). A user's
// `locale` is one of en, de, fr, es, set by them on Security info or by an admin; NULL means the tenant's
// `defaultLocale` (a policy field, so the tenants table does not change).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('locale', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('locale').execute();
}
