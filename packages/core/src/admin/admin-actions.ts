/**
 * Who may do what through the admin API (spec section 1): the admin roles, their order, and every
 * admin action with the least role that may do it. The server enforces it
 * (packages/server/src/admin/admin-access.ts) and the admin console offers what it allows; both read
 * this one table, and docs/roles.md is generated from it.
 */

/** Admin roles, strongest first; a user with none is an ordinary user. */
export const roles = ['global-admin', 'authentication-admin', 'helpdesk'] as const;
export type Role = (typeof roles)[number];

/** helpdesk < authentication-admin < global-admin. */
export const roleRank: Readonly<Record<Role, number>> = {
  helpdesk: 1,
  'authentication-admin': 2,
  'global-admin': 3,
};

/** Every admin action and the least role that may do it. */
export const adminActions = {
  'users.read': 'helpdesk',
  'users.create': 'global-admin',
  'users.update': 'global-admin',
  'users.delete': 'global-admin',
  'users.import': 'global-admin',
  'groups.read': 'helpdesk',
  'groups.manage': 'global-admin',
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
  'help_requests.read': 'helpdesk',
  'help_requests.resolve': 'helpdesk',
  'sign_ins.read': 'helpdesk',
  'audit.read': 'authentication-admin',
  'policy.read': 'helpdesk',
  'policy.update': 'global-admin',
  'hardware_tokens.import': 'authentication-admin',
  'outbox.read': 'global-admin',
  'oidc_clients.read': 'global-admin',
  'oidc_clients.manage': 'global-admin',
} as const satisfies Record<string, Role>;

export type AdminAction = keyof typeof adminActions;

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** Whether `role` is at least the least role of `action`. */
export function roleAllows(role: Role, action: AdminAction): boolean {
  return roleRank[role] >= roleRank[adminActions[action]];
}

/**
 * Who issues a credential for someone else: an admin acting with their role (a session or an API
 * key), or the operator on the host's shell.
 */
export type IssuerRole = Role | 'operator';

/** Issuers that may act on other admins (spec section 1): only a global admin, and the operator. */
export const issuersActingOnAdmins: readonly IssuerRole[] = ['global-admin', 'operator'];

/**
 * Whether an issuer of `issuerRole` may act on a user who holds `targetRoles` now: helpdesk and
 * authentication admins act only on ordinary users (spec section 1). A Temporary Access Pass is
 * refused once its user holds a role its issuer could not act on (spec section 6).
 */
export function mayActOn(issuerRole: IssuerRole, targetRoles: readonly string[]): boolean {
  return issuersActingOnAdmins.includes(issuerRole) || !targetRoles.some(isRole);
}

/** Rank of the strongest admin role held (0 for an ordinary user). */
export function strongestRank(held: readonly string[]): number {
  const role = strongestRole(held);
  return role ? roleRank[role] : 0;
}

/**
 * Granting a user any admin role, or a stronger one than they held, gives their credentials rights
 * that whoever issued them may not have had: the grant ends their passes and sessions (spec section 6).
 */
export function isElevation(before: readonly string[], after: readonly string[]): boolean {
  return strongestRank(after) > strongestRank(before);
}

/** The strongest admin role among those held (anything else is ignored), or undefined for an ordinary user. */
export function strongestRole(held: readonly string[]): Role | undefined {
  let best: Role | undefined;
  for (const role of held) {
    if (isRole(role) && (!best || roleRank[role] > roleRank[best])) best = role;
  }
  return best;
}
