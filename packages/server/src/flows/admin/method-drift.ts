/**
 * An admin corrects a code method's clock drift: from two consecutive codes read off the device
 * (RFC 6238 section 6), or by forgetting what was recorded (a device whose clock was fixed).
 */
import { TwofoldError } from '@twofold/core';
import type { Actor } from '../../audit/audit-log.js';
import type { Method } from '../../factors/method-service.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { AdminFlowDeps } from './deps.js';

function codeMethodNotFound(): TwofoldError {
  return new TwofoldError('method_not_found', 'no such code method for this user');
}

export async function resyncMethod(
  deps: AdminFlowDeps,
  input: { tenant: Tenant; userId: string; methodId: string; code1: string; code2: string; actor: Actor },
): Promise<Method> {
  const { tenant, userId, methodId } = input;
  const method = await deps.methods.find(tenant.id, userId, methodId);
  const factor = method ? deps.factors.get(method.type) : undefined;
  if (!method || !factor?.resync) throw codeMethodNotFound();
  const result = await factor.resync({ tenant, userId }, method, input, input.actor);
  if (!result.ok) {
    if (result.reason === 'method_not_found') throw codeMethodNotFound();
    throw new TwofoldError(
      result.reason,
      result.reason === 'otp_replayed'
        ? 'these codes were already used; wait for the next two codes'
        : 'the two codes are not consecutive codes of this method within 10 minutes of the server time',
    );
  }
  return deps.methods.get(tenant.id, userId, methodId);
}

export async function resetMethodDrift(
  deps: AdminFlowDeps,
  input: { tenant: Tenant; userId: string; methodId: string; actor: Actor; reason?: string | undefined },
): Promise<Method> {
  const { tenant, userId, methodId } = input;
  const method = await deps.methods.find(tenant.id, userId, methodId);
  const factor = method ? deps.factors.get(method.type) : undefined;
  if (!method || !factor?.resetDrift) throw codeMethodNotFound();
  await factor.resetDrift({ tenant, userId }, method, input.actor, input.reason);
  return deps.methods.get(tenant.id, userId, methodId);
}
