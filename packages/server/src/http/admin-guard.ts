import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { type AdminAccessDeps, type AdminAction, authorizeAdmin } from '../admin/admin-access.js';
import type { TenantService } from '../tenants/tenant-service.js';
import { refuseNulCharacters } from './validation.js';

const adminPrefix = '/t/:tenant/api/v1/admin/';
const admin = (path: string) => `${adminPrefix}${path}`;

/**
 * The action each admin route performs, by method and route pattern. The guard authorises it
 * before anything of the request is read: an API key or session without the role gets 403 (and
 * no credential 401) even when the body is malformed, not a 400 that confirms the route's shape
 * to whoever asks. The handler names the same action when it checks again (`authorizeAdmin`
 * refuses to run under another one), and an admin route missing here stops the server at start.
 */
export const adminRouteActions: Readonly<Record<string, AdminAction>> = {
  [`GET ${admin('users')}`]: 'users.read',
  [`POST ${admin('users')}`]: 'users.create',
  [`POST ${admin('users/import')}`]: 'users.import',
  [`GET ${admin('users/:id')}`]: 'users.read',
  [`PATCH ${admin('users/:id')}`]: 'users.update',
  [`DELETE ${admin('users/:id')}`]: 'users.delete',
  [`GET ${admin('users/:id/methods')}`]: 'methods.read',
  [`DELETE ${admin('users/:id/methods/:methodId')}`]: 'methods.delete',
  [`POST ${admin('users/:id/require-reregistration')}`]: 'users.require_reregistration',
  [`POST ${admin('users/:id/temporary-access-pass')}`]: 'users.temporary_access_pass',
  [`POST ${admin('users/:id/revoke-sessions')}`]: 'users.revoke_sessions',
  [`POST ${admin('users/:id/unlock')}`]: 'users.unlock',
  [`POST ${admin('users/:id/clear-push-block')}`]: 'users.clear_push_block',
  [`POST ${admin('users/:id/methods/:methodId/resync')}`]: 'methods.resync',
  [`POST ${admin('users/:id/methods/:methodId/reset-drift')}`]: 'methods.reset_drift',
  [`POST ${admin('users/:id/methods/:methodId/activate')}`]: 'methods.activate',
  [`GET ${admin('groups')}`]: 'groups.read',
  [`POST ${admin('groups')}`]: 'groups.manage',
  [`GET ${admin('groups/:id')}`]: 'groups.read',
  [`PATCH ${admin('groups/:id')}`]: 'groups.manage',
  [`DELETE ${admin('groups/:id')}`]: 'groups.manage',
  [`PUT ${admin('groups/:id/members/:userId')}`]: 'groups.manage',
  [`DELETE ${admin('groups/:id/members/:userId')}`]: 'groups.manage',
  [`GET ${admin('outbox')}`]: 'outbox.read',
  [`GET ${admin('help-requests')}`]: 'help_requests.read',
  [`POST ${admin('help-requests/:id/resolve')}`]: 'help_requests.resolve',
  [`GET ${admin('policy')}`]: 'policy.read',
  [`PUT ${admin('policy')}`]: 'policy.update',
  [`GET ${admin('sign-ins')}`]: 'sign_ins.read',
  [`GET ${admin('sign-ins/stats')}`]: 'sign_ins.read',
  [`GET ${admin('audit')}`]: 'audit.read',
  [`POST ${admin('hardware-tokens')}`]: 'hardware_tokens.import',
  [`GET ${admin('oidc-clients')}`]: 'oidc_clients.read',
  [`POST ${admin('oidc-clients')}`]: 'oidc_clients.manage',
  [`DELETE ${admin('oidc-clients/:clientId')}`]: 'oidc_clients.manage',
};

/** The OpenAPI extension naming a route's action (the roles that hold it are in docs/roles.md). */
export const adminActionExtension = 'x-twofold-admin-action';

export interface AdminGuardDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
}

function actionOf(method: string, url: string): AdminAction | undefined {
  // Fastify's automatic HEAD route of a GET route is that route.
  return adminRouteActions[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/**
 * Authorises every admin route in its onRequest hook, before the body is parsed and validated.
 * Register it before the admin routes.
 */
export function registerAdminGuard(app: FastifyInstance, deps: AdminGuardDeps): void {
  const guard = async (request: FastifyRequest) => {
    const action = actionOf(request.method, request.routeOptions.url ?? '');
    if (!action) return;
    // The tenant is looked up before validation: a NUL in the path is refused first (no database
    // stores one), as validation would.
    refuseNulCharacters({ params: request.params });
    const { tenant: slug } = request.params as { tenant: string };
    await authorizeAdmin(request, await deps.tenants.getBySlug(slug), action, deps);
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith(adminPrefix)) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const actions = methods.map((method) => actionOf(method, route.url));
    const missing = methods.filter((_, i) => actions[i] === undefined);
    if (missing.length > 0) {
      throw new Error(`admin route ${missing.join(',')} ${route.url} names no action in http/admin-guard.ts`);
    }
    const hooks = route.onRequest === undefined ? [] : [route.onRequest].flat();
    route.onRequest = [guard, ...hooks];
    // Shown in /api/openapi.json, where a client (and the hardening suite) reads what each route needs.
    route.schema = { ...route.schema, [adminActionExtension]: actions[0] } as RouteOptions['schema'];
  });
}
