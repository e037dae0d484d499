/// <reference types="vite/client" />
/**
 * The pages' words: `t('signIn.password.title')` anywhere, in the page's language. A page starts with
 * `startPage(name)`, which reads the language the server chose (`<html lang>`) and loads that page's
 * catalogs in it; the language is fixed for the page's life (the picker reloads the page).
 *
 * Messages are ICU MessageFormat: `{count, plural, one {# code} other {# codes}}`, `{at, time, short}`,
 * and `<strong>…</strong>` for `tRich`. Never build a sentence from pieces: give the whole sentence a key.
 */
import {
  type Catalog,
  createTranslator,
  defaultLocale,
  type Locale,
  localeOfTag,
  type MessageValue,
  type Translator,
} from '@twofold/core';
import type { ComponentChildren, VNode } from 'preact';
import type adminEn from './catalogs/admin/en.json';
import type adminGroupsEn from './catalogs/admin-groups/en.json';
import type adminImportEn from './catalogs/admin-import/en.json';
import type authenticatorEn from './catalogs/authenticator/en.json';
import type commonEn from './catalogs/common/en.json';
import type helpRequestsEn from './catalogs/help-requests/en.json';
import type passkeysEn from './catalogs/passkeys/en.json';
import type passwordsEn from './catalogs/passwords/en.json';
import type problemsEn from './catalogs/problems/en.json';
import type securityInfoEn from './catalogs/security-info/en.json';
import type setupEn from './catalogs/setup/en.json';
import type signInEn from './catalogs/sign-in/en.json';
import type troubleshooterEn from './catalogs/troubleshooter/en.json';
import { type CatalogPage, type Namespace, pageCatalogs } from './page-catalogs.js';

export type MessageKey =
  | keyof typeof commonEn
  | keyof typeof problemsEn
  | keyof typeof signInEn
  | keyof typeof passwordsEn
  | keyof typeof troubleshooterEn
  | keyof typeof securityInfoEn
  | keyof typeof setupEn
  | keyof typeof adminEn
  | keyof typeof adminGroupsEn
  | keyof typeof adminImportEn
  | keyof typeof helpRequestsEn
  | keyof typeof authenticatorEn
  | keyof typeof passkeysEn;

export type MessageValues = Readonly<Record<string, MessageValue>>;

/** Each catalog file as its own chunk, loaded only when a page asks for it. */
const catalogFiles = import.meta.glob<Catalog>('./catalogs/*/*.json', { import: 'default' });

let active: { readonly translator: Translator<MessageKey>; readonly formatting: string } | undefined;

function current() {
  if (!active) throw new Error('i18n: no messages loaded (call startPage or loadMessages first)');
  return active;
}

/**
 * The tag dates and numbers are formatted with: the browser's own variant of the page's language when it
 * has one (`en-GB` dates on an English page for a British browser), else the page's language.
 */
function formattingTag(locale: Locale, preferred: readonly string[]): string {
  return preferred.find((tag) => localeOfTag(tag) === locale) ?? locale;
}

/** Loads the catalogs of `namespaces` in `locale` and makes them the ones `t` reads. */
export async function loadMessages(
  locale: Locale,
  namespaces: readonly Namespace[],
  preferred: readonly string[] = [],
): Promise<void> {
  const catalogs = await Promise.all(
    namespaces.map((namespace) => {
      const load = catalogFiles[`./catalogs/${namespace}/${locale}.json`];
      if (!load) throw new Error(`i18n: no catalog ${namespace}/${locale}`);
      return load();
    }),
  );
  const formatting = formattingTag(locale, preferred);
  const catalog = Object.assign({}, ...catalogs) as Catalog<MessageKey>;
  active = {
    formatting,
    translator: createTranslator(locale, catalog, {
      formattingLocale: formatting,
      onError: (key, error) => console.error(`i18n: ${key}:`, error),
    }),
  };
}

/** The page's language as the server chose it (`<html lang>`), English when it names none Twofold speaks. */
export function documentLocale(): Locale {
  return localeOfTag(document.documentElement.lang) ?? defaultLocale;
}

/** Loads what the page shows, in the language the server chose for it. */
export function startPage(page: CatalogPage): Promise<void> {
  return loadMessages(documentLocale(), pageCatalogs[page], navigator.languages ?? []);
}

/** Whether this page has loaded its messages (a unit test of a component that says nothing may not have). */
export function messagesLoaded(): boolean {
  return active !== undefined;
}

/** The page's language. */
export function locale(): Locale {
  return current().translator.locale;
}

/** The locale tag for Intl formatters (dates, numbers) on this page. */
export function formattingLocale(): string {
  return current().formatting;
}

/** Whether the page has a message for this key (made from data: `problem.${code}`). */
export function hasMessage(key: string): key is MessageKey {
  return current().translator.has(key);
}

/** A message as text. */
export function t(key: MessageKey, values?: MessageValues): string {
  return current().translator.text(key, values);
}

export type RichValues = Readonly<
  Record<string, MessageValue | VNode | ((chunks: ComponentChildren[]) => ComponentChildren)>
>;

/** A message with markup: each `<tag>` of the message is made by the function of that name. */
export function tRich(key: MessageKey, values: RichValues): ComponentChildren {
  return current().translator.parts<ComponentChildren>(
    key,
    values as Readonly<Record<string, MessageValue | ((chunks: ComponentChildren[]) => ComponentChildren)>>,
  );
}

/** "A, B and C" in the page's language. */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(formattingLocale(), { type: 'conjunction' }).format(items);
}
