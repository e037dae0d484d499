/**
 * The server's words in each language (catalogs/), formatted with the same ICU translator as the pages.
 * Dates in emails name their zone (UTC): the server does not know the reader's.
 */
import {
  type Catalog,
  createTranslator,
  isLocale,
  type Locale,
  type MessageValue,
  type Translator,
} from '@twofold/core';
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

/**
 * The language of what is sent to a person: theirs when they chose one, else their organisation's. A
 * column read straight from the table is only a string; one that is not a locale counts as no choice.
 */
export function recipientLocale(userLocale: string | null | undefined, tenantDefault: Locale): Locale {
  return isLocale(userLocale) ? userLocale : tenantDefault;
}

/** The emails the server writes: each is a `.subject` and a `.body` message. */
export type EmailMessage =
  | 'email.code'
  | 'email.breakGlass'
  | 'email.pushReport'
  | 'email.passwordChanged'
  | 'email.helpRequest';

/** An email's subject and body in the translator's language. */
export function emailText(
  texts: Translator<ServerMessageKey>,
  message: EmailMessage,
  values: Readonly<Record<string, MessageValue>>,
): { subject: string; text: string } {
  return { subject: texts.text(`${message}.subject`, values), text: texts.text(`${message}.body`, values) };
}

/** A notice emailed to an admin, in their language (else their organisation's), greeting them by name. */
export function adminNotice(
  admin: { readonly email: string; readonly displayName: string; readonly locale: string | null },
  tenantDefault: Locale,
  message: EmailMessage,
  values: Readonly<Record<string, MessageValue>>,
): { to: string; subject: string; text: string } {
  const texts = serverTexts(recipientLocale(admin.locale, tenantDefault));
  return { to: admin.email, ...emailText(texts, message, { ...values, name: admin.displayName }) };
}
