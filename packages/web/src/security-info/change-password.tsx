import type { PasswordChanged } from '@twofold/api/self-service';
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { ApiClient, ApiResult, Problem } from '../shared/api.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import {
  checkNewPassword,
  isNewPasswordProblem,
  type NewPasswordDraft,
  type NewPasswordErrors,
  NewPasswordFields,
  passwordProblemText,
} from '../shared/components/new-password.js';
import { CancelSubmit } from '../shared/components/step-actions.js';

type WithStepUp = <T>(action: () => Promise<ApiResult<T>>) => Promise<ApiResult<T>>;

/**
 * "Password" on Security info: Change password (`POST /me/password`, spec section 6). The server asks for a
 * recent second factor (`step_up_required`: Security info's "Confirm it's you", then the change is sent
 * again) and for the current password unless `GET /me` says it is not needed (a session started with a
 * Temporary Access Pass in the last hour). Every other session and app of the user ends, and they get an email.
 */
export function ChangePasswordSection(props: {
  api: ApiClient;
  withStepUp: WithStepUp;
  currentPasswordRequired: boolean;
  onChanged: () => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <div class="section-head">
        <h2>{t('passwords.change.title')}</h2>
        <button type="button" class="secondary" onClick={() => setOpen(true)}>
          {t('passwords.change.button')}
        </button>
      </div>
      <p>{t('passwords.change.lead')}</p>
      <Dialog open={open} labelledBy="change-password-title" onClose={() => setOpen(false)}>
        <ChangePasswordForm
          {...props}
          onCancel={() => setOpen(false)}
          onChanged={() => {
            setOpen(false);
            props.onChanged();
          }}
        />
      </Dialog>
    </>
  );
}

type Errors = NewPasswordErrors & { readonly current?: string | undefined };

function ChangePasswordForm(props: {
  api: ApiClient;
  withStepUp: WithStepUp;
  currentPasswordRequired: boolean;
  onCancel: () => void;
  onChanged: () => void;
}) {
  const askCurrent = props.currentPasswordRequired;
  const [current, setCurrent] = useState('');
  const [draft, setDraft] = useState<NewPasswordDraft>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const currentRef = useFocusOnMount<HTMLInputElement>(askCurrent);
  const passwordRef = useFocusOnMount<HTMLInputElement>(!askCurrent);
  const confirmRef = useRef<HTMLInputElement>(null);

  function show(next: Errors) {
    setErrors(next);
    const field = next.current
      ? currentRef
      : next.password
        ? passwordRef
        : next.confirm
          ? confirmRef
          : undefined;
    field?.current?.focus();
  }

  function showProblem(problem: Problem) {
    if (['password_incorrect', 'current_password_required', 'locked_out'].includes(problem.code)) {
      setCurrent('');
      show({ current: passwordProblemText(problem, 'password') });
    } else if (isNewPasswordProblem(problem)) {
      setDraft({ password: '', confirm: '' });
      show({ password: passwordProblemText(problem) });
    } else {
      setFormError(problem.code === 'cancelled' ? t('securityInfo.cancelled') : passwordProblemText(problem));
    }
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    setFormError(undefined);
    const checked: Errors =
      askCurrent && !current ? { current: t('passwords.check.currentMissing') } : checkNewPassword(draft);
    if (checked.current || checked.password || checked.confirm) {
      show(checked);
      return;
    }
    setErrors({});
    setBusy(true);
    const body = askCurrent
      ? { currentPassword: current, newPassword: draft.password }
      : { newPassword: draft.password };
    const result = await props.withStepUp(() => props.api.post<PasswordChanged>('/me/password', body));
    setBusy(false);
    if (result.ok) props.onChanged();
    else showProblem(result.problem);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Heading level={2} id="change-password-title">
        {t('passwords.change.dialogTitle')}
      </Heading>
      <p>{t('passwords.change.dialogLead')}</p>
      {askCurrent ? null : <p class="notice">{t('passwords.change.viaPass')}</p>}
      <FormError id="change-password-error" message={formError} />
      {askCurrent ? (
        <TextField
          id="current-password"
          label={t('passwords.field.current')}
          value={current}
          onValue={(value) => {
            setCurrent(value);
            setErrors({ ...errors, current: undefined });
          }}
          error={errors.current}
          type="password"
          autoComplete="current-password"
          maxLength={1024}
          spellcheck={false}
          autoCapitalize="none"
          inputRef={currentRef}
        />
      ) : null}
      <NewPasswordFields
        draft={draft}
        errors={errors}
        onDraft={(next) => {
          setDraft(next);
          setErrors({
            ...errors,
            ...(next.password !== draft.password ? { password: undefined } : {}),
            confirm: undefined,
          });
        }}
        passwordRef={passwordRef}
        confirmRef={confirmRef}
      />
      <CancelSubmit
        onCancel={props.onCancel}
        busy={busy}
        label={t('passwords.change.submit')}
        busyLabel={t('passwords.change.submitting')}
      />
    </form>
  );
}
