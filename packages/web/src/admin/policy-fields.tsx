/**
 * The groups of fields of the policy editor, one component each: they show the draft and its errors and
 * report changes; the view owns the draft, the checks and saving.
 */
import { localeNames, locales } from '@twofold/core';
import { type MessageKey, t } from '../i18n/i18n.js';
import { fieldDescribedBy } from '../shared/components/field.js';
import { SelectField } from './components.js';
import { formatMinutes, methodTypeName, methodTypes } from './format.js';
import {
  type FieldErrors,
  type PolicyDraft,
  type PolicyField,
  policyBounds,
  type SendLimitField,
  sendLimitFields,
} from './policy-form.js';

export interface PolicyGroupProps {
  readonly draft: PolicyDraft;
  readonly errors: FieldErrors;
  /** Sets a text field of the draft. */
  readonly set: (field: PolicyField) => (value: string) => void;
  /** Replaces the draft (checkboxes). */
  readonly change: (draft: PolicyDraft) => void;
}

const methodHints: Readonly<Record<string, MessageKey>> = {
  authenticator: 'admin.policy.methodHint.authenticator',
  totp: 'admin.policy.methodHint.totp',
  sms: 'admin.policy.methodHint.sms',
  email: 'admin.policy.methodHint.email',
  hardware_oath: 'admin.policy.methodHint.hardware_oath',
  recovery_codes: 'admin.policy.methodHint.recovery_codes',
  temporary_access_pass: 'admin.policy.methodHint.temporary_access_pass',
};

const sendLimitLabels: Readonly<Record<SendLimitField, { label: MessageKey; hint: MessageKey }>> = {
  sendPerUser: { label: 'admin.policy.send.perUser', hint: 'admin.policy.send.perUserHint' },
  sendPerDestination: {
    label: 'admin.policy.send.perDestination',
    hint: 'admin.policy.send.perDestinationHint',
  },
  sendPerIp: { label: 'admin.policy.send.perIp', hint: 'admin.policy.send.perIpHint' },
  sendPerTenant: { label: 'admin.policy.send.perTenant', hint: 'admin.policy.send.perTenantHint' },
};

export function AllowedMethods({ draft, errors, change }: PolicyGroupProps) {
  const toggle = (type: string, on: boolean) =>
    change({
      ...draft,
      allowedMethods: on ? [...draft.allowedMethods, type] : draft.allowedMethods.filter((m) => m !== type),
    });
  return (
    <fieldset class="group" aria-describedby="allowedMethods-error">
      <legend>{t('admin.policy.allowed')}</legend>
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
                onChange={(event) => toggle(type, event.currentTarget.checked)}
              />
              <span>
                {methodTypeName(type)}
                <span class="hint block">{t(methodHints[type] ?? 'admin.policy.methodHint.totp')}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      <p class="error" id="allowedMethods-error" role="alert">
        {errors.allowedMethods ?? ''}
      </p>
    </fieldset>
  );
}

export function MfaRequirement({ draft, change }: PolicyGroupProps) {
  return (
    <fieldset class="group">
      <legend>{t('admin.policy.mfa')}</legend>
      <label class="checkbox">
        <input
          type="checkbox"
          id="mfaRequired"
          checked={draft.mfaRequired}
          onChange={(event) => change({ ...draft, mfaRequired: event.currentTarget.checked })}
        />
        <span>
          {t('admin.policy.mfaRequired')}
          <span class="hint block">{t('admin.policy.mfaRequiredHint')}</span>
        </span>
      </label>
      <label class="checkbox">
        <input
          type="checkbox"
          id="registrationRequiresPass"
          checked={draft.registrationRequiresPass}
          onChange={(event) => change({ ...draft, registrationRequiresPass: event.currentTarget.checked })}
        />
        <span>
          {t('admin.policy.registrationRequiresPass')}
          <span class="hint block">{t('admin.policy.registrationRequiresPassHint')}</span>
        </span>
      </label>
      <label class="checkbox">
        <input
          type="checkbox"
          id="phishingResistantAdmins"
          checked={draft.phishingResistantAdmins}
          onChange={(event) => change({ ...draft, phishingResistantAdmins: event.currentTarget.checked })}
        />
        <span>
          {t('admin.policy.phishingResistantAdmins')}
          <span class="hint block">{t('admin.policy.phishingResistantAdminsHint')}</span>
        </span>
      </label>
    </fieldset>
  );
}

