import { fromUtf8 } from '../bytes.js';
import { readZip, type ZipArchive } from './zip.js';

/**
 * A file to import, read lazily in the shapes formats look for: its bytes, its UTF-8 text, its JSON, its ZIP
 * entries. Each is computed once and undefined when the file is not of that shape.
 */
export interface ImportSource {
  readonly bytes: Uint8Array;
  /** UTF-8 text without a byte order mark; undefined for binary files. */
  readonly text: string | undefined;
  /** The parsed JSON of the text; undefined when the text is not JSON. */
  readonly json: unknown;
  /** The entries of a ZIP archive; undefined when the file is not one. */
  readonly zip: ZipArchive | undefined;
}

export function importSource(bytes: Uint8Array): ImportSource {
  let text: string | undefined | null = null;
  let json: unknown = null;
  let jsonRead = false;
  let zip: ZipArchive | undefined | null = null;
  return {
    bytes,
    get text() {
      if (text === null) {
        try {
          text = fromUtf8(bytes).replace(/^\uFEFF/, '');
        } catch {
          text = undefined;
        }
      }
      return text;
    },
    get json() {
      if (!jsonRead) {
        jsonRead = true;
        const body = this.text?.trim();
        json = undefined;
        if (body !== undefined && (body.startsWith('{') || body.startsWith('['))) {
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
        }
      }
      return json;
    },
    get zip() {
      if (zip === null) zip = readZip(bytes);
      return zip;
    },
  };
}

/** A plain object (not an array), or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The string at a key, trimmed, or '' when absent or not a string. */
export function stringAt(object: Record<string, unknown> | undefined, key: string): string {
  const value = object?.[key];
  return typeof value === 'string' ? value.trim() : '';
}
