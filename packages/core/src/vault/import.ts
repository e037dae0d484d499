import { TwofoldError } from '../errors/index.js';
import { utf8 } from './bytes.js';
import type { ImportProgress } from './formats/collector.js';
import { describeUnknown, detectFormat, FORMAT_READERS, formatReader } from './formats/registry.js';
import { importSource } from './formats/source.js';
import { importUriSources } from './formats/uri-lines.js';
import type { ImportFormat, ImportResult } from './import-result.js';

export { importUriSources } from './formats/uri-lines.js';

export interface ImportOptions {
  /** Default: detected from the file (detectImportFormat). */
  format?: ImportFormat;
  /** Password of an encrypted export. */
  password?: string;
  /** Called as entries are read (done, total), for a progress line on big imports. */
  onProgress?: ImportProgress;
}

function refuse(source: ReturnType<typeof importSource>): never {
  const names = FORMAT_READERS.map((reader) => reader.name).join(', ');
  throw new TwofoldError(
    'import_invalid',
    `${describeUnknown(source)}: none of the formats Twofold imports (${names})`,
  );
}

/** The format of a file's bytes (see FORMAT_READERS). Throws `import_invalid` naming what the file looks like. */
export function detectImportFormatOfBytes(bytes: Uint8Array): ImportFormat {
  const source = importSource(bytes);
  return (detectFormat(source) ?? refuse(source)).name;
}

/** The format of a text file: a vault, an app's export, otpauth-migration URIs or otpauth URIs. */
export function detectImportFormat(text: string): ImportFormat {
  return detectImportFormatOfBytes(utf8(text));
}

/** Reads the texts of QR codes (otpauth or otpauth-migration URIs). */
export function importQrTexts(texts: readonly string[]): ImportResult {
  return importUriSources(texts.map((text, index) => ({ where: `QR code ${index + 1}`, text: text.trim() })));
}

/**
 * Imports accounts from a file in any supported format (detected unless `format` is given). Every entry that
 * cannot be taken is reported in `skipped` with the reason; the rest are returned. Throws only when the file
 * as a whole is unusable (`import_invalid`, `import_password_required`, `import_password_wrong`), naming what
 * the file is when it is not the format asked for.
 */
export async function importFromBytes(bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportResult> {
  const source = importSource(bytes);
  const detected = detectFormat(source);
  let reader = detected ?? refuse(source);
  if (options.format !== undefined && options.format !== reader.name) {
    const asked = formatReader(options.format);
    // A file of another shape is refused by what it is; otpauth lines may be read as migration URIs and back.
    const textual = ['otpauth', 'google-migration'];
    if (!(textual.includes(asked.name) && textual.includes(reader.name))) {
      throw new TwofoldError('import_invalid', `this is ${reader.title}, not ${asked.title}`);
    }
    reader = asked;
  }
  return reader.read(source, {
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
}

/** importFromBytes for a file read as text. */
export function importFromText(text: string, options: ImportOptions = {}): Promise<ImportResult> {
  return importFromBytes(utf8(text), options);
}
