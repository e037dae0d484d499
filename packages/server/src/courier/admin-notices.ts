/**
 * A notice to a tenant's admins (a reported push, a break-glass recovery, a help request): one email
 * each, in each admin's own language, queued in the caller's transaction so it leaves only if what
 * it reports was stored.
 */
import type { Locale, MessageValue } from '@twofold/core';
import type { Executor } from '../audit/audit-log.js';
import { adminNotice, type EmailMessage } from '../i18n/server-texts.js';
import type { Courier } from './courier.js';

export interface NoticeRecipient {
  readonly email: string;
  readonly displayName: string;
  readonly locale: string | null;
}

export async function enqueueAdminNotices(
  courier: Pick<Courier, 'enqueue'>,
  executor: Executor,
  notice: {
    readonly tenantId: string;
    readonly tenantLocale: Locale;
    readonly admins: readonly NoticeRecipient[];
    readonly message: EmailMessage;
    /** The notice's values; each admin's name is added as `name`. */
    readonly values: (admin: NoticeRecipient) => Readonly<Record<string, MessageValue>>;
  },
): Promise<void> {
  for (const admin of notice.admins) {
    await courier.enqueue(
      {
        tenantId: notice.tenantId,
        channel: 'email',
        purpose: 'admin_notice',
        ...adminNotice(admin, notice.tenantLocale, notice.message, notice.values(admin)),
      },
      executor,
    );
  }
}
