/** A TOTP-like method's code check and resynchronisation as factors answer them (TOTP apps and hardware tokens). */
import type { Actor } from '../../audit/audit-log.js';
import type { EntryTarget, Factor, FactorCheck, FactorContext } from '../factor.js';
import { type Method, type MethodService, methodRowRead } from '../method-service.js';
import type { TotpMethodService } from './totp-method-service.js';

export async function verifyTotpCode(
  totp: Pick<TotpMethodService, 'verify'>,
  ctx: FactorContext,
  target: EntryTarget,
  code: string,
  actor?: Actor,
): Promise<FactorCheck> {
  const result = await totp.verify({
    tenantId: ctx.tenant.id,
    userId: ctx.userId,
    methodId: target.method?.id ?? target.entryId,
    code,
    // The registry's resolve just read the method (the one read of a code's check).
    read: target.method ? methodRowRead(target.method) : undefined,
    ...(actor ? { actor } : {}),
  });
  // Every accepted code is recorded by an update that also ends the method's failures.
  if (result.ok) return { ok: true, activated: result.activated, methodFailuresReset: true };
  return {
    ok: false,
    reason: result.reason,
    ...(result.offsetSeconds !== undefined ? { offsetSeconds: result.offsetSeconds } : {}),
  };
}

export async function resyncTotp(
  totp: Pick<TotpMethodService, 'resync'>,
  ctx: FactorContext,
  method: Method,
  codes: { code1: string; code2: string },
  actor: Actor,
): Promise<{ ok: true } | { ok: false; reason: 'otp_invalid' | 'otp_replayed' | 'method_not_found' }> {
  const result = await totp.resync(
    {
      tenantId: ctx.tenant.id,
      userId: ctx.userId,
      methodId: method.id,
      code: codes.code1,
      code2: codes.code2,
    },
    actor,
  );
  return result.ok ? { ok: true } : { ok: false, reason: result.reason };
}

/** What every TOTP-like factor answers alike: a code's check, resynchronisation, and forgetting a drift. */
export function totpLikeChecks(
  totp: Pick<TotpMethodService, 'verify' | 'resync'>,
  methods: Pick<MethodService, 'resetDrift'>,
): Pick<Factor, 'verify' | 'resync' | 'resetDrift'> {
  return {
    verify: (ctx, target, code, actor) => verifyTotpCode(totp, ctx, target, code, actor),
    resync: (ctx, method, codes, actor) => resyncTotp(totp, ctx, method, codes, actor),
    resetDrift: (ctx, method, actor, reason) =>
      methods.resetDrift(ctx.tenant.id, ctx.userId, method.id, [method.type], actor, reason),
  };
}
