/**
 * Help requests (spec section 6), the one owner of `help_requests`: a user who cannot get a code
 * asks the helpdesk from the troubleshooter; admins list the open ones and resolve them. Creating
 * one runs inside the caller's transaction (the flow queues the admins' emails in the same one).
 * Resolving is one conditional UPDATE on the status, so two admins cannot both resolve a request.
 */
import { TwofoldError } from '@twofold/core';
import type { Kysely, Selectable } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

export type HelpRequestStatus = 'open' | 'resolved';

/** A user asks again within this time: the open request is updated, the admins are not emailed again. */
export const helpRequestRepeatMs = 15 * 60_000;

export interface HelpRequest {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly message: string | null;
  readonly contact: string | null;
  readonly findings: unknown[];
  readonly status: HelpRequestStatus;
  readonly resolution: string | null;
  readonly resolvedBy: string | null;
  readonly resolvedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewHelpRequest {
  readonly tenantId: string;
  readonly userId: string;
  readonly message: string | null;
  readonly contact: string | null;
  readonly findings: readonly unknown[];
  readonly ip: string | null;
}

export interface HelpRequestService {
  /**
   * Records a request, or, when the user has an open one from the last 15 minutes, updates it
   * (`repeated`: the admins were told already). Audited as help_request.create / help_request.update.
   */
  submit(executor: Executor, input: NewHelpRequest): Promise<{ request: HelpRequest; repeated: boolean }>;
  list(
    tenantId: string,
    options?: { status?: HelpRequestStatus | 'all'; limit?: number },
  ): Promise<HelpRequest[]>;
  /** Throws help_request_not_found, also for another tenant's request. */
  get(tenantId: string, id: string): Promise<HelpRequest>;
  /** Resolves an open request once; throws help_request_not_found, or help_request_resolved when it was. Audited. */
  resolve(tenantId: string, id: string, resolution: string, actor: Actor): Promise<HelpRequest>;
}

type Row = Selectable<Database['help_requests']>;

function toRequest(row: Row): HelpRequest {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    message: row.message,
    contact: row.contact,
    findings: JSON.parse(row.findings) as unknown[],
    status: row.status as HelpRequestStatus,
    resolution: row.resolution,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Free text from a user: one paragraph per line kept, control characters dropped, trimmed; empty is none. */
export function cleanUserText(text: string | undefined, maxLength: number): string | null {
  if (text === undefined) return null;
  const cleaned = text
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu, '')
    .trim()
    .slice(0, maxLength);
  return cleaned === '' ? null : cleaned;
}

export function notFound(): TwofoldError {
  return new TwofoldError('help_request_not_found', 'no such help request in this organisation');
}

export function createHelpRequestService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
}): HelpRequestService {
  const { db, clock, audit } = deps;

  return {
    async submit(executor, input) {
      const now = clock.now();
      const open = await executor
        .selectFrom('help_requests')
        .selectAll()
        .where('tenant_id', '=', input.tenantId)
        .where('user_id', '=', input.userId)
        .where('status', '=', 'open')
        .where('created_at', '>', now - helpRequestRepeatMs)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      const actor: Actor = { type: 'user', id: input.userId };
      if (open) {
        const updated = await executor
          .updateTable('help_requests')
          .set({
            message: input.message ?? open.message,
            contact: input.contact ?? open.contact,
            findings: JSON.stringify(input.findings),
            updated_at: now,
          })
          .where('id', '=', open.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(
          {
            tenantId: input.tenantId,
            actor,
            action: 'help_request.update',
            target: { type: 'help_request', id: open.id },
            details: { userId: input.userId },
          },
          executor,
        );
        return { request: toRequest(updated), repeated: true };
      }
      const id = generateId(now);
      const row = await executor
        .insertInto('help_requests')
        .values({
          id,
          tenant_id: input.tenantId,
          user_id: input.userId,
          message: input.message,
          contact: input.contact,
          findings: JSON.stringify(input.findings),
          status: 'open',
          resolution: null,
          resolved_by: null,
          resolved_at: null,
          ip: input.ip,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit.record(
        {
          tenantId: input.tenantId,
          actor,
          action: 'help_request.create',
          target: { type: 'help_request', id },
          details: {
            userId: input.userId,
            findings: input.findings.map((f) => (f as { code: string }).code),
          },
        },
        executor,
      );
      return { request: toRequest(row), repeated: false };
    },

    async list(tenantId, options = {}) {
      const status = options.status ?? 'open';
      let query = db.selectFrom('help_requests').selectAll().where('tenant_id', '=', tenantId);
      if (status !== 'all') query = query.where('status', '=', status);
      const rows = await query
        .orderBy('created_at', status === 'open' ? 'asc' : 'desc')
        .orderBy('id')
        .limit(Math.min(options.limit ?? 100, 200))
        .execute();
      return rows.map(toRequest);
    },

    async get(tenantId, id) {
      const row = await db
        .selectFrom('help_requests')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound();
      return toRequest(row);
    },

    async resolve(tenantId, id, resolution, actor) {
      const text = cleanUserText(resolution, 500);
      if (!text) throw new TwofoldError('validation_failed', 'resolution: say what was done');
      return db.transaction().execute(async (trx) => {
        const now = clock.now();
        const row = await trx
          .updateTable('help_requests')
          .set({
            status: 'resolved',
            resolution: text,
            resolved_by: actor.id ?? actor.type,
            resolved_at: now,
            updated_at: now,
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .where('status', '=', 'open')
          .returningAll()
          .executeTakeFirst();
        if (!row) {
          const exists = await trx
            .selectFrom('help_requests')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .executeTakeFirst();
          if (!exists) throw notFound();
          throw new TwofoldError('help_request_resolved', 'this help request was already resolved');
        }
        await audit.record(
          {
            tenantId,
            actor,
            action: 'help_request.resolve',
            target: { type: 'help_request', id },
            reason: text,
            details: { userId: row.user_id },
          },
          trx,
        );
        return toRequest(row);
      });
    },
  };
}
