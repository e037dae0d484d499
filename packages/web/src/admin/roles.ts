/**
 * What the console lets an admin try, mirroring the server's table (the server stays the authority: a
 * refusal there is shown as it comes). Least role per action: helpdesk < authentication-admin < global-admin.
 */
import type { Role } from './types.js';

export const roleRank: Readonly<Record<Role, number>> = {
  helpdesk: 1,
  'authentication-admin': 2,
  'global-admin': 3,
};

export const adminActions = {
  'users.read': 'helpdesk',
  'users.create': 'global-admin',
  'users.update': 'global-admin',
  'users.delete': 'global-admin',
  'methods.read': 'helpdesk',
  'methods.delete': 'authentication-admin',
  'methods.resync': 'authentication-admin',
  'methods.reset_drift': 'authentication-admin',
  'methods.activate': 'authentication-admin',
  'users.require_reregistration': 'helpdesk',
  'users.temporary_access_pass': 'helpdesk',
  'users.revoke_sessions': 'helpdesk',
  'users.unlock': 'authentication-admin',
  'users.clear_push_block': 'authentication-admin',
  'sign_ins.read': 'helpdesk',
  'audit.read': 'authentication-admin',
  'policy.read': 'helpdesk',
  'policy.update': 'global-admin',
  'hardware_tokens.import': 'authentication-admin',
} as const satisfies Record<string, Role>;

export type AdminAction = keyof typeof adminActions;

export const roleNames: Readonly<Record<Role, string>> = {
  'global-admin': 'Global admin',
  'authentication-admin': 'Authentication admin',
  helpdesk: 'Helpdesk admin',
};

/** Every role, strongest first (the order the create-user dialog lists them in). */
export const allRoles: readonly Role[] = ['global-admin', 'authentication-admin', 'helpdesk'];

export function isRole(value: string): value is Role {
  return Object.hasOwn(roleRank, value);
}

export function roleName(role: string): string {
  return isRole(role) ? roleNames[role] : role;
}

/** The strongest admin role among those held, or undefined for an ordinary user. */
export function strongestRole(held: readonly string[]): Role | undefined {
  let best: Role | undefined;
  for (const role of held) {
    if (isRole(role) && (!best || roleRank[role] > roleRank[best])) best = role;
  }
  return best;
}

export function can(held: readonly string[], action: AdminAction): boolean {
  const role = strongestRole(held);
  return role !== undefined && roleRank[role] >= roleRank[adminActions[action]];
}

/** Why this admin may not act on this user at all, in words, or undefined when they may. */
export function targetBlock(
  me: { readonly id: string; readonly roles: readonly string[] },
  target: { readonly id: string; readonly roles: readonly string[] },
): string | undefined {
  if (me.id === target.id)
    return 'This is your own account: change your own methods and sessions on your Security info page.';
  if (strongestRole(target.roles) !== undefined && strongestRole(me.roles) !== 'global-admin')
    return 'This user is an admin: only a global admin can act on another admin.';
  return undefined;
}

/** Why the action is not offered to this admin, in words, or undefined when it is. */
export function actionBlock(held: readonly string[], action: AdminAction): string | undefined {
  if (can(held, action)) return undefined;
  return `Needs the ${roleNames[adminActions[action]].toLowerCase()} role or higher.`;
}
