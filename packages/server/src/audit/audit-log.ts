import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

export type Executor = Kysely<Database> | Transaction<Database>;

export type ActorType = 'operator' | 'user' | 'api_key' | 'system';

export interface Actor {
  readonly type: ActorType;
  /** User or API key id; undefined for the operator's shell and the system. */
  readonly id?: string;
  readonly ip?: string;
}

export const operatorActor: Actor = { type: 'operator' };
export const systemActor: Actor = { type: 'system' };

export interface AuditEvent {
  readonly tenantId: string | null;
  readonly actor: Actor;
  readonly action: string;
  readonly target?: { type: string; id: string };
  readonly reason?: string;
  readonly details?: Record<string, unknown>;
}

export interface AuditLog {
  /** Appends one event, inside the caller's transaction when one is given so it commits or rolls back with the change. */
  record(event: AuditEvent, executor?: Executor): Promise<void>;
}

export function createAuditLog({ db, clock }: { db: Kysely<Database>; clock: Clock }): AuditLog {
  return {
    async record(event, executor = db) {
      const at = clock.now();
      await executor
        .insertInto('audit_events')
        .values({
          id: generateId(at),
          tenant_id: event.tenantId,
          at,
          actor_type: event.actor.type,
          actor_id: event.actor.id ?? null,
          action: event.action,
          target_type: event.target?.type ?? null,
          target_id: event.target?.id ?? null,
          reason: event.reason ?? null,
          ip: event.actor.ip ?? null,
          details: event.details ? JSON.stringify(event.details) : null,
        })
        .execute();
    },
  };
}
