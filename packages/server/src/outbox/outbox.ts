/**
 * The table behind the courier: every message to a person is a row of `outbox_messages`, written
 * in the same transaction as the change it reports (so a message is never lost, nor sent for a
 * change that rolled back), then claimed, sent and recorded by the dispatcher (courier/dispatcher.ts).
 *
 * Bodies and subjects are sealed at rest (`outbox:<id>:body`, `outbox:<id>:subject`); code messages
 * get a sealed placeholder for both once a real provider took them, so no code stays in the database. Every state change after the claim is
 * fenced on (status 'sending', attempts = the claim's attempts): an instance whose lease ran out
 * and whose message was claimed again elsewhere cannot overwrite the newer attempt's outcome.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Executor } from '../audit/audit-log.js';
import type { Channel, MessagePurpose, OutgoingMessage } from '../courier/courier.js';
import type { Clock } from '../platform/clock.js';
import type { Sealer } from '../platform/crypto/sealer.js';
import type { Database, OutboxMessagesTable } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

export type OutboxChannel = Channel;
/** kept: the development outbox provider kept it here and nobody received it (issue 15, defect 7). */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'kept' | 'failed';

/** The associated data binding a sealed body to its row (registered in secrets/sealed-columns.ts). */
export function outboxBodyAad(id: string): string {
  return `outbox:${id}:body`;
}

/** Subjects are sealed too: a code's email may carry the code in its subject line. */
export function outboxSubjectAad(id: string): string {
  return `outbox:${id}:subject`;
}

/** A message as admins and tests see it, body opened. */
export interface OutboxMessage {
  readonly id: string;
  readonly tenantId: string | null;
  readonly channel: OutboxChannel;
  readonly recipient: string;
  readonly subject?: string;
  readonly body: string;
  readonly purpose: string | null;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  readonly sentAt: number | null;
  readonly lastError: string | null;
  readonly providerRef: string | null;
}

/** A message this instance has claimed (status 'sending', leased until `leaseUntil`). */
export interface ClaimedMessage {
  readonly id: string;
  readonly tenantId: string | null;
  readonly channel: OutboxChannel;
  readonly to: string;
  readonly subject?: string;
  readonly text: string;
  readonly purpose: string | null;
  /** Attempts including this one; also the fencing token of the claim. */
  readonly attempts: number;
  readonly createdAt: number;
  readonly leaseUntil: number;
}

export interface ClaimOptions {
  readonly now: number;
  readonly leaseMs: number;
  /** Messages that already had this many attempts are never claimed again. */
  readonly maxAttempts: number;
}

export interface Outbox {
  /** Writes a pending message (body sealed); with `executor`, inside the caller's transaction. */
  insert(message: OutgoingMessage, executor?: Executor): Promise<string>;
  /** The newest messages of a tenant (or of the deployment with null), bodies opened; for admins and tests. */
  list(tenantId: string | null, options?: { limit?: number }): Promise<OutboxMessage[]>;
  get(id: string): Promise<OutboxMessage | undefined>;
  /**
   * Claims one due message: pending and due, or sending with a lease that ran out (its instance
   * stopped mid-send). One conditional UPDATE per try, so two instances never hold the same claim.
   */
  claimNext(options: ClaimOptions): Promise<ClaimedMessage | undefined>;
  /** Claims this message if it is due (send() tries its own message at once). */
  claim(id: string, options: ClaimOptions): Promise<ClaimedMessage | undefined>;
  /** False when the claim was lost (lease ran out and another instance claimed it). */
  recordSent(
    claim: ClaimedMessage,
    /** replaceBody: the body (and the subject, if any) become this text. */
    outcome: { sentAt: number; providerRef: string; replaceBody?: string; kept?: boolean },
  ): Promise<boolean>;
  recordRetry(claim: ClaimedMessage, outcome: { nextAttemptAt: number; error: string }): Promise<boolean>;
  recordFailed(claim: ClaimedMessage, outcome: { error: string }): Promise<boolean>;
  /**
   * Messages whose last allowed attempt was claimed by an instance that never recorded it: gives
   * them up as failed (they may or may not have left). Returns how many.
   */
  failAbandoned(options: ClaimOptions): Promise<number>;
  /** Deletes sent and failed messages created before `before`; returns how many. */
  purgeFinished(before: number): Promise<number>;
}

/** last_error keeps the provider's reason, bounded. */
const maxErrorLength = 1000;
/** Candidates read per claim try: workers racing for the oldest message spread over these. */
const candidatesPerTry = 8;
const maxClaimTries = 5;

