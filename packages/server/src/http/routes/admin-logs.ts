/**
 * The admin API's logs: the sign-in log (list, export, chart stats) and the audit log (list,
 * export). Every query is scoped to the tenant of the URL; the caller must hold a role that
 * allows `sign_ins.read` (helpdesk and up) or `audit.read` (authentication admins and up).
 */
import type { Static } from '@sinclair/typebox';
import {
  AuditEventJson,
  AuditPage,
  AuditQueryString,
  SignInEventJson,
  SignInsPage,
  SignInsQuery,
  StatsJson,
  StatsQuery,
} from '@twofold/api/admin-logs';
import { TenantParams } from '@twofold/api/common';
import { TwofoldError } from '@twofold/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AdminAccessDeps, type AdminAction, authorizeAdmin } from '../../admin/admin-access.js';
import {
  type AuditEntry,
  type AuditFilters,
  type AuditQuery,
  parseActionFilter,
} from '../../audit/audit-query.js';
import type { Clock } from '../../platform/clock.js';
import { decodePageCursor, type NewestFirstLog } from '../../platform/paging.js';
import {
  isSignInReason,
  type SignInEvent,
  type SignInLog,
  type SignInLogFilters,
  type SignInResult,
  type StatsBucket,
  signInReasons,
  signInResults,
  statsRangeProblem,
} from '../../sign-in-log/sign-in-log.js';
import type { Tenant, TenantService } from '../../tenants/tenant-service.js';
import {
  allPages,
  csvChunks,
  type ExportColumn,
  type ExportFormat,
  exportFilename,
  exportMaxRows,
  jsonArrayChunks,
  sendExport,
} from '../export.js';

export interface AdminLogRouteDeps extends AdminAccessDeps {
  readonly tenants: Pick<TenantService, 'getBySlug'>;
  readonly signInLog: Pick<SignInLog, 'list' | 'count' | 'stats'>;
  readonly auditQuery: AuditQuery;
  readonly clock: Clock;
  /** Rows an export holds at most (default 100,000); tests lower it. */
  readonly exportMaxRows?: number;
}

const _strict = { additionalProperties: false } as const;

const iso = (ms: number) => new Date(ms).toISOString();

function signInJson(e: SignInEvent): Static<typeof SignInEventJson> {
  return {
    id: e.id,
    at: iso(e.at),
    userId: e.userId,
    username: e.username,
    result: e.result,
    reason: e.reason,
    methodType: e.methodType,
    ip: e.ip,
    userAgent: e.userAgent,
    details: e.details,
  };
}

function auditJson(e: AuditEntry): Static<typeof AuditEventJson> {
  return {
    id: e.id,
    seq: e.seq,
    at: iso(e.at),
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    reason: e.reason,
    ip: e.ip,
    details: e.details,
  };
}

/** Export columns: the JSON fields, in the same order, details as JSON text. */
function columnsOf<T>(
  toJson: (row: T) => Record<string, unknown>,
  headers: readonly string[],
): ExportColumn<T>[] {
  return headers.map((header) => ({ header, value: (row: T) => toJson(row)[header] }));
}
const signInColumns = columnsOf(signInJson, Object.keys(SignInEventJson.properties));
const auditColumns = columnsOf(auditJson, Object.keys(AuditEventJson.properties));

/** A validation error shaped like the schema's own (path `querystring/<name>`). */
function invalid(name: string, message: string): TwofoldError {
  const path = `querystring/${name}`;
  return new TwofoldError('validation_failed', `${path}: ${message}`, { errors: [{ path, message }] });
}

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/i;

function validDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * An ISO-8601 time of a query: a date-time with a zone, or a date (UTC midnight; for `to`, the end
 * of that day, so `from=2026-06-01&to=2026-06-30` is all of June).
 */
