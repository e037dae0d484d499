/** The last step of every sign-in: the flow ends once (compare-and-set), a session opens, the log says so. */
import type { User } from '../../users/user-service.js';
import { refuse, type SignInDeps } from './deps.js';
import type { FlowRow } from './flow-store.js';
import type { FlowClient, FlowSignedIn } from './types.js';

export async function completeSignIn(
  deps: Pick<SignInDeps, 'clock' | 'store' | 'sessions' | 'signInLog'>,
  row: FlowRow,
  user: Pick<User, 'email'>,
  amr: string[],
  client: FlowClient,
  extra: {
    recoveryCodes?: string[] | undefined;
    recoveryCodesRemaining?: number | undefined;
    methodType?: string | undefined;
    methodId?: string | undefined;
  },
): Promise<FlowSignedIn> {
  const now = deps.clock.now();
  if (!(await deps.store.complete(row.id_hash, amr, now))) {
    refuse('flow_expired', 'this sign-in has already finished; start again');
  }
  const { token, session } = await deps.sessions.create({
    tenantId: row.tenant_id,
    userId: row.user_id,
    amr,
    mfaAt: amr.includes('mfa') ? now : null,
    // A sign-in without a password (a passkey alone) had no first factor of its own.
    firstFactor: row.first_factor === 'tap' || row.first_factor === 'pwd' ? row.first_factor : undefined,
    ip: client.ip,
    userAgent: client.userAgent,
  });
  await deps.signInLog.record({
    tenantId: row.tenant_id,
    userId: row.user_id,
    username: user.email,
    result: 'success',
    methodType: extra.methodType,
    methodId: extra.methodId,
    ip: client.ip,
    userAgent: client.userAgent,
    details: { amr },
  });
  return {
    status: 'signed_in',
    session: { token, expiresAt: session.absoluteExpiresAt },
    ...(extra.recoveryCodes ? { recoveryCodes: extra.recoveryCodes } : {}),
    ...(extra.recoveryCodesRemaining !== undefined
      ? { recoveryCodesRemaining: extra.recoveryCodesRemaining }
      : {}),
  };
}
