import { createDecipheriv, createHash, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TwofoldError } from '../errors/index.js';
import { decodeBase32 } from '../otp/base32.js';
import { readAegisVault, toAegisContent, writeAegisVault } from './aegis.js';
import { generateEntryCode, type VaultEntry } from './vault-entry.js';

// Our own Aegis-format fixture (docs: shared testdata README; authenticator-formats.md §3.6).
const fixtureText = readFileSync(new URL('./fixtures/aegis-vault-kat.json', import.meta.url), 'utf8');
const PASSWORD = 'correct horse battery staple';
const range = (from: number, length: number) => Uint8Array.from({ length }, (_, i) => from + i);

async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof TwofoldError) return error.code;
    throw error;
  }
  return 'no error';
}

/** Decrypts an Aegis vault as Aegis's docs/decrypt.py does, with Node's crypto (independent of our code). */
function decryptLikeAegis(text: string, password: string): unknown {
  const file = JSON.parse(text);
  const open = (key: Buffer, nonceHex: string, data: Buffer, tagHex: string) => {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonceHex, 'hex'));
    decipher.setAuthTag(Buffer.from(tagHex, 'hex'));
    return Buffer.concat([decipher.update(data), decipher.final()]);
  };
  const slot = file.header.slots.find((s: { type: number }) => s.type === 1);
  const slotKey = scryptSync(Buffer.from(password), Buffer.from(slot.salt, 'hex'), 32, {
    N: slot.n,
    r: slot.r,
    p: slot.p,
    maxmem: 64 * 1024 * 1024,
  });
  const masterKey = open(slotKey, slot.key_params.nonce, Buffer.from(slot.key, 'hex'), slot.key_params.tag);
  const { nonce, tag } = file.header.params;
  return JSON.parse(open(masterKey, nonce, Buffer.from(file.db, 'base64'), tag).toString('utf8'));
}

const kat: VaultEntry = {
  id: '00000000-0000-4000-8000-000000000001',
  type: 'totp',
  issuer: 'Example',
  name: 'alice@example.com',
  secret: decodeBase32('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'),
  algorithm: 'SHA1',
  digits: 8,
  period: 30,
  extra: {},
};

