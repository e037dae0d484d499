/**
 * OpenID Connect Back-Channel Logout 1.0: the applications a user signed in to learn when the
 * sessions behind them end. The tokens are messages of the courier (channel `logout`), queued in
 * the transaction that ends the sessions, so they leave only if the sessions really ended and are
 * retried with the courier's back-off; each is signed when it is sent (logout-token.ts), so a
 * retry carries a fresh `iat`. One audit event per ending names the applications told.
 *
 * An application with a logout URI gets a `sid` in its ID tokens (the provider session's id for
 * it; storage-adapter.ts registers it with `backchannel_logout_session_required`), and each
 * sign-in through a Twofold session is linked to that `sid` (table oidc_session_links, owned
 * here). So:
 * - one Twofold session ends (sign out, one session revoked, RP-initiated logout): each
 *   application that session signed in to gets a token with `sub` and that `sid`; the user's
 *   other sessions keep their applications;
 * - every session of the user ends (sign out everywhere, an admin's revoke, disable,
 *   re-registration, a new password, deletion): each linked `sid` not told yet gets its token,
 *   and an application that holds a grant or token of the user but no link at all (signed in
 *   before links were kept, or before it had a logout URI) gets one with `sub` alone, which ends
 *   every session of the user there.
 * A link told of its ending is kept (`told_at`) until all the user's sessions end or its session
 * is purged, so that neither a second ending nor the all-sessions fallback tells it again.
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
  /** The session at the application to end; absent: every session of `sub` there. */
  readonly sid?: string;
}

/** A sign-in through a Twofold session at an application whose ID tokens carry `sid`. */
export interface SessionSignIn {
  readonly tenantId: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly clientId: string;
  readonly sid: string;
}

export interface ApplicationLogout {
  /** Links a Twofold session to the `sid` an application got (when its authorization succeeded). */
  signedIn(signIn: SessionSignIn): Promise<void>;
  /**
   * Inside the transaction that ends every session of the user, before their grants are deleted:
   * queues a logout token for each application to tell. Audited. Returns how many were queued.
   */
  sessionsEnded(executor: Executor, tenantId: string, userId: string, actor: Actor): Promise<number>;
  /**
   * Inside the transaction that ends some sessions of a user (not all): queues a logout token with
   * its `sid` for each application those sessions signed in to. Audited. Returns how many.
   */
  sessionEnded(
    executor: Executor,
    tenantId: string,
    userId: string,
    sessionIds: readonly string[],
    actor: Actor,
  ): Promise<number>;
  /** One application's session ended at the provider (RP-initiated logout): queues its token. Audited. */
  clientSignedOut(
    tenantId: string,
    clientId: string,
    userId: string,
    sid: string | undefined,
    actor: Actor,
  ): Promise<void>;
}

interface Recipient {
  readonly clientId: string;
  readonly uri: string;
  readonly sid?: string;
}

