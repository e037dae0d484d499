/**
 * Groups of users (spec section 6): a name unique per tenant (compared case-insensitively), a
 * description, members. The only writer of `groups` and `group_members`; applications read a
 * user's group names through the OpenID Connect `groups` claim, directories write them over SCIM.
 * Deleting a user removes their memberships with the row (ON DELETE CASCADE).
 */
import { TwofoldError } from '@twofold/core';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Actor, AuditLog, Executor } from '../audit/audit-log.js';
import type { Clock } from '../platform/clock.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import type { Database } from '../platform/db/schema.js';
import { generateId } from '../platform/ids.js';

export interface Group {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly description: string;
  /** What a provisioning client calls the group in its own directory. */
  readonly externalId: string | null;
  readonly memberCount: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface GroupMember {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
}

export interface GroupChanges {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly externalId?: string | null | undefined;
}

export interface GroupListOptions {
  /** Groups whose name contains this (case-insensitive). */
  readonly query?: string | undefined;
  /** Only the groups this user belongs to. */
  readonly memberId?: string | undefined;
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
}

export const groupPageLimits = { default: 100, max: 500 } as const;
export const groupNameMaxLength = 100;
export const groupDescriptionMaxLength = 500;

/** Adds or removes one member of a group: true when that changed the group. */
export type MemberChange = (
  tenantId: string,
  groupId: string,
  userId: string,
  actor: Actor,
  executor?: Executor,
) => Promise<boolean>;

export interface GroupService {
  /** Groups ordered by name, a page at a time, with how many match in all. */
  list(tenantId: string, options?: GroupListOptions): Promise<{ groups: Group[]; total: number }>;
  /** Throws group_not_found. */
  get(tenantId: string, id: string, executor?: Executor): Promise<Group>;
  /** The group of that name (compared case-insensitively), or undefined. */
  findByName(tenantId: string, name: string): Promise<Group | undefined>;
  /** Throws group_exists for a name taken (case-insensitively). Audited. */
  create(
    input: {
      tenantId: string;
      name: string;
      description?: string | undefined;
      externalId?: string | undefined;
    },
    actor: Actor,
    executor?: Executor,
  ): Promise<Group>;
  /** Renames or describes a group. Audited with what changed. */
  update(
    tenantId: string,
    id: string,
    changes: GroupChanges,
    actor: Actor,
    executor?: Executor,
  ): Promise<Group>;
  /** Deletes the group and its memberships. Audited. */
  delete(tenantId: string, id: string, actor: Actor): Promise<void>;
  /** The members, ordered by email. */
  members(tenantId: string, groupId: string, executor?: Executor): Promise<GroupMember[]>;
  /** The members of each of these groups (of the tenant), ordered by email, in one query. */
  membersOf(
    tenantId: string,
    groupIds: readonly string[],
    executor?: Executor,
  ): Promise<Map<string, GroupMember[]>>;
  /**
   * Adds a user (of the same tenant: user_not_found otherwise) to a group; false when they were a
   * member already (nothing is recorded then). Audited.
   */
  addMember: MemberChange;
  /** Removes a member; false when they were none. Audited. */
  removeMember: MemberChange;
  /** The names of the user's groups, sorted (the OpenID Connect `groups` claim). */
  namesOf(tenantId: string, userId: string): Promise<string[]>;
}

/** Names compare as NFC, trimmed, lower case. */
export function normalizeGroupName(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

/** In a `u` regex a surrogate pair is one code point, so only lone halves match. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDFFF]/u.test(text);
}

/**
 * Why a name is refused, or undefined: names are shown to admins and sent to applications, so no
 * control, bidirectional-formatting or line-separator characters (U+202E turns "nimda" into what reads
 * as "admin"), no lone surrogates, and no more than 30 combining marks in a row (Unicode's
 * stream-safe limit; more is "Zalgo" text that spills over the lines around it).
 */
export function groupNameProblem(name: string): string | undefined {
  if (hasLoneSurrogate(name)) return 'must be well-formed Unicode';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u.test(name))
    return 'must not contain control or text-direction characters';
  if (/\p{M}{31}/u.test(name)) return 'must not stack more than 30 combining marks';
  return undefined;
}

function checkName(name: string): string {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > groupNameMaxLength) {
    throw new TwofoldError('validation_failed', `name: give 1 to ${groupNameMaxLength} characters`, {
      errors: [{ path: 'name', message: `give 1 to ${groupNameMaxLength} characters` }],
    });
  }
  const problem = groupNameProblem(trimmed);
  if (problem)
    throw new TwofoldError('validation_failed', `name: ${problem}`, {
      errors: [{ path: 'name', message: problem }],
    });
  return trimmed;
}

