import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatList, type MessageKey, t } from '../i18n/i18n.js';
import type { Problem } from '../shared/api.js';
import { Dialog } from '../shared/components/dialog.js';
import { FormError } from '../shared/components/field.js';
import { Heading } from '../shared/components/layout.js';
import { adminMessage } from './admin-messages.js';
import { CodeDialogBody } from './code-dialog.js';
import { Badges, Loading, SuccessNotice } from './components.js';
import { ConfirmDialog, type ConfirmSpec } from './confirm-dialog.js';
import type { Console } from './console.js';
import { methodName, userBadges } from './format.js';
import { UserGroups } from './groups-view.js';
import { MethodsTable } from './methods-table.js';
import { PassDialogBody } from './pass-dialog.js';
import { can } from './roles.js';
import type { AdminMethod, AdminUserDetails } from './types.js';
import { type ActionContext, failure, methodActionSpec, userActionSpec } from './user-action-specs.js';
import {
  type MethodAction,
  methodActionAllowed,
  type OfferedActions,
  offeredUserActions,
  type UserAction,
} from './user-actions.js';
import { UserDetails } from './user-details.js';
import { EditUserForm } from './user-form.js';

type DialogState =
  | { readonly kind: 'none' }
  | { readonly kind: 'confirm'; readonly spec: ConfirmSpec }
  | { readonly kind: 'pass' }
  | { readonly kind: 'edit' }
  | { readonly kind: 'code'; readonly action: 'resync' | 'activate'; readonly method: AdminMethod };

const none: DialogState = { kind: 'none' };

/** The usual ways to get someone signed in again stand out; the rest are secondary. */
const primaryActions: ReadonlySet<UserAction> = new Set(['reregister', 'pass', 'unlock', 'clear-push']);

const toolbarLabels: Readonly<Record<UserAction, MessageKey>> = {
  reregister: 'admin.userAction.reregister',
  pass: 'admin.userAction.pass',
  revoke: 'admin.userAction.revoke',
  unlock: 'admin.userAction.unlock',
  'clear-push': 'admin.userAction.clearPush',
  edit: 'admin.userAction.edit',
  disable: 'admin.userAction.disable',
  enable: 'admin.userAction.enable',
  delete: 'admin.userAction.delete',
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

  if (!user) return <UserLoading problem={loadProblem} focus={props.focus} onRetry={() => void load()} />;

  const who = user.email;
  const now = Date.now();
  const context: ActionContext = {
    admin,
    user,
    finish: (message) => void finish(message),
    leave: (message) => {
      setDialog(none);
      navigate('#/users', message);
    },
  };

  function startUserAction(action: UserAction) {
    if (action === 'pass' || action === 'edit') return open({ kind: action });
    const spec = userActionSpec(action, context);
    if (spec) open({ kind: 'confirm', spec });
  }

  function startMethodAction(action: MethodAction, method: AdminMethod) {
    if (action === 'resync' || action === 'activate') return open({ kind: 'code', action, method });
    const spec = methodActionSpec(action, method, context);
    if (spec) open({ kind: 'confirm', spec });
  }

  const close = () => setDialog(none);

  return (
    <section aria-labelledby="user-title">
      <UserPageHead focus={props.focus}>{user.displayName || user.email}</UserPageHead>
      <p class="user-subline">
        <span class="muted">{user.email}</span> <Badges badges={userBadges(user, now)} empty="" />
      </p>
      <SuccessNotice message={notice} />
      <UserToolbar offered={offeredUserActions(me, user, now)} onAction={startUserAction} />
      <UserDetails user={user} methods={methods} roles={me.roles} now={now} />

      <h2 id="methods-title">{t('admin.user.methodsTitle')}</h2>
      <FormError id="methods-error" message={methodsError} />
      {methods === undefined ? (
        methodsError ? null : (
          <Loading>{t('admin.user.methodsLoading')}</Loading>
        )
      ) : methods.length === 0 ? (
        <p class="empty">{t('admin.user.methodsNone', { email: user.email })}</p>
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
      {can(me.roles, 'groups.read') ? <UserGroups admin={admin} userId={user.id} /> : null}

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
            setNotice(t('admin.pass.issuedTo', { who }));
          }}
        />
      </Dialog>
      <Dialog open={dialog.kind === 'edit'} labelledBy="edit-title" onClose={close}>
        <EditUserForm
          user={user}
          save={(change) => admin.updateUser(user.id, change)}
          onCancel={close}
          onSaved={(changed) =>
            void finish(changed ? t('admin.edit.saved', { who }) : t('admin.edit.unchanged'))
          }
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
                  ? t('admin.code.resynced', { name: methodName(dialog.method) })
                  : t('admin.code.activated', { name: methodName(dialog.method), who }),
              )
            }
          />
        ) : null}
      </Dialog>
    </section>
  );
}

/** The way back to the list, and the page's heading (focused when the view opens). */
function UserPageHead(props: { focus: boolean; children: ComponentChildren }) {
  return (
    <>
      <p class="back-link">
        <a href="#/users">{t('admin.user.back')}</a>
      </p>
      <Heading id="user-title" focus={props.focus}>
        {props.children}
      </Heading>
    </>
  );
}

/** The user page before the user is read: loading, or why it could not be. */
function UserLoading(props: { problem: Problem | undefined; focus: boolean; onRetry: () => void }) {
  const { problem } = props;
  return (
    <section aria-labelledby="user-title">
      <UserPageHead focus={props.focus}>{t('admin.user.title')}</UserPageHead>
      {problem ? (
        <>
          <FormError id="user-load-error" message={adminMessage(problem)} />
          {problem.code === 'user_not_found' || problem.status === 404 ? null : (
            <button type="button" onClick={props.onRetry}>
              {t('common.action.tryAgain')}
            </button>
          )}
        </>
      ) : (
        <Loading>{t('admin.user.loading')}</Loading>
      )}
    </section>
  );
}

/** The actions offered on this user, or why there are none (their own account, another admin). */
function UserToolbar(props: { offered: OfferedActions; onAction: (action: UserAction) => void }) {
  const { offered } = props;
  return (
    <>
      {offered.blocked ? <p class="notice">{offered.blocked}</p> : null}
      {offered.actions.length > 0 ? (
        <fieldset class="toolbar">
          <legend class="visually-hidden">{t('admin.user.actionsLegend')}</legend>
          {offered.actions.map((action) => (
            <button
              key={action}
              type="button"
              class={primaryActions.has(action) ? undefined : 'secondary'}
              onClick={() => props.onAction(action)}
            >
              {t(toolbarLabels[action])}
            </button>
          ))}
        </fieldset>
      ) : null}
      {offered.needHigherRole.length > 0 ? (
        <p class="hint">
          {t('admin.user.needsHigherRole', {
            actions: formatList(offered.needHigherRole.map((action) => t(toolbarLabels[action]))),
          })}
        </p>
      ) : null}
    </>
  );
}
