import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { ApiClient } from '../shared/api.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Brand, Heading, Page } from '../shared/components/layout.js';
import { messageOfCode } from '../shared/messages.js';

interface SetupResult {
  readonly user: { readonly email: string };
}

/** The one-time setup link's page: creates a tenant's first global admin. */
export function SetupApp(props: { api: ApiClient; token: string | undefined; signInPath: string }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<SetupResult | undefined>(undefined);
  // The link's token left the address once read: a change of language loads the page again with it.
  const reloadTo = props.token ? () => `${location.pathname}#token=${props.token}` : undefined;

  if (done) {
    return (
      <Page>
        <Brand />
        <Heading focus>{t('setup.done.title')}</Heading>
        <p class="lead">{t('setup.done.lead', { email: done.user.email })}</p>
        <p>
          <a class="button" href={props.signInPath}>
            {t('setup.done.signIn')}
          </a>
        </p>
      </Page>
    );
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (password.length < 8) {
      setErrors({ password: t('setup.password.tooShort') });
      return;
    }
    setBusy(true);
    setErrors({});
    const result = await props.api.post<SetupResult>('/setup', {
      token: props.token,
      email,
      password,
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    });
    setBusy(false);
    if (result.ok) {
      setDone(result.data);
      return;
    }
    const { problem } = result;
    const message = messageOfCode(problem);
    if (problem.code === 'email_invalid' || problem.code === 'user_exists') setErrors({ email: message });
    else if (problem.code === 'password_invalid') setErrors({ password: message });
    else setErrors({ form: message });
  }

  return (
    <Page reloadTo={reloadTo}>
      <Brand />
      <Heading>{t('setup.title')}</Heading>
      <p class="lead">{t('setup.lead')}</p>
      {props.token ? (
        <form onSubmit={submit} noValidate>
          <TextField
            id="email"
            label={t('setup.email.label')}
            type="email"
            autoComplete="username"
            maxLength={254}
            value={email}
            onValue={setEmail}
            error={errors.email}
          />
          <TextField
            id="displayName"
            label={t('setup.name.label')}
            autoComplete="name"
            maxLength={200}
            value={displayName}
            onValue={setDisplayName}
          />
          <TextField
            id="password"
            label={t('setup.password.label')}
            type="password"
            autoComplete="new-password"
            maxLength={256}
            value={password}
            onValue={setPassword}
            hint={t('setup.password.hint')}
            error={errors.password}
          />
          <FormError id="form-error" message={errors.form} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {t('setup.submit')}
            </button>
          </div>
        </form>
      ) : (
        <FormError id="form-error" message={t('setup.noToken')} />
      )}
    </Page>
  );
}
