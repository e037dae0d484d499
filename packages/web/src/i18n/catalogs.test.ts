/**
 * The locale-completeness test of the pages (issue 19): every key exists in every language with the same
 * placeholders, tags and select cases as the English message; every message parses; every key carries its
 * namespace's prefix; every code of the error registry has a message; and every page's namespaces exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { errorRegistry, locales, messageShape, shapeDifferences } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { keyPrefixes, type Namespace, namespaces, pageCatalogs } from './page-catalogs.js';

const catalogDir = new URL('./catalogs/', import.meta.url);

function catalog(namespace: Namespace, locale: string): Record<string, string> {
  return JSON.parse(readFileSync(new URL(`${namespace}/${locale}.json`, catalogDir), 'utf8')) as Record<
    string,
    string
  >;
}

describe('message catalogs', () => {
  it('has a folder for each namespace and a file for each language, nothing else', () => {
    const folders = readdirSync(catalogDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.sort()).toEqual([...namespaces].sort());
    for (const namespace of namespaces) {
      const files = readdirSync(new URL(`${namespace}/`, catalogDir)).sort();
      expect(files, namespace).toEqual(locales.map((locale) => `${locale}.json`).sort());
    }
  });

  for (const namespace of namespaces) {
    describe(namespace, () => {
      const english = catalog(namespace, 'en');

      it('holds only keys with its prefix, and messages that parse', () => {
        for (const [key, message] of Object.entries(english)) {
          expect(key.startsWith(keyPrefixes[namespace]), key).toBe(true);
          expect(message.trim(), key).not.toBe('');
          expect(() => messageShape(message), key).not.toThrow();
        }
      });

      for (const locale of locales.filter((l) => l !== 'en')) {
        it(`is complete in ${locale}: the same keys, each message of the English one's shape`, () => {
          const translated = catalog(namespace, locale);
          expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort());
          const problems: string[] = [];
          for (const [key, message] of Object.entries(english)) {
            const other = translated[key] ?? '';
            if (other.trim() === '') {
              problems.push(`${key}: empty`);
              continue;
            }
            try {
              for (const difference of shapeDifferences(messageShape(message), messageShape(other)))
                problems.push(`${key}: ${difference}`);
            } catch (error) {
              problems.push(`${key}: ${(error as Error).message}`);
            }
          }
          expect(problems).toEqual([]);
        });
      }
    });
  }

  it('gives every code of the error registry a message a page can show', () => {
    const problems = catalog('problems', 'en');
    const missing = Object.keys(errorRegistry).filter((code) => !(`problem.${code}` in problems));
    expect(missing).toEqual([]);
  });

  it('loads on every page the namespaces that exist, common and problems first', () => {
    for (const [page, used] of Object.entries(pageCatalogs)) {
      expect(used.slice(0, 2), page).toEqual(['common', 'problems']);
      for (const namespace of used) expect(namespaces, page).toContain(namespace);
    }
  });
});
