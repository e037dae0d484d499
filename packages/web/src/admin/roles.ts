/**
 * What the console lets an admin try, from the table the server enforces (@twofold/core's adminActions;
 * the server stays the authority: a refusal there is shown as it comes).
 */
import {
  type AdminAction,
  adminActions,
  isRole,
  type Role,
  roleAllows,
  roles,
  strongestRole,
} from '@twofold/core';

import { type MessageKey, t } from '../i18n/i18n.js';

export { type AdminAction, strongestRole } from '@twofold/core';

const roleNames: Readonly<Record<Role, MessageKey>> = {
  'global-admin': 'admin.role.global-admin',
  'authentication-admin': 'admin.role.authentication-admin',
  helpdesk: 'admin.role.helpdesk',
};

/** Every role, strongest first (the order the create-user dialog lists them in). */
export const allRoles: readonly Role[] = roles;

export function roleName(role: string): string {
  return isRole(role) ? t(roleNames[role]) : role;
}

export function can(held: readonly string[], action: AdminAction): boolean {
  const role = strongestRole(held);
  return role !== undefined && roleAllows(role, action);
}

/** Why this admin may not act on this user at all, in words, or undefined when they may. */
export function targetBlock(
  me: { readonly id: string; readonly roles: readonly string[] },
  target: { readonly id: string; readonly roles: readonly string[] },
): string | undefined {
  if (me.id === target.id) return t('admin.block.self');
  if (strongestRole(target.roles) !== undefined && strongestRole(me.roles) !== 'global-admin')
    return t('admin.block.otherAdmin');
  return undefined;
}

/** Why the action is not offered to this admin, in words, or undefined when it is. */
export function actionBlock(held: readonly string[], action: AdminAction): string | undefined {
  if (can(held, action)) return undefined;
  const least = adminActions[action];
  return t('admin.block.role', {
    role:
      least === 'global-admin' ? 'global' : least === 'authentication-admin' ? 'authentication' : 'helpdesk',
  });
}
