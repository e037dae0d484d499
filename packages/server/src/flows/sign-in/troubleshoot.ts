/**
 * "I can't get a code" on a sign-in (spec section 6): the troubleshooter's diagnosis of this flow's
 * user, and a help request from it. A flow that ended (too many wrong codes, a reported push) can
 * still be diagnosed and ask for help: that is when people need it most.
 */

import type { Tenant } from '../../tenants/tenant-service.js';
import type { DiagnosisResult, HelpRequestOutcome } from '../troubleshoot/index.js';
import { loadFlow, type SignInDeps } from './deps.js';
import type { FlowClient } from './types.js';

export async function diagnoseSignIn(
  deps: SignInDeps,
  tenant: Tenant,
  flowId: string,
  client: FlowClient,
  deviceTime: number | undefined,
): Promise<DiagnosisResult> {
  const row = await loadFlow(deps, tenant, flowId, client, { failed: true });
  return deps.troubleshooter.diagnose({ tenant, userId: row.user_id, deviceTime, ip: client.ip });
}

export async function requestHelpAtSignIn(
  deps: SignInDeps,
  tenant: Tenant,
  flowId: string,
  client: FlowClient,
  input: { message?: string | undefined; contact?: string | undefined; deviceTime?: number | undefined },
): Promise<HelpRequestOutcome> {
  const row = await loadFlow(deps, tenant, flowId, client, { failed: true });
  return deps.troubleshooter.requestHelp({ tenant, userId: row.user_id, ip: client.ip, ...input });
}
