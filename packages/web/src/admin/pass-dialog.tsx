import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t, tRich } from '../i18n/i18n.js';
import { copyText } from '../shared/components/copy-text.js';
import { FormError } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import { CancelSubmit } from '../shared/components/step-actions.js';
import type { AdminApi } from './admin-api.js';
import { adminMessage } from './admin-messages.js';
import { formatDateTime, formatMinutes } from './format.js';
import { checkLifetime, normalisePolicy } from './policy-form.js';
import type { AdminUserDetails, IssuedPass, Policy } from './types.js';

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

/**
 * Issue a Temporary Access Pass: lifetime within the tenant policy, one-time or reusable, an optional reason;
 * then the pass, shown once, with Copy and its expiry.
 */
export function PassDialogBody(props: {
  admin: AdminApi;
  user: AdminUserDetails;
  onCancel: () => void;
  onIssued: (pass: IssuedPass) => void;
  onDone: () => void;
}) {
  const [limits, setLimits] = useState<Policy['temporaryAccessPass']>();
  const [loadError, setLoadError] = useState<string>();
  const [lifetime, setLifetime] = useState('');
  const [reusable, setReusable] = useState(false);
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedPass>();
  const lifetimeRef = useFocusOnMount<HTMLInputElement>(limits !== undefined && !issued);

  useEffect(() => {
    let live = true;
    void props.admin.getPolicy().then((result) => {
      if (!live) return;
      if (result.ok) {
        const policy = normalisePolicy(result.data).temporaryAccessPass;
        setLimits(policy);
        setLifetime(String(policy.defaultMinutes));
      } else {
        setLoadError(adminMessage(result.problem));
      }
    });
    return () => {
      live = false;
    };
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    if (!limits || busy) return;
    const checked = checkLifetime(lifetime, limits);
    if (!checked.ok) {
      setFieldError(checked.message);
      lifetimeRef.current?.focus();
      return;
    }
    setFieldError(undefined);
    setError(undefined);
    setBusy(true);
    const result = await props.admin.issuePass(props.user.id, {
      lifetimeMinutes: checked.minutes,
      reusable,
      reason,
    });
    setBusy(false);
    if (!result.ok) {
      setError(adminMessage(result.problem));
      return;
    }
    setIssued(result.data);
    props.onIssued(result.data);
  }

  if (issued) return <IssuedPassPanel pass={issued} email={props.user.email} onDone={props.onDone} />;

  return (
    <form onSubmit={submit} noValidate>
      <Heading level={2} id="pass-title">
        {t('admin.pass.title')}
      </Heading>
      <p>{tRich('admin.pass.lead', { strong, who: props.user.email })}</p>
      {props.user.temporaryAccessPass ? <p class="notice">{t('admin.pass.replaces')}</p> : null}
      <FormError id="pass-load-error" message={loadError} />
      {limits ? (
        <>
          <div class="field">
            <label for="pass-lifetime">{t('admin.pass.lifetime')}</label>
            <input
              id="pass-lifetime"
              name="lifetime"
              type="number"
              inputMode="numeric"
              min={limits.minMinutes}
              max={limits.maxMinutes}
              step={1}
              ref={lifetimeRef}
              value={lifetime}
              aria-invalid={fieldError ? 'true' : undefined}
              aria-describedby="pass-lifetime-hint pass-lifetime-error"
              onInput={(event) => setLifetime(event.currentTarget.value)}
            />
            <p class="hint" id="pass-lifetime-hint">
              {t('admin.pass.lifetimeHint', {
                min: limits.minMinutes,
                max: limits.maxMinutes,
                longest: formatMinutes(limits.maxMinutes),
                usual: formatMinutes(limits.defaultMinutes),
              })}
            </p>
            <p class="error" id="pass-lifetime-error" role="alert">
              {fieldError ?? ''}
            </p>
          </div>
          <fieldset class="radio-group">
            <legend>{t('admin.pass.use')}</legend>
            <label class="checkbox">
              <input type="radio" name="pass-use" checked={!reusable} onChange={() => setReusable(false)} />
              <span>{t('admin.pass.oneTime')}</span>
            </label>
            <label class="checkbox">
              <input type="radio" name="pass-use" checked={reusable} onChange={() => setReusable(true)} />
              <span>{t('admin.pass.reusable')}</span>
            </label>
          </fieldset>
          <div class="field">
            <label for="pass-reason">{t('admin.reason.optional')}</label>
            <textarea
              id="pass-reason"
              name="reason"
              rows={2}
              maxLength={500}
              value={reason}
              aria-describedby="pass-reason-hint"
              onInput={(event) => setReason(event.currentTarget.value)}
            />
            <p class="hint" id="pass-reason-hint">
              {t('admin.reason.hint')}
            </p>
          </div>
        </>
      ) : loadError ? null : (
        <p class="muted" role="status">
          {t('admin.pass.loadingPolicy')}
        </p>
      )}
      <FormError id="pass-error" message={error} />
      <CancelSubmit
        onCancel={props.onCancel}
        busy={busy}
        disabled={!limits}
        label={t('admin.pass.issue')}
        busyLabel={t('admin.pass.issuing')}
      />
    </form>
  );
}

function IssuedPassPanel(props: { pass: IssuedPass; email: string; onDone: () => void }) {
  const [status, setStatus] = useState('');
  const doneRef = useFocusOnMount<HTMLButtonElement>();
  async function copy() {
    const copied = await copyText(props.pass.pass);
    setStatus(t(copied ? 'admin.pass.copied' : 'admin.pass.copyFailed'));
  }
  return (
    <section aria-labelledby="pass-title">
      <Heading level={2} id="pass-title">
        {t('admin.pass.issuedTitle')}
      </Heading>
      <p>{tRich('admin.pass.issuedLead', { strong, who: props.email })}</p>
      <div class="pass-box">
        <p class="pass-value" data-testid="issued-pass">
          {props.pass.pass}
        </p>
        <button type="button" class="secondary small" onClick={() => void copy()}>
          {t('admin.pass.copy')}
        </button>
      </div>
      <p class="status" role="status">
        {status}
      </p>
      <dl class="facts facts-compact">
        <dt>{t('admin.pass.expires')}</dt>
        <dd>{formatDateTime(props.pass.expiresAt)}</dd>
        <dt>{t('admin.pass.lifetimeShort')}</dt>
        <dd>{formatMinutes(props.pass.lifetimeMinutes)}</dd>
        <dt>{t('admin.pass.use')}</dt>
        <dd>{t(props.pass.reusable ? 'admin.pass.useReusable' : 'admin.pass.useOnce')}</dd>
      </dl>
      <p class="muted">{t('admin.pass.replacesOlder')}</p>
      <div class="actions">
        <button type="button" ref={doneRef} onClick={props.onDone}>
          {t('common.action.done')}
        </button>
      </div>
    </section>
  );
}
