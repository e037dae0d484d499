/**
 * The `sms` and `email` factors (spec section 2): a code sent to a proven phone number or address
 * (message-code-service.ts). "Require re-registration" deletes phone numbers and keeps addresses,
 * as Entra does (spec section 3, flow 2).
 */
import type { Factor } from '../factor.js';
import type { MethodService } from '../method-service.js';
import { factorTypes } from '../registry.js';
import type { MessageCodeService } from './message-code-service.js';

export function createMessageCodeFactors(deps: {
  messageCodes: MessageCodeService;
  methods: Pick<MethodService, 'deleteAllOfType'>;
}): Factor[] {
  const { messageCodes, methods } = deps;
  const factor = (
    type: typeof factorTypes.sms | typeof factorTypes.email,
    traits: { amr: string; endsOnReregistration: boolean },
  ): Factor => ({
    type,
    policyType: type,
    amr: traits.amr,
    sendsCode: true,
    source: 'method',
    register: (ctx, input, actor) =>
      messageCodes.register(
        {
          tenantId: ctx.tenant.id,
          userId: ctx.userId,
          type,
          destination: type === factorTypes.sms ? input.phoneNumber : input.email,
          ip: ctx.ip,
        },
        actor,
      ),
    async challenge(ctx, target, input) {
      const sent = await messageCodes.sendCode({
        tenantId: ctx.tenant.id,
        userId: ctx.userId,
        methodId: target.method?.id ?? target.entryId,
        purpose: input.purpose,
        ip: ctx.ip,
      });
      return { sentTo: sent.sentTo, expiresAt: sent.expiresAt, resendAfter: sent.resendAfter };
    },
    async verify(ctx, target, code, actor) {
      const result = await messageCodes.verify({
        tenantId: ctx.tenant.id,
        userId: ctx.userId,
        methodId: target.method?.id ?? target.entryId,
        code,
        ...(actor ? { actor } : {}),
      });
      return result.ok ? { ok: true, activated: result.activated } : { ok: false, reason: result.reason };
    },
    async end(executor, target, event) {
      if (event !== 'reregistration' || !traits.endsOnReregistration) return {};
      return {
        deletedMethods: await methods.deleteAllOfType(executor, target.tenantId, target.userId, type),
      };
    },
  });
  // RFC 8176: `sms` for a texted code; an emailed code is a one-time password like an app's.
  return [
    factor(factorTypes.sms, { amr: 'sms', endsOnReregistration: true }),
    factor(factorTypes.email, { amr: 'otp', endsOnReregistration: false }),
  ];
}
