/**
 * Step-up: a signed-in user proves a second factor again (a code from one of their entries),
 * which lets them change their methods for the next 10 minutes. The same code check as sign-in.
 */
import { TwofoldError } from '@twofold/core';
import { stepUpWindowMs } from '../../sessions/session-service.js';
import { checkCode } from '../code-check.js';
import { context, type Me, type SelfServiceDeps } from './deps.js';

export async function stepUp(
  deps: SelfServiceDeps,
  me: Me,
  input: { entryId: string; code?: string | undefined; credential?: unknown },
): Promise<{ stepUpUntil: number; recoveryCodesRemaining?: number }> {
  // The attempt, the replay guard, the lockout's reset and the session: stored together.
  return deps.unitOfWork(async () => {
    const checked = await checkCode(deps, {
      ctx: context(me),
      entryId: input.entryId,
      code: input.code,
      credential: input.credential,
      purpose: 'step_up',
    });
    if (!checked.ok) throw checked.refusal;
    await deps.sessions.recordSecondFactor(
      me.session.id,
      [...new Set([...me.session.amr, ...checked.amr, 'mfa'])],
      me.session,
    );
    return {
      stepUpUntil: deps.clock.now() + stepUpWindowMs,
      ...(checked.recoveryCodesRemaining !== undefined
        ? { recoveryCodesRemaining: checked.recoveryCodesRemaining }
        : {}),
    };
  });
}

/**
 * Sends a code to one of the user's SMS or email entries, or gives the WebAuthn options of a
 * passkey, to prove a second factor with stepUp.
 */
export async function sendStepUpCode(deps: SelfServiceDeps, me: Me, entryId: string) {
  const ctx = context(me);
  const offered = (
    await deps.factors.offer(ctx, await deps.methods.listForUser(me.tenant.id, me.session.userId))
  ).find((e) => e.id === entryId);
  const entry = offered
    ? await deps.factors.resolve(ctx, entryId, (id) => deps.methods.find(me.tenant.id, me.session.userId, id))
    : undefined;
  const byCredential = entry?.factor.answer === 'credential' && entry.factor.challenge !== undefined;
  if (!entry || (!entry.factor.sendsCode && !byCredential)) {
    throw new TwofoldError('method_not_found', 'no such SMS, email or passkey method for this account');
  }
  const sent = await deps.factors.challenge(ctx, entry, { purpose: 'step_up_code' });
  if (byCredential && sent.options) return { options: sent.options };
  return { sentTo: sent.sentTo ?? '', expiresAt: sent.expiresAt ?? 0, resendAfter: sent.resendAfter ?? 0 };
}
