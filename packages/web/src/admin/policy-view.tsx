import { useEffect, useState } from 'preact/hooks';
import type { Problem } from '../shared/api.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { Loading, SelectField, SuccessNotice } from './components.js';
import type { Console } from './console.js';
import { formatMinutes, methodTypeName, methodTypes } from './format.js';
import {
  type FieldErrors,
  fromDraft,
  normalisePolicy,
  type PolicyDraft,
  type PolicyField,
  policyBounds,
  type SendLimitField,
  sendLimitFields,
  serverErrors,
  toDraft,
} from './policy-form.js';
import { actionBlock } from './roles.js';

const methodHints: Readonly<Record<string, string>> = {
  authenticator: 'Codes and push approvals (Twofold Authenticator, or codes in any app).',
  totp: 'Codes from any authenticator app, no push.',
  sms: 'Codes sent by text message.',
  email: 'Codes sent by email.',
  hardware_oath: 'Hardware tokens imported from a CSV file.',
  recovery_codes: 'Ten single-use codes for when the phone is lost.',
  temporary_access_pass: 'Time-limited passes admins issue to get users back in.',
};

const sendLimitLabels: Readonly<Record<SendLimitField, { label: string; hint: string }>> = {
  sendPerUser: { label: 'Per user', hint: 'Codes an hour to one person, all their phones and addresses.' },
  sendPerDestination: {
    label: 'Per phone or address',
    hint: 'Codes an hour to one number or email address.',
  },
  sendPerIp: { label: 'Per IP address', hint: 'Codes an hour asked for from one IP address.' },
  sendPerTenant: { label: 'Whole tenant', hint: 'Codes an hour to everyone in this tenant together.' },
};

