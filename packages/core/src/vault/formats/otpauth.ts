import { invalidFile } from './crypto.js';
import type { FormatReader } from './format.js';
import { contentLines, importUriSources, MIGRATION, OTPAUTH } from './uri-lines.js';

/** Text with otpauth URIs, one per line (Ente's plain export, 2FAS's and others' "otpauth links"). */
export const otpauthFormat: FormatReader = {
  name: 'otpauth',
  title: 'a list of otpauth links',
  detect(source) {
    if (source.text === undefined || source.json !== undefined) return false;
    return contentLines(source.text).some(({ text }) => OTPAUTH.test(text) || MIGRATION.test(text));
  },
  async read(source, options) {
    const lines = contentLines(source.text ?? '');
    if (lines.length === 0) invalidFile('otpauth links', 'the file has no URI');
    return importUriSources(
      lines.map(({ line, text }) => ({ where: `line ${line}`, text })),
      'otpauth',
      options.onProgress,
    );
  },
};
