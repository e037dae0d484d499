/**
 * The languages Twofold speaks (spec section 6: pages, emails and text messages in each), and how a page's
 * language is chosen: `?lang=`, else the `twofold_lang` cookie, else `Accept-Language`, else the tenant's
 * default. Only the primary language subtag counts: `de-AT` is German, `fr-CA` French.
 */
export const locales = ['en', 'de', 'fr', 'es'] as const;

export type Locale = (typeof locales)[number];

/** The language of anything that names none, and of the tenants created before there was a choice. */
export const defaultLocale: Locale = 'en';

/** The cookie the language picker of every page sets. */
export const languageCookieName = 'twofold_lang';

/** Each language in its own words, as the language picker lists them. */
export const localeNames: Readonly<Record<Locale, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** The language of a tag such as `de`, `de-AT`, `DE_at`; undefined when Twofold does not speak it. */
export function localeOfTag(tag: string | null | undefined): Locale | undefined {
  if (typeof tag !== 'string') return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : undefined;
}

/** How many language ranges of one header are read: a browser sends a handful, an attacker no more than this. */
const maxRanges = 20;

/**
 * The language of an `Accept-Language` header (RFC 9110 12.5.4): the range with the highest weight that
 * Twofold speaks, the earlier one on a tie; `q=0` means "not this one"; `*` names no language.
 */
export function localeOfAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (typeof header !== 'string' || header.length === 0) return undefined;
  let best: { locale: Locale; weight: number } | undefined;
  for (const range of header.split(',').slice(0, maxRanges)) {
    const [tag = '', ...params] = range.split(';');
    const locale = localeOfTag(tag);
    if (!locale) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    if (weight > 0 && (best === undefined || weight > best.weight)) best = { locale, weight };
  }
  return best?.locale;
}

/** Where a page's language can come from, most specific first. */
export interface LocaleSources {
  /** `?lang=` of the address. */
  readonly query?: string | null | undefined;
  /** The `twofold_lang` cookie. */
  readonly cookie?: string | null | undefined;
  readonly acceptLanguage?: string | null | undefined;
  /** The tenant's `defaultLocale` (English when the page belongs to no tenant). */
  readonly fallback?: Locale | null | undefined;
}

export function chooseLocale(sources: LocaleSources): Locale {
  return (
    localeOfTag(sources.query) ??
    localeOfTag(sources.cookie) ??
    localeOfAcceptLanguage(sources.acceptLanguage) ??
    sources.fallback ??
    defaultLocale
  );
}
