/**
 * A built page in one language, as the server sends it: `<html lang>`, the title and the no-script line in
 * that language (so they are right before any script runs), and a preload of the page's message catalogs in
 * it (so the page does not wait to find out which files it needs).
 */
import type { Locale } from '@twofold/core';
import { escapeHtml } from '../oidc/pages.js';

export interface PageTexts {
  readonly title: string;
  readonly noscript: string;
  /** URL paths of the page's catalog chunks in this language (dist/i18n.json). */
  readonly preload: readonly string[];
}

/** Replaces one marker of the built HTML; a build without it is not one this server understands. */
function replaceOnce(html: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(html)) throw new Error(`the web build's HTML has no ${what}: run \`npm run build\``);
  return html.replace(pattern, replacement);
}

export function localisePage(html: string, locale: Locale, texts: PageTexts): string {
  let page = replaceOnce(html, /<html lang="[a-z-]*">/i, `<html lang="${locale}">`, '<html lang>');
  page = replaceOnce(page, /<title>[^<]*<\/title>/, `<title>${escapeHtml(texts.title)}</title>`, '<title>');
  page = replaceOnce(
    page,
    /<p class="noscript">[^<]*<\/p>/,
    `<p class="noscript">${escapeHtml(texts.noscript)}</p>`,
    'no-script line',
  );
  const links = texts.preload.map(
    (href) => `    <link rel="modulepreload" crossorigin href="${escapeHtml(href)}">\n`,
  );
  return replaceOnce(page, /\s*<\/head>/, `\n${links.join('')}  </head>`, '</head>');
}
