/**
 * The `temporary_access_pass` factor (spec section 2): a first factor an admin or the operator
 * issues (temporary-access-pass-service.ts). A sign-in with it counts as strong on its own and
 * leads straight to registration, so it offers no entry at a challenge.
 */
import type { Factor } from '../factor.js';
import { factorTypes } from '../registry.js';

export function createTemporaryAccessPassFactor(): Factor {
  const type = factorTypes.temporaryAccessPass;
  return { type, policyType: type, amr: 'mfa', sendsCode: false, source: 'none' };
}
