import type { Executor } from '../audit/audit-log.js';
import { hashToken } from '../platform/crypto/tokens.js';

/**
 * How a user id is kept beside their OpenID Connect payloads (grants, tokens, provider sessions):
 * only equality is ever asked of it, when every session of the user is revoked.
 */
export function accountHash(userId: string): string {
  return hashToken(`account:${userId}`);
}

/**
 * Deletes the user's OpenID Connect grants, tokens and provider sessions: applications signed in
 * through Twofold lose them with the user's Twofold sessions (sign out everywhere, an admin's
 * revoke, disable, re-registration). Pass the transaction that revokes the sessions.
 */
export async function revokeApplicationGrants(
  executor: Executor,
  tenantId: string,
  userId: string,
): Promise<void> {
  await executor
    .deleteFrom('oidc_payloads')
    .where('tenant_id', '=', tenantId)
    .where('account_hash', '=', accountHash(userId))
    .execute();
}
