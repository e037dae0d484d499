import { TwofoldError } from '../../errors/index.js';
import type { ImportFormat } from '../import-result.js';
import { aegisFormat } from './aegis.js';
import { andOtpFormat } from './andotp.js';
import { bitwardenFormat } from './bitwarden.js';
import { enteFormat } from './ente.js';
import type { FormatReader } from './format.js';
import { freeOtpFormat } from './freeotp.js';
import { freeOtpPlusFormat } from './freeotp-plus.js';
import { googleMigrationFormat } from './google-migration.js';
import { lastPassFormat } from './lastpass.js';
import { otpauthFormat } from './otpauth.js';
import { protonAuthenticatorFormat } from './proton-authenticator.js';
import { protonPassFormat } from './proton-pass.js';
import { raivoFormat } from './raivo.js';
import { asObject, type ImportSource } from './source.js';
import { steamFormat } from './steam-mafile.js';
import { twoFasFormat } from './two-fas.js';
import { twofoldFormat } from './twofold.js';

/**
 * Every format an import reads, in the order detection tries them (the most specific shapes first; Google
 * migration before otpauth lines, which may mix both). `--format` names come from here.
 */
export const FORMAT_READERS: readonly FormatReader[] = [
  twofoldFormat,
  aegisFormat,
  twoFasFormat,
  bitwardenFormat,
  enteFormat,
  protonAuthenticatorFormat,
  protonPassFormat,
  raivoFormat,
  freeOtpPlusFormat,
  lastPassFormat,
  steamFormat,
  freeOtpFormat,
  andOtpFormat,
  googleMigrationFormat,
  otpauthFormat,
];

export function formatReader(name: ImportFormat): FormatReader {
  const reader = FORMAT_READERS.find((candidate) => candidate.name === name);
  if (reader === undefined) throw new TwofoldError('import_invalid', `unknown format '${String(name)}'`);
  return reader;
}

/** The format of a file, or undefined when it is none that Twofold reads. */
export function detectFormat(source: ImportSource): FormatReader | undefined {
  return FORMAT_READERS.find((reader) => {
    try {
      return reader.detect(source);
    } catch {
      return false;
    }
  });
}

/** What a file that is none of the formats looks like, for the refusal ("a JSON object with keys a, b"). */
export function describeUnknown(source: ImportSource): string {
  if (source.bytes.length === 0) return 'an empty file';
  const zip = source.zip;
  if (zip !== undefined) {
    const names = zip.slice(0, 5).map((entry) => entry.name);
    return `a ZIP archive of ${zip.length} file${zip.length === 1 ? '' : 's'} (${names.join(', ')}${zip.length > 5 ? ', ...' : ''})`;
  }
  const json = source.json;
  if (Array.isArray(json)) return `a JSON array of ${json.length} item${json.length === 1 ? '' : 's'}`;
  const object = asObject(json);
  if (object !== undefined) {
    const keys = Object.keys(object).slice(0, 6);
    return `a JSON object with ${keys.length === 0 ? 'no keys' : `keys ${keys.join(', ')}`}`;
  }
  if (source.text === undefined) return 'a binary file';
  if (/^\s*[{[]/.test(source.text)) return 'a file that looks like JSON but does not parse';
  return 'a text file without an otpauth:// or otpauth-migration:// URI';
}
