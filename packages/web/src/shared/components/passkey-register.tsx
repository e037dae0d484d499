import { useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import type { ApiResult } from '../api.js';
import { describeProblem } from '../messages.js';
import { type CeremonyFailure, createPasskey } from '../passkey-ceremony.js';
import { FormError, TextField } from './field.js';
import { Heading, useFocusOnMount } from './layout.js';
import { CancelSubmit } from './step-actions.js';

/** What registering a passkey answers: the pending method and the options for the browser. */
export interface PasskeyRegistrationStart {
  readonly methodId: string;
  readonly options: Record<string, unknown>;
}

const ceremonyMessages: Readonly<Record<CeremonyFailure, Parameters<typeof t>[0]>> = {
  cancelled: 'passkeys.register.cancelled',
  aborted: 'passkeys.register.cancelled',
  unsupported: 'passkeys.signIn.unsupported',
  exists: 'passkeys.register.exists',
};

/**
 * "Create a passkey" (Security info, and "More information required" at sign-in): a name, then the
 * browser creates the credential (fingerprint, face, screen lock or security key) and the server
 * confirms it.
 */
export function PasskeyRegister<T>(props: {
  start: (label: string | undefined) => Promise<ApiResult<PasskeyRegistrationStart>>;
  confirm: (methodId: string, credential: Record<string, unknown>) => Promise<ApiResult<T>>;
  onConfirmed: (result: T, name: string) => void;
  onCancel: () => void;
  cancelLabel?: string;
  headingLevel?: 1 | 2;
  headingId?: string;
}) {
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const inputRef = useFocusOnMount<HTMLInputElement>();

  async function create(event: Event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    const name = label.trim();
    const started = await props.start(name || undefined);
    if (!started.ok) {
      setBusy(false);
      setError(describeProblem(started.problem, 'general', { now: Date.now() }));
      return;
    }
    const created = await createPasskey(started.data.options);
    if (!created.ok) {
      setBusy(false);
      setError(t(ceremonyMessages[created.reason]));
      return;
    }
    const confirmed = await props.confirm(started.data.methodId, created.credential);
    setBusy(false);
    if (confirmed.ok) props.onConfirmed(confirmed.data, name || t('common.methodType.passkey'));
    else setError(describeProblem(confirmed.problem, 'general', { now: Date.now() }));
  }

  return (
    <form noValidate onSubmit={create} class="passkey-register">
      <Heading level={props.headingLevel ?? 1} {...(props.headingId ? { id: props.headingId } : {})}>
        {t('passkeys.register.title')}
      </Heading>
      <p class="lead">{t('passkeys.register.lead')}</p>
      <FormError id="passkey-register-error" message={error} />
      <TextField
        id="passkey-label"
        label={t('passkeys.register.name')}
        value={label}
        onValue={setLabel}
        hint={t('passkeys.register.nameHint')}
        maxLength={100}
        inputRef={inputRef}
      />
      <p class="muted" role="status">
        {busy ? t('passkeys.register.waiting') : ''}
      </p>
      <CancelSubmit
        onCancel={props.onCancel}
        cancelLabel={props.cancelLabel}
        busy={busy}
        label={t('passkeys.register.button')}
      />
    </form>
  );
}
