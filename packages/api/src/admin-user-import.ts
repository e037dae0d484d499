/** Bulk import of users from CSV (spec section 6): request and response schemas, shared by the server and the pages. */
import { type Static, Type } from '@sinclair/typebox';
import { type Frozen, strict } from './common.js';

export const UserImportQuery = Type.Object(
  {
    dryRun: Type.Optional(
      Type.Boolean({ description: 'Check the file and report its refused lines; import nothing' }),
    ),
  },
  strict,
);

export const RefusedLineJson = Type.Object({
  line: Type.Integer({ description: 'The line of the file where the row starts (the header is line 1)' }),
  email: Type.String({ description: 'The email as the file has it' }),
  code: Type.String({
    description: 'The problem code of the refusal (email_invalid, user_exists, role_invalid, ...)',
  }),
  message: Type.String(),
});

export const UserImportJson = Type.Object({
  rows: Type.Integer({ description: 'Data rows read' }),
  imported: Type.Integer(),
  refused: Type.Array(RefusedLineJson, {
    description: 'Empty when imported; a refusal answers 422 import_refused with this list instead',
  }),
  dryRun: Type.Boolean(),
});

export type RefusedLine = Frozen<Static<typeof RefusedLineJson>>;
export type UserImport = Frozen<Static<typeof UserImportJson>>;
