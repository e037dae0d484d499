import { isLocale, type Locale } from '@twofold/core';
import { useState } from 'preact/hooks';
import { type MessageKey, t } from '../i18n/i18n.js';
import { MessageLocaleField } from '../i18n/message-locale-field.js';
import type { ApiResult } from '../shared/api.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import { CancelSubmit } from '../shared/components/step-actions.js';
import { adminMessage } from './admin-messages.js';
import { allRoles, roleName } from './roles.js';
import type { AdminUser, Role } from './types.js';

const roleHints: Readonly<Record<string, MessageKey>> = {
  'global-admin': 'admin.roleHint.global-admin',
  'authentication-admin': 'admin.roleHint.authentication-admin',
  helpdesk: 'admin.roleHint.helpdesk',
};

function RoleChoices(props: { roles: readonly Role[]; onRoles: (roles: Role[]) => void }) {
  return (
    <fieldset class="role-choices">
      <legend>{t('admin.roles.legend')}</legend>
      <p class="hint">{t('admin.roles.none')}</p>
      {allRoles.map((role) => (
        <label class="checkbox" key={role}>
          <input
            type="checkbox"
            name="roles"
            value={role}
            checked={props.roles.includes(role)}
            onChange={(event) =>
              props.onRoles(
                event.currentTarget.checked
                  ? [...props.roles, role]
                  : props.roles.filter((held) => held !== role),
              )
            }
          />
          <span>
            {roleName(role)}
            <span class="hint block">{t(roleHints[role] ?? 'admin.roleHint.helpdesk')}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** "Create user": email, name, roles and an optional password (without one, the user starts with a pass). */
export function CreateUserForm(props: {
  create: (user: {
    email: string;
    displayName?: string;
    roles: Role[];
    password?: string;
  }) => Promise<ApiResult<AdminUser>>;
  onCancel: () => void;
  onCreated: (user: AdminUser) => void;
}) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [password, setPassword] = useState('');
  const [emailError, setEmailError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const emailRef = useFocusOnMount<HTMLInputElement>();

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      setEmailError(t('admin.create.emailInvalid'));
      emailRef.current?.focus();
      return;
    }
    setEmailError(undefined);
    setError(undefined);
    setBusy(true);
    const result = await props.create({
      email: email.trim(),
      ...(name.trim() ? { displayName: name.trim() } : {}),
      roles,
      ...(password ? { password } : {}),
    });
    setBusy(false);
    if (result.ok) props.onCreated(result.data);
    else if (result.problem.code === 'user_exists' || result.problem.code === 'email_invalid') {
      setEmailError(adminMessage(result.problem));
      emailRef.current?.focus();
    } else setError(adminMessage(result.problem));
  }

  return (
    <form onSubmit={submit} noValidate>
      <Heading level={2} id="create-title">
        {t('admin.create.title')}
      </Heading>
      <TextField
        id="new-email"
        label={t('admin.user.email')}
        type="email"
        value={email}
        onValue={setEmail}
        error={emailError}
        autoComplete="off"
        maxLength={254}
        inputRef={emailRef}
      />
      <TextField
        id="new-name"
        label={t('admin.create.name')}
        value={name}
        onValue={setName}
        maxLength={200}
      />
      <RoleChoices roles={roles} onRoles={setRoles} />
      <TextField
        id="new-password"
        label={t('admin.create.password')}
        type="password"
        value={password}
        onValue={setPassword}
        autoComplete="new-password"
        maxLength={256}
        hint={t('admin.create.passwordHint')}
      />
      <FormError id="create-error" message={error} />
      <CancelSubmit
        onCancel={props.onCancel}
        busy={busy}
        label={t('admin.create.title')}
        busyLabel={t('admin.create.busy')}
      />
    </form>
  );
}

/**
 * "Edit user": name, roles (global admins) and the language of their messages; only what changed is sent,
 * with an optional reason.
 */
export function EditUserForm(props: {
  user: AdminUser;
  save: (change: {
    displayName?: string;
    roles?: Role[];
    locale?: Locale | null;
    reason: string;
  }) => Promise<ApiResult<AdminUser>>;
  onCancel: () => void;
  onSaved: (changed: boolean) => void;
}) {
  const [name, setName] = useState(props.user.displayName);
  const [roles, setRoles] = useState<Role[]>([...props.user.roles]);
  const [locale, setLocale] = useState<string>(props.user.locale ?? '');
  const [reason, setReason] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const nameRef = useFocusOnMount<HTMLInputElement>();

  async function submit(event: Event) {
    event.preventDefault();
    if (busy) return;
    const displayName = name.trim();
    if (!displayName && props.user.displayName) {
      setNameError(t('admin.edit.nameMissing'));
      nameRef.current?.focus();
      return;
    }
    setNameError(undefined);
    const sameRoles =
      roles.length === props.user.roles.length && roles.every((role) => props.user.roles.includes(role));
    const newLocale = isLocale(locale) ? locale : null;
    const change = {
      ...(displayName !== props.user.displayName && displayName ? { displayName } : {}),
      ...(sameRoles ? {} : { roles }),
      ...(newLocale === (props.user.locale ?? null) ? {} : { locale: newLocale }),
    };
    if (Object.keys(change).length === 0) {
      props.onSaved(false);
      return;
    }
    setBusy(true);
    setError(undefined);
    const result = await props.save({ ...change, reason });
    setBusy(false);
    if (result.ok) props.onSaved(true);
    else setError(adminMessage(result.problem));
  }

  return (
    <form onSubmit={submit} noValidate>
      <Heading level={2} id="edit-title">
        {t('admin.edit.title', { who: props.user.email })}
      </Heading>
      <TextField
        id="edit-name"
        label={t('admin.user.name')}
        value={name}
        onValue={setName}
        error={nameError}
        maxLength={200}
        inputRef={nameRef}
      />
      <RoleChoices roles={roles} onRoles={setRoles} />
      <MessageLocaleField
        id="edit-locale"
        label={t('admin.edit.language')}
        defaultLabel={t('admin.edit.languageDefault')}
        hint={t('admin.edit.languageHint')}
        value={locale}
        onValue={setLocale}
      />
      <div class="field">
        <label for="edit-reason">{t('admin.reason.optional')}</label>
        <textarea
          id="edit-reason"
          name="reason"
          rows={2}
          maxLength={500}
          value={reason}
          aria-describedby="edit-reason-hint"
          onInput={(event) => setReason(event.currentTarget.value)}
        />
        <p class="hint" id="edit-reason-hint">
          {t('admin.reason.hint')}
        </p>
      </div>
      <FormError id="edit-error" message={error} />
      <CancelSubmit
        onCancel={props.onCancel}
        busy={busy}
        label={t('common.action.save')}
        busyLabel={t('common.action.saving')}
      />
    </form>
  );
}
