/**
 * What the tests that walk `/api/openapi.json` (hostile input, CSRF) read of it: the JSON Schema of
 * parameters and bodies, and a value that satisfies a schema's shape.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  minItems?: number;
  minProperties?: number;
  format?: string;
}

export interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

export interface SampleOptions {
  /** Strings are at least this long (default 1). */
  readonly minString?: number;
  /** A number without a minimum (default 1). */
  readonly number?: number;
  /** `format: email` strings get an address, and objects get properties up to `minProperties`. */
  readonly plausible?: boolean;
}

/** A value that satisfies the schema's shape. */
export function sampleOf(schema: JsonSchema | undefined, options: SampleOptions = {}): unknown {
  if (!schema) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.[0]) return sampleOf(schema.anyOf[0], options);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (options.plausible && schema.format === 'email') return 'x@example.com';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, options.minString ?? 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? options.number ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items, options));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) out[name] = sampleOf(schema.properties?.[name], options);
      if (options.plausible) {
        for (const [name, property] of Object.entries(schema.properties ?? {})) {
          if (Object.keys(out).length >= (schema.minProperties ?? 0)) break;
          out[name] ??= sampleOf(property, options);
        }
      }
      return out;
    }
    default:
      return 'x';
  }
}
