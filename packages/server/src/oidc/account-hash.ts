import { hashToken } from '../platform/crypto/tokens.js';

/**
 * How a user id is kept beside their OpenID Connect payloads (grants, tokens, provider sessions):
 * only equality is ever asked of it, when every session of the user is revoked.
 */
export function accountHash(userId: string): string {
  return hashToken(`account:${userId}`);
}
