import { invalidFile } from './crypto.js';
import type { FormatReader } from './format.js';
import { contentLines, importUriSources, MIGRATION } from './uri-lines.js';

/** Google Authenticator's "Transfer accounts" QR codes as otpauth-migration:// URIs, one per line. */
export const googleMigrationFormat: FormatReader = {
  name: 'google-migration',
  title: 'a Google Authenticator export',
  detect(source) {
    if (source.text === undefined || source.json !== undefined) return false;
    const lines = contentLines(source.text);
    return lines.length > 0 && lines.every(({ text }) => MIGRATION.test(text));
  },
  async read(source, options) {
    const lines = contentLines(source.text ?? '');
    if (lines.length === 0) invalidFile('Google Authenticator export', 'the file has no URI');
    return importUriSources(
      lines.map(({ line, text }) => ({ where: `line ${line}`, text })),
      'google-migration',
      options.onProgress,
    );
  },
};
