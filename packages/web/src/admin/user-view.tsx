import { useEffect, useState } from 'preact/hooks';
import type { ApiResult, Problem } from '../shared/api.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { CodeDialogBody } from './code-dialog.js';
import { Badges, Loading, SuccessNotice } from './components.js';
import { ConfirmDialog, type ConfirmSpec } from './confirm-dialog.js';
import type { Console } from './console.js';
import {
  count,
  describeLockout,
  describeNextSignIn,
  describePass,
  formatDateTime,
  formatDrift,
  methodName,
  userBadges,
} from './format.js';
import { MethodsTable } from './methods-table.js';
import { PassDialogBody } from './pass-dialog.js';
import { can, roleName } from './roles.js';
import { formatRoute } from './routes.js';
import type { AdminMethod, AdminUserDetails } from './types.js';
import {
  type MethodAction,
  methodActionAllowed,
  offeredUserActions,
  type UserAction,
} from './user-actions.js';
import { EditUserForm } from './user-form.js';

type DialogState =
  | { readonly kind: 'none' }
  | { readonly kind: 'confirm'; readonly spec: ConfirmSpec; readonly after?: () => void }
  | { readonly kind: 'pass' }
  | { readonly kind: 'edit' }
  | { readonly kind: 'code'; readonly action: 'resync' | 'activate'; readonly method: AdminMethod };

const none: DialogState = { kind: 'none' };

/** A problem, or nothing when the call succeeded (what a dialog's `run` returns). */
function failure<T>(result: ApiResult<T>): Problem | undefined {
  return result.ok ? undefined : result.problem;
}

/** The usual ways to get someone signed in again stand out; the rest are secondary. */
const primaryActions: ReadonlySet<UserAction> = new Set(['reregister', 'pass', 'unlock', 'clear-push']);

const toolbarLabels: Readonly<Record<UserAction, string>> = {
  reregister: 'Require re-register MFA',
  pass: 'Issue Temporary Access Pass',
  revoke: 'Revoke sessions',
  unlock: 'Unlock',
  'clear-push': 'Clear push block',
  edit: 'Edit name and roles',
  disable: 'Disable user',
  enable: 'Enable user',
  delete: 'Delete user',
};

