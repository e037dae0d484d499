/** The hardware tokens part of the API: request and response schemas (TypeBox), shared by the server (which validates with them and publishes them as OpenAPI) and the pages. */
import { type Static, Type } from '@sinclair/typebox';
import type { Frozen } from './common.js';

export const MethodParams = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  id: Type.String({ minLength: 1, maxLength: 100 }),
  methodId: Type.String({ minLength: 1, maxLength: 100 }),
});

export const ActivateBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const ImportJson = Type.Object({
  imported: Type.Integer(),
  errors: Type.Array(Type.Object({ line: Type.Integer(), message: Type.String() })),
  errorsOmitted: Type.Integer({ description: 'errors beyond the first 1000, which are listed' }),
});

export type HardwareTokenImport = Frozen<Static<typeof ImportJson>>;
