/**
 * The list of common and breached passwords Twofold refuses (NIST SP 800-63B; the data and its
 * source are described in packages/server/data/README.md). It is read once, the first time it is
 * needed, into a Set: a check is then one hash lookup. Compared in NFC and lower case, as stored.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const listFile = new URL('../../data/common-passwords.txt.gz', import.meta.url);

let passwords: ReadonlySet<string> | undefined;

function load(): ReadonlySet<string> {
  if (!passwords) {
    const text = gunzipSync(readFileSync(listFile)).toString('utf8');
    passwords = new Set(text.split('\n').filter((line) => line.length > 0));
  }
  return passwords;
}

/** Whether `password` is in the list (ignoring case). */
export function isCommonPassword(password: string): boolean {
  return load().has(password.normalize('NFC').toLowerCase());
}

/** How many passwords the list holds (loads it). */
export function commonPasswordCount(): number {
  return load().size;
}
