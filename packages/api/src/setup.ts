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
