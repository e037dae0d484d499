/**
 * OpenID Connect Back-Channel Logout 1.0: when a user's sessions end (sign out everywhere, an
 * admin's revoke, disable, re-registration, a password change or reset, deletion), every
 * application that holds a grant or token of the user and registered a `backchannelLogoutUri` is
 * sent a logout token. The tokens are messages of the courier (channel `logout`), queued in the
 * transaction that ends the sessions, so they leave only if the sessions really ended and are
 * retried with the courier's back-off; each is signed when it is sent (logout-token.ts), so a
 * retry carries a fresh `iat`. One audit event per ending names the applications told.
 *
 * Tokens carry `sub` and no `sid`: the user's every session at the application ends, which is
 * what each of these events means (ID tokens carry no `sid` either, so applications key their
 * sessions by `sub`).
 */
import type { Kysely } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import type { Courier } from '../courier/courier.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { accountHash } from './account-hash.js';

/** What a queued logout message holds (sealed at rest like every outbox body); signed when sent. */
export interface LogoutMessageBody {
  readonly tenantId: string;
  readonly clientId: string;
  readonly sub: string;
}

export interface ApplicationLogout {
  /**
   * Inside the transaction that ends every session of the user, before their grants are deleted:
   * queues a logout token for each application to tell. Audited. Returns how many were queued.
   */
  sessionsEnded(executor: Executor, tenantId: string, userId: string, actor: Actor): Promise<number>;
  /** One application's session ended at the provider (RP-initiated logout): queues its token. Audited. */
  clientSignedOut(tenantId: string, clientId: string, userId: string, actor: Actor): Promise<void>;
}

interface Recipient {
  readonly clientId: string;
  readonly uri: string;
}

export function createApplicationLogout(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  courier: Pick<Courier, 'enqueue'>;
}): ApplicationLogout {
  const { db, clock, audit, courier } = deps;

  /** The applications with a logout URI that hold a live grant or token of the user. */
  async function recipients(executor: Executor, tenantId: string, userId: string): Promise<Recipient[]> {
    const now = clock.now();
    const rows = await executor
      .selectFrom('oidc_payloads')
      .innerJoin('oidc_clients', (join) =>
        join
          .onRef('oidc_clients.id', '=', 'oidc_payloads.client_id')
          .onRef('oidc_clients.tenant_id', '=', 'oidc_payloads.tenant_id'),
      )
      .select(['oidc_clients.id as clientId', 'oidc_clients.backchannel_logout_uri as uri'])
      .distinct()
      .where('oidc_payloads.tenant_id', '=', tenantId)
      .where('oidc_payloads.account_hash', '=', accountHash(userId))
      .where('oidc_clients.backchannel_logout_uri', 'is not', null)
      .where((eb) =>
        eb.or([eb('oidc_payloads.expires_at', 'is', null), eb('oidc_payloads.expires_at', '>', now)]),
      )
      .orderBy('oidc_clients.id')
      .execute();
    return rows.flatMap((row) => (row.uri ? [{ clientId: row.clientId, uri: row.uri }] : []));
  }

  async function notify(
    executor: Executor,
    tenantId: string,
    userId: string,
    actor: Actor,
    to: readonly Recipient[],
  ): Promise<number> {
    if (to.length === 0) return 0;
    const told: { clientId: string; messageId: string }[] = [];
    for (const { clientId, uri } of to) {
      const body: LogoutMessageBody = { tenantId, clientId, sub: userId };
      const messageId = await courier.enqueue(
        { tenantId, channel: 'logout', to: uri, text: JSON.stringify(body), purpose: 'backchannel_logout' },
        executor,
      );
      told.push({ clientId, messageId });
    }
    await audit.record(
      {
        tenantId,
        actor,
        action: 'oidc.backchannel_logout',
        target: { type: 'user', id: userId },
        details: { clients: told },
      },
      executor,
    );
    return told.length;
  }

  return {
    async sessionsEnded(executor, tenantId, userId, actor) {
      return notify(executor, tenantId, userId, actor, await recipients(executor, tenantId, userId));
    },

    async clientSignedOut(tenantId, clientId, userId, actor) {
      await db.transaction().execute(async (trx) => {
        const client = await trx
          .selectFrom('oidc_clients')
          .select(['id', 'backchannel_logout_uri'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', clientId)
          .executeTakeFirst();
        if (!client?.backchannel_logout_uri) return;
        await notify(trx, tenantId, userId, actor, [{ clientId, uri: client.backchannel_logout_uri }]);
      });
    },
  };
}
