import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.js';

/** Deletes stored payloads that expired more than `retainMs` ago (housekeeping); returns how many. */
export async function purgeExpiredPayloads(db: Kysely<Database>, now: number, retainMs = 0): Promise<number> {
  const result = await db
    .deleteFrom('oidc_payloads')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<', now - retainMs)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
