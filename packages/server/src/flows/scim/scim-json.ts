/**
 * SCIM 2.0 documents (RFC 7643): the User and Group resources as this server keeps them, list
 * responses, errors, and the discovery documents (ServiceProviderConfig, ResourceTypes, Schemas).
 */
import { TwofoldError } from '@twofold/core';

export const scimSchemas = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const scimMediaType = 'application/scim+json';
export const scimPageLimits = { default: 100, max: 200 } as const;

export interface ScimMeta {
  resourceType: 'User' | 'Group';
  created: string;
  lastModified: string;
  location: string;
}

export interface ScimUser {
  schemas: string[];
  id: string;
  externalId?: string;
  userName: string;
  name: { formatted: string };
  displayName: string;
  emails: { value: string; type: string; primary: boolean }[];
  active: boolean;
  groups?: { value: string; display: string; $ref: string }[];
  meta: ScimMeta;
}

export interface ScimGroup {
  schemas: string[];
  id: string;
  externalId?: string;
  displayName: string;
  members?: { value: string; display: string; $ref: string }[];
  meta: ScimMeta;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function userResource(
  base: string,
  row: {
    id: string;
    email: string;
    display_name: string;
    disabled: number;
    external_id: string | null;
    created_at: number;
    updated_at: number;
  },
  groups?: readonly { id: string; name: string }[],
): ScimUser {
  return {
    schemas: [scimSchemas.user],
    id: row.id,
    ...(row.external_id !== null ? { externalId: row.external_id } : {}),
    userName: row.email,
    name: { formatted: row.display_name },
    displayName: row.display_name,
    emails: [{ value: row.email, type: 'work', primary: true }],
    active: row.disabled === 0,
    ...(groups
      ? { groups: groups.map((g) => ({ value: g.id, display: g.name, $ref: `${base}/Groups/${g.id}` })) }
      : {}),
    meta: {
      resourceType: 'User',
      created: iso(Number(row.created_at)),
      lastModified: iso(Number(row.updated_at)),
      location: `${base}/Users/${row.id}`,
    },
  };
}

export function groupResource(
  base: string,
  group: { id: string; name: string; externalId: string | null; createdAt: number; updatedAt: number },
  members?: readonly { id: string; email: string }[],
): ScimGroup {
  return {
    schemas: [scimSchemas.group],
    id: group.id,
    ...(group.externalId !== null ? { externalId: group.externalId } : {}),
    displayName: group.name,
    ...(members
      ? { members: members.map((m) => ({ value: m.id, display: m.email, $ref: `${base}/Users/${m.id}` })) }
      : {}),
    meta: {
      resourceType: 'Group',
      created: iso(group.createdAt),
      lastModified: iso(group.updatedAt),
      location: `${base}/Groups/${group.id}`,
    },
  };
}

/** Attributes every answer carries whatever was asked (RFC 7643 section 7, `returned: always`). */
const alwaysReturned = new Set(['schemas', 'id', 'meta']);

function attributeNames(list: string | undefined): Set<string> | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  return new Set(
    list
      .split(',')
      .map(
        (name) =>
          name
            .trim()
            .toLowerCase()
            .replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/u, '')
            .split('.')[0],
      )
      .filter((name): name is string => name !== undefined && name !== ''),
  );
}

/**
 * A resource with only the attributes asked for (`attributes`) or without those left out
 * (`excludedAttributes`), RFC 7644 section 3.4.2.5; names compare in any case, sub-attributes by their
 * attribute.
 */
export function project<T extends object>(
  resource: T,
  query: { attributes?: string | undefined; excludedAttributes?: string | undefined },
): T {
  const only = attributeNames(query.attributes);
  const without = attributeNames(query.excludedAttributes);
  if (!only && !without) return resource;
  const kept = Object.entries(resource).filter(([name]) => {
    const key = name.toLowerCase();
    if (alwaysReturned.has(key)) return true;
    if (only) return only.has(key);
    return !without?.has(key);
  });
  return Object.fromEntries(kept) as T;
}

