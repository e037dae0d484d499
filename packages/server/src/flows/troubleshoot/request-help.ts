/**
 * A help request from the troubleshooter: recorded with what the diagnosis found, and told by email
 * to the tenant's helpdesk and global admins in the same transaction (so a request is never lost,
 * nor announced without being kept). A user who asks again within 15 minutes updates their open
 * request and nobody is emailed twice. The answer is the same for everyone, but the tenant's only
 * global admin is told that the operator recovers them with `twofold recover-admin`.
 */

import { enqueueAdminNotices } from '../../courier/admin-notices.js';
import { cleanUserText } from '../../help-requests/help-request-service.js';
import type { Tenant } from '../../tenants/tenant-service.js';
import { diagnose, recoverAdminCommand } from './diagnose.js';
import { helpRequestValues } from './help-request-email.js';
import type { TroubleshootDeps } from './index.js';

export interface HelpRequestInput {
  readonly tenant: Tenant;
  readonly userId: string;
  readonly message?: string | undefined;
  readonly contact?: string | undefined;
  readonly ip?: string | undefined;
  readonly deviceTime?: number | undefined;
}

export interface HelpRequestOutcome {
  readonly status: 'received';
  /** The tenant's only global admin: what the operator runs (no admin can issue them a pass). */
  readonly operatorRecovery?: { readonly command: string };
}

export async function requestHelp(
  deps: TroubleshootDeps,
  input: HelpRequestInput,
): Promise<HelpRequestOutcome> {
  const { tenant, userId } = input;
  const diagnosis = await diagnose(deps, {
    tenant,
    userId,
    deviceTime: input.deviceTime,
    ip: input.ip,
  });
  const user = await deps.users.getById(tenant.id, userId);
  const message = cleanUserText(input.message, 1000);
  const contact = cleanUserText(input.contact, 200);
  const command = recoverAdminCommand(tenant.slug, user.email);
  const recipients = await deps.users.listAdmins(tenant.id, {
    roles: ['global-admin', 'helpdesk'],
    exceptUserId: userId,
  });
  await deps.db.transaction().execute(async (trx) => {
    const { request, repeated } = await deps.helpRequests.submit(trx, {
      tenantId: tenant.id,
      userId,
      message,
      contact,
      findings: diagnosis.findings,
      ip: input.ip ?? null,
    });
    if (repeated) return;
    const values = {
      tenant,
      user,
      message,
      contact,
      findings: diagnosis.findings,
      soleGlobalAdmin: diagnosis.soleGlobalAdmin,
      recoverCommand: command,
      consoleUrl: `${deps.publicUrl}/t/${tenant.slug}/admin#help-requests`,
      at: request.createdAt,
    };
    await enqueueAdminNotices(deps.courier, trx, {
      tenantId: tenant.id,
      tenantLocale: tenant.policy.defaultLocale,
      admins: recipients,
      message: 'email.helpRequest',
      values: (admin) => helpRequestValues(values, admin),
    });
  });
  return {
    status: 'received',
    ...(diagnosis.soleGlobalAdmin ? { operatorRecovery: { command } } : {}),
  };
}
