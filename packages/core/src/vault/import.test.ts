import { readFileSync } from 'node:fs';
import { base64Encode } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { TwofoldError } from '../errors/index.js';
import { decodeBase32 } from '../otp/base32.js';
import { encodeMigrationUris } from '../otp/google-migration.js';
import { writeMigrationPayload } from '../otp/migration-payload.js';
import type { OtpAccount } from '../otp/otp-account.js';
import { exportVault } from './export.js';
import { detectImportFormat, importFromText, importQrTexts } from './import.js';
import { describeEntry, entryFromAccount, generateEntryCode, type VaultEntry } from './vault-entry.js';
import { deriveVaultKey, sealVault } from './vault-file.js';

const aegisFixture = readFileSync(new URL('./fixtures/aegis-vault-kat.json', import.meta.url), 'utf8');

async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof TwofoldError) return error.code;
    throw error;
  }
  return 'no error';
}

function account(index: number): OtpAccount {
  return {
    type: index % 4 === 3 ? 'hotp' : 'totp',
    issuer: `Service ${index}`,
    accountName: `user${index}@example.com`,
    secret: Uint8Array.from({ length: 20 }, (_, i) => (index * 31 + i * 7) % 256),
    algorithm: 'SHA1',
    digits: 6,
    ...(index % 4 === 3 ? { counter: BigInt(index) } : { period: 30 }),
    extra: {},
  };
}

describe('import', () => {
  it('detects each format', async () => {
    const vaultFile = await sealVault({ entries: [] }, await deriveVaultKey('pw'));
    expect(detectImportFormat(vaultFile)).toBe('twofold');
    expect(detectImportFormat(aegisFixture)).toBe('aegis');
    expect(detectImportFormat('\uFEFFotpauth://totp/A?secret=JBSWY3DPEHPK3PXP\n')).toBe('otpauth');
    expect(
      detectImportFormat('otpauth-migration://offline?data=AA\notpauth-migration://offline?data=BB'),
    ).toBe('google-migration');
    expect(detectImportFormat('# mine\notpauth-migration://offline?data=AA\notpauth://totp/x?secret=A')).toBe(
      'otpauth',
    );
    expect(await code(async () => detectImportFormat('hello'))).toBe('import_invalid');
    expect(await code(async () => detectImportFormat('{"a":1}'))).toBe('import_invalid');
    expect(await code(async () => detectImportFormat('{oops'))).toBe('import_invalid');
    expect(await code(async () => detectImportFormat('  \n'))).toBe('import_invalid');
  });

  it('otpauth lines: takes every good line and reports each bad one with its line and why', async () => {
    const text = [
      '# exported by hand',
      'otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&digits=8',
      '',
      'otpauth://totp/Broken:bob?secret=NOT*BASE32&issuer=Broken',
      'otpauth://hotp/Bank:carol?secret=JBSWY3DPEHPK3PXPJBSWY3DP&counter=5',
      'otpauth://hotp/NoCounter:dan?secret=JBSWY3DPEHPK3PXP',
      'https://example.com/not-a-uri',
      'otpauth://steam/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK',
    ].join('\r\n');
    const result = await importFromText(text);
    expect(result.format).toBe('otpauth');
    expect(result.entries.map(describeEntry)).toEqual([
      'Example (alice@example.com)',
      'Bank (carol)',
      'Steam (gamer)',
    ]);
    expect(generateEntryCode(result.entries[0]!, 59)).toBe('94287082');
    expect(result.entries[1]!.counter).toBe(5n);
    expect(generateEntryCode(result.entries[2]!, 1511200518)).toBe('FR8RV');
    expect(result.skipped.map((s) => [s.where, s.name])).toEqual([
      ['line 4', 'Broken:bob'],
      ['line 6', 'NoCounter:dan'],
      ['line 7', ''],
    ]);
    expect(result.skipped[0]!.reason).toMatch(/'\*' at position 4 is not base32/);
    expect(result.skipped[1]!.reason).toMatch(/counter/);
    expect(result.skipped[2]!.reason).toMatch(/scheme must be otpauth/);
    expect(JSON.stringify(result.skipped)).not.toContain('JBSWY3DP');
  });

  it('Google migration: joins several batches in any order and takes every account', async () => {
    const accounts = Array.from({ length: 7 }, (_, i) => account(i));
    const { uris, skipped } = encodeMigrationUris(accounts, { batchSize: 3 });
    expect(skipped).toEqual([]);
    expect(uris.length).toBe(3);
    const result = await importFromText([uris[2], uris[0], uris[1]].join('\n'));
    expect(result.format).toBe('google-migration');
    expect(result.skipped).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.entries.map((e) => e.name)).toEqual(accounts.map((a) => a.accountName));
    for (const [index, entry] of result.entries.entries()) {
      expect(generateEntryCode(entry, 1234567890)).toBe(
        generateEntryCode(entryFromAccount(accounts[index]!), 1234567890),
      );
    }
    // The same QR codes as images: the texts of each code.
    expect(importQrTexts(uris).entries.length).toBe(7);
  });

  it('Google migration: a missing batch is a warning, and an entry it cannot use is reported', async () => {
    const { uris } = encodeMigrationUris([account(0), account(1), account(2)], { batchSize: 1, batchId: 77 });
    const md5 = writeMigrationPayload({
      otpParameters: [
        {
          secret: account(5).secret,
          name: 'Weird:md5',
          issuer: '',
          algorithm: 4,
          digits: 1,
          type: 2,
          counter: 0n,
        },
        {
          secret: account(6).secret,
          name: 'Fine:ok',
          issuer: '',
          algorithm: 1,
          digits: 2,
          type: 2,
          counter: 0n,
        },
      ],
      version: 1,
      batchSize: 1,
      batchIndex: 0,
      batchId: 5,
    });
    const mixed = `otpauth-migration://offline?data=${encodeURIComponent(base64Encode(md5, 'std'))}`;
    const result = await importFromText(
      [uris[0], uris[2], mixed, 'otpauth-migration://offline?data=%%%'].join('\n'),
    );
    expect(result.entries.map(describeEntry)).toEqual([
      'Service 0 (user0@example.com)',
      'Service 2 (user2@example.com)',
      'Fine (ok)',
    ]);
    expect(result.entries[2]!.digits).toBe(8);
    expect(result.warnings).toEqual([expect.stringMatching(/missing batch_index 1 of batch_size 3/)]);
    expect(result.skipped).toEqual([
      { where: 'line 4', name: '', reason: expect.stringMatching(/data/) },
      { where: 'line 3, entry 1', name: 'Weird:md5', reason: 'algorithm MD5 is not supported' },
    ]);
    expect(
      await code(() =>
        importFromText('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP', { format: 'google-migration' }),
      ),
    ).toBe('no error');
    const forced = await importFromText('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP', {
      format: 'google-migration',
    });
    expect(forced.entries).toEqual([]);
    expect(forced.skipped[0]!.reason).toBe('not an otpauth-migration:// URI');
  });

  it('Aegis: the encrypted fixture through importFromText', async () => {
    const result = await importFromText(aegisFixture, { password: 'correct horse battery staple' });
    expect(result.format).toBe('aegis');
    expect(generateEntryCode(result.entries[0]!, 59)).toBe('94287082');
    expect(generateEntryCode(result.entries[0]!, 1111111109)).toBe('07081804');
    expect(await code(() => importFromText(aegisFixture))).toBe('import_password_required');
  });

  it('Twofold vault files: with their passphrase; push activations stay behind', async () => {
    const entries: VaultEntry[] = [
      entryFromAccount(account(1)),
      {
        ...entryFromAccount(account(2)),
        push: {
          server: 'https://mfa.example.com',
          tenant: 'acme',
          deviceId: 'dev',
          privateKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' },
          activatedAt: '2026-01-01T00:00:00.000Z',
        },
      },
    ];
    const text = await sealVault({ entries }, await deriveVaultKey('backup pass'));
    expect(await code(() => importFromText(text))).toBe('import_password_required');
    expect(await code(() => importFromText(text, { password: 'nope' }))).toBe('import_password_wrong');
    const result = await importFromText(text, { password: 'backup pass' });
    expect(result.entries.map((e) => e.push)).toEqual([undefined, undefined]);
    expect(result.entries.map((e) => e.name)).toEqual(['user1@example.com', 'user2@example.com']);
    expect(result.warnings).toEqual([expect.stringMatching(/push approvals stay with the device/)]);
  });
});