describe('Aegis vaults', () => {
  it('imports our encrypted fixture and shows the documented codes', async () => {
    const result = await readAegisVault(fixtureText, PASSWORD);
    expect(result.encrypted).toBe(true);
    expect(result.skipped).toEqual([]);
    expect(result.entries).toEqual([kat]);
    expect(generateEntryCode(result.entries[0]!, 59)).toBe('94287082');
    expect(generateEntryCode(result.entries[0]!, 1111111109)).toBe('07081804');
  });

  it('refuses a wrong or missing password, and an altered file', async () => {
    expect(await code(() => readAegisVault(fixtureText, 'Correct horse battery staple'))).toBe(
      'import_password_wrong',
    );
    expect(await code(() => readAegisVault(fixtureText))).toBe('import_password_required');
    const file = JSON.parse(fixtureText);
    file.header.params.tag = `${file.header.params.tag.slice(0, -2)}00`;
    expect(await code(() => readAegisVault(JSON.stringify(file), PASSWORD))).toBe('import_password_wrong');
    expect(await code(() => readAegisVault('{"version":1}', PASSWORD))).toBe('import_invalid');
    const hostile = JSON.parse(fixtureText);
    hostile.header.slots[0].n = 2 ** 30;
    expect(await code(() => readAegisVault(JSON.stringify(hostile), PASSWORD))).toBe('import_invalid');
  });

  it('writes the fixture byte for byte from the same keys and nonces (export known answer)', async () => {
    const { text, skipped } = await writeAegisVault([kat], PASSWORD, {
      masterKey: new Uint8Array(32).fill(0x42),
      salt: range(0, 32),
      slotNonce: range(0, 12),
      dbNonce: range(12, 12),
      slotUuid: '00000000-0000-4000-8000-0000000000aa',
    });
    expect(skipped).toEqual([]);
    expect(JSON.parse(text)).toEqual(JSON.parse(fixtureText));
  });

  it('exports every kind of entry so that Aegis (decrypt.py, here in Node crypto) reads it back', async () => {
    const entries: VaultEntry[] = [
      { ...kat, groups: ['Work'], note: 'hello', icon: 'data:image/png;base64,iVBORw0KGgo=' },
      {
        ...kat,
        id: 'not-a-uuid',
        type: 'hotp',
        period: undefined,
        counter: 7n,
        algorithm: 'SHA512',
        digits: 6,
      },
      { ...kat, id: crypto.randomUUID(), type: 'steam', digits: 5, issuer: 'Steam', groups: ['Games'] },
      { ...kat, id: crypto.randomUUID(), algorithm: 'SHA224', issuer: 'Odd' },
    ];
    delete entries[1]!.period;
    const { text, skipped } = await writeAegisVault(entries, 'export password');
    expect(skipped).toEqual([
      { where: 'entry 4', name: 'Odd (alice@example.com)', reason: 'Aegis has no SHA224' },
    ]);
    const content = decryptLikeAegis(text, 'export password') as {
      version: number;
      entries: Record<string, unknown>[];
      groups: { uuid: string; name: string }[];
    };
    expect(content.version).toBe(3);
    expect(content.groups.map((g) => g.name)).toEqual(['Work', 'Games']);
    expect(content.entries[0]).toMatchObject({
      type: 'totp',
      icon: 'iVBORw0KGgo=',
      icon_mime: 'image/png',
      icon_hash: createHash('sha256').update(Buffer.from('iVBORw0KGgo=', 'base64')).digest('hex'),
      note: 'hello',
      groups: [content.groups[0]!.uuid],
      info: { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algo: 'SHA1', digits: 8, period: 30 },
    });
    expect(content.entries[1]).toMatchObject({
      type: 'hotp',
      info: { algo: 'SHA512', counter: 7, digits: 6 },
    });
    expect(String(content.entries[1]!['uuid'])).toMatch(/^[0-9a-f-]{36}$/);
    expect(content.entries[2]).toMatchObject({ type: 'steam', info: { digits: 5, period: 30 } });
    const back = await readAegisVault(text, 'export password');
    expect(back.entries.map((e) => [e.type, e.groups?.[0], generateEntryCode(e, 59)])).toEqual([
      ['totp', 'Work', '94287082'],
      ['hotp', undefined, generateEntryCode(entries[1]!, 0)],
      ['steam', 'Games', generateEntryCode(entries[2]!, 59)],
    ]);
    expect(back.entries[0]!.icon).toBe('data:image/png;base64,iVBORw0KGgo=');
  });

  it('imports a plain vault, takes what it can and says why it skipped the rest', async () => {
    const { content } = toAegisContent([kat]);
    const good = (content['entries'] as Record<string, unknown>[])[0]!;
    const entries = [
      good,
      { ...good, uuid: crypto.randomUUID(), type: 'motp', name: 'm' },
      { ...good, uuid: crypto.randomUUID(), type: 'yandex', name: 'y' },
      { ...good, uuid: crypto.randomUUID(), name: 'md5', info: { ...(good['info'] as object), algo: 'MD5' } },
      {
        ...good,
        uuid: crypto.randomUUID(),
        name: 'bad',
        info: { ...(good['info'] as object), secret: 'NOT BASE32 1' },
      },
      {
        ...good,
        uuid: crypto.randomUUID(),
        name: 'short',
        info: { ...(good['info'] as object), secret: 'AAAA' },
      },
      { ...good, uuid: crypto.randomUUID(), name: 'old', groups: undefined, group: 'Legacy' },
    ];
    const plain = JSON.stringify({
      version: 1,
      header: { slots: null, params: null },
      db: { ...content, entries },
    });
    const result = await readAegisVault(plain);
    expect(result.encrypted).toBe(false);
    // A 16-bit secret is what the app holds: taken, with a warning (issue 18).
    expect(result.entries.map((e) => e.name)).toEqual(['alice@example.com', 'short', 'old']);
    expect(result.entries[2]!.groups).toEqual(['Legacy']);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^entry 6 \(Example \(short\)\): the secret is 16 bits/),
    ]);
    expect(result.skipped.map((s) => [s.where, s.name, s.reason.replace(/[:;].*/, '')])).toEqual([
      ['entry 2', 'Example (m)', "type 'motp' is not supported"],
      ['entry 3', 'Example (y)', "type 'yandex' is not supported"],
      ['entry 4', 'Example (md5)', "algorithm 'MD5' is not supported"],
      ['entry 5', 'Example (bad)', 'secret'],
    ]);
  });
});
