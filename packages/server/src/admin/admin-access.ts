/**
 * Who may do what through the admin API (spec section 1). Every admin route names one action;
 * `authorizeAdmin` resolves the caller (an API key, or an admin's session that passed a second
 * factor) and `checkTarget` applies the rules about whom the action is done to:
 *
 * - each action has a least role (helpdesk < authentication-admin < global-admin);
 * - helpdesk and authentication admins act only on ordinary users: only a global admin acts on
 *   another admin (their methods, passes, sessions, account);
 * - nobody acts on themselves through the admin API (self-service is for that), so an admin can
 *   never lift their own lock, issue themselves a pass or delete the method that locks them out.
 */
import {
  type AdminAction,
  adminActions,
  isRole,
  type Role,
  roleAllows,
  strongestRole,
  TwofoldError,
} from '@twofold/core';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit-log.js';
import type { AuthSession, SessionAuthenticator } from '../http/auth.js';
import { requireSession } from '../http/auth.js';
import type { Tenant } from '../tenants/tenant-service.js';

// The table of actions and roles is @twofold/core's (the admin console reads the same one).
export { type AdminAction, adminActions, roleRank } from '@twofold/core';

/** The caller of an admin route. */
export interface AdminPrincipal {
  readonly kind: 'api_key' | 'session';
  /** The strongest role the caller holds. */
  readonly role: Role;
  /** The admin's user id (sessions only; an API key is nobody). */
  readonly userId?: string;
  /** For the audit log: who, and from which address. */
  readonly actor: Actor;
}

/** What a target user looks like to the rules: their id and their admin roles. */
export interface AdminTarget {
  readonly id: string;
  readonly roles: readonly Role[];
}

export interface AdminAccessDeps {
  readonly apiKeys: {
    authenticate(key: string): Promise<{ id: string; tenantId: string; role: string } | undefined>;
  };
  readonly sessions: SessionAuthenticator;
  readonly users: { getById(tenantId: string, id: string): Promise<{ roles: Role[]; disabled: boolean }> };
  readonly publicUrl: string;
  /** Whether a session's amr shows a phishing-resistant factor (policy `phishingResistantAdmins`). */
  readonly factors: { phishingResistant(amr: readonly string[]): boolean };
}

function forbidden(message: string): TwofoldError {
  return new TwofoldError('forbidden', message);
}

/** The authorisation a request already passed (the admin guard's, before its body was read). */
const authorised = new WeakMap<
  FastifyRequest,
  { readonly tenantId: string; readonly action: AdminAction; readonly principal: AdminPrincipal }
>();

/**
 * Resolves the caller of an admin route and checks that their role allows `action`. An API key
 * of another tenant is no key here (401, like an unknown one); a session must have passed a second
 * factor and belong to a user who still holds an admin role. Once per request: the admin guard
 * (http/admin-guard.ts) asks first, and the handler's own call gets the same principal, provided
 * it names the same tenant and action.
 */
export async function authorizeAdmin(
  request: FastifyRequest,
  tenant: Tenant,
  action: AdminAction,
  deps: AdminAccessDeps,
): Promise<AdminPrincipal> {
  const earlier = authorised.get(request);
  if (earlier) {
    if (earlier.tenantId !== tenant.id || earlier.action !== action) {
      // A route whose guard and handler disagree is a mistake in the code, never the caller's.
      throw new Error(`admin route authorised for ${earlier.action} checks ${action} as well`);
    }
    return earlier.principal;
  }
  const principal = await resolvePrincipal(request, tenant, deps);
  if (!roleAllows(principal.role, action)) {
    throw forbidden(`a ${principal.role} may not do this (${action} needs ${adminActions[action]})`);
  }
  authorised.set(request, { tenantId: tenant.id, action, principal });
  return principal;
}

async function resolvePrincipal(
  request: FastifyRequest,
  tenant: Tenant,
  deps: AdminAccessDeps,
): Promise<AdminPrincipal> {
  const header = request.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  if (bearer?.startsWith('tfk_')) {
    const key = await deps.apiKeys.authenticate(bearer);
    if (!key || key.tenantId !== tenant.id) throw new TwofoldError('unauthenticated', 'unknown API key');
    // A provisioning key is for SCIM (/t/{tenant}/scim/v2/) only, never the admin API.
    if (!isRole(key.role)) throw forbidden(`a ${key.role} key works only for SCIM, not the admin API`);
    return { kind: 'api_key', role: key.role, actor: { type: 'api_key', id: key.id, ip: request.ip } };
  }
  const session: AuthSession = await requireSession(request, {
    sessions: deps.sessions,
    tenant,
    publicUrl: deps.publicUrl,
  });
  if (session.mfaAt === null) {
    throw new TwofoldError('step_up_required', 'the admin console needs a sign-in with a second factor');
  }
  if (tenant.policy.phishingResistantAdmins && !deps.factors.phishingResistant(session.amr)) {
    throw new TwofoldError(
      'phishing_resistant_required',
      'this organisation lets admins in only with a session proven with a passkey: sign in with your passkey',
    );
  }
  // Roles are read now, not from the session: a demoted admin loses the console at once.
  const user = await deps.users.getById(tenant.id, session.userId);
  const role = user.disabled ? undefined : strongestRole(user.roles);
  if (!role) throw forbidden('this account has no admin role in this tenant');
  return {
    kind: 'session',
    role,
    userId: session.userId,
    actor: { type: 'user', id: session.userId, ip: request.ip },
  };
}