function checkDescription(description: string): string {
  const trimmed = description.normalize('NFC').trim();
  if (hasLoneSurrogate(trimmed)) {
    throw new TwofoldError('validation_failed', 'description: must be well-formed Unicode', {
      errors: [{ path: 'description', message: 'must be well-formed Unicode' }],
    });
  }
  if (trimmed.length > groupDescriptionMaxLength) {
    throw new TwofoldError(
      'validation_failed',
      `description: at most ${groupDescriptionMaxLength} characters`,
      {
        errors: [{ path: 'description', message: `at most ${groupDescriptionMaxLength} characters` }],
      },
    );
  }
  return trimmed;
}

type GroupRow = Selectable<Database['groups']>;

function toGroup(row: GroupRow, memberCount: number): Group {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    externalId: row.external_id,
    memberCount,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function notFound(): TwofoldError {
  return new TwofoldError('group_not_found', 'no such group in this tenant');
}

function taken(name: string): TwofoldError {
  return new TwofoldError('group_exists', `a group named '${name}' already exists`);
}

export function createGroupService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
}): GroupService {
  const { db, clock, audit } = deps;

  /** Runs `work` in the caller's transaction, or in a new one. */
  function inTransaction<T>(executor: Executor | undefined, work: (trx: Executor) => Promise<T>): Promise<T> {
    return executor ? work(executor) : db.transaction().execute(work);
  }

  async function count(executor: Executor, groupId: string): Promise<number> {
    const row = await executor
      .selectFrom('group_members')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('group_id', '=', groupId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function rowOf(executor: Executor, tenantId: string, id: string): Promise<GroupRow> {
    const row = await executor
      .selectFrom('groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound();
    return row;
  }

  async function membersOf(
    tenantId: string,
    groupIds: readonly string[],
    executor: Executor = db,
  ): Promise<Map<string, GroupMember[]>> {
    const byGroup = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return byGroup;
    const rows = await executor
      .selectFrom('group_members')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .select([
        'group_members.group_id as groupId',
        'users.id as id',
        'users.email as email',
        'users.display_name as displayName',
      ])
      .where('group_members.group_id', 'in', groupIds)
      .where('users.tenant_id', '=', tenantId)
      .orderBy('users.email_normalized')
      .execute();
    for (const { groupId, ...member } of rows) byGroup.get(groupId)?.push(member);
    return byGroup;
  }

  async function memberChange(
    trx: Executor,
    input: { tenantId: string; groupId: string; userId: string; actor: Actor; add: boolean },
  ): Promise<boolean> {
    const { tenantId, groupId, userId, actor, add } = input;
    const group = await rowOf(trx, tenantId, groupId);
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw new TwofoldError('user_not_found', 'no such user in this tenant');
    const changed = add
      ? await trx
          .insertInto('group_members')
          .values({ tenant_id: tenantId, group_id: groupId, user_id: userId, created_at: clock.now() })
          .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
          .returning('user_id')
          .executeTakeFirst()
      : await trx
          .deleteFrom('group_members')
          .where('group_id', '=', groupId)
          .where('user_id', '=', userId)
          .returning('user_id')
          .executeTakeFirst();
    if (!changed) return false;
    await audit.record(
      {
        tenantId,
        actor,
        action: add ? 'group.member_add' : 'group.member_remove',
        target: { type: 'group', id: groupId },
        details: { group: group.name, userId, email: user.email },
      },
      trx,
    );
    return true;
  }

  return {
    async list(tenantId, options = {}) {
      const limit = Math.min(Math.max(options.limit ?? groupPageLimits.default, 1), groupPageLimits.max);
      const offset = Math.max(options.offset ?? 0, 0);
      let query = db.selectFrom('groups').where('groups.tenant_id', '=', tenantId);
      const text = options.query ? normalizeGroupName(options.query) : '';
      if (text) {
        const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where('name_normalized', 'like', sql<string>`${pattern} escape '\\'`);
      }
      if (options.memberId !== undefined) {
        const memberId = options.memberId;
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('group_members')
              .select('group_members.user_id')
              .whereRef('group_members.group_id', '=', 'groups.id')
              .where('group_members.user_id', '=', memberId),
          ),
        );
      }
      const total = await query
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      const rows = await query
        .selectAll('groups')
        .select((eb) =>
          eb
            .selectFrom('group_members')
            .select((inner) => inner.fn.countAll<number | string>().as('c'))
            .whereRef('group_members.group_id', '=', 'groups.id')
            .as('member_count'),
        )
        .orderBy('name_normalized')
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute();
      return {
        groups: rows.map((row) => toGroup(row, Number(row.member_count ?? 0))),
        total: Number(total.n),
      };
    },

    async get(tenantId, id, executor = db) {
      const row = await rowOf(executor, tenantId, id);
      return toGroup(row, await count(executor, id));
    },

    async findByName(tenantId, name) {
      const row = await db
        .selectFrom('groups')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('name_normalized', '=', normalizeGroupName(name))
        .executeTakeFirst();
      return row ? toGroup(row, await count(db, row.id)) : undefined;
    },

    async create(input, actor, executor) {
      const name = checkName(input.name);
      const description = checkDescription(input.description ?? '');
      const now = clock.now();
      const row: GroupRow = {
        id: generateId(now),
        tenant_id: input.tenantId,
        name,
        name_normalized: normalizeGroupName(name),
        description,
        external_id: input.externalId ?? null,
        created_at: now,
        updated_at: now,
      };
      try {
        await inTransaction(executor, async (trx) => {
          await trx.insertInto('groups').values(row).execute();
          await audit.record(
            {
              tenantId: input.tenantId,
              actor,
              action: 'group.create',
              target: { type: 'group', id: row.id },
              details: { name, description },
            },
            trx,
          );
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw taken(name);
        throw error;
      }
      return toGroup(row, 0);
    },

    async update(tenantId, id, changes, actor, executor) {
      const name = changes.name === undefined ? undefined : checkName(changes.name);
      const description =
        changes.description === undefined ? undefined : checkDescription(changes.description);
      try {
        return await inTransaction(executor, async (trx) => {
          const before = await rowOf(trx, tenantId, id);
          const set = {
            updated_at: clock.now(),
            ...(name !== undefined ? { name, name_normalized: normalizeGroupName(name) } : {}),
            ...(description !== undefined ? { description } : {}),
            ...(changes.externalId !== undefined ? { external_id: changes.externalId } : {}),
          };
          await trx
            .updateTable('groups')
            .set(set)
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .execute();
          const changed: Record<string, { from: unknown; to: unknown }> = {};
          if (name !== undefined && name !== before.name) changed['name'] = { from: before.name, to: name };
          if (description !== undefined && description !== before.description)
            changed['description'] = { from: before.description, to: description };
          if (changes.externalId !== undefined && changes.externalId !== before.external_id)
            changed['externalId'] = { from: before.external_id, to: changes.externalId };
          await audit.record(
            { tenantId, actor, action: 'group.update', target: { type: 'group', id }, details: { changed } },
            trx,
          );
          return toGroup({ ...before, ...set }, await count(trx, id));
        });
      } catch (error) {
        if (isUniqueViolation(error) && name !== undefined) throw taken(name);
        throw error;
      }
    },

    async delete(tenantId, id, actor) {
      await db.transaction().execute(async (trx) => {
        const row = await rowOf(trx, tenantId, id);
        const members = await count(trx, id);
        await trx.deleteFrom('group_members').where('group_id', '=', id).execute();
        await trx.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
        await audit.record(
          {
            tenantId,
            actor,
            action: 'group.delete',
            target: { type: 'group', id },
            details: { name: row.name, members },
          },
          trx,
        );
      });
    },

    async members(tenantId, groupId, executor = db) {
      await rowOf(executor, tenantId, groupId);
      return (await membersOf(tenantId, [groupId], executor)).get(groupId) ?? [];
    },

    membersOf,

    addMember(tenantId, groupId, userId, actor, executor) {
      return inTransaction(executor, (trx) =>
        memberChange(trx, { tenantId, groupId, userId, actor, add: true }),
      );
    },

    removeMember(tenantId, groupId, userId, actor, executor) {
      return inTransaction(executor, (trx) =>
        memberChange(trx, { tenantId, groupId, userId, actor, add: false }),
      );
    },

    async namesOf(tenantId, userId) {
      const rows = await db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select('groups.name')
        .where('group_members.user_id', '=', userId)
        .where('groups.tenant_id', '=', tenantId)
        .orderBy('groups.name_normalized')
        .execute();
      return rows.map((row) => row.name);
    },
  };
}
