import { useEffect, useMemo, useState } from 'preact/hooks';
import { t } from '../../i18n/i18n.js';
import { recoveryCodesFile } from '../methods.js';
import { copyText } from './copy-text.js';
import { Heading } from './layout.js';

export const recoveryCodesFileName = 'twofold-recovery-codes.txt';

/**
 * Recovery codes, shown once: the list, Copy and Download, and a checkbox the user ticks once they have saved
 * them, before Continue.
 */
export function RecoveryCodesPanel(props: {
  codes: readonly string[];
  account: string;
  headingLevel?: 1 | 2;
  headingId?: string;
  continueLabel?: string;
  onContinue: () => void;
}) {
  const [saved, setSaved] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const text = useMemo(
    () => recoveryCodesFile(props.codes, props.account, new Date()),
    [props.codes, props.account],
  );
  const downloadUrl = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'text/plain' })), [text]);
  useEffect(() => () => URL.revokeObjectURL(downloadUrl), [downloadUrl]);

  async function copy() {
    setStatus('');
    const copied = await copyText(`${props.codes.join('\n')}\n`);
    setStatus(t(copied ? 'common.recoveryCodes.copied' : 'common.recoveryCodes.copyFailed'));
  }

  function finish(event: Event) {
    event.preventDefault();
    if (!saved) {
      setError(t('common.recoveryCodes.notSaved'));
      return;
    }
    props.onContinue();
  }

  return (
    <section aria-labelledby={props.headingId ?? 'recovery-codes-title'}>
      <Heading level={props.headingLevel ?? 1} focus id={props.headingId ?? 'recovery-codes-title'}>
        {t('common.recoveryCodes.title')}
      </Heading>
      <p class="lead">{t('common.recoveryCodes.lead')}</p>
      <ul class="codes" aria-label={t('common.recoveryCodes.listLabel')}>
        {props.codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div class="actions actions-start">
        <button type="button" class="secondary" onClick={copy}>
          {t('common.action.copy')}
        </button>
        <a class="button secondary" href={downloadUrl} download={recoveryCodesFileName}>
          {t('common.action.download')}
        </a>
      </div>
      <p class="status" role="status">
        {status}
      </p>
      <form onSubmit={finish} noValidate>
        <label class="checkbox">
          <input
            type="checkbox"
            checked={saved}
            onChange={(event) => {
              setSaved(event.currentTarget.checked);
              setError('');
            }}
            aria-describedby="saved-error"
          />
          <span>{t('common.recoveryCodes.saved')}</span>
        </label>
        <p class="error" id="saved-error" role="alert">
          {error}
        </p>
        <div class="actions">
          <button type="submit">{props.continueLabel ?? t('common.action.continue')}</button>
        </div>
      </form>
    </section>
  );
}
