import { type Locale, languageCookieName, localeNames, locales } from '@twofold/core';
import { locale, messagesLoaded, t } from './i18n.js';

/** A year: the choice outlives the session, like the browser's own language setting. */
const cookieMaxAge = 365 * 24 * 60 * 60;

/** Remembers the language for every Twofold page of this site (the server reads the cookie). */
export function rememberLanguage(next: Locale): void {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  // biome-ignore lint/suspicious/noDocumentCookie: one fixed name and a checked value; the Cookie Store API is not in every browser yet
  document.cookie = `${languageCookieName}=${next}; Path=/; Max-Age=${cookieMaxAge}; SameSite=Lax${secure}`;
}

/** The address to load again in the new language: this one, without a `?lang=` that would outrank the cookie. */
export function addressWithoutLang(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('lang');
  return url.href;
}

/**
 * Loads `href` anew. An address that differs from this one only in its #hash (a console view, the setup
 * link's token) would only scroll if assigned, so it replaces this one and the page is reloaded.
 */
function goTo(href: string): void {
  const target = new URL(href, location.href);
  const here = new URL(location.href);
  target.hash = '';
  here.hash = '';
  if (target.href !== here.href) {
    location.assign(href);
    return;
  }
  history.replaceState(history.state, '', href);
  location.reload();
}

/**
 * The language picker every page shows: the languages in their own words, marked with their `lang` so that
 * screen readers say each one right. Choosing one remembers it and loads the page again in it.
 */
export function LanguagePicker(props: {
  id?: string;
  /** Where to go once the language is chosen; this address (without `?lang=`) by default. */
  reloadTo?: () => string;
}) {
  // A component rendered without the i18n layer started (a unit test) shows no picker.
  if (!messagesLoaded()) return null;
  const id = props.id ?? 'language';
  const current = locale();
  return (
    <div class="language-picker">
      <label for={id}>
        <svg class="language-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <circle cx="8" cy="8" r="6.5" />
          <ellipse cx="8" cy="8" rx="2.75" ry="6.5" />
          <path d="M1.5 8h13M2.6 4.5h10.8M2.6 11.5h10.8" />
        </svg>
        {t('common.language.label')}
      </label>
      <select
        id={id}
        value={current}
        onChange={(event) => {
          const next = event.currentTarget.value as Locale;
          if (next === current) return;
          rememberLanguage(next);
          goTo(props.reloadTo?.() ?? addressWithoutLang(location.href));
        }}
      >
        {locales.map((tag) => (
          <option key={tag} value={tag} lang={tag}>
            {localeNames[tag]}
          </option>
        ))}
      </select>
    </div>
  );
}
