/**
 * SCIM 2.0 requests (RFC 7644) as the server validates them: list queries, resource paths and PATCH
 * bodies. Resources themselves are read leniently (directories send attributes of their own); SCIM
 * describes them at /Schemas.
 */
import { Type } from '@sinclair/typebox';
import { Slug, strict } from './common.js';

export const ScimResourceParams = Type.Object({
  tenant: Slug,
  id: Type.String({ minLength: 1, maxLength: 200 }),
});

export const ScimListQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 2000, description: 'RFC 7644 section 3.4.2.2' })),
    startIndex: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000, description: '1-based' })),
    count: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    attributes: Type.Optional(Type.String({ maxLength: 1000 })),
    excludedAttributes: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  strict,
);

export const ScimPatchOperation = Type.Object(
  {
    op: Type.String({ minLength: 1, maxLength: 20, description: 'add, replace or remove (any case)' }),
    path: Type.Optional(Type.String({ maxLength: 1000 })),
    value: Type.Optional(Type.Unknown()),
  },
  strict,
);

export const ScimPatchBody = Type.Object(
  {
    schemas: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 5 }),
    Operations: Type.Array(ScimPatchOperation, { minItems: 1, maxItems: 1000 }),
  },
  strict,
);
