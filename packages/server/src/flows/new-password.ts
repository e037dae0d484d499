/**
 * What every new password does (spec section 6), inside the caller's one transaction: the hash is
 * stored, the user's credentials end as the event says (every other session and application
 * grant, the Temporary Access Pass, sign-ins and resets in progress), and the user is emailed
 * through the courier, in the same transaction as the change it reports.
 */
import type { Actor, Executor } from '../audit/audit-log.js';
import type { Courier } from '../courier/courier.js';
import { emailText, recipientLocale, serverTexts } from '../i18n/server-texts.js';
import type { Tenant } from '../tenants/tenant-service.js';
import type { User, UserService } from '../users/user-service.js';
import { type EndCredentialsDeps, type EndedCredentials, endCredentials } from './end-credentials.js';

export interface NewPasswordDeps extends EndCredentialsDeps {
  readonly users: Pick<UserService, 'setPassword'>;
  readonly courier: Pick<Courier, 'enqueue'>;
  readonly clock: { now(): number };
  /** TWOFOLD_PUBLIC_URL, for the sign-in link in the email. */
  readonly publicUrl: string;
}

export async function applyNewPassword(
  deps: NewPasswordDeps,
  trx: Executor,
  input: {
    tenant: Tenant;
    user: Pick<User, 'id' | 'email' | 'displayName' | 'locale'>;
    passwordHash: string;
    actor: Actor;
    how: 'change' | 'reset' | 'operator';
    /** A change keeps the session it was made from. */
    keepSessionId?: string | undefined;
  },
): Promise<EndedCredentials> {
  const { tenant, user, actor, how } = input;
  const now = deps.clock.now();
  await deps.users.setPassword(trx, tenant.id, user.id, input.passwordHash, actor, how);
  const ended = await endCredentials(
    deps,
    trx,
    { tenantId: tenant.id, userId: user.id, actor, now },
    how === 'change' ? 'password_change' : 'password_reset',
    { keepSessionId: input.keepSessionId },
  );
  const texts = serverTexts(recipientLocale(user.locale, tenant.policy.defaultLocale));
  const email = emailText(texts, 'email.passwordChanged', {
    tenant: tenant.name,
    name: user.displayName,
    when: new Date(now),
    how,
    signInUrl: `${deps.publicUrl}/t/${tenant.slug}/sign-in`,
  });
  await deps.courier.enqueue(
    { tenantId: tenant.id, channel: 'email', to: user.email, purpose: 'security_notice', ...email },
    trx,
  );
  return ended;
}
