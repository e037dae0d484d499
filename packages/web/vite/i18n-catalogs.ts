/**
 * The build's part of the i18n layer:
 * - each catalog (`src/i18n/catalogs/<namespace>/<locale>.json`) is parsed into ICU message ASTs at build
 *   time, so the pages ship intl-messageformat without its parser (aliased in vite.config.ts) and format
 *   without parsing;
 * - `dist/i18n.json` tells the server which built files hold each page's catalogs in each language, so that
 *   it preloads them with the page (`<link rel="modulepreload">`) instead of the page finding out late.
 */
import { parse } from '@formatjs/icu-messageformat-parser';
import type { Plugin } from 'vite';
import { pageCatalogs } from '../src/i18n/page-catalogs.js';

const catalogPath = /[\\/]src[\\/]i18n[\\/]catalogs[\\/]([a-z-]+)[\\/]([a-z]{2})\.json$/;

/** `assets/messages-sign-in.de-<hash>.js` for a catalog's chunk, so that a look at the network says which. */
export function catalogChunkFileName(chunk: { facadeModuleId: string | null }): string {
  const match = chunk.facadeModuleId ? catalogPath.exec(chunk.facadeModuleId) : null;
  return match ? `assets/messages-${match[1]}.${match[2]}-[hash].js` : 'assets/[name]-[hash].js';
}

/** What dist/i18n.json holds: for each page, for each locale, the URL paths of its catalogs' files. */
export interface I18nManifest {
  readonly pages: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export function i18nCatalogs(options: { base: string }): Plugin {
  return {
    name: 'twofold-i18n-catalogs',
    enforce: 'pre',
    transform(code, id) {
      const match = catalogPath.exec(id);
      if (!match) return null;
      const locale = new Intl.Locale(match[2] ?? 'en');
      const messages = JSON.parse(code) as Record<string, string>;
      const parsed: Record<string, unknown> = {};
      for (const [key, message] of Object.entries(messages)) {
        try {
          parsed[key] = parse(message, { locale });
        } catch (error) {
          this.error(`${id}: ${key}: ${(error as Error).message}`);
        }
      }
      return { code: JSON.stringify(parsed), map: null };
    },
    generateBundle(_output, bundle) {
      const files = new Map<string, string>();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.facadeModuleId) continue;
        const match = catalogPath.exec(chunk.facadeModuleId);
        if (match) files.set(`${match[1]}/${match[2]}`, `${options.base}${chunk.fileName}`);
      }
      const pages: Record<string, Record<string, string[]>> = {};
      for (const [page, namespaces] of Object.entries(pageCatalogs)) {
        const byLocale: Record<string, string[]> = {};
        for (const key of files.keys()) {
          const locale = key.split('/')[1] ?? '';
          byLocale[locale] ??= namespaces.map((namespace) => {
            const file = files.get(`${namespace}/${locale}`);
            if (!file) this.error(`i18n: no built catalog ${namespace}/${locale} for page ${page}`);
            return file;
          });
        }
        pages[page] = byLocale;
      }
      this.emitFile({
        type: 'asset',
        fileName: 'i18n.json',
        source: `${JSON.stringify({ pages } satisfies I18nManifest, null, 2)}\n`,
      });
    },
  };
}
