/**
 * SCIM Groups (RFC 7644 section 3): find, read, create, replace, patch (members added and removed as
 * Entra ID and Okta send them), delete. Each write is one transaction through the groups' owner.
 */
import { isTwofoldError } from '@twofold/core';
import { type Kysely, sql } from 'kysely';
import { type ScimPatchOperation, scimPatch } from 'scim-patch';
import type { Executor } from '../../audit/audit-log.js';
import type { GroupService } from '../../groups/group-service.js';
import type { Database } from '../../platform/db/schema.js';
import { type FilterColumns, filteredPage, type ScimListQuery } from './scim-filter.js';
import { groupResource, invalidRequest, listResponse, type ScimGroup } from './scim-json.js';
import type { ScimContext } from './scim-users.js';

export interface ScimGroupDeps {
  readonly db: Kysely<Database>;
  readonly groups: GroupService;
}

const groupColumns: FilterColumns = {
  displayname: { sql: sql.ref('name_normalized'), kind: 'string', caseInsensitive: true },
  externalid: { sql: sql.ref('external_id'), kind: 'string' },
  id: { sql: sql.ref('id'), kind: 'string' },
};

export interface GroupInput {
  readonly displayName?: unknown;
  readonly externalId?: unknown;
  readonly members?: unknown;
}

function memberIdsOf(members: unknown): string[] {
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw invalidRequest('members: a list of {"value": user id}');
  return members.map((m) => {
    const value = (m as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || value.length === 0 || value.length > 100)
      throw invalidRequest('members: each member is {"value": user id}');
    return value;
  });
}

function externalIdOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > 200)
    throw invalidRequest('externalId: a string of at most 200 characters');
  return value;
}

/** A member that is no user of the tenant is the request's mistake (invalidValue), not a missing resource. */
async function asInvalidValue<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTwofoldError(error) && error.code === 'user_not_found')
      throw invalidRequest('members: a member is no user of this tenant');
    throw error;
  }
}

export function createScimGroups(deps: ScimGroupDeps) {
  const { db, groups } = deps;

  async function get(
    ctx: ScimContext,
    id: string,
    withMembers = true,
    executor?: Executor,
  ): Promise<ScimGroup> {
    const group = await groups.get(ctx.tenantId, id, executor);
    return groupResource(
      ctx.base,
      group,
      withMembers ? await groups.members(ctx.tenantId, id, executor) : undefined,
    );
  }

  /** Makes the group what `after` says: its name, external id and exactly its members. */
  async function apply(ctx: ScimContext, trx: Executor, before: ScimGroup, after: GroupInput): Promise<void> {
    const name = typeof after.displayName === 'string' ? after.displayName : undefined;
    if (after.displayName !== undefined && name === undefined) throw invalidRequest('displayName: a string');
    const externalId = externalIdOf(after.externalId);
    if ((name !== undefined && name !== before.displayName) || externalId !== (before.externalId ?? null))
      await groups.update(ctx.tenantId, before.id, { name, externalId }, ctx.actor, trx);
    const wanted = new Set(memberIdsOf(after.members));
    const current = new Set((before.members ?? []).map((m) => m.value));
    for (const userId of wanted)
      if (!current.has(userId)) await groups.addMember(ctx.tenantId, before.id, userId, ctx.actor, trx);
    for (const userId of current)
      if (!wanted.has(userId)) await groups.removeMember(ctx.tenantId, before.id, userId, ctx.actor, trx);
  }

  return {
    get: (ctx: ScimContext, id: string, options: { excludeMembers?: boolean } = {}) =>
      get(ctx, id, !options.excludeMembers),

    async list(ctx: ScimContext, query: ScimListQuery) {
      const found = await filteredPage(
        db.selectFrom('groups').where('tenant_id', '=', ctx.tenantId),
        query,
        groupColumns,
        (base) =>
          base
            .select(['id', 'name', 'external_id', 'created_at', 'updated_at'])
            .orderBy('name_normalized')
            .orderBy('id'),
      );
      const members = query.excludeMembers
        ? undefined
        : await groups.membersOf(
            ctx.tenantId,
            found.rows.map((row) => row.id),
          );
      const resources = found.rows.map((row) =>
        groupResource(
          ctx.base,
          {
            id: row.id,
            name: row.name,
            externalId: row.external_id,
            createdAt: Number(row.created_at),
            updatedAt: Number(row.updated_at),
          },
          members?.get(row.id),
        ),
      );
      return listResponse(resources, found.total, found.startIndex);
    },

    async create(ctx: ScimContext, body: GroupInput): Promise<ScimGroup> {
      if (typeof body.displayName !== 'string') throw invalidRequest('displayName is required');
      const name = body.displayName;
      const externalId = externalIdOf(body.externalId) ?? undefined;
      const members = memberIdsOf(body.members);
      return asInvalidValue(() =>
        db.transaction().execute(async (trx) => {
          const group = await groups.create({ tenantId: ctx.tenantId, name, externalId }, ctx.actor, trx);
          for (const userId of new Set(members))
            await groups.addMember(ctx.tenantId, group.id, userId, ctx.actor, trx);
          return get(ctx, group.id, true, trx);
        }),
      );
    },

    async replace(ctx: ScimContext, id: string, body: GroupInput): Promise<ScimGroup> {
      return asInvalidValue(() =>
        db.transaction().execute(async (trx) => {
          const before = await get(ctx, id, true, trx);
          await apply(ctx, trx, before, { ...body, displayName: body.displayName ?? before.displayName });
          return get(ctx, id, true, trx);
        }),
      );
    },

    async patch(ctx: ScimContext, id: string, operations: ScimPatchOperation[]): Promise<ScimGroup> {
      return asInvalidValue(() =>
        db.transaction().execute(async (trx) => {
          const before = await get(ctx, id, true, trx);
          let after: ScimGroup;
          try {
            after = scimPatch(structuredClone(before) as never, operations, {
              mutateDocument: false,
            }) as never;
          } catch (error) {
            const scimType = (error as { scimCode?: string }).scimCode ?? 'invalidSyntax';
            throw invalidRequest(
              `the patch cannot be applied: ${(error as Error).message.slice(0, 200)}`,
              scimType,
            );
          }
          await apply(ctx, trx, before, after);
          return get(ctx, id, true, trx);
        }),
      );
    },

    async delete(ctx: ScimContext, id: string): Promise<void> {
      await groups.delete(ctx.tenantId, id, ctx.actor);
    },
  };
}

export type ScimGroups = ReturnType<typeof createScimGroups>;
