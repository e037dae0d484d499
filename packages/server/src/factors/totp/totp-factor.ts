/**
 * The `authenticator` and `totp` factors (spec section 2): TOTP codes from an app, registered by
 * QR code; an `authenticator` method's URI also activates push approvals (push/push-factor.ts).
 * "Require re-registration" deletes both (spec section 3, flow 2).
 */
import type { Factor } from '../factor.js';
import type { MethodService } from '../method-service.js';
import { factorTypes } from '../registry.js';
import { totpLikeChecks } from './totp-checks.js';
import type { TotpMethodService } from './totp-method-service.js';

export function createTotpFactors(deps: {
  totp: TotpMethodService;
  methods: Pick<MethodService, 'deleteAllOfType' | 'resetDrift'>;
}): Factor[] {
  const { totp, methods } = deps;
  return [factorTypes.authenticator, factorTypes.totp].map(
    (type): Factor => ({
      type,
      policyType: type,
      amr: 'otp',
      sendsCode: false,
      source: 'method',
      register: (ctx, input, actor) =>
        totp.register({ tenantId: ctx.tenant.id, userId: ctx.userId, type, label: input.label }, actor),
      ...totpLikeChecks(totp, methods),
      async end(executor, target, event) {
        if (event !== 'reregistration') return {};
        return {
          deletedMethods: await methods.deleteAllOfType(executor, target.tenantId, target.userId, type),
        };
      },
    }),
  );
}
