/**
 * The server's words in each language (catalogs/), formatted with the same ICU translator as the pages.
 * Dates in emails name their zone (UTC): the server does not know the reader's.
 */
import { type Catalog, createTranslator, type Locale, type Translator } from '@twofold/core';
import { de } from './catalogs/de.js';
import { type en as English, en, type ServerMessageKey } from './catalogs/en.js';
import { es } from './catalogs/es.js';
import { fr } from './catalogs/fr.js';

export type { ServerMessageKey } from './catalogs/en.js';

/** Every language's catalog has exactly the English keys (the compiler checks it; a test checks the shapes). */
export type ServerCatalog = Readonly<Record<keyof typeof English, string>>;

export const serverCatalogs: Readonly<Record<Locale, ServerCatalog>> = { en, de, fr, es };

const formats = {
  date: { utc: { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' } },
} as const;

const translators = new Map<Locale, Translator<ServerMessageKey>>();

/** The server's messages in one language (built once per language). */
export function serverTexts(locale: Locale): Translator<ServerMessageKey> {
  let found = translators.get(locale);
  if (!found) {
    found = createTranslator<ServerMessageKey>(locale, serverCatalogs[locale] as Catalog<ServerMessageKey>, {
      formats,
    });
    translators.set(locale, found);
  }
  return found;
}

/** The language of what is sent to a person: theirs when they chose one, else their organisation's. */
export function recipientLocale(userLocale: Locale | null | undefined, tenantDefault: Locale): Locale {
  return userLocale ?? tenantDefault;
}
