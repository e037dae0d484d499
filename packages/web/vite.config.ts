import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { catalogChunkFileName, i18nCatalogs } from './vite/i18n-catalogs.js';

const page = (name: string) => fileURLToPath(new URL(`./${name}.html`, import.meta.url));

/**
 * The web authenticator's hand-written files (service worker, manifest, icon), copied unhashed to
 * dist/authenticator/: the server serves them at /authenticator/ so that the worker's scope is /authenticator/.
 */
function authenticatorStatic(): Plugin {
  return {
    name: 'twofold-authenticator-static',
    generateBundle() {
      for (const file of ['sw.js', 'manifest.webmanifest', 'icon.svg']) {
        const source = readFileSync(
          fileURLToPath(new URL(`./src/authenticator/static/${file}`, import.meta.url)),
        );
        this.emitFile({ type: 'asset', fileName: `authenticator/${file}`, source });
      }
    },
  };
}

/**
 * One multi-page build for every Twofold page: each page is an HTML entry, shared components and styles
 * land in shared hashed chunks. The server sends a CSP without 'unsafe-inline', so nothing may be inlined.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/web/',
  publicDir: false,
  plugins: [authenticatorStatic(), i18nCatalogs({ base: '/web/' })],
  resolve: {
    // Catalogs are parsed at build time (vite/i18n-catalogs.ts): pages format without the ICU parser.
    alias: [
      {
        find: /^@formatjs\/icu-messageformat-parser$/,
        replacement: '@formatjs/icu-messageformat-parser/no-parser.js',
      },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Never inline assets as data: URLs or styles into HTML: everything is a file under /web/assets/.
    assetsInlineLimit: 0,
    cssCodeSplit: true,
    sourcemap: false,
    target: 'es2022',
    // Every browser that runs ES2022 modules knows <link rel="modulepreload">.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: {
        'sign-in': page('sign-in'),
        'security-info': page('security-info'),
        setup: page('setup'),
        admin: page('admin'),
        authenticator: page('authenticator'),
      },
      // Preact and the shared components in chunks of their own, cached across pages and named for what they hold.
      output: {
        chunkFileNames: catalogChunkFileName,
        codeSplitting: {
          groups: [
            { name: 'preact', test: /node_modules[\\/]preact/ },
            { name: 'shared', test: /src[\\/]shared/ },
          ],
        },
      },
    },
  },
});
