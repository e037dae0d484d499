import { fromBase64 } from '../bytes.js';
import { EntryCollector } from './collector.js';
import { invalidFile } from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject, stringAt } from './source.js';

/**
 * Steam Desktop Authenticator's maFile (JSON, one account): shared_secret (base64, the TOTP key), account_name,
 * and the rest of Steam's mobile authenticator data, which codes do not need. A file that SDA encrypted is base64
 * text (its key lives in SDA's manifest.json), so it is refused with that reason.
 */
const WHAT = 'Steam maFile';

export const steamFormat: FormatReader = {
  name: 'steam',
  title: 'a Steam maFile',
  detect(source) {
    const file = asObject(source.json);
    return file !== undefined && 'shared_secret' in file;
  },
  async read(source, options) {
    const file = asObject(source.json) ?? invalidFile(WHAT, 'not a JSON object');
    const collector = new EntryCollector(1, options.onProgress);
    const name = stringAt(file, 'account_name');
    collector.add('the maFile', name, () => {
      const secret = fromBase64(file['shared_secret']);
      if (secret === undefined || secret.length === 0) throw new Error('shared_secret is not base64');
      return { type: 'steam', issuer: 'Steam', name, secret };
    });
    return collector.result('steam');
  },
};
