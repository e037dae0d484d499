import { useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import type { ApiClient } from '../api.js';
import { describeProblem } from '../messages.js';
import { answerWithPasskey } from '../passkey-ceremony.js';
import { FormError } from './field.js';

/** Step-up with a passkey: options for it (`/me/step-up/challenge`), the browser's answer, `/me/step-up`. */
export function PasskeyStepUp(props: {
  api: ApiClient;
  option: { readonly id: string; readonly label: string };
  onDone: (confirmed: boolean) => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function prove() {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    const challenge = await props.api.post<{ options?: unknown }>('/me/step-up/challenge', {
      methodId: props.option.id,
    });
    if (!challenge.ok) {
      setBusy(false);
      setError(describeProblem(challenge.problem, 'general', { now: Date.now() }));
      return;
    }
    const answered = await answerWithPasskey(challenge.data.options);
    if (!answered.ok) {
      setBusy(false);
      setError(
        t(answered.reason === 'unsupported' ? 'passkeys.signIn.unsupported' : 'passkeys.signIn.cancelled'),
      );
      return;
    }
    const proved = await props.api.post('/me/step-up', {
      methodId: props.option.id,
      credential: answered.credential,
    });
    setBusy(false);
    if (proved.ok) props.onDone(true);
    else setError(describeProblem(proved.problem, 'general', { now: Date.now() }));
  }

  return (
    <>
      <p class="lead">{t('passkeys.challenge.lead', { label: props.option.label })}</p>
      <FormError id="step-up-passkey-error" message={error} />
      <p class="muted" role="status">
        {busy ? t('passkeys.challenge.waiting') : ''}
      </p>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => props.onDone(false)}>
          {t('common.action.cancel')}
        </button>
        <button type="button" onClick={() => void prove()} disabled={busy}>
          {t('passkeys.challenge.button')}
        </button>
      </div>
    </>
  );
}
