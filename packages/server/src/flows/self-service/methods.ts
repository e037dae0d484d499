/** The user's own methods (Security info): add one, confirm it, delete one, choose the default, new recovery codes. */
import { type Locale, TwofoldError } from '@twofold/core';
import type { FactorRegistration, RegistrationInput } from '../../factors/factor.js';
import { checkCode } from '../code-check.js';
import { context, type Me, requireStepUp, type SelfServiceDeps } from './deps.js';
import { currentPasswordRequired } from './password.js';

/**
 * The user's profile as Security info shows it: who, their active methods, codes left, whether a
 * password change needs the current password.
 */
export async function describeMe(deps: SelfServiceDeps, me: Me) {
  const user = await deps.users.getById(me.tenant.id, me.session.userId);
  const methods = await deps.methods.listForUser(me.tenant.id, user.id);
  return {
    user,
    methods: methods.filter((m) => m.status === 'active'),
    recoveryCodesRemaining: await deps.recoveryCodes.remaining(me.tenant.id, user.id),
    currentPasswordRequired: currentPasswordRequired(deps, me.session, user),
  };
}

export async function addMethod(
  deps: SelfServiceDeps,
  me: Me,
  input: RegistrationInput & { type: string },
): Promise<FactorRegistration> {
  requireStepUp(deps, me);
  return deps.factors.register(context(me), input.type, input, me.actor);
}

/** Confirms a newly registered method with a code from it (not counted against the lockout: it is the user's own new secret). */
export async function confirmMethod(deps: SelfServiceDeps, me: Me, methodId: string, code: string) {
  requireStepUp(deps, me);
  const checked = await checkCode(deps, {
    ctx: context(me),
    entryId: methodId,
    code,
    purpose: 'confirm',
    pending: true,
    admit: false,
  });
  if (!checked.ok) throw checked.refusal;
  return { methodId, status: 'active' as const };
}

export async function deleteMethod(deps: SelfServiceDeps, me: Me, methodId: string): Promise<void> {
  requireStepUp(deps, me);
  const active = (await deps.methods.listForUser(me.tenant.id, me.session.userId)).filter(
    (m) => m.status === 'active',
  );
  if (!active.some((m) => m.id === methodId)) {
    throw new TwofoldError('method_not_found', 'no such method for this account');
  }
  if (me.tenant.policy.mfaRequired && active.length === 1) {
    throw new TwofoldError('last_method', 'this is your only sign-in method; add another before deleting it');
  }
  await deps.methods.delete(me.tenant.id, me.session.userId, methodId, me.actor);
}

export async function setDefaultMethod(deps: SelfServiceDeps, me: Me, methodId: string): Promise<void> {
  await deps.methods.setDefault(me.tenant.id, me.session.userId, methodId, me.actor);
}

export async function issueRecoveryCodes(deps: SelfServiceDeps, me: Me): Promise<string[]> {
  requireStepUp(deps, me);
  return deps.recoveryCodes.issue(me.tenant.id, me.session.userId, me.actor);
}

/** The language of the user's emails and text messages (null: their organisation's). Audited as a user change. */
export async function setLocale(
  deps: SelfServiceDeps,
  me: Me,
  locale: Locale | null,
): Promise<Locale | null> {
  const updated = await deps.db
    .transaction()
    .execute((trx) => deps.users.update(trx, me.tenant.id, me.session.userId, { locale }, me.actor));
  return updated.user.locale;
}
