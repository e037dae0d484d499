/**
 * The `temporary_access_pass` factor (spec section 2): a first factor an admin or the operator
 * issues (temporary-access-pass-service.ts). A sign-in with it counts as strong on its own and
 * leads straight to registration, so it offers no entry at a challenge.
 */
import type { Factor } from '../factor.js';
import { factorTypes } from '../registry.js';
import type { TemporaryAccessPassService } from './temporary-access-pass-service.js';

/**
 * Every event that ends a user's credentials ends their pass (spec section 6): a pass is the
 * strongest way in, so it must not outlive re-registration, a revocation, a disabled account, a
 * new role or a new password.
 */
export function createTemporaryAccessPassFactor(deps: {
  passes: Pick<TemporaryAccessPassService, 'revokeForUser'>;
}): Factor {
  const type = factorTypes.temporaryAccessPass;
  return {
    type,
    policyType: type,
    amr: 'mfa',
    sendsCode: false,
    source: 'none',
    async end(executor, target, event) {
      return { revokedPasses: await deps.passes.revokeForUser(executor, target, event) };
    },
  };
}