export function createApplicationLogout(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  courier: Pick<Courier, 'enqueue'>;
}): ApplicationLogout {
  const { db, clock, audit, courier } = deps;

  /** The linked sign-ins (with `sid`) not yet told, at applications with a logout URI. */
  function linked(executor: Executor, tenantId: string) {
    return executor
      .selectFrom('oidc_session_links')
      .innerJoin('oidc_clients', (join) =>
        join
          .onRef('oidc_clients.id', '=', 'oidc_session_links.client_id')
          .onRef('oidc_clients.tenant_id', '=', 'oidc_session_links.tenant_id'),
      )
      .select([
        'oidc_clients.id as clientId',
        'oidc_clients.backchannel_logout_uri as uri',
        'oidc_session_links.sid as sid',
      ])
      .distinct()
      .where('oidc_session_links.tenant_id', '=', tenantId)
      .where('oidc_session_links.told_at', 'is', null)
      .where('oidc_clients.backchannel_logout_uri', 'is not', null)
      .orderBy('oidc_clients.id')
      .orderBy('oidc_session_links.sid');
  }

  /** Marks links as told (their logout tokens queued now); the caller narrows which. */
  function untold(executor: Executor, tenantId: string) {
    return executor
      .updateTable('oidc_session_links')
      .set({ told_at: clock.now() })
      .where('tenant_id', '=', tenantId)
      .where('told_at', 'is', null);
  }

  /** The applications with a logout URI that hold a live grant or token of the user. */
  async function holders(executor: Executor, tenantId: string, userId: string): Promise<Recipient[]> {
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

  const withUri = (rows: readonly { clientId: string; uri: string | null; sid: string }[]): Recipient[] =>
    rows.flatMap((row) => (row.uri ? [{ clientId: row.clientId, uri: row.uri, sid: row.sid }] : []));

  async function notify(
    executor: Executor,
    tenantId: string,
    userId: string,
    actor: Actor,
    to: readonly Recipient[],
  ): Promise<number> {
    if (to.length === 0) return 0;
    const told: { clientId: string; sid?: string; messageId: string }[] = [];
    for (const { clientId, uri, sid } of to) {
      const body: LogoutMessageBody = { tenantId, clientId, sub: userId, ...(sid ? { sid } : {}) };
      const messageId = await courier.enqueue(
        { tenantId, channel: 'logout', to: uri, text: JSON.stringify(body), purpose: 'backchannel_logout' },
        executor,
      );
      told.push({ clientId, ...(sid ? { sid } : {}), messageId });
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
    async signedIn(signIn) {
      await db
        .insertInto('oidc_session_links')
        .values({
          tenant_id: signIn.tenantId,
          session_id: signIn.sessionId,
          user_id: signIn.userId,
          client_id: signIn.clientId,
          sid: signIn.sid,
          created_at: clock.now(),
        })
        .onConflict((oc) => oc.columns(['session_id', 'client_id', 'sid']).doUpdateSet({ told_at: null }))
        .execute();
    },

    async sessionsEnded(executor, tenantId, userId, actor) {
      const sessions = withUri(
        await linked(executor, tenantId).where('oidc_session_links.user_id', '=', userId).execute(),
      );
      // An application with a link, told already or now, knows the user's sessions there by `sid`.
      const known = await executor
        .selectFrom('oidc_session_links')
        .select('client_id')
        .distinct()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .execute();
      const linkedClients = new Set(known.map((row) => row.client_id));
      const unlinked = (await holders(executor, tenantId, userId)).filter(
        (r) => !linkedClients.has(r.clientId),
      );
      await executor
        .deleteFrom('oidc_session_links')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .execute();
      return notify(executor, tenantId, userId, actor, [...sessions, ...unlinked]);
    },

    async sessionEnded(executor, tenantId, userId, sessionIds, actor) {
      if (sessionIds.length === 0) return 0;
      const to = withUri(
        await linked(executor, tenantId)
          .where('oidc_session_links.user_id', '=', userId)
          .where('oidc_session_links.session_id', 'in', sessionIds)
          .execute(),
      );
      await untold(executor, tenantId).where('session_id', 'in', sessionIds).execute();
      return notify(executor, tenantId, userId, actor, to);
    },

    async clientSignedOut(tenantId, clientId, userId, sid, actor) {
      await db.transaction().execute(async (trx) => {
        const client = await trx
          .selectFrom('oidc_clients')
          .select(['id', 'backchannel_logout_uri'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', clientId)
          .executeTakeFirst();
        if (!client?.backchannel_logout_uri) return;
        // Told now: the Twofold session's own ending (which follows a full sign-out) does not tell it again.
        if (sid)
          await untold(trx, tenantId).where('client_id', '=', clientId).where('sid', '=', sid).execute();
        await notify(trx, tenantId, userId, actor, [
          { clientId, uri: client.backchannel_logout_uri, ...(sid ? { sid } : {}) },
        ]);
      });
    },
  };
}
