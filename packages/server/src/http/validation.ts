import { Ajv } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM interop.
type AddFormats = (ajv: Ajv) => Ajv;
const formatsExport = addFormatsModule as unknown as { default: AddFormats | { default: AddFormats } };
const addFormats: AddFormats =
  typeof formatsExport.default === 'function' ? formatsExport.default : formatsExport.default.default;

function createAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    // JSON bodies are typed: `"token": 1` is a wrong type, not a string. Query strings and path
    // parameters arrive as text and are coerced to the schema's types.
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

/** Validates bodies strictly and the other request parts with coercion, from the same route schemas. */
export function registerValidation(app: FastifyInstance): void {
  const strict = createAjv(false);
  const coercing = createAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object);
  });
}
