import type { Ref } from 'preact';
import { t } from '../../i18n/i18n.js';
import type { Problem } from '../api.js';
import { describeProblem } from '../messages.js';
import { TextField } from './field.js';

/**
 * A new password typed twice (Change password on Security info, the last step of "Forgot password?"),
 * with the rules said under the field. The page checks only what it can tell without the server (empty,
 * too short, the two not the same); the server's list of common passwords decides the rest.
 */
export interface NewPasswordDraft {
  readonly password: string;
  readonly confirm: string;
}

export interface NewPasswordErrors {
  readonly password?: string | undefined;
  readonly confirm?: string | undefined;
}

/** The spec's shortest password (section 6), in code points of the NFC form as the server counts: shorter ones are not sent. */
export const minPasswordLength = 8;

/** What is wrong with the draft before it goes to the server, field by field; empty when nothing is. */
export function checkNewPassword(draft: NewPasswordDraft): NewPasswordErrors {
  if (!draft.password) return { password: t('passwords.check.newMissing') };
  if ([...draft.password.normalize('NFC')].length < minPasswordLength)
    return { password: t('problem.password_too_short') };
  if (!draft.confirm) return { confirm: t('passwords.check.confirmMissing') };
  if (draft.confirm !== draft.password) return { confirm: t('passwords.check.mismatch') };
  return {};
}

/** Codes the server answers about the new password itself: said next to it. */
const newPasswordCodes: ReadonlySet<string> = new Set([
  'password_too_short',
  'password_too_long',
  'password_too_common',
  'password_invalid',
]);

export function isNewPasswordProblem(problem: Problem): boolean {
  return newPasswordCodes.has(problem.code);
}

/** A problem's words, by its code (never its English detail). */
export function passwordProblemText(problem: Problem, context: 'password' | 'general' = 'general'): string {
  return describeProblem(problem, context, { now: Date.now() });
}

export function NewPasswordFields(props: {
  draft: NewPasswordDraft;
  errors: NewPasswordErrors;
  onDraft: (draft: NewPasswordDraft) => void;
  passwordRef?: Ref<HTMLInputElement>;
  confirmRef?: Ref<HTMLInputElement>;
}) {
  const { draft, errors } = props;
  return (
    <>
      <TextField
        id="new-password"
        label={t('passwords.field.new')}
        value={draft.password}
        onValue={(password) => props.onDraft({ ...draft, password })}
        error={errors.password}
        hint={t('passwords.field.newHint')}
        type="password"
        autoComplete="new-password"
        maxLength={1024}
        spellcheck={false}
        autoCapitalize="none"
        inputRef={props.passwordRef}
      />
      <TextField
        id="confirm-password"
        label={t('passwords.field.confirm')}
        value={draft.confirm}
        onValue={(confirm) => props.onDraft({ ...draft, confirm })}
        error={errors.confirm}
        type="password"
        autoComplete="new-password"
        maxLength={1024}
        spellcheck={false}
        autoCapitalize="none"
        inputRef={props.confirmRef}
      />
    </>
  );
}
