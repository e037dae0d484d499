/**
 * Messages to people (email, SMS) are first written to `outbox_messages`, in the same transaction
 * as the change they report, so a message is never lost nor sent for a change that rolled back.
 * A dispatcher (the courier) sends what is due and records the delivery state.
 */
import type { Kysely } from 'kysely';
import type { Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

export type OutboxChannel = 'email' | 'sms';

export interface OutboxMessageInput {
  readonly tenantId: string | null;
  readonly channel: OutboxChannel;
  readonly recipient: string;
  readonly subject?: string;
  readonly body: string;
}

export interface OutboxMessage extends OutboxMessageInput {
  readonly id: string;
  readonly status: 'pending' | 'sending' | 'sent' | 'failed';
  readonly attempts: number;
  readonly createdAt: number;
  readonly sentAt: number | null;
  readonly lastError: string | null;
}

export interface Outbox {
  /** Queues a message; with `executor`, inside the caller's transaction. */
  enqueue(message: OutboxMessageInput, executor?: Executor): Promise<string>;
  /** The newest messages of a tenant (or of the deployment with null), for admins and tests. */
  list(tenantId: string | null, options?: { limit?: number }): Promise<OutboxMessage[]>;
}

export function createOutbox(deps: { db: Kysely<Database>; clock: Clock }): Outbox {
  const { db, clock } = deps;
  return {
    async enqueue(message, executor = db) {
      const now = clock.now();
      const id = generateId(now);
      await executor
        .insertInto('outbox_messages')
        .values({
          id,
          tenant_id: message.tenantId,
          channel: message.channel,
          recipient: message.recipient,
          subject: message.subject ?? null,
          body: message.body,
          status: 'pending',
          next_attempt_at: now,
          last_error: null,
          created_at: now,
          sent_at: null,
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
      return rows.map((row) => ({
        id: row.id,
        tenantId: row.tenant_id,
        channel: row.channel as OutboxChannel,
        recipient: row.recipient,
        ...(row.subject !== null ? { subject: row.subject } : {}),
        body: row.body,
        status: row.status as OutboxMessage['status'],
        attempts: row.attempts,
        createdAt: row.created_at,
        sentAt: row.sent_at,
        lastError: row.last_error,
      }));
    },
  };
}
