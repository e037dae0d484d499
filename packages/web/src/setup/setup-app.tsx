import { useState } from 'preact/hooks';
import type { ApiClient } from '../shared/api.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Brand, Heading, Page } from '../shared/components/layout.js';

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

  if (done) {
    return (
      <Page>
        <Brand />
        <Heading focus>Your administrator account is ready</Heading>
        <p class="lead">
          {done.user.email} is a global admin. Next, sign in: Twofold will ask you to register a second
          factor, such as an authenticator app.
        </p>
        <p>
          <a class="button" href={props.signInPath}>
            Go to sign-in
          </a>
        </p>
      </Page>
    );
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (password.length < 8) {
      setErrors({ password: 'Use at least 8 characters.' });
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
    const { code, detail } = result.problem;
    if (code === 'email_invalid' || code === 'user_exists') setErrors({ email: detail });
    else if (code === 'password_invalid') setErrors({ password: detail });
    else if (code === 'setup_token_invalid') {
      setErrors({
        form: 'This setup link is no longer valid. Ask the operator for a new one (twofold setup-link).',
      });
    } else setErrors({ form: detail ?? 'Something went wrong. Try again.' });
  }

  return (
    <Page>
      <Brand />
      <Heading>Create the first administrator</Heading>
      <p class="lead">This link works once. The account you create is a global admin of this organisation.</p>
      {props.token ? (
        <form onSubmit={submit} noValidate>
          <TextField
            id="email"
            label="Email"
            type="email"
            autoComplete="username"
            maxLength={254}
            value={email}
            onValue={setEmail}
            error={errors.email}
          />
          <TextField
            id="displayName"
            label="Display name"
            autoComplete="name"
            maxLength={200}
            value={displayName}
            onValue={setDisplayName}
          />
          <TextField
            id="password"
            label="Password"
            type="password"
            autoComplete="new-password"
            maxLength={256}
            value={password}
            onValue={setPassword}
            hint="At least 8 characters. A passphrase of several words is best."
            error={errors.password}
          />
          <FormError id="form-error" message={errors.form} />
          <div class="actions">
            <button type="submit" disabled={busy}>
              Create administrator
            </button>
          </div>
        </form>
      ) : (
        <FormError
          id="form-error"
          message="This page needs the full setup link, including the part after #. Ask the operator for a new one (twofold setup-link)."
        />
      )}
    </Page>
  );
}
