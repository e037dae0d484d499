/**
 * Messages in ICU MessageFormat (plurals, selects, numbers and dates in the locale, `<tags>` for rich text),
 * formatted with FormatJS's intl-messageformat on Node and in browsers. A catalog maps each key to its
 * message, as text or as the parsed form (the web build parses its catalogs ahead of time, so pages ship
 * without the parser).
 */
import type { MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { type Formats, IntlMessageFormat } from 'intl-messageformat';
import type { Locale } from './locales.js';

export type MessageValue = string | number | Date | boolean | null | undefined;

/** Key to message: ICU text, or the same already parsed. */
export type Catalog<K extends string = string> = Readonly<Record<K, string | MessageFormatElement[]>>;

/** What a `<tag>…</tag>` of a message becomes: the function gets the tag's formatted content. */
export type TagFunction<T> = (chunks: (string | T)[]) => T | string;

export interface Translator<K extends string> {
  readonly locale: Locale;
  /** Whether the catalog has a message for this key (for keys made from data, such as a problem's code). */
  has(key: string): key is K;
  /** The message as text. A key the catalog lacks, or a message that cannot be formatted, gives the key. */
  text(key: K, values?: Readonly<Record<string, MessageValue>>): string;
  /** The message with its `<tags>` made by `values`' functions (a page's `<strong>`), as pieces. */
  parts<T>(key: K, values: Readonly<Record<string, MessageValue | TagFunction<T>>>): (string | T)[];
}

export interface TranslatorOptions {
  /**
   * A more precise tag of the same language for numbers and dates (`en-GB` on an English page), so that a
   * British reader gets British dates; the locale itself by default.
   */
  readonly formattingLocale?: string;
  /** Named formats for `{when, date, name}` and the like, on top of ICU's short, medium, long and full. */
  readonly formats?: Partial<Formats>;
  /** Told about a key the catalog lacks or a message that failed (tests fail on it; pages log it). */
  readonly onError?: (key: string, error: unknown) => void;
}

export function createTranslator<K extends string>(
  locale: Locale,
  catalog: Catalog<K>,
  options: TranslatorOptions = {},
): Translator<K> {
  const compiled = new Map<string, IntlMessageFormat>();

  function formatter(key: string): IntlMessageFormat | undefined {
    let found = compiled.get(key);
    if (found) return found;
    if (!Object.hasOwn(catalog, key)) return undefined;
    found = new IntlMessageFormat(catalog[key as K], options.formattingLocale ?? locale, options.formats);
    compiled.set(key, found);
    return found;
  }

  function format(key: string, values: Readonly<Record<string, unknown>> | undefined): unknown {
    try {
      const message = formatter(key);
      if (!message) throw new Error(`no message '${key}' in the ${locale} catalog`);
      return message.format(values as Record<string, MessageValue>);
    } catch (error) {
      options.onError?.(key, error);
      return key;
    }
  }

  return {
    locale,
    has: (key): key is K => Object.hasOwn(catalog, key),
    text(key, values) {
      const result = format(key, values);
      return Array.isArray(result) ? result.join('') : String(result);
    },
    parts<T>(key: K, values: Readonly<Record<string, MessageValue | TagFunction<T>>>) {
      const result = format(key, values);
      return (Array.isArray(result) ? result : [result]) as (string | T)[];
    },
  };
}
