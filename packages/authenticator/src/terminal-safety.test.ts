/**
 * Security review 14.6: issuers and names come from files and QR codes that anyone can craft. Printed as they
 * are, their control characters act on the terminal (an OSC sequence sets the window title, CSI erases a line,
 * CR returns to overwrite what was printed) and a bidi override (U+202E) makes one name read as another. Every
 * verb's output must show them as visible escapes, in human output and in --json, and the values stay intact.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useAuthenticator } from './test-support/run.js';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
/** OSC 0 (window title), CSI 2K (erase line) + colour, CR overwrite, RLO (U+202E), and a C1 CSI (U+009B). */
const CRAFTED = [
  { issuer: 'Evil\x1b]0;pwned\x07', name: 'alice' },
  { issuer: 'Bank', name: 'mallory\x1b[2K\x1b[32mBank (alice)' },
  { issuer: 'Shop', name: 'mallory\rShop (alice)' },
  { issuer: 'moc.elgoog\u202e', name: '\u202ebob' },
  { issuer: 'C1', name: 'x\u009b2Ky' },
];
/** A raw control (other than the newlines of the output itself), DEL, C1, or bidi/separator character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

function uriOf(account: { issuer: string; name: string }): string {
  const label = `${encodeURIComponent(account.issuer)}:${encodeURIComponent(account.name)}`;
  return `otpauth://totp/${label}?secret=${SECRET}&issuer=${encodeURIComponent(account.issuer)}`;
}

describe('twofold-authenticator: terminal control characters from accounts are printed inert (14.6)', () => {
  const t = useAuthenticator();

  it('import, list, code and remove show escapes, never the raw characters; --json keeps the values', async () => {
    const file = join(t.dir(), 'crafted.txt');
    writeFileSync(file, `${CRAFTED.map(uriOf).join('\n')}\n`);
    const outputs = [
      await t.run(['import', file, '--vault', t.vault()]),
      await t.run(['list', '--once', '--vault', t.vault()]),
      await t.run(['list', '--vault', t.vault()], { ttyStdout: false }),
      await t.run(['code', 'alice', '--vault', t.vault()]),
      await t.run(['code', 'moc', '--vault', t.vault()]),
      await t.run(['remove', 'no such account \x1b[2J', '--vault', t.vault()]),
    ];
    for (const { stdout, stderr } of outputs) {
      expect(stdout).not.toMatch(ACTIVE);
      expect(stderr).not.toMatch(ACTIVE);
    }
    const [imported, listed] = outputs;
    expect(imported!.code).toBe(0);
    expect(imported!.stdout).toContain('Added Evil\\x1b]0;pwned\\x07 (alice) (totp).');
    expect(imported!.stdout).toContain('Added Bank (mallory\\x1b[2K\\x1b[32mBank (alice)) (totp).');
    expect(listed!.stdout).toContain('Shop (mallory\\x0dShop (alice))');
    expect(listed!.stdout).toContain('moc.elgoog\\u202e (\\u202ebob)');
    expect(listed!.stdout).toContain('C1 (x\\x9b2Ky)');
    expect(outputs[5]!.stderr).toContain('\\x1b[2J');

    const json = await t.run(['--json', 'list', '--vault', t.vault()]);
    expect(json.stdout).not.toMatch(ACTIVE);
    const accounts = JSON.parse(json.stdout) as { issuer: string; name: string }[];
    expect(accounts.map(({ issuer, name }) => ({ issuer, name }))).toEqual(CRAFTED);
  });

  it('warnings and skipped entries name crafted accounts inert too', async () => {
    const file = join(t.dir(), 'crafted.txt');
    // A secret of 8 bytes is refused: the skip line names the account.
    writeFileSync(file, `otpauth://totp/%1B%5D0%3Bx%07:bob?secret=GEZDGNBVGY3TQOJQ\n${uriOf(CRAFTED[0]!)}\n`);
    const result = await t.run(['import', file, '--vault', t.vault()]);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(ACTIVE);
    expect(result.stdout).toContain('\\x1b]0;x\\x07');
  });
});