export function listResponse<T>(resources: T[], totalResults: number, startIndex: number) {
  return {
    schemas: [scimSchemas.listResponse],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** The SCIM error document (RFC 7644 section 3.12) of a refusal. */
export function scimError(status: number, detail: string, scimType?: string) {
  return {
    schemas: [scimSchemas.error],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}

export function invalidRequest(message: string, scimType = 'invalidValue'): TwofoldError {
  return new TwofoldError('scim_invalid_request', message, { scimType });
}

/** startIndex (1-based) and count of a list request (RFC 7644 section 3.4.2.4). */
export function page(startIndex: number | undefined, count: number | undefined) {
  return {
    startIndex: Math.max(1, startIndex ?? 1),
    count: Math.min(Math.max(0, count ?? scimPageLimits.default), scimPageLimits.max),
  };
}

export function serviceProviderConfig(base: string) {
  return {
    schemas: [scimSchemas.serviceProviderConfig],
    documentationUri: 'https://datatracker.ietf.org/doc/html/rfc7644',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: scimPageLimits.max },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'API key',
        description:
          'An API key of role provisioning (twofold api-key create --role provisioning), sent as a Bearer token',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

type Attribute = {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference';
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable';
  returned: 'always' | 'default';
  uniqueness: 'none' | 'server' | 'global';
  description: string;
  subAttributes?: Attribute[];
  referenceTypes?: string[];
};

function attr(
  name: string,
  description: string,
  options: Partial<Omit<Attribute, 'name' | 'description'>> = {},
): Attribute {
  return {
    name,
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    description,
    ...options,
  };
}

function schemaDocument(
  base: string,
  id: string,
  name: string,
  description: string,
  attributes: Attribute[],
) {
  return {
    schemas: [scimSchemas.schema],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` },
  };
}

export function schemaDocuments(base: string) {
  const member = (what: string) => [
    attr('value', `The id of the ${what}`, { mutability: 'immutable' }),
    attr('display', `The ${what}'s name`, { mutability: 'readOnly' }),
    attr('$ref', `The URI of the ${what}`, {
      type: 'reference',
      mutability: 'readOnly',
      referenceTypes: [what === 'user' ? 'User' : 'Group'],
    }),
  ];
  return [
    schemaDocument(base, scimSchemas.user, 'User', 'A person who signs in with Twofold', [
      attr('userName', 'The email address the user signs in with (unique in the tenant, any case)', {
        required: true,
        uniqueness: 'server',
        mutability: 'immutable',
      }),
      attr('name', 'The name', {
        type: 'complex',
        subAttributes: [
          attr('formatted', 'The name as shown'),
          attr('givenName', 'Given name'),
          attr('familyName', 'Family name'),
        ],
      }),
      attr('displayName', 'The name as shown'),
      attr('emails', 'The one email address (the userName)', {
        type: 'complex',
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [
          attr('value', 'The address'),
          attr('type', 'work'),
          attr('primary', 'Always true', { type: 'boolean' }),
        ],
      }),
      attr('active', 'false: the user is disabled and every session of theirs has ended', {
        type: 'boolean',
      }),
      attr('groups', "The user's groups", {
        type: 'complex',
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: member('group'),
      }),
    ]),
    schemaDocument(
      base,
      scimSchemas.group,
      'Group',
      'Users under one name; applications see it in the groups claim',
      [
        attr('displayName', 'The name (unique in the tenant, any case)', {
          required: true,
          uniqueness: 'server',
        }),
        attr('members', 'The users in the group', {
          type: 'complex',
          multiValued: true,
          subAttributes: member('user'),
        }),
      ],
    ),
  ];
}

export function resourceTypes(base: string) {
  return [
    {
      schemas: [scimSchemas.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'People who sign in',
      schema: scimSchemas.user,
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [scimSchemas.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Groups of users',
      schema: scimSchemas.group,
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
}
