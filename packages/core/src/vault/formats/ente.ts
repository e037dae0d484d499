import { fromBase64, fromUtf8 } from '../bytes.js';
import { EntryCollector } from './collector.js';
import {
  argon2idKey,
  invalidFile,
  openSecretstreamMessage,
  passwordRequired,
  utf8,
  wrongPassword,
} from './crypto.js';
import type { FormatReader } from './format.js';
import { asObject } from './source.js';

/**
 * Ente Auth encrypted exports (ente docs/auth/migration/export.md, version 1): {version, kdfParams {memLimit
 * (bytes), opsLimit, salt}, encryptedData, encryptionNonce}, base64. The key is libsodium's crypto_pwhash
 * (Argon2id v1.3, one lane) of the password; the data is one crypto_secretstream_xchacha20poly1305 message
 * whose header is encryptionNonce. The plain text is otpauth URIs, one per line; Ente's codeDisplay parameter
 * says which are pinned, tagged or in the trash (skipped, with a note).
 */
const WHAT = 'Ente Auth export';

export const enteFormat: FormatReader = {
  name: 'ente',
  title: 'an Ente Auth export',
  detect(source) {
    const file = asObject(source.json);
    return file !== undefined && 'kdfParams' in file && 'encryptedData' in file;
  },
  async read(source, options) {
    const file = asObject(source.json) ?? invalidFile(WHAT, 'not a JSON object');
    if (file['version'] !== 1)
      invalidFile(WHAT, `version ${String(file['version'])} is not one this importer knows (1)`);
    const kdf = asObject(file['kdfParams']);
    const salt = fromBase64(kdf?.['salt']);
    const data = fromBase64(file['encryptedData']);
    const header = fromBase64(file['encryptionNonce']);
    if (salt === undefined || data === undefined || header?.length !== 24) {
      invalidFile(WHAT, 'kdfParams.salt, encryptedData and encryptionNonce (24 bytes) must be base64');
    }
    const password = passwordRequired(`this ${WHAT}`, options.password);
    const key = await argon2idKey(
      utf8(password),
      salt,
      { passes: Number(kdf?.['opsLimit']), memoryBytes: Number(kdf?.['memLimit']), parallelism: 1 },
      WHAT,
    );
    const opened = openSecretstreamMessage(key, header, data);
    if (opened === undefined) throw wrongPassword(WHAT);
    let text: string;
    try {
      text = fromUtf8(opened.message);
    } catch {
      return invalidFile(WHAT, 'the decrypted data is not text');
    }
    const lines = text
      .split(/\r?\n/)
      .map((line, index) => ({ line: index + 1, uri: line.trim() }))
      .filter(({ uri }) => uri !== '');
    const collector = new EntryCollector(lines.length, options.onProgress);
    for (const { line, uri } of lines) collector.addUri(`line ${line}`, uri);
    return collector.result('ente');
  },
};
