/** The admin apps part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { type Static, Type } from '@sinclair/typebox';
import type { Frozen } from './common.js';

export const ClientParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  clientId: Type.String({ minLength: 1, maxLength: 100 }),
});

export const Uri = Type.String({ minLength: 1, maxLength: 2000 });

export const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    redirectUris: Type.Optional(
      Type.Array(Uri, {
        maxItems: 10,
        description: 'Matched exactly; at least one, except for a service (which has none)',
      }),
    ),
    postLogoutRedirectUris: Type.Optional(Type.Array(Uri, { maxItems: 10 })),
    confidential: Type.Optional(
      Type.Boolean({
        description: 'true (default): a server-side app with a secret; false: a public client, PKCE only',
      }),
    ),
    firstParty: Type.Optional(
      Type.Boolean({ description: "true (default): the organisation's own app, no consent screen" }),
    ),
    service: Type.Optional(
      Type.Boolean({
        description:
          'true: a service that signs in as itself (client_credentials), with a secret and no redirect URIs; it may introspect tokens',
      }),
    ),
    backchannelLogoutUri: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description:
          "OpenID Connect back-channel logout: logout tokens are POSTed here when a user's sessions end (https, or http to a loopback host)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const ClientJson = Type.Object({
  clientId: Type.String(),
  name: Type.String(),
  redirectUris: Type.Array(Type.String()),
  postLogoutRedirectUris: Type.Array(Type.String()),
  confidential: Type.Boolean(),
  firstParty: Type.Boolean(),
  service: Type.Boolean(),
  backchannelLogoutUri: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const ListJson = Type.Object({
  issuer: Type.String(),
  discoveryUrl: Type.String(),
  clients: Type.Array(ClientJson),
});

export const CreatedJson = Type.Object({
  client: ClientJson,
  clientSecret: Type.Optional(Type.String({ description: 'Shown this once; only its hash is kept' })),
  issuer: Type.String(),
  discoveryUrl: Type.String(),
});

export type OidcClient = Frozen<Static<typeof ClientJson>>;
export type OidcClientList = Frozen<Static<typeof ListJson>>;
export type CreatedOidcClient = Frozen<Static<typeof CreatedJson>>;
export type NewOidcClient = Frozen<Static<typeof CreateBody>>;