describe('export', () => {
  const entries: VaultEntry[] = [
    { ...entryFromAccount(account(0)), groups: ['Work'], note: 'n' },
    entryFromAccount(account(3)),
    entryFromAccount({
      type: 'steam',
      issuer: 'Steam',
      accountName: 'gamer',
      secret: decodeBase32('63BEDWCQZKTQWPESARIERL5DTTQFCJTK'),
      algorithm: 'SHA1',
      digits: 5,
      period: 30,
      extra: {},
    }),
    {
      ...entryFromAccount({ ...account(5), algorithm: 'SHA256', digits: 8 }),
      push: {
        server: 'https://mfa.example.com',
        tenant: 'acme',
        deviceId: 'dev',
        privateKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret-d' },
        activatedAt: '2026-01-01T00:00:00.000Z',
      },
    },
  ];
  const codes = (list: VaultEntry[]) => list.map((e) => [describeEntry(e), generateEntryCode(e, 1700000000)]);

  it('round-trips through each format with the same codes, and never exports push keys', async () => {
    for (const format of ['twofold', 'aegis', 'otpauth'] as const) {
      const result = await exportVault({ entries }, { format, password: 'export pw' });
      expect(result.count).toBe(4);
      expect(result.warnings).toEqual([expect.stringMatching(/push activation is not exported/)]);
      expect(result.text).not.toContain('secret-d');
      const back = await importFromText(result.text, { password: 'export pw' });
      expect(back.format).toBe(format);
      expect(codes(back.entries), format).toEqual(codes(entries));
      expect(back.entries.some((e) => e.push !== undefined)).toBe(false);
      if (format !== 'otpauth') expect(back.entries[0]!.groups).toEqual(['Work']);
    }
    const otpauth = await exportVault({ entries }, { format: 'otpauth' });
    expect(otpauth.text.split('\n').filter(Boolean)).toHaveLength(4);
    expect(otpauth.text).toMatch(/^otpauth:\/\/steam\/Steam:gamer\?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK/m);
  });

  it('needs a password or key for encrypted formats', async () => {
    expect(await code(() => exportVault({ entries }, { format: 'aegis' }))).toBe('import_password_required');
    expect(await code(() => exportVault({ entries }, { format: 'twofold' }))).toBe(
      'import_password_required',
    );
  });
});
