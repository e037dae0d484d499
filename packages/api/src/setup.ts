/** The setup part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { Type } from '@sinclair/typebox';

export const SetupBody = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The token from the one-time setup link.',
    }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.String({ minLength: 8, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const SetupResult = Type.Object({
  user: Type.Object({
    id: Type.String(),
    email: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.String()),
  }),
  signInUrl: Type.String(),
});

export const SetupLinkBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the setup link.' }) },
  { additionalProperties: false },
);

export const SetupLinkState = Type.Object({
  state: Type.Union(
    [Type.Literal('ready'), Type.Literal('used'), Type.Literal('expired'), Type.Literal('unknown')],
    {
      description:
        'ready: the form may be shown; used: the link made its admin already (sign in instead); expired: ask the operator for `twofold setup-link`; unknown: not a link of this tenant, or the tenant has its admin',
    },
  ),
  signInUrl: Type.String(),
});
