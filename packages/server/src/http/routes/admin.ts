/** The admin API of spec section 4 (users, their methods, actions on them, policy); logs, hardware tokens and applications have their own files. */
import type { FastifyInstance } from 'fastify';
import { createAdminKit } from './admin-kit.js';
import { type AdminMethodRouteDeps, registerAdminMethodRoutes } from './admin-methods.js';
import { type AdminPolicyRouteDeps, registerAdminPolicyRoutes } from './admin-policy.js';
import { type AdminUserActionRouteDeps, registerAdminUserActionRoutes } from './admin-user-actions.js';
import { type AdminUserRouteDeps, registerAdminUserRoutes } from './admin-users.js';

type Without<T> = Omit<T, 'kit'>;
export type AdminRouteDeps = Without<AdminUserRouteDeps> &
  Without<AdminUserActionRouteDeps> &
  Without<AdminMethodRouteDeps> &
  Without<AdminPolicyRouteDeps>;

export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const routes = { ...deps, kit: createAdminKit(deps) };
  registerAdminUserRoutes(app, routes);
  registerAdminMethodRoutes(app, routes);
  registerAdminUserActionRoutes(app, routes);
  registerAdminPolicyRoutes(app, routes);
}
