/**
 * What each action of the user page asks before it runs: the confirmation's title, what will happen, the
 * reason it needs, and what runs and what the page says after. The user page opens the dialog; this file only
 * says what is in it.
 */
import type { ComponentChildren } from 'preact';
import { t, tRich } from '../i18n/i18n.js';
import type { ApiResult, Problem } from '../shared/api.js';
import type { AdminApi } from './admin-api.js';
import type { ConfirmSpec } from './confirm-dialog.js';
import { formatDrift, methodName } from './format.js';
import type { AdminMethod, AdminUserDetails } from './types.js';
import type { MethodAction, UserAction } from './user-actions.js';

/** What a spec needs of the page it is opened from. */
export interface ActionContext {
  readonly admin: AdminApi;
  readonly user: AdminUserDetails;
  /** Closes the dialog, reads the user again and shows the success line. */
  readonly finish: (notice: string) => void;
  /** Leaves the user page (after a delete) for the list, with a success line there. */
  readonly leave: (notice: string) => void;
}

/** A problem, or nothing when the call succeeded (what a dialog's `run` returns). */
export function failure<T>(result: ApiResult<T>): Problem | undefined {
  return result.ok ? undefined : result.problem;
}

const strong = (chunks: ComponentChildren[]) => <strong>{chunks}</strong>;

/** The confirmation of a user action; undefined for the actions that open a form of their own. */
export function userActionSpec(action: UserAction, context: ActionContext): ConfirmSpec | undefined {
  const { admin, user, finish } = context;
  const who = user.email;
  switch (action) {
    case 'reregister':
      return {
        title: t('admin.confirm.reregister.title'),
        body: (
          <>
            <p>{tRich('admin.confirm.reregister.when', { strong, who })}</p>
            <ul class="effects">
              <li>{t('admin.confirm.reregister.effectMethods')}</li>
              <li>{t('admin.confirm.reregister.effectTokens')}</li>
              <li>{t('admin.confirm.reregister.effectSessions')}</li>
            </ul>
            <p>{t('admin.confirm.reregister.next')}</p>
          </>
        ),
        confirmLabel: t('admin.confirm.reregister.confirm'),
        busyLabel: t('admin.confirm.reregister.busy'),
        danger: true,
        reason: 'required',
        run: async (reason) => {
          const result = await admin.requireReregistration(user.id, reason);
          if (result.ok) {
            const r = result.data;
            finish(
              t('admin.confirm.reregister.done', {
                who,
                methods: r.deletedMethods,
                tokens: r.disabledHardwareTokens,
                sessions: r.revokedSessions,
              }),
            );
          }
          return failure(result);
        },
      };
    case 'revoke':
      return {
        title: t('admin.confirm.revoke.title'),
        body: <p>{tRich('admin.confirm.revoke.body', { strong, who, count: user.activeSessions })}</p>,
        confirmLabel: t('admin.confirm.revoke.confirm'),
        busyLabel: t('admin.confirm.revoke.busy'),
        danger: true,
        reason: 'required',
        run: async (reason) => {
          const result = await admin.revokeSessions(user.id, reason);
          if (result.ok) finish(t('admin.confirm.revoke.done', { who, count: result.data.revokedSessions }));
          return failure(result);
        },
      };
    case 'unlock':
      return {
        title: t('admin.confirm.unlock.title'),
        body: <p>{tRich('admin.confirm.unlock.body', { strong, who, count: user.lockout.failures })}</p>,
        confirmLabel: t('admin.confirm.unlock.confirm'),
        busyLabel: t('admin.confirm.unlock.busy'),
        reason: 'optional',
        run: async (reason) => {
          const result = await admin.unlock(user.id, reason);
          if (result.ok) finish(t('admin.confirm.unlock.done', { who }));
          return failure(result);
        },
      };
    case 'clear-push':
      return {
        title: t('admin.confirm.clearPush.title'),
        body: <p>{tRich('admin.confirm.clearPush.body', { strong, who })}</p>,
        confirmLabel: t('admin.confirm.clearPush.confirm'),
        busyLabel: t('admin.confirm.clearPush.busy'),
        reason: 'optional',
        run: async (reason) => {
          const result = await admin.clearPushBlock(user.id, reason);
          if (result.ok) finish(t('admin.confirm.clearPush.done', { who }));
          return failure(result);
        },
      };
    case 'disable':
      return {
        title: t('admin.confirm.disable.title', { who }),
        body: <p>{t('admin.confirm.disable.body')}</p>,
        confirmLabel: t('admin.confirm.disable.confirm'),
        busyLabel: t('admin.confirm.disable.busy'),
        danger: true,
        reason: 'required',
        run: async (reason) => {
          const result = await admin.updateUser(user.id, { disabled: true, reason });
          if (result.ok) finish(t('admin.confirm.disable.done', { who }));
          return failure(result);
        },
      };
    case 'enable':
      return {
        title: t('admin.confirm.enable.title', { who }),
        body: <p>{t('admin.confirm.enable.body')}</p>,
        confirmLabel: t('admin.confirm.enable.confirm'),
        busyLabel: t('admin.confirm.enable.busy'),
        reason: 'optional',
        run: async (reason) => {
          const result = await admin.updateUser(user.id, { disabled: false, reason });
          if (result.ok) finish(t('admin.confirm.enable.done', { who }));
          return failure(result);
        },
      };
    case 'delete':
      return {
        title: t('admin.confirm.delete.title', { who }),
        body: <p>{t('admin.confirm.delete.body')}</p>,
        confirmLabel: t('admin.confirm.delete.confirm'),
        busyLabel: t('common.action.deleting'),
        danger: true,
        reason: 'required',
        typeToConfirm: user.email,
        run: async (reason) => {
          const result = await admin.deleteUser(user.id, reason);
          if (result.ok) context.leave(t('admin.confirm.delete.done', { who }));
          return failure(result);
        },
      };
    default:
      return undefined;
  }
}

/** The confirmation of a method action; undefined for resync and activate, which ask for codes instead. */
export function methodActionSpec(
  action: MethodAction,
  method: AdminMethod,
  context: ActionContext,
): ConfirmSpec | undefined {
  const { admin, user, finish } = context;
  const who = user.email;
  const name = methodName(method);
  switch (action) {
    case 'delete':
      return {
        title: t('admin.confirm.deleteMethod.title'),
        body: <p>{tRich('admin.confirm.deleteMethod.body', { strong, name, who })}</p>,
        confirmLabel: t('admin.confirm.deleteMethod.confirm'),
        busyLabel: t('common.action.deleting'),
        danger: true,
        reason: 'required',
        run: async (reason) => {
          const result = await admin.deleteMethod(user.id, method.id, reason);
          if (result.ok) finish(t('admin.confirm.deleteMethod.done', { name, who }));
          return failure(result);
        },
      };
    case 'reset-drift':
      return {
        title: t('admin.confirm.resetDrift.title'),
        body: (
          <p>
            {tRich('admin.confirm.resetDrift.body', {
              strong,
              name,
              drift: formatDrift(method.driftSeconds),
            })}
          </p>
        ),
        confirmLabel: t('admin.confirm.resetDrift.confirm'),
        busyLabel: t('admin.confirm.resetDrift.busy'),
        reason: 'optional',
        run: async (reason) => {
          const result = await admin.resetDrift(user.id, method.id, reason);
          if (result.ok) finish(t('admin.confirm.resetDrift.done', { name }));
          return failure(result);
        },
      };
    default:
      return undefined;
  }
}
