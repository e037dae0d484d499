import type { Kysely } from 'kysely';

// Why: a TOTP code is a replay only if that same step was accepted before (spec section 6, issue 15
// defect 1). `methods.last_step` compared "newer than the last accepted step", so after a resync for
// a fast clock every code of the corrected clock was refused as used. Each accepted step is now a
// row: inserting it (ON CONFLICT DO NOTHING) is the compare-and-set that two instances cannot both
// pass. `offset_steps` is where the device's clock stood against the server's at that moment, for
// the troubleshooter. Rows stop mattering once no window can reach their step; housekeeping purges them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accepted_steps')
    .addColumn('method_id', 'text', (c) => c.notNull().references('methods.id').onDelete('cascade'))
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('offset_steps', 'integer', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('accepted_steps_pk', ['method_id', 'step'])
    .execute();
  await db.schema.createIndex('accepted_steps_age').on('accepted_steps').columns(['accepted_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('accepted_steps').ifExists().execute();
}
