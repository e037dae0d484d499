/**
 * SCIM Users (RFC 7644 section 3): find (filter, pages), read, create, replace, patch, delete. A user's
 * `userName` is their email; `active: false` disables them and ends every session and application
 * grant of theirs in the same transaction (flows/admin/manage-user.ts), as Okta and Entra ID deactivate.
 */
import { isTwofoldError, TwofoldError } from '@twofold/core';
import { type Kysely, sql } from 'kysely';
import { type ScimPatchOperation, scimPatch } from 'scim-patch';
import type { Actor } from '../../audit/audit-log.js';
import type { GroupService } from '../../groups/group-service.js';
import type { Database } from '../../platform/db/schema.js';
import { checkEmail, normalizeEmail } from '../../users/email.js';
import type { UserChanges, UserService } from '../../users/user-service.js';
import type { AdminFlows } from '../admin/index.js';
import { type FilterColumns, filteredPage, type ScimListQuery } from './scim-filter.js';
import { invalidRequest, listResponse, type ScimUser, userResource } from './scim-json.js';

export interface ScimUserDeps {
  readonly db: Kysely<Database>;
  readonly users: UserService;
  readonly groups: GroupService;
  readonly admin: Pick<AdminFlows, 'updateUser' | 'deleteUser'>;
}

export interface ScimContext {
  readonly tenantId: string;
  /** `{TWOFOLD_PUBLIC_URL}/t/{tenant}/scim/v2` */
  readonly base: string;
  readonly actor: Actor;
}

const userColumns: FilterColumns = {
  username: { sql: sql.ref('email_normalized'), kind: 'string', caseInsensitive: true },
  emails: { sql: sql.ref('email_normalized'), kind: 'string', caseInsensitive: true },
  'emails.value': { sql: sql.ref('email_normalized'), kind: 'string', caseInsensitive: true },
  displayname: { sql: sql`lower(display_name)`, kind: 'string', caseInsensitive: true },
  'name.formatted': { sql: sql`lower(display_name)`, kind: 'string', caseInsensitive: true },
  externalid: { sql: sql.ref('external_id'), kind: 'string' },
  id: { sql: sql.ref('id'), kind: 'string' },
  active: { sql: sql.ref('disabled'), kind: 'boolean', inverted: true },
};

const userRowColumns = [
  'id',
  'email',
  'display_name',
  'disabled',
  'external_id',
  'created_at',
  'updated_at',
] as const;

/** What a SCIM body says about a user, read leniently (directories send more than they must). */
export interface UserInput {
  readonly userName?: unknown;
  readonly displayName?: unknown;
  readonly name?: { formatted?: unknown; givenName?: unknown; familyName?: unknown } | null;
  readonly active?: unknown;
  readonly externalId?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Entra ID sends booleans as "True"/"False" strings. */
function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/iu.test(value)) return value.toLowerCase() === 'true';
  if (value === undefined || value === null) return undefined;
  throw invalidRequest('active: true or false');
}

function displayNameOf(input: UserInput): string | undefined {
  const name = input.name ?? undefined;
  const joined = [text(name?.givenName), text(name?.familyName)].filter(Boolean).join(' ');
  return text(input.displayName) ?? text(name?.formatted) ?? (joined || undefined);
}

function externalIdOf(input: UserInput): string | null {
  const value = input.externalId;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > 200)
    throw invalidRequest('externalId: a string of at most 200 characters');
  return value;
}

function emailOf(userName: unknown): string {
  if (typeof userName !== 'string')
    throw invalidRequest('userName is required: the email address the user signs in with');
  try {
    return checkEmail(userName);
  } catch (error) {
    if (isTwofoldError(error)) throw invalidRequest(`userName: ${error.message}`);
    throw error;
  }
}

export function createScimUsers(deps: ScimUserDeps) {
  const { db, users, groups, admin } = deps;

  async function row(tenantId: string, id: string) {
    const found = await db
      .selectFrom('users')
      .select(userRowColumns)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!found) throw new TwofoldError('user_not_found', `no user ${id.slice(0, 100)} in this tenant`);
    return found;
  }

  async function get(
    ctx: ScimContext,
    id: string,
    _options?: { excludeMembers?: boolean },
  ): Promise<ScimUser> {
    const found = await row(ctx.tenantId, id);
    const memberOf = await groups.list(ctx.tenantId, { memberId: id, limit: 500 });
    return userResource(ctx.base, found, memberOf.groups);
  }

  /** Makes the user what `after` says (display name, external id, active), in one audited change. */
  async function apply(ctx: ScimContext, before: ScimUser, after: UserInput): Promise<void> {
    if (
      after.userName !== undefined &&
      normalizeEmail(emailOf(after.userName)) !== normalizeEmail(before.userName)
    )
      throw invalidRequest('userName cannot change: it is the email the user signs in with', 'mutability');
    const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = {};
    const displayName = displayNameOf(after);
    if (displayName !== undefined && displayName !== before.displayName) changes.displayName = displayName;
    const externalId = externalIdOf(after);
    if (externalId !== (before.externalId ?? null)) changes.externalId = externalId;
    const active = booleanOf(after.active);
    if (active !== undefined && active !== before.active) changes.disabled = !active;
    if (Object.keys(changes).length === 0) return;
    await admin.updateUser({
      tenantId: ctx.tenantId,
      userId: before.id,
      changes,
      actor: ctx.actor,
      reason: 'SCIM',
    });
  }

  return {
    get,

    async list(ctx: ScimContext, query: ScimListQuery) {
      const found = await filteredPage(
        db.selectFrom('users').where('tenant_id', '=', ctx.tenantId),
        query,
        userColumns,
        (base) => base.select(userRowColumns).orderBy('email_normalized').orderBy('id'),
      );
      return listResponse(
        found.rows.map((r) => userResource(ctx.base, r)),
        found.total,
        found.startIndex,
      );
    },

    async create(ctx: ScimContext, body: UserInput): Promise<ScimUser> {
      const email = emailOf(body.userName);
      const active = booleanOf(body.active);
      // A user provisioned inactive is created disabled, in the same statement: never active for a moment.
      const created = await users.create(
        {
          tenantId: ctx.tenantId,
          email,
          displayName: displayNameOf(body),
          externalId: externalIdOf(body) ?? undefined,
          disabled: active === false,
        },
        ctx.actor,
      );
      return get(ctx, created.id);
    },

    async replace(ctx: ScimContext, id: string, body: UserInput): Promise<ScimUser> {
      const before = await get(ctx, id);
      // PUT replaces: what it leaves out is cleared (externalId), or kept where it cannot be (the name).
      await apply(ctx, before, { ...body, active: body.active ?? true });
      return get(ctx, id);
    },

    async patch(ctx: ScimContext, id: string, operations: ScimPatchOperation[]): Promise<ScimUser> {
      const before = await get(ctx, id);
      let after: ScimUser;
      try {
        after = scimPatch(structuredClone(before) as never, operations, { mutateDocument: false }) as never;
      } catch (error) {
        const scimType = (error as { scimCode?: string }).scimCode ?? 'invalidSyntax';
        throw invalidRequest(
          `the patch cannot be applied: ${(error as Error).message.slice(0, 200)}`,
          scimType,
        );
      }
      await apply(ctx, before, after);
      return get(ctx, id);
    },

    async delete(ctx: ScimContext, id: string): Promise<void> {
      await row(ctx.tenantId, id);
      await admin.deleteUser({ tenantId: ctx.tenantId, userId: id, actor: ctx.actor, reason: 'SCIM' });
    },
  };
}

export type ScimUsers = ReturnType<typeof createScimUsers>;
