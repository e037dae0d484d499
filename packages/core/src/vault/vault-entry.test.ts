import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isTwofoldError } from '../errors/index.js';
import { decodeBase32, encodeBase32 } from '../otp/base32.js';
import type { OtpAlgorithm } from '../otp/otp-algorithm.js';
import { parseOtpauthUri } from '../otp/otpauth-uri.js';
import {
  addEntries,
  advanceHotpCounter,
  createVault,
  entryCountdown,
  entryFromAccount,
  findEntries,
  findEntry,
  generateEntryCode,
  removeEntry,
  type VaultEntry,
} from './vault-entry.js';

const ascii = (text: string) => new TextEncoder().encode(text);
const SEEDS: Record<'SHA1' | 'SHA256' | 'SHA512', Uint8Array> = {
  SHA1: ascii('12345678901234567890'),
  SHA256: ascii('12345678901234567890123456789012'),
  SHA512: ascii('1234567890123456789012345678901234567890123456789012345678901234'),
};

function entry(fields: Partial<VaultEntry> & Pick<VaultEntry, 'type' | 'secret'>): VaultEntry {
  return {
    id: crypto.randomUUID(),
    issuer: 'Example',
    name: 'alice@example.com',
    algorithm: 'SHA1',
    digits: 6,
    ...(fields.type === 'hotp' ? { counter: 0n } : { period: 30 }),
    extra: {},
    ...fields,
  };
}

function errorCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isTwofoldError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('codes of vault entries', () => {
  it('HOTP: RFC 4226 Appendix D, counters 0-9', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    let vault = { entries: [entry({ type: 'hotp', secret: SEEDS.SHA1, counter: 0n })] };
    const id = vault.entries[0]!.id;
    for (const code of expected) {
      expect(generateEntryCode(vault.entries[0]!, 0)).toBe(code);
      vault = advanceHotpCounter(vault, id);
    }
    expect(vault.entries[0]!.counter).toBe(10n);
  });

  it('TOTP: every row of RFC 6238 Appendix B for SHA1, SHA256 and SHA512 (8 digits)', () => {
    const table: [number, string, string, string][] = [
      [59, '94287082', '46119246', '90693936'],
      [1111111109, '07081804', '68084774', '25091201'],
      [1111111111, '14050471', '67062674', '99943326'],
      [1234567890, '89005924', '91819424', '93441116'],
      [2000000000, '69279037', '90698825', '38618901'],
      [20000000000, '65353130', '77737706', '47863826'],
    ];
    for (const [time, sha1, sha256, sha512] of table) {
      for (const [algorithm, code] of [
        ['SHA1', sha1],
        ['SHA256', sha256],
        ['SHA512', sha512],
      ] as const) {
        const e = entry({ type: 'totp', secret: SEEDS[algorithm], algorithm, digits: 8 });
        expect(generateEntryCode(e, time), `${algorithm} at ${time}`).toBe(code);
      }
    }
  });

  it('Steam: codes captured from the Steam app', () => {
    const e = entry({
      type: 'steam',
      secret: decodeBase32('63BEDWCQZKTQWPESARIERL5DTTQFCJTK'),
      digits: 5,
      period: 30,
    });
    expect(generateEntryCode(e, 1511200518)).toBe('FR8RV');
    expect(generateEntryCode(e, 1511200714)).toBe('9P3VP');
  });

  it('counts down the seconds left of totp and steam codes', () => {
    const e = entry({ type: 'totp', secret: SEEDS.SHA1 });
    expect(entryCountdown(e, 59)).toEqual({ period: 30, remaining: 1 });
    expect(entryCountdown(e, 60)).toEqual({ period: 30, remaining: 30 });
    expect(entryCountdown({ ...e, period: 60 }, 61.9)).toEqual({ period: 60, remaining: 59 });
    expect(entryCountdown(entry({ type: 'hotp', secret: SEEDS.SHA1 }), 59)).toBeUndefined();
  });

  const oathtool = spawnSync('oathtool', ['--version']).status === 0;
  it.skipIf(!oathtool)('matches oathtool (an independent implementation) for 45 random secrets', () => {
    const algorithms: OtpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
    for (let i = 0; i < 45; i++) {
      const secret = crypto.getRandomValues(new Uint8Array(10 + (i % 30)));
      const hotp = i % 5 === 0;
      const algorithm = hotp ? 'SHA1' : algorithms[i % 3]!; // oathtool's HOTP is SHA1 only
      const digits = 6 + (i % 3);
      const time = Math.floor(Math.random() * 4_000_000_000);
      const counter = BigInt(Math.floor(Math.random() * 1e9));
      // Through an otpauth URI, as a user would add it.
      const uri = `otpauth://${hotp ? 'hotp' : 'totp'}/Test:x?secret=${encodeBase32(secret)}&algorithm=${algorithm}&digits=${digits}${hotp ? `&counter=${counter}` : '&period=30'}`;
      const e = entryFromAccount(parseOtpauthUri(uri).account);
      const args = hotp
        ? ['--hotp', '-d', String(digits), '-c', String(counter), Buffer.from(secret).toString('hex')]
        : [
            `--totp=${algorithm.toLowerCase()}`,
            '-d',
            String(digits),
            '-N',
            `@${time}`,
            Buffer.from(secret).toString('hex'),
          ];
      const result = spawnSync('oathtool', args, { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      expect(generateEntryCode(e, time), `${uri} at ${time}`).toBe(result.stdout.trim());
    }
  });
});

describe('finding, adding and removing entries', () => {
  const github = entry({ type: 'totp', secret: SEEDS.SHA1, issuer: 'GitHub', name: 'ann' });
  const gitlab = entry({ type: 'totp', secret: SEEDS.SHA256, issuer: 'GitLab', name: 'ann' });
  const git = entry({ type: 'totp', secret: SEEDS.SHA512, issuer: 'Git', name: 'ann@git' });
  const vault = { entries: [github, gitlab, git] };

  it('finds by id, by a substring of issuer or name, and prefers an exact match', () => {
    expect(findEntry(vault, github.id)).toBe(github);
    expect(findEntry(vault, 'hub')).toBe(github);
    expect(findEntry(vault, 'GITLAB')).toBe(gitlab);
    expect(findEntry(vault, 'git')).toBe(git); // exact issuer wins over GitHub/GitLab containing it
    expect(findEntry(vault, 'GitHub:ann')).toBe(github);
    expect(findEntries(vault, 'ann').length).toBe(3);
    expect(findEntries(vault, '').length).toBe(3);
  });

  it('refuses an ambiguous or unknown name with a clear error', () => {
    expect(errorCode(() => findEntry(vault, 'ann'))).toBe('vault_entry_ambiguous');
    try {
      findEntry(vault, 'Gi');
    } catch (error) {
      expect(String((error as Error).message)).toMatch(/3 accounts match 'Gi': GitHub \(ann\) \[/);
    }
    expect(errorCode(() => findEntry(vault, 'nothing'))).toBe('vault_entry_not_found');
  });

  it('adds entries once: the same account again is a duplicate; a clashing id gets a new one', () => {
    const first = addEntries(createVault(), [github, gitlab]);
    expect(first.added.length).toBe(2);
    const again = addEntries(first.vault, [
      { ...github, id: crypto.randomUUID() },
      { ...git, id: github.id },
    ]);
    expect(again.duplicates.map((e) => e.issuer)).toEqual(['GitHub']);
    expect(again.added.length).toBe(1);
    expect(again.added[0]!.id).not.toBe(github.id);
    expect(again.vault.entries.length).toBe(3);
    expect(() => addEntries(createVault(), [{ ...github, digits: 4 }])).toThrow(/digits/);
  });

  it('removes exactly one entry', () => {
    const { vault: after, removed } = removeEntry(vault, 'gitlab');
    expect(removed).toBe(gitlab);
    expect(after.entries.map((e) => e.issuer)).toEqual(['GitHub', 'Git']);
    expect(vault.entries.length).toBe(3); // the input is not changed
  });
});
