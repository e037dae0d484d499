import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { Loading, SuccessNotice } from './components.js';
import type { Console } from './console.js';
import {
  AllowedMethods,
  LanguageSetting,
  LockoutSettings,
  MfaRequirement,
  PassLifetimes,
  type PolicyGroupProps,
  SendLimitSettings,
  TotpSettings,
} from './policy-fields.js';
import {
  type FieldErrors,
  fromDraft,
  normalisePolicy,
  type PolicyDraft,
  type PolicyField,
  sendLimitFields,
  serverErrors,
  toDraft,
} from './policy-form.js';
import { actionBlock } from './roles.js';

/**
 * The tenant policy: which methods, TOTP settings for new registrations, lockouts, how many codes go out by
 * text message and email, pass lifetimes and the tenant's language.
 */
export function PolicyView(props: { console: Console; focus: boolean }) {
  const { admin, me } = props.console;
  const readOnlyReason = actionBlock(me.roles, 'policy.update');
  const [draft, setDraft] = useState<PolicyDraft>();
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<readonly string[]>([]);
  const [formError, setFormError] = useState<string>();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');

  async function load() {
    const result = await admin.getPolicy();
    if (result.ok) {
      setDraft(toDraft(normalisePolicy(result.data)));
      setLoadProblem(undefined);
    } else setLoadProblem(result.problem);
  }

  useEffect(() => {
    void load();
  }, []);

  async function save(event: Event) {
    event.preventDefault();
    if (!draft || busy || readOnlyReason) return;
    setNotice('');
    setGeneral([]);
    setFormError(undefined);
    const checked = fromDraft(draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormError(t('admin.policy.fixFields'));
      focusFirst(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    const result = await admin.putPolicy(checked.policy, reason);
    setBusy(false);
    if (result.ok) {
      setReason('');
      setDraft(toDraft(normalisePolicy(result.data)));
      setNotice(t('admin.policy.saved'));
      return;
    }
    const mapped = serverErrors(result.problem);
    setErrors(mapped.fields);
    setGeneral(mapped.general);
    // The details are next to the fields they name; the line above the form only points there.
    setFormError(
      Object.keys(mapped.fields).length > 0 ? t('admin.policy.refusedFields') : adminMessage(result.problem),
    );
    focusFirst(mapped.fields);
  }

  if (!draft) {
    return (
      <section aria-labelledby="policy-title">
        <Heading id="policy-title" focus={props.focus}>
          {t('admin.policy.title')}
        </Heading>
        {loadProblem ? (
          <>
            <FormError id="policy-load-error" message={adminMessage(loadProblem)} />
            <button type="button" onClick={() => void load()}>
              {t('common.action.tryAgain')}
            </button>
          </>
        ) : (
          <Loading>{t('admin.policy.loading')}</Loading>
        )}
      </section>
    );
  }

  const change = (next: PolicyDraft) => {
    setDraft(next);
    setNotice('');
  };
  const group: PolicyGroupProps = {
    draft,
    errors,
    change,
    set: (field: PolicyField) => (value: string) => change({ ...draft, [field]: value }),
  };
  const readOnly = readOnlyReason !== undefined;

  return (
    <section aria-labelledby="policy-title">
      <Heading id="policy-title" focus={props.focus}>
        {t('admin.policy.title')}
      </Heading>
      <p class="lead">{t('admin.policy.lead')}</p>
      {readOnly ? <p class="notice">{t('admin.policy.readOnly')}</p> : null}
      <SuccessNotice message={notice} />
      <FormError id="policy-error" message={formError} />
      {general.length > 0 ? (
        <ul class="error-list">
          {general.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={save} noValidate class="policy-form">
        <fieldset disabled={readOnly}>
          <legend class="visually-hidden">{t('admin.policy.settings')}</legend>
          <AllowedMethods {...group} />
          <MfaRequirement {...group} />
          <TotpSettings {...group} />
          <LockoutSettings {...group} />
          <SendLimitSettings {...group} />
          <PassLifetimes {...group} />
          <LanguageSetting {...group} />
        </fieldset>
        {readOnly ? null : (
          <SaveControls
            reason={reason}
            onReason={setReason}
            busy={busy}
            onDiscard={() => {
              setErrors({});
              setGeneral([]);
              setFormError(undefined);
              void load();
            }}
          />
        )}
      </form>
    </section>
  );
}

/** The reason for the audit log, Save and Discard. */
function SaveControls(props: {
  reason: string;
  onReason: (reason: string) => void;
  busy: boolean;
  onDiscard: () => void;
}) {
  return (
    <>
      <div class="field policy-reason">
        <label for="policy-reason">{t('admin.policy.reason')}</label>
        <textarea
          id="policy-reason"
          name="reason"
          rows={2}
          maxLength={500}
          value={props.reason}
          aria-describedby="policy-reason-hint"
          onInput={(event) => props.onReason(event.currentTarget.value)}
        />
        <p class="hint" id="policy-reason-hint">
          {t('admin.reason.hint')}
        </p>
      </div>
      <div class="actions actions-start">
        <button type="submit" disabled={props.busy}>
          {props.busy ? t('common.action.saving') : t('admin.policy.save')}
        </button>
        <button type="button" class="secondary" onClick={props.onDiscard}>
          {t('admin.policy.discard')}
        </button>
      </div>
    </>
  );
}

/** Moves focus to the first field with an error, in the form's order. */
function focusFirst(errors: FieldErrors) {
  const order: PolicyField[] = [
    'allowedMethods',
    'mfaRequired',
    'registrationRequiresPass',
    'algorithm',
    'digits',
    'period',
    'failuresPerLock',
    'firstLockMinutes',
    ...sendLimitFields.map(({ field }) => field),
    'minMinutes',
    'defaultMinutes',
    'maxMinutes',
    'defaultLocale',
  ];
  const first = order.find((field) => errors[field]);
  if (!first) return;
  const id = first === 'allowedMethods' ? 'method-authenticator' : first;
  document.getElementById(id)?.focus();
}