/**
 * The tenant policy: which methods, TOTP settings for new registrations, lockouts, how many codes go out by
 * text message and email, and pass lifetimes.
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
      setFormError('Some values are not right: see the messages next to them.');
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
      setNotice('Policy saved. New registrations and sign-ins follow it from now on.');
      return;
    }
    const mapped = serverErrors(result.problem);
    setErrors(mapped.fields);
    setGeneral(mapped.general);
    // The details are next to the fields they name; the line above the form only points there.
    setFormError(
      Object.keys(mapped.fields).length > 0
        ? 'The server refused some values: see the messages next to them.'
        : adminMessage(result.problem),
    );
    focusFirst(mapped.fields);
  }

  if (!draft) {
    return (
      <section aria-labelledby="policy-title">
        <Heading id="policy-title" focus={props.focus}>
          Policy
        </Heading>
        {loadProblem ? (
          <>
            <FormError id="policy-load-error" message={adminMessage(loadProblem)} />
            <button type="button" onClick={() => void load()}>
              Try again
            </button>
          </>
        ) : (
          <Loading>Loading the policy…</Loading>
        )}
      </section>
    );
  }

  const set = (field: PolicyField) => (value: string) => {
    setDraft({ ...draft, [field]: value });
    setNotice('');
  };
  const toggleMethod = (type: string, on: boolean) => {
    setDraft({
      ...draft,
      allowedMethods: on ? [...draft.allowedMethods, type] : draft.allowedMethods.filter((t) => t !== type),
    });
    setNotice('');
  };
  const readOnly = readOnlyReason !== undefined;

  return (
    <section aria-labelledby="policy-title">
      <Heading id="policy-title" focus={props.focus}>
        Policy
      </Heading>
      <p class="lead">How people of this tenant sign in. Changes apply to new registrations and sign-ins.</p>
      {readOnly ? <p class="notice">Read only: only a global admin can change the policy.</p> : null}
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
          <legend class="visually-hidden">Policy settings</legend>

          <fieldset class="group" aria-describedby="allowedMethods-error">
            <legend>Allowed methods</legend>
            <ul class="check-list">
              {methodTypes.map((type) => (
                <li key={type}>
                  <label class="checkbox">
                    <input
                      type="checkbox"
                      id={`method-${type}`}
                      name="allowedMethods"
                      value={type}
                      checked={draft.allowedMethods.includes(type)}
                      onChange={(event) => toggleMethod(type, event.currentTarget.checked)}
                    />
                    <span>
                      {methodTypeName(type)}
                      <span class="hint block">{methodHints[type]}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <p class="error" id="allowedMethods-error" role="alert">
              {errors.allowedMethods ?? ''}
            </p>
          </fieldset>

          <fieldset class="group">
            <legend>Multifactor authentication</legend>
            <label class="checkbox">
              <input
                type="checkbox"
                id="mfaRequired"
                checked={draft.mfaRequired}
                onChange={(event) => {
                  setDraft({ ...draft, mfaRequired: event.currentTarget.checked });
                  setNotice('');
                }}
              />
              <span>
                Require a second factor at every sign-in
                <span class="hint block">Users without a method register one at their next sign-in.</span>
              </span>
            </label>
          </fieldset>

          <fieldset class="group">
            <legend>Authenticator codes (new registrations)</legend>
            <p class="hint">
              Methods already registered keep their settings. Some apps only support SHA-1, 6 digits and 30
              seconds.
            </p>
            <div class="field-row">
              <SelectField
                id="algorithm"
                label="Algorithm"
                value={draft.algorithm}
                onValue={set('algorithm')}
                error={errors.algorithm ?? ''}
                options={[
                  { value: 'SHA1', label: 'SHA-1 (every app)' },
                  { value: 'SHA256', label: 'SHA-256' },
                  { value: 'SHA512', label: 'SHA-512' },
                ]}
              />
              <SelectField
                id="digits"
                label="Digits"
                value={draft.digits}
                onValue={set('digits')}
                error={errors.digits ?? ''}
                options={[
                  { value: '6', label: '6' },
                  { value: '8', label: '8' },
                ]}
              />
              <SelectField
                id="period"
                label="New code every"
                value={draft.period}
                onValue={set('period')}
                error={errors.period ?? ''}
                options={[
                  { value: '30', label: '30 seconds' },
                  { value: '60', label: '60 seconds' },
                ]}
              />
            </div>
          </fieldset>

          <fieldset class="group">
            <legend>Lockout after wrong codes</legend>
            <div class="field-row">
              <NumberField
                id="failuresPerLock"
                label="Wrong codes before a lock"
                value={draft.failuresPerLock}
                onValue={set('failuresPerLock')}
                error={errors.failuresPerLock}
                bounds={policyBounds.failuresPerLock}
                hint={`${policyBounds.failuresPerLock.min} to ${policyBounds.failuresPerLock.max}, in a row.`}
              />
              <NumberField
                id="firstLockMinutes"
                label="First lock, minutes"
                value={draft.firstLockMinutes}
                onValue={set('firstLockMinutes')}
                error={errors.firstLockMinutes}
                bounds={policyBounds.firstLockMinutes}
                hint={`${policyBounds.firstLockMinutes.min} to ${policyBounds.firstLockMinutes.max}; later locks last longer.`}
              />
            </div>
          </fieldset>

          <fieldset class="group" aria-describedby="send-limits-hint">
            <legend>Codes by text message and email</legend>
            <p class="hint" id="send-limits-hint">
              The most codes sent in an hour, from {policyBounds.sendLimit.min} to{' '}
              {policyBounds.sendLimit.max} each. Past a limit, people are asked to wait, and the sign-in log
              says “Too many codes sent”.
            </p>
            <div class="field-row">
              {sendLimitFields.map(({ field }) => (
                <NumberField
                  key={field}
                  id={field}
                  label={sendLimitLabels[field].label}
                  value={draft[field]}
                  onValue={set(field)}
                  error={errors[field]}
                  bounds={policyBounds.sendLimit}
                  hint={sendLimitLabels[field].hint}
                />
              ))}
            </div>
          </fieldset>

          <fieldset class="group">
            <legend>Temporary Access Pass lifetime (minutes)</legend>
            <p class="hint">
              From {policyBounds.passMinutes.min} minutes to {policyBounds.passMinutes.max} (
              {formatMinutes(policyBounds.passMinutes.max)}).
            </p>
            <div class="field-row">
              <NumberField
                id="minMinutes"
                label="Shortest"
                value={draft.minMinutes}
                onValue={set('minMinutes')}
                error={errors.minMinutes}
                bounds={policyBounds.passMinutes}
              />
              <NumberField
                id="defaultMinutes"
                label="Default"
                value={draft.defaultMinutes}
                onValue={set('defaultMinutes')}
                error={errors.defaultMinutes}
                bounds={policyBounds.passMinutes}
              />
              <NumberField
                id="maxMinutes"
                label="Longest"
                value={draft.maxMinutes}
                onValue={set('maxMinutes')}
                error={errors.maxMinutes}
                bounds={policyBounds.passMinutes}
              />
            </div>
          </fieldset>
        </fieldset>
        {readOnly ? null : (
          <div class="field policy-reason">
            <label for="policy-reason">Reason for the change (optional)</label>
            <textarea
              id="policy-reason"
              name="reason"
              rows={2}
              maxLength={500}
              value={reason}
              aria-describedby="policy-reason-hint"
              onInput={(event) => setReason(event.currentTarget.value)}
            />
            <p class="hint" id="policy-reason-hint">
              Saved in the audit log with your name.
            </p>
          </div>
        )}
        {readOnly ? null : (
          <div class="actions actions-start">
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : 'Save policy'}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setErrors({});
                setGeneral([]);
                setFormError(undefined);
                void load();
              }}
            >
              Discard changes
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

function NumberField(props: {
  id: PolicyField;
  label: string;
  value: string;
  onValue: (value: string) => void;
  error: string | undefined;
  bounds: { min: number; max: number };
  hint?: string;
}) {
  const describedBy = `${props.hint ? `${props.id}-hint ` : ''}${props.id}-error`;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type="number"
        inputMode="numeric"
        min={props.bounds.min}
        max={props.bounds.max}
        step={1}
        value={props.value}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <p class="error" id={`${props.id}-error`} role="alert">
        {props.error ?? ''}
      </p>
    </div>
  );
}

/** Moves focus to the first field with an error, in the form's order. */
function focusFirst(errors: FieldErrors) {
  const order: PolicyField[] = [
    'allowedMethods',
    'mfaRequired',
    'algorithm',
    'digits',
    'period',
    'failuresPerLock',
    'firstLockMinutes',
    ...sendLimitFields.map(({ field }) => field),
    'minMinutes',
    'defaultMinutes',
    'maxMinutes',
  ];
  const first = order.find((field) => errors[field]);
  if (!first) return;
  const id = first === 'allowedMethods' ? `method-${'authenticator'}` : first;
  document.getElementById(id)?.focus();
}
