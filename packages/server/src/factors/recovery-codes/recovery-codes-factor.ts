/**
 * The `recovery_codes` factor (spec section 2): ten single-use codes (recovery-code-service.ts),
 * offered as one entry, after the user's methods and only beside them (a way back, never the
 * only way in).
 */
import type { Factor } from '../factor.js';
import { factorTypes } from '../registry.js';
import type { RecoveryCodeService } from './recovery-code-service.js';

/** The recovery codes appear in method lists under this id. */
export const recoveryCodesEntryId = 'recovery-codes';

export function createRecoveryCodesFactor(deps: { recoveryCodes: RecoveryCodeService }): Factor {
  const { recoveryCodes } = deps;
  const type = factorTypes.recoveryCodes;
  return {
    type,
    policyType: type,
    amr: 'otp',
    sendsCode: false,
    source: 'own',
    entryPrefix: recoveryCodesEntryId,
    fallback: true,
    async offer(ctx, _methods, offeredByOthers) {
      if (offeredByOthers === 0 || (await recoveryCodes.remaining(ctx.tenant.id, ctx.userId)) === 0)
        return [];
      return [{ id: recoveryCodesEntryId, type, label: 'Recovery code', isDefault: false }];
    },
    async end(executor, target, event) {
      // Re-registration means the account's way back may be known to someone else too: new codes
      // come with the next registration (spec section 6).
      if (event !== 'reregistration') return {};
      return {
        endedRecoveryCodes: await recoveryCodes.endAll(
          executor,
          target.tenantId,
          target.userId,
          target.actor,
        ),
      };
    },
    async verify(ctx, target, code) {
      if (target.entryId !== recoveryCodesEntryId) return { ok: false, reason: 'method_not_found' };
      const redeemed = await recoveryCodes.redeem(ctx.tenant.id, ctx.userId, code);
      return redeemed.ok
        ? { ok: true, recoveryCodesRemaining: redeemed.remaining }
        : { ok: false, reason: 'recovery_code_invalid' };
    },
  };
}
