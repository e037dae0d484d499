import { TwofoldError } from '@twofold/core';
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

/**
 * The first NUL character in a request's path parameters, query or JSON body, as `path` (e.g.
 * `body/methodId`), or undefined. Text never needs one, and PostgreSQL refuses them in text columns:
 * they are turned away here, as a 400, before any query sees them.
 */
export function findNulCharacter(parts: Record<string, unknown>): string | undefined {
  const walk = (value: unknown, path: string, depth: number): string | undefined => {
    if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
    if (depth > 64 || value === null || typeof value !== 'object') return undefined;
    // Plain data only (the router's params and query objects have prototypes of their own; a
    // buffer or a stream is never walked).
    if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function')
      return undefined;
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return `${path}/${key.replaceAll('\u0000', '\\0')}`;
      const found = walk(child, `${path}/${key}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  for (const [part, value] of Object.entries(parts)) {
    const found = walk(value, part, 0);
    if (found) return found;
  }
  return undefined;
}

/** Throws validation_failed naming the first NUL character in the given request parts. */
export function refuseNulCharacters(parts: Record<string, unknown>): void {
  const path = findNulCharacter(parts);
  if (path) {
    throw new TwofoldError('validation_failed', `${path}: must not contain a NUL character`, {
      errors: [{ path, message: 'must not contain a NUL character' }],
    });
  }
}

/** Validates bodies strictly and the other request parts with coercion, from the same route schemas. */
export function registerValidation(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    // JSON bodies only: a CSV upload reports its own bad rows, line by line.
    const json = /json/i.test(String(request.headers['content-type'] ?? ''));
    refuseNulCharacters({
      params: request.params,
      querystring: request.query,
      ...(json ? { body: request.body } : {}),
    });
  });
  const strict = createAjv(false);
  const coercing = createAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }: { schema: FastifySchema; httpPart?: string }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object);
  });
}