export function parseQueryTime(name: string, value: string, endOfDay = false): number {
  const wrong = () =>
    invalid(
      name,
      `'${value}' is not an ISO-8601 date (2026-06-09) or date-time with a zone (2026-06-09T13:00:00Z)`,
    );
  const day = dateOnly.exec(value);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (!validDay(year, month, date)) throw wrong();
    return Date.UTC(year, month - 1, date) + (endOfDay ? 86_400_000 : 0);
  }
  const time = dateTime.exec(value);
  if (!time) throw wrong();
  const [year, month, date, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(time[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const zoneHours = Number(time[8] ?? 0);
  const zoneMinutes = Number(time[9] ?? 0);
  if (
    !validDay(year, month, date) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    zoneHours > 23 ||
    zoneMinutes > 59
  )
    throw wrong();
  const ms = Date.parse(value.toUpperCase());
  if (!Number.isSafeInteger(ms)) throw wrong();
  return ms;
}

function parseRange(query: { from?: string | undefined; to?: string | undefined }): {
  from?: number;
  to?: number;
} {
  const from = query.from === undefined ? undefined : parseQueryTime('from', query.from);
  const to = query.to === undefined ? undefined : parseQueryTime('to', query.to, true);
  if (from !== undefined && to !== undefined && from >= to) throw invalid('from', 'must be before to');
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

function parseFormat(format: string | undefined): ExportFormat | undefined {
  if (format === undefined) return undefined;
  if (format === 'json' || format === 'csv') return format;
  throw invalid('format', `must be json or csv, got '${format}'`);
}

/** The download format of a listing's query, if any; without one, its cursor must be one of ours. */
function parsePaging(query: {
  format?: string | undefined;
  cursor?: string | undefined;
}): ExportFormat | undefined {
  const format = parseFormat(query.format);
  if (format === undefined && query.cursor !== undefined) {
    try {
      decodePageCursor(query.cursor);
    } catch {
      throw invalid('cursor', 'not a nextCursor from a previous page of this listing');
    }
  }
  return format;
}

export function registerAdminLogRoutes(app: FastifyInstance, deps: AdminLogRouteDeps): void {
  const { tenants, signInLog, auditQuery, clock } = deps;
  const maxRows = deps.exportMaxRows ?? exportMaxRows;

  async function authorize(request: FastifyRequest, action: AdminAction): Promise<Tenant> {
    const { tenant: slug } = request.params as { tenant: string };
    const tenant = await tenants.getBySlug(slug);
    await authorizeAdmin(request, tenant, action, deps);
    return tenant;
  }

  /**
   * A page of a newest-first log as JSON (`events`, `nextCursor`), or with `format` every matching
   * row (up to the limit) streamed as a download.
   */
  async function pageOrExport<F, T, J>(
    reply: FastifyReply,
    options: {
      log: NewestFirstLog<F, T>;
      filters: F;
      /** parsePaging's answer (called before the filters are parsed, so that its errors come first). */
      format: ExportFormat | undefined;
      query: { limit?: number | undefined; cursor?: string | undefined };
      what: string;
      tenant: Tenant;
      toJson: (row: T) => J;
      columns: ExportColumn<T>[];
    },
  ): Promise<FastifyReply | { events: J[]; nextCursor: string | null }> {
    const { log, filters, format, query, toJson } = options;
    if (format === undefined) {
      const page = await log.list({
        ...filters,
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
      return { events: page.items.map(toJson), nextCursor: page.nextCursor };
    }
    // Counted first: the header that says an export was cut must go out before the rows.
    const truncated = (await log.count(filters, { upTo: maxRows + 1 })) > maxRows;
    const pages = allPages(
      (cursor, limit) => log.list({ ...filters, limit, ...(cursor ? { cursor } : {}) }),
      { maxRows },
    );
    return sendExport(
      reply,
      {
        format,
        filename: exportFilename(options.what, options.tenant.slug, clock.now(), format),
        truncatedAt: truncated ? maxRows : undefined,
      },
      format === 'csv' ? csvChunks(options.columns, pages) : jsonArrayChunks(toJson, pages),
    );
  }

  app.get<{ Params: Static<typeof TenantParams>; Querystring: Static<typeof SignInsQuery> }>(
    '/t/:tenant/api/v1/admin/sign-ins',
    {
      schema: {
        summary: "The tenant's sign-in attempts, newest first; format=csv|json downloads them all",
        tags: ['admin'],
        params: TenantParams,
        querystring: SignInsQuery,
        response: { 200: SignInsPage },
      },
    },
    async (request, reply) => {
      const tenant = await authorize(request, 'sign_ins.read');
      const q = request.query;
      if (q.result !== undefined && !(signInResults as readonly string[]).includes(q.result))
        throw invalid('result', `must be one of ${signInResults.join(', ')}, got '${q.result}'`);
      if (q.reason !== undefined && !isSignInReason(q.reason))
        throw invalid('reason', `must be one of ${signInReasons.join(', ')}, got '${q.reason}'`);
      const format = parsePaging(q);
      const filters: SignInLogFilters = {
        tenantId: tenant.id,
        ...parseRange(q),
        ...(q.userId !== undefined ? { userId: q.userId } : {}),
        ...(q.result !== undefined ? { result: q.result as SignInResult } : {}),
        ...(q.reason !== undefined && isSignInReason(q.reason) ? { reason: q.reason } : {}),
      };
      return pageOrExport(reply, {
        log: signInLog,
        filters,
        format,
        query: q,
        what: 'sign-ins',
        tenant,
        toJson: signInJson,
        columns: signInColumns,
      });
    },
  );

  app.get<{ Params: Static<typeof TenantParams>; Querystring: Static<typeof StatsQuery> }>(
    '/t/:tenant/api/v1/admin/sign-ins/stats',
    {
      schema: {
        summary: 'Sign-in attempts per hour or day (UTC): successes, interruptions and failures by reason',
        tags: ['admin'],
        params: TenantParams,
        querystring: StatsQuery,
        response: { 200: StatsJson },
      },
    },
    async (request) => {
      const tenant = await authorize(request, 'sign_ins.read');
      const q = request.query;
      const bucket = (q.bucket ?? 'hour') as StatsBucket;
      if (bucket !== 'hour' && bucket !== 'day')
        throw invalid('bucket', `must be hour or day, got '${q.bucket}'`);
      const range = parseRange(q);
      const to = range.to ?? clock.now();
      const from = range.from ?? to - (bucket === 'hour' ? 24 * 3_600_000 : 30 * 86_400_000);
      if (from >= to) throw invalid('from', 'must be before to');
      const tooMany = statsRangeProblem(from, to, bucket);
      if (tooMany) throw invalid('from', tooMany);
      const stats = await signInLog.stats({ tenantId: tenant.id, from, to, bucket });
      return {
        bucket: stats.bucket,
        from: iso(stats.from),
        to: iso(stats.to),
        series: stats.series.map((b) => ({
          start: iso(b.start),
          success: b.success,
          interrupted: b.interrupted,
          failures: b.failures,
        })),
      };
    },
  );

  app.get<{ Params: Static<typeof TenantParams>; Querystring: Static<typeof AuditQueryString> }>(
    '/t/:tenant/api/v1/admin/audit',
    {
      schema: {
        summary: "The tenant's audit log, newest first; format=csv|json downloads it all",
        tags: ['admin'],
        params: TenantParams,
        querystring: AuditQueryString,
        response: { 200: AuditPage },
      },
    },
    async (request, reply) => {
      const tenant = await authorize(request, 'audit.read');
      const q = request.query;
      if (q.action !== undefined) {
        try {
          parseActionFilter(q.action);
        } catch (error) {
          throw invalid(
            'action',
            error instanceof Error ? error.message.replace(/^action: /, '') : 'invalid',
          );
        }
      }
      const format = parsePaging(q);
      const filters: AuditFilters = {
        tenantId: tenant.id,
        ...parseRange(q),
        ...(q.actorId !== undefined ? { actorId: q.actorId } : {}),
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(q.targetId !== undefined ? { targetId: q.targetId } : {}),
      };
      return pageOrExport(reply, {
        log: auditQuery,
        filters,
        format,
        query: q,
        what: 'audit',
        tenant,
        toJson: auditJson,
        columns: auditColumns,
      });
    },
  );
}
