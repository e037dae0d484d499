/** Which actions the user page offers, from the admin's role, the target user and their state. */
import { isLocked, isTimeBased } from './format.js';
import { type AdminAction, can, targetBlock } from './roles.js';
import type { AdminMethod, AdminUser } from './types.js';

export type MethodAction = 'delete' | 'reset-drift' | 'resync' | 'activate';

export const methodActionRoles: Readonly<Record<MethodAction, AdminAction>> = {
  delete: 'methods.delete',
  'reset-drift': 'methods.reset_drift',
  resync: 'methods.resync',
  activate: 'methods.activate',
};

/** Which per-method actions make sense for a method (before roles are considered). */
export function methodActions(method: AdminMethod): MethodAction[] {
  const actions: MethodAction[] = [];
  // A hardware token is activated with one code: after import (pending) or after re-registration (disabled).
  if (method.type === 'hardware_oath' && method.status !== 'active') actions.push('activate');
  if (isTimeBased(method.type) && method.status === 'active') {
    actions.push('resync');
    if (method.driftSteps !== 0 || method.driftSeconds !== 0) actions.push('reset-drift');
  }
  actions.push('delete');
  return actions;
}

export type UserAction =
  | 'reregister'
  | 'pass'
  | 'revoke'
  | 'unlock'
  | 'clear-push'
  | 'edit'
  | 'disable'
  | 'enable'
  | 'delete';

export const userActionRoles: Readonly<Record<UserAction, AdminAction>> = {
  reregister: 'users.require_reregistration',
  pass: 'users.temporary_access_pass',
  revoke: 'users.revoke_sessions',
  unlock: 'users.unlock',
  'clear-push': 'users.clear_push_block',
  edit: 'users.update',
  disable: 'users.update',
  enable: 'users.update',
  delete: 'users.delete',
};

export interface OfferedActions {
  /** Actions to show, in the toolbar's order. */
  readonly actions: readonly UserAction[];
  /** Why nothing (or less) is offered: this is the admin themselves, or an admin and they are no global admin. */
  readonly blocked?: string;
  /** Actions that fit the user's state but need a higher role than the admin's. */
  readonly needHigherRole: readonly UserAction[];
}

/** The user-level actions of the page for this admin and this user at this moment. */
export function offeredUserActions(
  me: { readonly id: string; readonly roles: readonly string[] },
  user: AdminUser,
  now: number,
): OfferedActions {
  const fitting: UserAction[] = ['reregister', 'pass', 'revoke'];
  if (isLocked(user, now)) fitting.push('unlock');
  if (user.pushBlocked) fitting.push('clear-push');
  fitting.push('edit', user.disabled ? 'enable' : 'disable', 'delete');
  const blocked = targetBlock(me, user);
  if (blocked) return { actions: [], blocked, needHigherRole: [] };
  return {
    actions: fitting.filter((action) => can(me.roles, userActionRoles[action])),
    needHigherRole: fitting.filter((action) => !can(me.roles, userActionRoles[action])),
  };
}

/** Whether the admin may try this method action on this user's method. */
export function methodActionAllowed(
  me: { readonly id: string; readonly roles: readonly string[] },
  user: AdminUser,
  action: MethodAction,
): boolean {
  return targetBlock(me, user) === undefined && can(me.roles, methodActionRoles[action]);
}
