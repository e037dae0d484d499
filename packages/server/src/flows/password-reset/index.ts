/**
 * "Forgot password?" (spec section 6), one file per step like the sign-in: start (the username),
 * prove (challenge and verify: one method, two for admins), set-password; reset-store.ts owns
 * the table.
 */
import type { Tenant } from '../../tenants/tenant-service.js';
import {
  loadReset,
  type PasswordResetDeps,
  provenOf,
  type ResetClient,
  resetEntries,
  viewOf,
} from './deps.js';
import { challengeReset, verifyReset } from './prove.js';
import { setResetPassword } from './set-password.js';
import { startReset } from './start.js';

export type { PasswordResetDeps, ResetClient, ResetView } from './deps.js';
export { resetLifetimeMs } from './deps.js';

export function createPasswordResetFlows(deps: PasswordResetDeps) {
  return {
    start: (input: Parameters<typeof startReset>[1]) => startReset(deps, input),
    async get(tenant: Tenant, flowId: string, client: ResetClient) {
      return viewOf(deps, tenant, await loadReset(deps, tenant, flowId, client), flowId);
    },
    challenge: (tenant: Tenant, flowId: string, client: ResetClient, entryId: string) =>
      challengeReset(deps, tenant, flowId, client, entryId),
    // The attempt, the replay guard and the lockout's reset: stored together.
    verify: (tenant: Tenant, flowId: string, client: ResetClient, entryId: string, code: string) =>
      deps.unitOfWork(() => verifyReset(deps, tenant, flowId, client, entryId, code)),
    setPassword: (tenant: Tenant, flowId: string, client: ResetClient, newPassword: string) =>
      setResetPassword(deps, tenant, flowId, client, newPassword),
    // "I can't get a code": the sign-in's troubleshooter for the reset's user, also after five wrong
    // codes; the ways it offers are those this reset takes (no push, no method proven already).
    async diagnose(tenant: Tenant, flowId: string, client: ResetClient, deviceTime: number | undefined) {
      const row = await loadReset(deps, tenant, flowId, client, { failed: true });
      const found = await deps.troubleshooter.diagnose({
        tenant,
        userId: row.user_id,
        deviceTime,
        ip: client.ip,
      });
      const takes = new Set((await resetEntries(deps, tenant, row.user_id, provenOf(row))).map((e) => e.id));
      const options = found.options.filter(
        (o) => (o.code !== 'another_method' && o.code !== 'recovery_code') || takes.has(o.methodId),
      );
      return { ...found, options };
    },
    async requestHelp(
      tenant: Tenant,
      flowId: string,
      client: ResetClient,
      input: { message?: string | undefined; contact?: string | undefined; deviceTime?: number | undefined },
    ) {
      const row = await loadReset(deps, tenant, flowId, client, { failed: true });
      return deps.troubleshooter.requestHelp({ tenant, userId: row.user_id, ip: client.ip, ...input });
    },
  };
}

export type PasswordResetFlows = ReturnType<typeof createPasswordResetFlows>;