/** Applies the rules about the target of an action (see the module comment). */
export function checkTarget(principal: AdminPrincipal, target: AdminTarget): void {
  if (principal.userId !== undefined && principal.userId === target.id) {
    throw forbidden('admins change their own account and methods through self-service, not the admin API');
  }
  if (target.roles.length > 0 && principal.role !== 'global-admin') {
    throw forbidden('only a global admin may act on another admin');
  }
}

/** What each action is, in the words of the console (for docs/roles.md). */
const actionDescriptions: Record<AdminAction, string> = {
  'users.read': 'Find users and read their details',
  'users.create': 'Create users',
  'users.update': 'Rename, disable or enable users, change roles',
  'users.delete': 'Delete users',
  'users.import': 'Import users from a CSV file (email, name, role), all lines or none',
  'groups.read': 'List groups and their members',
  'groups.manage': 'Create, rename and delete groups, add and remove members',
  'methods.read': "List a user's authentication methods",
  'methods.delete': 'Delete one authentication method',
  'methods.resync': "Resynchronise a method's clock drift from two codes",
  'methods.reset_drift': "Reset a method's recorded drift",
  'methods.activate': 'Activate an imported hardware token with one code',
  'users.require_reregistration': 'Require re-registration of multifactor authentication',
  'users.temporary_access_pass': 'Issue a Temporary Access Pass',
  'users.revoke_sessions': 'Revoke sessions (sign out everywhere)',
  'users.unlock': 'Unlock a second-factor lockout',
  'users.clear_push_block': 'Clear a push block after a reported push',
  'help_requests.read': "See users' help requests with their diagnosis (only of users one may act on)",
  'help_requests.resolve': 'Resolve a help request (after acting on it)',
  'sign_ins.read': 'Read and export the sign-in log',
  'audit.read': 'Read and export the audit log',
  'policy.read': 'Read the tenant policy',
  'policy.update': 'Change the tenant policy',
  'hardware_tokens.import': 'Import hardware tokens from CSV',
  'outbox.read': 'Read the message outbox (development SMS/email)',
  'oidc_clients.read': 'List the applications that sign users in through the tenant (OpenID Connect clients)',
  'oidc_clients.manage': 'Register and delete applications (OpenID Connect clients)',
};

/** docs/roles.md, generated from `adminActions` so that the document is the code's truth. */
export function renderRolesDoc(): string {
  const order: Role[] = ['helpdesk', 'authentication-admin', 'global-admin'];
  const lines = [
    '# Admin roles',
    '',
    '<!-- Generated from packages/core/src/admin/admin-actions.ts (rendered by packages/server/src/admin/admin-access.ts) by `npm run docs`; a test keeps it equal. -->',
    '',
    'Every admin API route (`/t/{tenant}/api/v1/admin/...`) names one action. A caller is an API key',
    "(`Authorization: Bearer tfk_...`, acting with the key's role) or an admin's session that passed a second",
    'factor (acting with the strongest role the user holds now). Rules about the target of an action (spec section 1):',
    '',
    '- helpdesk and authentication admins act only on ordinary users; only a global admin acts on another admin;',
    '- nobody acts on their own account or methods through the admin API (self-service is for that);',
    '- the last active global admin of a tenant cannot be disabled, deleted or demoted (`last_global_admin`);',
    "- another tenant's key is no key (401); another tenant's user or method is not found (404).",
    '',
    `| Action | ${order.join(' | ')} |`,
    `| --- | ${order.map(() => ':---:').join(' | ')} |`,
  ];
  for (const action of Object.keys(adminActions) as AdminAction[]) {
    const cells = order.map((role) => (roleAllows(role, action) ? 'yes' : ''));
    lines.push(`| ${actionDescriptions[action]} (\`${action}\`) | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    "The operator (the host's shell, no web login) creates tenants and users, issues passes, and recovers a tenant",
    'whose every admin is locked out with `twofold recover-admin` (a one-time pass of at most 60 minutes, audited,',
    'and emailed to every other admin of the tenant).',
    '',
  );
  return lines.join('\n');
}
