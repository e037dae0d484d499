/**
 * For unit tests of code that says things: loads every catalog in a language (English by default) before
 * the file's tests run, as a page's `startPage` would load its own.
 */
import type { Locale } from '@twofold/core';
import { beforeAll } from 'vitest';
import { loadMessages } from './i18n.js';
import { namespaces } from './page-catalogs.js';

export function withMessages(locale: Locale = 'en', preferred: readonly string[] = []): void {
  beforeAll(() => loadMessages(locale, namespaces, preferred));
}
