/** The oidc interaction part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { Type } from '@sinclair/typebox';

export const WildcardParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  '*': Type.String({ maxLength: 200 }),
});

export const InteractionParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  uid: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});

export const ConsentBody = Type.Object(
  { decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]) },
  { additionalProperties: false },
);

export const Location = Type.Object({
  location: Type.String({
    description: 'Where the browser goes next (back to the application, or on with the sign-in).',
  }),
});

export const InteractionDetails = Type.Object({
  mode: Type.Union(
    [Type.Literal('sign-in'), Type.Literal('step-up'), Type.Literal('consent'), Type.Literal('continue')],
    {
      description:
        'sign-in: nobody is signed in; step-up: the signed-in user must verify a second factor again; consent: a third-party application asks for access; continue: nothing to ask, load continueTo',
    },
  ),
  client: Type.Object({ id: Type.String(), name: Type.String() }),
  scopes: Type.Array(Type.String()),
  continueTo: Type.String({
    description: 'The page to load once the step is done: the server decides again.',
  }),
});
