/**
 * The `passkey` factor (spec section 6): a WebAuthn credential answers instead of a code. As a
 * second factor it proves `hwk` (bound to one device) or `swk` (synced), and `user` (user
 * verification is required); on its own (`discover`) it is both factors of a sign-in without a
 * password. "Require re-registration" keeps passkeys, as Entra does: they cannot be phished.
 */
import type { Factor } from '../factor.js';
import { factorTypes } from '../registry.js';
import { type PasskeyService, passkeyProvedIn } from './passkey-service.js';

export function createPasskeyFactor(deps: { passkeys: PasskeyService }): Factor {
  const { passkeys } = deps;
  return {
    type: factorTypes.passkey,
    policyType: factorTypes.passkey,
    amr: 'hwk',
    sendsCode: false,
    source: 'method',
    answer: 'credential',
    provedIn: passkeyProvedIn,
    register: (ctx, input, actor) => passkeys.register(ctx.tenant, ctx.userId, input, actor),
    async challenge(ctx, target) {
      const methodId = target.method?.id ?? target.entryId;
      const { options } = await passkeys.challenge(ctx.tenant.id, ctx.userId, methodId);
      return { options };
    },
    async verifyCredential(ctx, target, credential, actor) {
      const method = target.method;
      if (!method) return { ok: false, reason: 'method_not_found' };
      if (method.status === 'pending') {
        return passkeys.confirm(
          { id: method.id, tenant_id: ctx.tenant.id, user_id: ctx.userId },
          credential,
          actor,
        );
      }
      return passkeys.verify(ctx.tenant.id, ctx.userId, method.id, credential);
    },
    async describe(tenantId, userId) {
      const details = await passkeys.details(tenantId, userId);
      return new Map(details.map((d) => [d.methodId, { synced: d.synced, backedUp: d.backedUp }]));
    },
    discover: {
      start: (tenant, binding) => passkeys.startDiscovery(tenant, binding),
      finish: (tenant, binding, credential) => passkeys.finishDiscovery(tenant, binding, credential),
    },
  };
}