/** One user: details, authentication methods, and what an admin can do to help them sign in. */
export function UserView(props: {
  console: Console;
  userId: string;
  notice?: string | undefined;
  focus: boolean;
}) {
  const { admin, me, navigate } = props.console;
  const { userId } = props;
  const [user, setUser] = useState<AdminUserDetails>();
  const [methods, setMethods] = useState<readonly AdminMethod[]>();
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const [methodsError, setMethodsError] = useState<string>();
  const [notice, setNotice] = useState(props.notice ?? '');
  const [dialog, setDialog] = useState<DialogState>(none);

  async function load(): Promise<void> {
    const [userResult, methodsResult] = await Promise.all([admin.getUser(userId), admin.listMethods(userId)]);
    if (userResult.ok) {
      setUser(userResult.data);
      setLoadProblem(undefined);
    } else {
      setLoadProblem(userResult.problem);
    }
    if (methodsResult.ok) {
      setMethods(methodsResult.data.methods);
      setMethodsError(undefined);
    } else {
      setMethodsError(adminMessage(methodsResult.problem));
    }
  }

  useEffect(() => {
    void load();
  }, [userId]);

  /** After an action: close the dialog, read the user again, then say what happened. */
  async function finish(message: string) {
    setDialog(none);
    await load();
    setNotice(message);
  }

  function open(next: DialogState) {
    setNotice('');
    setDialog(next);
  }

  if (!user) {
    return (
      <section aria-labelledby="user-title">
        <p class="back-link">
          <a href="#/users">← All users</a>
        </p>
        <Heading id="user-title" focus={props.focus}>
          User
        </Heading>
        {loadProblem ? (
          <>
            <FormError id="user-load-error" message={adminMessage(loadProblem)} />
            {loadProblem.code === 'user_not_found' || loadProblem.status === 404 ? null : (
              <button type="button" onClick={() => void load()}>
                Try again
              </button>
            )}
          </>
        ) : (
          <Loading>Loading the user…</Loading>
        )}
      </section>
    );
  }

  const who = user.email;
  const now = Date.now();
  const offered = offeredUserActions(me, user, now);

  function confirm(spec: ConfirmSpec) {
    open({ kind: 'confirm', spec });
  }

  function startUserAction(action: UserAction) {
    if (!user) return;
    switch (action) {
      case 'reregister':
        return confirm({
          title: 'Require re-register multifactor authentication?',
          body: (
            <>
              <p>
                Use this when <strong>{who}</strong> lost or replaced their phone, or their app shows no
                codes. In one step, Twofold:
              </p>
              <ul class="effects">
                <li>
                  deletes their authenticator apps, other TOTP apps, phone (SMS) numbers and push devices;
                </li>
                <li>deactivates their hardware tokens;</li>
                <li>signs them out on every device.</li>
              </ul>
              <p>
                At their next sign-in, after their password, they register a new method. Their password stays.
                If they cannot sign in with it, also issue a Temporary Access Pass.
              </p>
            </>
          ),
          confirmLabel: 'Require re-registration',
          busyLabel: 'Requiring…',
          danger: true,
          reason: 'required',
          run: async (reason) => {
            const result = await admin.requireReregistration(user.id, reason);
            if (result.ok) {
              const r = result.data;
              void finish(
                `Re-registration required for ${who}: ${count(r.deletedMethods, 'method')} deleted, ${count(r.disabledHardwareTokens, 'hardware token')} deactivated, ${count(r.revokedSessions, 'session')} ended. They register a new method at their next sign-in.`,
              );
            }
            return failure(result);
          },
        });
      case 'pass':
        return open({ kind: 'pass' });
      case 'revoke':
        return confirm({
          title: 'Revoke all sessions?',
          body: (
            <p>
              Signs <strong>{who}</strong> out on every browser and device (
              {count(user.activeSessions, 'active session')}
              ). Their methods stay: they sign in again as usual.
            </p>
          ),
          confirmLabel: 'Revoke sessions',
          busyLabel: 'Revoking…',
          danger: true,
          reason: 'required',
          run: async (reason) => {
            const result = await admin.revokeSessions(user.id, reason);
            if (result.ok) void finish(`Ended ${count(result.data.revokedSessions, 'session')} of ${who}.`);
            return failure(result);
          },
        });
      case 'unlock':
        return confirm({
          title: 'Unlock sign-in?',
          body: (
            <p>
              Lifts the lock on <strong>{who}</strong> and clears their{' '}
              {count(user.lockout.failures, 'failed attempt')}, so they can sign in again at once.
            </p>
          ),
          confirmLabel: 'Unlock',
          busyLabel: 'Unlocking…',
          reason: 'optional',
          run: async (reason) => {
            const result = await admin.unlock(user.id, reason);
            if (result.ok) void finish(`${who} is unlocked and can sign in again.`);
            return failure(result);
          },
        });
      case 'clear-push':
        return confirm({
          title: 'Clear the push block?',
          body: (
            <p>
              <strong>{who}</strong> reported a push approval as not theirs, so push approvals are blocked for
              them. Clear the block once you know their account is safe, for example after their password was
              changed.
            </p>
          ),
          confirmLabel: 'Clear push block',
          busyLabel: 'Clearing…',
          reason: 'optional',
          run: async (reason) => {
            const result = await admin.clearPushBlock(user.id, reason);
            if (result.ok) void finish(`Push approvals work again for ${who}.`);
            return failure(result);
          },
        });
      case 'edit':
        return open({ kind: 'edit' });
      case 'disable':
        return confirm({
          title: `Disable ${who}?`,
          body: (
            <p>
              They can no longer sign in, and apps stop accepting their sign-ins. Their methods stay, and you
              can enable the account again at any time.
            </p>
          ),
          confirmLabel: 'Disable user',
          busyLabel: 'Disabling…',
          danger: true,
          reason: 'required',
          run: async (reason) => {
            const result = await admin.updateUser(user.id, { disabled: true, reason });
            if (result.ok) void finish(`${who} is disabled.`);
            return failure(result);
          },
        });
      case 'enable':
        return confirm({
          title: `Enable ${who}?`,
          body: <p>They can sign in again with their password and methods.</p>,
          confirmLabel: 'Enable user',
          busyLabel: 'Enabling…',
          reason: 'optional',
          run: async (reason) => {
            const result = await admin.updateUser(user.id, { disabled: false, reason });
            if (result.ok) void finish(`${who} is enabled again.`);
            return failure(result);
          },
        });
      case 'delete':
        return confirm({
          title: `Delete ${who}?`,
          body: (
            <p>
              Deletes the account with its methods, recovery codes and sessions. This cannot be undone: to
              disable sign-in for a while, disable the user instead.
            </p>
          ),
          confirmLabel: 'Delete user',
          busyLabel: 'Deleting…',
          danger: true,
          reason: 'required',
          typeToConfirm: user.email,
          run: async (reason) => {
            const result = await admin.deleteUser(user.id, reason);
            if (result.ok) {
              setDialog(none);
              navigate('#/users', `Deleted ${who}.`);
            }
            return failure(result);
          },
        });
    }
  }

  function startMethodAction(action: MethodAction, method: AdminMethod) {
    if (!user) return;
    const name = methodName(method);
    switch (action) {
      case 'delete':
        return confirm({
          title: 'Delete this method?',
          body: (
            <p>
              <strong>{name}</strong> of {who} stops working for sign-in at once. If it was their last method,
              they register a new one at their next sign-in.
            </p>
          ),
          confirmLabel: 'Delete method',
          busyLabel: 'Deleting…',
          danger: true,
          reason: 'required',
          run: async (reason) => {
            const result = await admin.deleteMethod(user.id, method.id, reason);
            if (result.ok) void finish(`Deleted ${name} of ${who}.`);
            return failure(result);
          },
        });
      case 'reset-drift':
        return confirm({
          title: 'Reset the clock drift?',
          body: (
            <p>
              Twofold found that the clock of <strong>{name}</strong> is off by{' '}
              {formatDrift(method.driftSeconds)} and corrects for it. Reset it once the device's clock is
              right again. If it is still off, use Resync instead.
            </p>
          ),
          confirmLabel: 'Reset drift',
          busyLabel: 'Resetting…',
          reason: 'optional',
          run: async (reason) => {
            const result = await admin.resetDrift(user.id, method.id, reason);
            if (result.ok) void finish(`The clock drift of ${name} is reset.`);
            return failure(result);
          },
        });
      case 'resync':
      case 'activate':
        return open({ kind: 'code', action, method });
    }
  }

  const close = () => setDialog(none);

  return (
    <section aria-labelledby="user-title">
      <p class="back-link">
        <a href="#/users">← All users</a>
      </p>
      <Heading id="user-title" focus={props.focus}>
        {user.displayName || user.email}
      </Heading>
      <p class="user-subline">
        <span class="muted">{user.email}</span> <Badges badges={userBadges(user, now)} empty="" />
      </p>
      <SuccessNotice message={notice} />

      {offered.blocked ? <p class="notice">{offered.blocked}</p> : null}
      {offered.actions.length > 0 ? (
        <fieldset class="toolbar">
          <legend class="visually-hidden">Actions on this user</legend>
          {offered.actions.map((action) => (
            <button
              key={action}
              type="button"
              class={primaryActions.has(action) ? undefined : 'secondary'}
              onClick={() => startUserAction(action)}
            >
              {toolbarLabels[action]}
            </button>
          ))}
        </fieldset>
      ) : null}
      {offered.needHigherRole.length > 0 ? (
        <p class="hint">
          Needs a higher admin role than yours:{' '}
          {offered.needHigherRole.map((a) => toolbarLabels[a].toLowerCase()).join(', ')}.
        </p>
      ) : null}

      <h2 id="details-title">Details</h2>
      <dl class="facts" aria-labelledby="details-title">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Name</dt>
        <dd>{user.displayName || <span class="muted">—</span>}</dd>
        <dt>Roles</dt>
        <dd>{user.roles.length ? user.roles.map(roleName).join(', ') : 'Ordinary user (no admin role)'}</dd>
        <dt>Account</dt>
        <dd>{user.disabled ? 'Disabled: cannot sign in' : 'Enabled'}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(user.createdAt)}</dd>
        <dt>Active sessions</dt>
        <dd>{user.activeSessions}</dd>
        <dt>Recovery codes left</dt>
        <dd>{user.recoveryCodesRemaining}</dd>
        <dt>Temporary Access Pass</dt>
        <dd>{describePass(user.temporaryAccessPass, now)}</dd>
        <dt>Lockout</dt>
        <dd>{describeLockout(user, now)}</dd>
        <dt>Push approvals</dt>
        <dd>{user.pushBlocked ? 'Blocked: the user reported a push as not theirs' : 'Not blocked'}</dd>
        <dt>Next sign-in</dt>
        <dd>{describeNextSignIn(user, methods)}</dd>
      </dl>
      <p class="links-inline">
        {can(me.roles, 'sign_ins.read') ? (
          <a href={formatRoute({ view: 'sign-ins', params: { userId: user.id } })}>Sign-ins of this user</a>
        ) : null}
        {can(me.roles, 'audit.read') ? (
          <a href={formatRoute({ view: 'audit', params: { targetId: user.id } })}>
            Audit events about this user
          </a>
        ) : null}
      </p>

      <h2 id="methods-title">Authentication methods</h2>
      <FormError id="methods-error" message={methodsError} />
      {methods === undefined ? (
        methodsError ? null : (
          <Loading>Loading methods…</Loading>
        )
      ) : methods.length === 0 ? (
        <p class="empty">
          No authentication methods. {user.email} registers one at their next sign-in (with their password or
          a Temporary Access Pass).
        </p>
      ) : (
        <MethodsTable
          methods={methods}
          allowed={(action) => methodActionAllowed(me, user, action)}
          onAction={(action, method) => {
            setNotice('');
            startMethodAction(action, method);
          }}
        />
      )}

      <ConfirmDialog
        spec={dialog.kind === 'confirm' ? dialog.spec : undefined}
        onClose={close}
        onDone={close}
      />
      <Dialog open={dialog.kind === 'pass'} labelledBy="pass-title" onClose={close}>
        <PassDialogBody
          admin={admin}
          user={user}
          onCancel={close}
          onIssued={() => {
            void load();
          }}
          onDone={() => {
            setDialog(none);
            setNotice(`Issued a Temporary Access Pass to ${who}.`);
          }}
        />
      </Dialog>
      <Dialog open={dialog.kind === 'edit'} labelledBy="edit-title" onClose={close}>
        <EditUserForm
          user={user}
          save={(change) => admin.updateUser(user.id, change)}
          onCancel={close}
          onSaved={(changed) => void finish(changed ? `Saved the changes to ${who}.` : 'Nothing changed.')}
        />
      </Dialog>
      <Dialog open={dialog.kind === 'code'} labelledBy="code-title" onClose={close}>
        {dialog.kind === 'code' ? (
          <CodeDialogBody
            kind={dialog.action}
            method={dialog.method}
            onCancel={close}
            run={async (codes) => {
              const result =
                dialog.action === 'resync'
                  ? await admin.resyncMethod(user.id, dialog.method.id, codes[0] ?? '', codes[1] ?? '')
                  : await admin.activateMethod(user.id, dialog.method.id, codes[0] ?? '');
              return failure(result);
            }}
            onDone={() =>
              void finish(
                dialog.action === 'resync'
                  ? `${methodName(dialog.method)} is resynchronised.`
                  : `${methodName(dialog.method)} is active: ${who} can sign in with it.`,
              )
            }
          />
        ) : null}
      </Dialog>
    </section>
  );
}
