import { useState } from 'preact/hooks';
import type { ApiResult } from '../shared/api.js';
import { FormError, TextField } from '../shared/components/field.js';
import { Heading, useFocusOnMount } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { allRoles, roleNames } from './roles.js';
import type { AdminUser, Role } from './types.js';

const roleHints: Readonly<Record<string, string>> = {
  'global-admin': 'Everything, including other admins, roles and the policy.',
  'authentication-admin': 'Helpdesk, plus deleting methods, resync, unlock and hardware tokens.',
  helpdesk: 'Re-registration, passes and sessions of ordinary users; reads the sign-in log.',
};

function RoleChoices(props: { roles: readonly Role[]; onRoles: (roles: Role[]) => void }) {
  return (
    <fieldset class="role-choices">
      <legend>Admin roles</legend>
      <p class="hint">None: an ordinary user.</p>
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
            {roleNames[role]}
            <span class="hint block">{roleHints[role]}</span>
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
      setEmailError('Enter an email address, like ada@example.com.');
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
        Create user
      </Heading>
      <TextField
        id="new-email"
        label="Email"
        type="email"
        value={email}
        onValue={setEmail}
        error={emailError}
        autoComplete="off"
        maxLength={254}
        inputRef={emailRef}
      />
      <TextField id="new-name" label="Name (optional)" value={name} onValue={setName} maxLength={200} />
      <RoleChoices roles={roles} onRoles={setRoles} />
      <TextField
        id="new-password"
        label="Password (optional)"
        type="password"
        value={password}
        onValue={setPassword}
        autoComplete="new-password"
        maxLength={256}
        hint="Leave it empty and issue a Temporary Access Pass instead: the user signs in with it and registers a method."
      />
      <FormError id="create-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}

/** "Edit user": name and roles (global admins); only what changed is sent, with an optional reason. */
export function EditUserForm(props: {
  user: AdminUser;
  save: (change: { displayName?: string; roles?: Role[]; reason: string }) => Promise<ApiResult<AdminUser>>;
  onCancel: () => void;
  onSaved: (changed: boolean) => void;
}) {
  const [name, setName] = useState(props.user.displayName);
  const [roles, setRoles] = useState<Role[]>([...props.user.roles]);
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
      setNameError('Enter a name: a user keeps one once they have it.');
      nameRef.current?.focus();
      return;
    }
    setNameError(undefined);
    const sameRoles =
      roles.length === props.user.roles.length && roles.every((role) => props.user.roles.includes(role));
    const change = {
      ...(displayName !== props.user.displayName && displayName ? { displayName } : {}),
      ...(sameRoles ? {} : { roles }),
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
        Edit {props.user.email}
      </Heading>
      <TextField
        id="edit-name"
        label="Name"
        value={name}
        onValue={setName}
        error={nameError}
        maxLength={200}
        inputRef={nameRef}
      />
      <RoleChoices roles={roles} onRoles={setRoles} />
      <div class="field">
        <label for="edit-reason">Reason (optional)</label>
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
          Saved in the audit log with your name.
        </p>
      </div>
      <FormError id="edit-error" message={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
