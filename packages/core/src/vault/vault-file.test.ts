import { createDecipheriv, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TwofoldError } from '../errors/index.js';
import { decodeBase32, encodeBase32 } from '../otp/base32.js';
import { deriveScryptKey } from './aes-gcm.js';
import type { Vault, VaultEntry } from './vault-entry.js';
import { deriveVaultKey, openVault, openVaultWithKey, sealVault } from './vault-file.js';

const secret = decodeBase32('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
const pushKey = { kty: 'EC', crv: 'P-256', x: 'xxxx', y: 'yyyy', d: 'private-d-value' } as const;
const entries: VaultEntry[] = [
  {
    id: '11111111-1111-4111-8111-111111111111',
    type: 'totp',
    issuer: 'Example Corp',
    name: 'alice@example.com',
    secret,
    algorithm: 'SHA256',
    digits: 8,
    period: 60,
    icon: 'data:image/png;base64,iVBORw0KGgo=',
    groups: ['Work'],
    note: 'recovery codes in the safe',
    extra: { color: 'red' },
  },
  {
    id: '22222222-2222-4222-8222-222222222222',
    type: 'hotp',
    issuer: '',
    name: 'bank',
    secret: Uint8Array.from({ length: 20 }, (_, i) => i + 1),
    algorithm: 'SHA1',
    digits: 6,
    counter: 2n ** 60n,
    extra: {},
  },
  {
    id: '33333333-3333-4333-8333-333333333333',
    type: 'totp',
    issuer: 'Twofold (Acme)',
    name: 'ann@acme.test',
    secret: Uint8Array.from({ length: 20 }, (_, i) => 200 - i),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    extra: {},
    push: {
      server: 'https://mfa.example.com',
      tenant: 'acme',
      tenantName: 'Acme',
      deviceId: 'dev_1',
      userEmail: 'a•••@acme.test',
      privateKey: pushKey,
      activatedAt: '2026-01-01T00:00:00.000Z',
    },
  },
];
const vault: Vault = { entries };

async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof TwofoldError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('the vault file', () => {
  it('derives its key with scrypt N=2^15 r=8 p=1 (known answer from the Aegis fixture)', async () => {
    const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
    const key = await deriveScryptKey(new TextEncoder().encode('correct horse battery staple'), salt, {
      n: 32768,
      r: 8,
      p: 1,
    });
    expect(Buffer.from(key).toString('hex')).toBe(
      '450fa69545f7a2062c718965069c38be27c1789f5e8cf9b00acb95fdcc54c43d',
    );
  });

  it('seals and opens every field (bigint counters, icons, groups, notes, extras, push keys)', async () => {
    const key = await deriveVaultKey('a long passphrase');
    const text = await sealVault(vault, key);
    const opened = await openVault(text, 'a long passphrase');
    expect(opened.vault).toEqual(vault);
    expect(await openVaultWithKey(text, opened.key)).toEqual(vault);
    const file = JSON.parse(text);
    expect(file).toMatchObject({
      format: 'twofold-vault',
      version: 1,
      kdf: { name: 'scrypt', n: 32768, r: 8, p: 1 },
      cipher: { name: 'AES-256-GCM' },
    });
    expect(Buffer.from(file.kdf.salt, 'base64').length).toBe(32);
    expect(Buffer.from(file.cipher.nonce, 'base64').length).toBe(12);
    // A fresh nonce for every seal, even with the same key.
    expect(JSON.parse(await sealVault(vault, key)).cipher.nonce).not.toBe(file.cipher.nonce);
  });

  it('holds no secret, name or key in the clear', async () => {
    const text = await sealVault(vault, await deriveVaultKey('pw'));
    const bytes = Buffer.from(text);
    for (const entry of entries) {
      expect(text).not.toContain(encodeBase32(entry.secret));
      expect(text.toLowerCase()).not.toContain(encodeBase32(entry.secret).toLowerCase());
      expect(bytes.indexOf(Buffer.from(entry.secret))).toBe(-1);
      expect(text).not.toContain(Buffer.from(entry.secret).toString('hex'));
      expect(text).not.toContain(Buffer.from(entry.secret).toString('base64'));
      if (entry.name !== '') expect(text).not.toContain(entry.name);
    }
    expect(text).not.toContain('Example Corp');
    expect(text).not.toContain('private-d-value');
  });

  it('can be decrypted by an independent implementation from docs/vault-format.md (Node crypto)', async () => {
    const text = await sealVault(vault, await deriveVaultKey('pässword'));
    const file = JSON.parse(text);
    const key = scryptSync(
      Buffer.from('pässword'.normalize('NFC'), 'utf8'),
      Buffer.from(file.kdf.salt, 'base64'),
      32,
      {
        N: file.kdf.n,
        r: file.kdf.r,
        p: file.kdf.p,
        maxmem: 64 * 1024 * 1024,
      },
    );
    const data = Buffer.from(file.data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.cipher.nonce, 'base64'));
    decipher.setAAD(
      Buffer.from(
        JSON.stringify({
          format: file.format,
          version: file.version,
          kdf: { name: 'scrypt', n: file.kdf.n, r: file.kdf.r, p: file.kdf.p, salt: file.kdf.salt },
          cipher: { name: 'AES-256-GCM', nonce: file.cipher.nonce },
        }),
      ),
    );
    decipher.setAuthTag(data.subarray(data.length - 16));
    const content = JSON.parse(
      Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8'),
    );
    expect(content.version).toBe(1);
    expect(content.entries[0]).toMatchObject({
      id: entries[0]!.id,
      type: 'totp',
      issuer: 'Example Corp',
      name: 'alice@example.com',
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      groups: ['Work'],
    });
    expect(content.entries[1].counter).toBe((2n ** 60n).toString());
    expect(content.entries[2].push.privateKey).toEqual(pushKey);
  });

  it('refuses a wrong passphrase with vault_passphrase_wrong', async () => {
    const text = await sealVault(vault, await deriveVaultKey('right'));
    expect(await code(() => openVault(text, 'wrong'))).toBe('vault_passphrase_wrong');
    expect(await code(() => openVault(text, 'Right'))).toBe('vault_passphrase_wrong');
    expect(await code(() => openVault(text, ''))).toBe('vault_passphrase_missing');
  });

  it('detects any change to the ciphertext or the header it authenticates', async () => {
    const text = await sealVault(vault, await deriveVaultKey('pw'));
    const file = JSON.parse(text);
    const flipped = Buffer.from(file.data, 'base64');
    flipped[5]! ^= 1;
    expect(
      await code(() => openVault(JSON.stringify({ ...file, data: flipped.toString('base64') }), 'pw')),
    ).toBe('vault_passphrase_wrong');
    // Same key, but the nonce in the header was altered: the associated data no longer matches.
    const nonce = Buffer.from(file.cipher.nonce, 'base64');
    nonce[0]! ^= 1;
    const altered = { ...file, cipher: { ...file.cipher, nonce: nonce.toString('base64') } };
    expect(await code(() => openVault(JSON.stringify(altered), 'pw'))).toBe('vault_passphrase_wrong');
  });

  it('refuses files that are not vaults, newer versions and hostile parameters with vault_invalid', async () => {
    const file = JSON.parse(await sealVault(vault, await deriveVaultKey('pw')));
    const cases: unknown[] = [
      'not json',
      { format: 'other' },
      { ...file, version: 2 },
      { ...file, kdf: { ...file.kdf, n: 2 ** 24 } },
      { ...file, kdf: { ...file.kdf, n: 1000 } },
      { ...file, kdf: { ...file.kdf, name: 'pbkdf2' } },
      { ...file, cipher: { ...file.cipher, nonce: 'AAAA' } },
      { ...file, data: '!!' },
    ];
    for (const value of cases) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      expect(await code(() => openVault(text, 'pw')), text.slice(0, 80)).toBe('vault_invalid');
    }
  });
});
