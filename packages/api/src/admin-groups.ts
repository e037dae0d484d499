/** The admin API's groups (spec section 6): request and response schemas, shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { type Static, Type } from '@sinclair/typebox';
import { DateTime, type Frozen, Id, Slug, strict } from './common.js';

export const GroupParams = Type.Object({ tenant: Slug, id: Id });
export const GroupMemberParams = Type.Object({ tenant: Slug, id: Id, userId: Id });

export const GroupName = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Unique in the tenant, compared case-insensitively; applications see it in the `groups` claim',
});
export const GroupDescription = Type.String({ maxLength: 500 });

export const GroupListQuery = Type.Object(
  {
    query: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name, any case' })),
    userId: Type.Optional(Type.String({ maxLength: 100, description: 'Only the groups of this user' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  strict,
);

export const CreateGroupBody = Type.Object(
  { name: GroupName, description: Type.Optional(GroupDescription) },
  strict,
);

export const PatchGroupBody = Type.Object(
  { name: Type.Optional(GroupName), description: Type.Optional(GroupDescription) },
  strict,
);

export const GroupJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  memberCount: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const GroupMemberJson = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
});

export const GroupDetailJson = Type.Composite([
  GroupJson,
  Type.Object({ members: Type.Array(GroupMemberJson) }),
]);

export const GroupListJson = Type.Object({
  groups: Type.Array(GroupJson),
  total: Type.Integer({ description: 'How many groups match in all' }),
});

export type Group = Frozen<Static<typeof GroupJson>>;
export type GroupDetail = Frozen<Static<typeof GroupDetailJson>>;
export type GroupMember = Frozen<Static<typeof GroupMemberJson>>;
export type GroupList = Frozen<Static<typeof GroupListJson>>;
export type NewGroup = Frozen<Static<typeof CreateGroupBody>>;
export type GroupChanges = Frozen<Static<typeof PatchGroupBody>>;