export function createOutbox(deps: { db: Kysely<Database>; clock: Clock; sealer: Sealer }): Outbox {
  const { db, clock, sealer } = deps;

  /** The row's subject (when it has one) and body, opened: both are sealed at rest. */
  function opened(row: Selectable<OutboxMessagesTable>): { subject?: string; body: string } {
    return {
      ...(row.subject !== null ? { subject: sealer.openString(row.subject, outboxSubjectAad(row.id)) } : {}),
      body: sealer.openString(row.body, outboxBodyAad(row.id)),
    };
  }

  function toMessage(row: Selectable<OutboxMessagesTable>): OutboxMessage {
    return {
      id: row.id,
      tenantId: row.tenant_id,
      channel: row.channel as OutboxChannel,
      recipient: row.recipient,
      ...opened(row),
      purpose: row.purpose,
      status: row.status as OutboxStatus,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      createdAt: row.created_at,
      sentAt: row.sent_at,
      lastError: row.last_error,
      providerRef: row.provider_ref,
    };
  }

  function toClaim(row: Selectable<OutboxMessagesTable>): ClaimedMessage {
    const { body, ...subject } = opened(row);
    return {
      id: row.id,
      tenantId: row.tenant_id,
      channel: row.channel as OutboxChannel,
      to: row.recipient,
      ...subject,
      text: body,
      purpose: row.purpose,
      attempts: row.attempts,
      createdAt: row.created_at,
      leaseUntil: row.next_attempt_at,
    };
  }

  /** The one conditional UPDATE that takes a message: only if it is still due when the row is written. */
  async function tryClaim(id: string, options: ClaimOptions): Promise<ClaimedMessage | undefined> {
    const { now, leaseMs, maxAttempts } = options;
    const row = await db
      .updateTable('outbox_messages')
      .set((eb) => ({
        status: 'sending',
        attempts: eb('attempts', '+', 1),
        next_attempt_at: now + leaseMs,
      }))
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'sending'])
      .where('next_attempt_at', '<=', now)
      .where('attempts', '<', maxAttempts)
      .returningAll()
      .executeTakeFirst();
    return row ? toClaim(row) : undefined;
  }

  function fenced(claim: ClaimedMessage) {
    return db
      .updateTable('outbox_messages')
      .where('id', '=', claim.id)
      .where('status', '=', 'sending')
      .where('attempts', '=', claim.attempts);
  }

  return {
    async insert(message, executor = db) {
      const now = clock.now();
      const id = generateId(now);
      await executor
        .insertInto('outbox_messages')
        .values({
          id,
          tenant_id: message.tenantId,
          channel: message.channel,
          recipient: message.to,
          subject: message.subject === undefined ? null : sealer.seal(message.subject, outboxSubjectAad(id)),
          body: sealer.seal(message.text, outboxBodyAad(id)),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          created_at: now,
          sent_at: null,
          provider_ref: null,
          purpose: message.purpose satisfies MessagePurpose,
        })
        .execute();
      return id;
    },

    async list(tenantId, options = {}) {
      let query = db.selectFrom('outbox_messages').selectAll();
      query =
        tenantId === null ? query.where('tenant_id', 'is', null) : query.where('tenant_id', '=', tenantId);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(options.limit ?? 100, 1000))
        .execute();
      return rows.map(toMessage);
    },

    async get(id) {
      const row = await db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toMessage(row) : undefined;
    },

    async claimNext(options) {
      for (let attempt = 0; attempt < maxClaimTries; attempt++) {
        const candidates = await db
          .selectFrom('outbox_messages')
          .select('id')
          .where('status', 'in', ['pending', 'sending'])
          .where('next_attempt_at', '<=', options.now)
          .where('attempts', '<', options.maxAttempts)
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(candidatesPerTry)
          .execute();
        if (candidates.length === 0) return undefined;
        for (const candidate of candidates) {
          const claimed = await tryClaim(candidate.id, options);
          if (claimed) return claimed;
        }
        // Every candidate was taken by another worker or instance in between: read again.
      }
      return undefined;
    },

    claim: tryClaim,

    async recordSent(claim, outcome) {
      const result = await fenced(claim)
        .set({
          status: outcome.kept ? 'kept' : 'sent',
          sent_at: outcome.sentAt,
          provider_ref: outcome.providerRef,
          last_error: null,
          ...(outcome.replaceBody !== undefined
            ? { body: sealer.seal(outcome.replaceBody, outboxBodyAad(claim.id)) }
            : {}),
          ...(outcome.replaceBody !== undefined && claim.subject !== undefined
            ? { subject: sealer.seal(outcome.replaceBody, outboxSubjectAad(claim.id)) }
            : {}),
        })
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async recordRetry(claim, outcome) {
      const result = await fenced(claim)
        .set({
          status: 'pending',
          next_attempt_at: outcome.nextAttemptAt,
          last_error: outcome.error.slice(0, maxErrorLength),
        })
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async recordFailed(claim, outcome) {
      const result = await fenced(claim)
        .set({ status: 'failed', last_error: outcome.error.slice(0, maxErrorLength) })
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async purgeFinished(before) {
      const result = await db
        .deleteFrom('outbox_messages')
        .where('status', 'in', ['sent', 'kept', 'failed'])
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async failAbandoned(options) {
      const result = await db
        .updateTable('outbox_messages')
        .set({
          status: 'failed',
          last_error: 'gave up: the instance sending the last attempt stopped before recording its outcome',
        })
        .where('status', '=', 'sending')
        .where('next_attempt_at', '<=', options.now)
        .where('attempts', '>=', options.maxAttempts)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
