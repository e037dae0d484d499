import { Type } from '@sinclair/typebox';
import { locales } from '@twofold/core';

/** One of the languages Twofold speaks (`en`, `de`, `fr`, `es`), as request and answer bodies carry it. */
export const LocaleJson = Type.Union(
  locales.map((locale) => Type.Literal(locale)),
  { description: 'A language Twofold speaks: en, de, fr or es' },
);

/** A user's language, or null for their tenant's `defaultLocale`. */
export const UserLocaleJson = Type.Union([LocaleJson, Type.Null()], {
  description: "The language of the user's emails and text messages; null: the tenant's defaultLocale",
});
