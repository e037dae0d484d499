/** Shapes every part of the API uses. */
import { Type } from '@sinclair/typebox';
import { locales } from '@twofold/core';

export const Slug = Type.String({ minLength: 1, maxLength: 63 });
export const Id = Type.String({ minLength: 1, maxLength: 100 });
export const TenantParams = Type.Object({ tenant: Slug });
export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);

/** Objects that take no property but those listed. */
export const strict = { additionalProperties: false } as const;

/** Push long-polls: `wait` in seconds, at most and by default. */
export const maxPushWaitSeconds = 30;
export const defaultPushWaitSeconds = 25;

/** What the API sends or takes, as data: nothing in it is changed in place (arrays read-only too). */
export type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

/** One of the languages Twofold speaks (`en`, `de`, `fr`, `es`), as request and answer bodies carry it. */
export const LocaleJson = Type.Union(
  locales.map((locale) => Type.Literal(locale)),
  { description: 'A language Twofold speaks: en, de, fr or es' },
);

/** A user's language, or null for their tenant's `defaultLocale`. */
export const UserLocaleJson = Type.Union([LocaleJson, Type.Null()], {
  description: "The language of the user's emails and text messages; null: the tenant's defaultLocale",
});