export function TotpSettings({ draft, errors, set }: PolicyGroupProps) {
  return (
    <fieldset class="group">
      <legend>{t('admin.policy.totp')}</legend>
      <p class="hint">{t('admin.policy.totpHint')}</p>
      <div class="field-row">
        <SelectField
          id="algorithm"
          label={t('admin.policy.algorithm')}
          value={draft.algorithm}
          onValue={set('algorithm')}
          error={errors.algorithm ?? ''}
          options={[
            { value: 'SHA1', label: t('admin.policy.sha1') },
            { value: 'SHA256', label: 'SHA-256' },
            { value: 'SHA512', label: 'SHA-512' },
          ]}
        />
        <SelectField
          id="digits"
          label={t('admin.policy.digits')}
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
          label={t('admin.policy.period')}
          value={draft.period}
          onValue={set('period')}
          error={errors.period ?? ''}
          options={[30, 60].map((seconds) => ({
            value: String(seconds),
            label: t('admin.policy.seconds', { seconds }),
          }))}
        />
      </div>
    </fieldset>
  );
}

export function LockoutSettings({ draft, errors, set }: PolicyGroupProps) {
  const { failuresPerLock, firstLockMinutes } = policyBounds;
  return (
    <fieldset class="group">
      <legend>{t('admin.policy.lockout')}</legend>
      <div class="field-row">
        <NumberField
          id="failuresPerLock"
          label={t('admin.policy.failuresPerLock')}
          value={draft.failuresPerLock}
          onValue={set('failuresPerLock')}
          error={errors.failuresPerLock}
          bounds={failuresPerLock}
          hint={t('admin.policy.failuresPerLockHint', failuresPerLock)}
        />
        <NumberField
          id="firstLockMinutes"
          label={t('admin.policy.firstLock')}
          value={draft.firstLockMinutes}
          onValue={set('firstLockMinutes')}
          error={errors.firstLockMinutes}
          bounds={firstLockMinutes}
          hint={t('admin.policy.firstLockHint', firstLockMinutes)}
        />
      </div>
    </fieldset>
  );
}

export function SendLimitSettings({ draft, errors, set }: PolicyGroupProps) {
  return (
    <fieldset class="group" aria-describedby="send-limits-hint">
      <legend>{t('admin.policy.send')}</legend>
      <p class="hint" id="send-limits-hint">
        {t('admin.policy.sendHint', policyBounds.sendLimit)}
      </p>
      <div class="field-row">
        {sendLimitFields.map(({ field }) => (
          <NumberField
            key={field}
            id={field}
            label={t(sendLimitLabels[field].label)}
            value={draft[field]}
            onValue={set(field)}
            error={errors[field]}
            bounds={policyBounds.sendLimit}
            hint={t(sendLimitLabels[field].hint)}
          />
        ))}
      </div>
    </fieldset>
  );
}

export function PassLifetimes({ draft, errors, set }: PolicyGroupProps) {
  const bounds = policyBounds.passMinutes;
  const fields = [
    ['minMinutes', 'admin.policy.passShortest'],
    ['defaultMinutes', 'admin.policy.passDefault'],
    ['maxMinutes', 'admin.policy.passLongest'],
  ] as const;
  return (
    <fieldset class="group">
      <legend>{t('admin.policy.pass')}</legend>
      <p class="hint">{t('admin.policy.passHint', { ...bounds, longest: formatMinutes(bounds.max) })}</p>
      <div class="field-row">
        {fields.map(([field, label]) => (
          <NumberField
            key={field}
            id={field}
            label={t(label)}
            value={draft[field]}
            onValue={set(field)}
            error={errors[field]}
            bounds={bounds}
          />
        ))}
      </div>
    </fieldset>
  );
}

/** The tenant's language: pages whose browser asks for none of the four, and messages to users with none set. */
export function LanguageSetting({ draft, errors, set }: PolicyGroupProps) {
  return (
    <fieldset class="group">
      <legend>{t('admin.policy.language')}</legend>
      <div class="field-row">
        <SelectField
          id="defaultLocale"
          label={t('admin.policy.defaultLocale')}
          value={draft.defaultLocale}
          onValue={set('defaultLocale')}
          error={errors.defaultLocale ?? ''}
          hint={t('admin.policy.defaultLocaleHint')}
          options={locales.map((tag) => ({ value: tag, label: localeNames[tag], lang: tag }))}
        />
      </div>
    </fieldset>
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
  const describedBy = fieldDescribedBy(props.id, { hint: props.hint, error: true });
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
