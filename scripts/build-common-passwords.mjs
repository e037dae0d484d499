#!/usr/bin/env node
/**
 * Builds packages/server/data/common-passwords.txt.gz, the list of common and breached passwords
 * that Twofold refuses (NIST SP 800-63B), from SecLists'
 * Passwords/Common-Credentials/10-million-password-list-top-1000000.txt (MIT licence; see
 * packages/server/data/README.md):
 *
 *   node scripts/build-common-passwords.mjs <10-million-password-list-top-1000000.txt> [count]
 *
 * The source is ordered by frequency. Each line is trimmed, put in NFC and lower case (the check
 * ignores case), and kept when it has 8 to 256 characters (shorter ones are refused by length
 * anyway); the first `count` distinct ones (default 200,000) are written, most common first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const [source, countArg] = process.argv.slice(2);
if (!source) {
  console.error('usage: node scripts/build-common-passwords.mjs <source.txt> [count]');
  process.exit(2);
}
const count = Number(countArg ?? 200_000);
const seen = new Set();
for (const line of readFileSync(source, 'utf8').split('\n')) {
  const password = line.trim().normalize('NFC').toLowerCase();
  const length = [...password].length;
  if (length < 8 || length > 256 || seen.has(password)) continue;
  seen.add(password);
  if (seen.size === count) break;
}
const target = new URL('../packages/server/data/common-passwords.txt.gz', import.meta.url);
writeFileSync(target, gzipSync(`${[...seen].join('\n')}\n`, { level: 9 }));
console.log(`${seen.size} passwords written to ${target.pathname}`);
