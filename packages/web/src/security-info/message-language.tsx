import { isLocale, type Locale } from '@twofold/core';
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { MessageLocaleField } from '../i18n/message-locale-field.js';
import type { ApiClient, ApiResult } from '../shared/api.js';
import { FormError } from '../shared/components/field.js';
import { describeProblem } from '../shared/messages.js';

/**
 * The language of the user's emails and text messages (`PATCH /me {locale}`): one of the four, or the
 * organisation's default. The pages follow the language picker instead; this is for what Twofold sends.
 */
export function MessageLanguage(props: {
  api: ApiClient;
  locale: Locale | null;
  guard: <T>(result: ApiResult<T>) => ApiResult<T>;
}) {
  const [saved, setSaved] = useState<Locale | null>(props.locale);
  const [choice, setChoice] = useState<string>(props.locale ?? '');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    if (busy) return;
    const locale = isLocale(choice) ? choice : null;
    setBusy(true);
    setStatus('');
    setError(undefined);
    const result = props.guard(await props.api.patch('/me', { locale }));
    setBusy(false);
    if (!result.ok) {
      setError(describeProblem(result.problem, 'general', { now: Date.now() }));
      return;
    }
    setSaved(locale);
    setStatus(t('securityInfo.language.saved'));
  }

  return (
    <section aria-labelledby="message-language-title">
      <h2 id="message-language-title">{t('securityInfo.language.title')}</h2>
      <form class="inline-form" onSubmit={save} noValidate>
        <MessageLocaleField
          id="message-language"
          label={t('securityInfo.language.label')}
          defaultLabel={t('securityInfo.language.default')}
          hint={t('securityInfo.language.hint')}
          value={choice}
          onValue={(value) => {
            setChoice(value);
            setStatus('');
          }}
        />
        <button type="submit" class="secondary" disabled={busy || choice === (saved ?? '')}>
          {busy ? t('common.action.saving') : t('common.action.save')}
        </button>
      </form>
      <p class="status" role="status">
        {status}
      </p>
      <FormError id="message-language-error" message={error} />
    </section>
  );
}
