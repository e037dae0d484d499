/**
 * The admins' side of help requests: the queue (each request with its user, a fresh diagnosis and
 * the one-click actions the caller may take on that user) and resolving a request. A caller sees
 * only requests of users they may act on (spec section 1: helpdesk for ordinary users only, only a
 * global admin for another admin, nobody for themselves).
 */
import type { DiagnosisFinding } from '@twofold/api/troubleshoot';
import { type AdminAction, roleAllows } from '@twofold/core';
import { type AdminPrincipal, checkTarget } from '../../admin/admin-access.js';
import type { HelpRequest } from '../../help-requests/help-request-service.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import type { User } from '../../users/user-service.js';
import { type DiagnosisResult, diagnose } from './diagnose.js';
import type { TroubleshootDeps } from './index.js';

export type HelpAction =
  | 'issue_pass'
  | 'require_reregistration'
  | 'unlock'
  | 'clear_push_block'
  | 'reset_drift';

export interface OfferedAction {
  readonly action: HelpAction;
  readonly method: 'POST';
  /** Under /t/{tenant}/api/v1. */
  readonly path: string;
  readonly methodId?: string;
}

export interface QueuedHelpRequest {
  readonly request: HelpRequest;
  readonly user: Pick<User, 'id' | 'email' | 'displayName'>;
  /** Open requests: the diagnosis now. */
  readonly diagnosis?: DiagnosisResult;
  readonly actions: OfferedAction[];
}

export interface HelpQueue {
  listHelpRequests(
    tenant: Tenant,
    principal: AdminPrincipal,
    options?: { status?: 'open' | 'resolved' | 'all'; limit?: number },
  ): Promise<QueuedHelpRequest[]>;
  resolveHelpRequest(
    tenant: Tenant,
    principal: AdminPrincipal,
    id: string,
    resolution: string,
  ): Promise<QueuedHelpRequest>;
}

const adminActionOf: Record<HelpAction, AdminAction> = {
  issue_pass: 'users.temporary_access_pass',
  require_reregistration: 'users.require_reregistration',
  unlock: 'users.unlock',
  clear_push_block: 'users.clear_push_block',
  reset_drift: 'methods.reset_drift',
};

/** What fixes each finding, in the order the console shows the buttons; a pass always helps. */
export function actionsFor(
  userId: string,
  findings: readonly DiagnosisFinding[],
  principal: AdminPrincipal,
): OfferedAction[] {
  const base = `/admin/users/${userId}`;
  const offered: OfferedAction[] = [];
  for (const finding of findings) {
    if (finding.code === 'locked_out')
      offered.push({ action: 'unlock', method: 'POST', path: `${base}/unlock` });
    if (finding.code === 'push_blocked')
      offered.push({ action: 'clear_push_block', method: 'POST', path: `${base}/clear-push-block` });
    if ((finding.code === 'clock_ahead' || finding.code === 'clock_behind') && finding.methodId) {
      offered.push({
        action: 'reset_drift',
        method: 'POST',
        path: `${base}/methods/${finding.methodId}/reset-drift`,
        methodId: finding.methodId,
      });
    }
  }
  offered.push({ action: 'issue_pass', method: 'POST', path: `${base}/temporary-access-pass` });
  offered.push({ action: 'require_reregistration', method: 'POST', path: `${base}/require-reregistration` });
  return offered.filter((a) => roleAllows(principal.role, adminActionOf[a.action]));
}

function mayActOn(principal: AdminPrincipal, user: User): boolean {
  try {
    checkTarget(principal, user);
    return true;
  } catch {
    return false;
  }
}

export function helpQueue(deps: TroubleshootDeps): HelpQueue {
  async function queued(tenant: Tenant, principal: AdminPrincipal, request: HelpRequest, user: User) {
    const diagnosis =
      request.status === 'open' ? await diagnose(deps, { tenant, userId: user.id }) : undefined;
    return {
      request,
      user: { id: user.id, email: user.email, displayName: user.displayName },
      ...(diagnosis ? { diagnosis } : {}),
      actions: diagnosis ? actionsFor(user.id, diagnosis.findings, principal) : [],
    };
  }

  return {
    async listHelpRequests(tenant, principal, options = {}) {
      const requests = await deps.helpRequests.list(tenant.id, options);
      const shown: QueuedHelpRequest[] = [];
      for (const request of requests) {
        const user = await deps.users.getById(tenant.id, request.userId);
        if (mayActOn(principal, user)) shown.push(await queued(tenant, principal, request, user));
      }
      return shown;
    },

    async resolveHelpRequest(tenant, principal, id, resolution) {
      const request = await deps.helpRequests.get(tenant.id, id);
      const user = await deps.users.getById(tenant.id, request.userId);
      checkTarget(principal, user);
      const resolved = await deps.helpRequests.resolve(tenant.id, id, resolution, principal.actor);
      return queued(tenant, principal, resolved, user);
    },
  };
}
