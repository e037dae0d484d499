import { EntryCollector } from './collector.js';
import { invalidFile } from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject, stringAt } from './source.js';

/**
 * Proton Authenticator exports (JSON): {version, entries: [{id, content: {uri (otpauth), entry_type, name},
 * note}]}. The URI carries every parameter; `name` is what the app shows.
 */
const WHAT = 'Proton Authenticator export';

export const protonAuthenticatorFormat: FormatReader = {
  name: 'proton-authenticator',
  title: 'a Proton Authenticator export',
  detect(source) {
    const file = asObject(source.json);
    const first = Array.isArray(file?.['entries']) ? asObject((file['entries'] as unknown[])[0]) : undefined;
    return first !== undefined && typeof asObject(first['content'])?.['uri'] === 'string';
  },
  async read(source, options) {
    const entries = asObject(source.json)?.['entries'];
    if (!Array.isArray(entries)) invalidFile(WHAT, 'entries must be an array');
    const collector = new EntryCollector(entries.length, options.onProgress);
    entries.forEach((value, index) => {
      const entry = asObject(value);
      const uri = stringAt(asObject(entry?.['content']), 'uri');
      if (uri === '') {
        collector.skip(
          `entry ${index + 1}`,
          stringAt(asObject(entry?.['content']), 'name'),
          'the entry has no URI',
        );
        return;
      }
      collector.addUri(`entry ${index + 1}`, uri, { note: entry?.['note'] });
    });
    return collector.result('proton-authenticator');
  },
};
