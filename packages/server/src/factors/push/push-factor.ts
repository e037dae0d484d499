/**
 * The `push` factor: an approval with number matching on the Twofold Authenticator, for an
 * `authenticator` method whose device is active (push-service.ts). It rides on that method: the
 * policy allows it with `authenticator`, its entry (`push:<methodId>`) comes just before the
 * method's own, and it is answered on the device, never with a code. "Sign out everywhere"
 * revokes the devices (spec section 3, flow 4).
 */
import type { Factor } from '../factor.js';
import { factorTypes } from '../registry.js';
import type { PushService } from './push-service.js';

/** A push entry's id is this prefix and its authenticator method's id. */
export const pushEntryPrefix = 'push:';

export function createPushFactor(deps: { push: PushService }): Factor {
  const { push } = deps;
  return {
    type: factorTypes.push,
    policyType: factorTypes.authenticator,
    // RFC 8176 `swk`: proof of a software-secured key, the device's signature on the approval.
    amr: 'swk',
    sendsCode: false,
    source: 'own',
    entryPrefix: pushEntryPrefix,
    async offer(ctx, methods) {
      const authenticators = methods.filter((m) => m.type === factorTypes.authenticator);
      if (authenticators.length === 0) return [];
      const targets = await push.targets(ctx.tenant.id, ctx.userId);
      return authenticators.flatMap((m) => {
        const target = targets.find((t) => t.methodId === m.id);
        if (!target) return [];
        return [
          {
            id: `${pushEntryPrefix}${m.id}`,
            type: factorTypes.push,
            label: `Approve on ${target.deviceName}`,
            isDefault: m.isDefault,
            methodId: m.id,
          },
        ];
      });
    },
    async challenge(ctx, target, input) {
      if (!target.ref || !input.flowIdHash) return {};
      const started = await push.start({
        tenantId: ctx.tenant.id,
        userId: ctx.userId,
        methodId: target.ref,
        flowIdHash: input.flowIdHash,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      });
      return { number: started.number, expiresAt: started.expiresAt };
    },
    async end(executor, target, event) {
      if (event !== 'sign_out_everywhere') return {};
      return {
        revokedDevices: await push.revokeAllForUser(target.tenantId, target.userId, target.actor, executor),
      };
    },
  };
}
