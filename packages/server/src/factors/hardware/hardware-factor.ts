/**
 * The `hardware_oath` factor (spec section 2): TOTP tokens an admin imports from CSV
 * (hardware-token-service.ts); their codes are checked like any TOTP method's. "Require
 * re-registration" deactivates them instead of deleting them: the token is still on the desk.
 */
import type { Factor } from '../factor.js';
import type { MethodService } from '../method-service.js';
import { factorTypes } from '../registry.js';
import { totpLikeChecks } from '../totp/totp-checks.js';
import type { TotpMethodService } from '../totp/totp-method-service.js';

export function createHardwareFactor(deps: {
  totp: TotpMethodService;
  methods: Pick<MethodService, 'disableAllOfType' | 'resetDrift'>;
}): Factor {
  const { totp, methods } = deps;
  const type = factorTypes.hardwareOath;
  return {
    type,
    policyType: type,
    amr: 'otp',
    sendsCode: false,
    source: 'method',
    ...totpLikeChecks(totp, methods),
    async end(executor, target, event) {
      if (event !== 'reregistration') return {};
      return {
        disabledMethods: await methods.disableAllOfType(executor, target.tenantId, target.userId, type),
      };
    },
  };
}
