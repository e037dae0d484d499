import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeMigrationUris, type OtpAccount } from '@twofold/core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { useAuthenticator } from './test-support/run.js';

const aegisFixture = new URL('../../core/src/vault/fixtures/aegis-vault-kat.json', import.meta.url);
const URI =
  'otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&digits=8';

function account(index: number): OtpAccount {
  return {
    type: 'totp',
    issuer: `Service ${index}`,
    accountName: `user${index}@example.com`,
    secret: Uint8Array.from({ length: 20 }, (_, i) => (index * 31 + i * 7) % 256),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    extra: {},
  };
}

type ImportOutput = {
  format: string;
  added: { issuer: string; name: string }[];
  duplicates: unknown[];
  skipped: { where: string; name: string; reason: string }[];
};

const zbarimg = spawnSync('zbarimg', ['--version']).status === 0;

describe('twofold-authenticator: import and export', () => {
  const t = useAuthenticator();

  it('imports our Aegis fixture (encrypted) and shows the documented codes', async () => {
    const result = (await t.json([
      'import',
      aegisFixture.pathname,
      '--password',
      'correct horse battery staple',
    ])) as ImportOutput;
    expect(result.format).toBe('aegis');
    expect(result.added).toEqual([expect.objectContaining({ issuer: 'Example', name: 'alice@example.com' })]);
    expect((await t.run(['code', 'alice', '--at', '59', '--vault', t.vault()])).stdout).toBe('94287082\n');
    expect((await t.run(['code', 'alice', '--at', '1111111109', '--vault', t.vault()])).stdout).toBe(
      '07081804\n',
    );
    // Without the password: a clear error, or a question on a terminal.
    const refused = await t.run(['import', aegisFixture.pathname, '--vault', join(t.dir(), 'v2.json')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/import_password_required/);
    const asked = await t.run(['import', aegisFixture.pathname, '--vault', join(t.dir(), 'v2.json')], {
      ttyStdin: true,
      stdin: 'correct horse battery staple\r',
    });
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).toContain('Password of the file to import: ');
    const wrong = await t.run(['import', aegisFixture.pathname, '--password', 'nope', '--vault', t.vault()]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/import_password_wrong/);
  });

  it('imports a Google Authenticator export of several batches, once', async () => {
    const accounts = Array.from({ length: 12 }, (_, i) => account(i));
    const { uris } = encodeMigrationUris(accounts, { batchSize: 5 });
    expect(uris.length).toBe(3);
    const file = join(t.dir(), 'google.txt');
    writeFileSync(file, `${uris.join('\n')}\n`);
    const result = (await t.json(['import', file])) as ImportOutput;
    expect(result.format).toBe('google-migration');
    expect(result.added.map((e) => e.name)).toEqual(accounts.map((a) => a.accountName));
    const again = (await t.json(['import', file, '--format', 'google-migration'])) as ImportOutput;
    expect(again.added).toEqual([]);
    expect(again.duplicates.length).toBe(12);
    // One QR code's URI can also be given to `add`.
    const single = encodeMigrationUris([account(20)]).uris[0]!;
    const added = (await t.json(['add', single])) as ImportOutput;
    expect(added.added.map((e) => e.name)).toEqual(['user20@example.com']);
    const broken = await t.run(['add', 'otpauth-migration://offline?data=!!', '--vault', t.vault()]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/migration_payload_invalid/);
  });

  it('otpauth lines: takes the good lines, reports each bad one, and fails only when nothing could be taken', async () => {
    const file = join(t.dir(), 'lines.txt');
    writeFileSync(file, `${URI}\notpauth://totp/Bad:x?secret=0000\nnot a uri\n`);
    const partial = await t.run(['import', file, '--vault', t.vault()]);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain('Added Example (alice@example.com) (totp).');
    expect(partial.stdout).toMatch(
      /Could not take 2:\n {2}- line 2 \(Bad:x\): .*not base32 \(A-Z, 2-7\)\n {2}- line 3: /,
    );
    writeFileSync(file, 'otpauth://totp/Bad:x?secret=0000\n');
    const none = await t.run(['import', file, '--vault', t.vault(), '--json']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout).skipped).toEqual([
      { where: 'line 1', name: 'Bad:x', reason: expect.any(String) },
    ]);
    const unknown = await t.run(['import', join(t.dir(), 'missing.txt'), '--vault', t.vault()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/cannot read .*ENOENT \(import_invalid\)/);
  });

  it('exports to twofold, aegis and otpauth (mode 0600) and each imports back with the same codes', async () => {
    await t.json(['add', URI, '--group', 'Work', '--note', 'from the RFC']);
    await t.json(['add', 'otpauth://hotp/Bank:carol?secret=JBSWY3DPEHPK3PXPJBSWY3DP&counter=5']);
    await t.json(['add', 'otpauth://steam/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK']);
    // What each account is (not its code now: a 30 s step may end between two lists on a slow machine).
    const accountsIn = async (vault: string, passphrase: string) => {
      const lines = await t.run(['export', '--format', 'otpauth', '--out', '-', '--vault', vault], {
        env: { TWOFOLD_VAULT_PASSPHRASE: passphrase },
      });
      return lines.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const uri = new URL(line);
          const p = uri.searchParams;
          return [
            uri.host,
            decodeURIComponent(uri.pathname),
            p.get('secret'),
            p.get('issuer'),
            p.get('digits'),
            p.get('period'),
            p.get('counter'),
          ];
        });
    };
    const before = (await t.json(['list'])) as { issuer: string; code: string }[];
    const beforeAccounts = await accountsIn(t.vault(), 'correct horse battery staple');
    expect(beforeAccounts).toHaveLength(3);
    for (const format of ['twofold', 'aegis', 'otpauth']) {
      const out = join(t.dir(), `export.${format}`);
      const result = (await t.json(['export', '--format', format, '--out', out])) as { exported: number };
      expect(result.exported).toBe(3);
      expect(statSync(out).mode & 0o777).toBe(0o600);
      const other = join(t.dir(), `from-${format}.json`);
      const imported = await t.run(['import', out, '--json', '--vault', other], {
        env: { TWOFOLD_VAULT_PASSPHRASE: 'another passphrase' },
      });
      // The encrypted exports use the vault passphrase unless --password is given.
      if (format === 'otpauth') expect(imported.code, imported.stderr).toBe(0);
      else {
        expect(imported.code).toBe(1);
        expect(imported.stderr).toMatch(/import_password_required/);
        const withPassword = await t.run(
          ['import', out, '--json', '--vault', other, '--password', 'correct horse battery staple'],
          { env: { TWOFOLD_VAULT_PASSPHRASE: 'another passphrase' } },
        );
        expect(withPassword.code, withPassword.stderr).toBe(0);
        expect(JSON.parse(withPassword.stdout).format).toBe(format);
      }
      const list = await t.run(['list', '--json', '--vault', other], {
        env: { TWOFOLD_VAULT_PASSPHRASE: 'another passphrase' },
      });
      const after = JSON.parse(list.stdout) as { issuer: string; code: string; groups?: string[] }[];
      expect(after.map((e) => e.issuer)).toEqual(before.map((e) => e.issuer));
      expect(await accountsIn(other, 'another passphrase')).toEqual(beforeAccounts);
      if (format !== 'otpauth') expect(after[0]!.groups).toEqual(['Work']);
    }
    const plain = await t.run(['export', '--format', 'otpauth', '--out', '-', '--vault', t.vault()]);
    expect(plain.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(plain.stderr).toMatch(/not encrypted/);
    const own = join(t.dir(), 'own.aegis');
    await t.json(['export', '--format', 'aegis', '--out', own, '--password', 'for aegis']);
    expect(JSON.parse(readFileSync(own, 'utf8')).header.slots[0]).toMatchObject({
      type: 1,
      n: 32768,
      r: 8,
      p: 1,
    });
  });
});

describe('twofold-authenticator: QR code images', () => {
  const t = useAuthenticator();

  it('add --qr reads a PNG made by the qrcode package (cross-checked with zbarimg) and a JPEG', async () => {
    const png = join(t.dir(), 'code.png');
    await QRCode.toFile(png, URI, { errorCorrectionLevel: 'M', scale: 6 });
    if (zbarimg) {
      const zbar = spawnSync('zbarimg', ['--quiet', '--raw', png], { encoding: 'utf8' });
      expect(zbar.stdout.trim()).toBe(URI);
    }
    const added = (await t.json(['add', '--qr', png])) as ImportOutput;
    expect(added.added).toEqual([expect.objectContaining({ issuer: 'Example', name: 'alice@example.com' })]);
    expect((await t.run(['code', 'alice', '--at', '59', '--vault', t.vault()])).stdout).toBe('94287082\n');

    // The same as a JPEG photo-like file (lossy).
    const decoded = PNG.sync.read(readFileSync(png));
    const jpg = join(t.dir(), 'code.jpg');
    const other = 'otpauth://totp/Jpeg:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Jpeg';
    const otherPng = PNG.sync.read(await QRCode.toBuffer(other, { errorCorrectionLevel: 'M', scale: 6 }));
    writeFileSync(
      jpg,
      jpeg.encode({ width: otherPng.width, height: otherPng.height, data: otherPng.data }, 80).data,
    );
    if (zbarimg)
      expect(spawnSync('zbarimg', ['--quiet', '--raw', jpg], { encoding: 'utf8' }).stdout.trim()).toBe(other);
    expect(decoded.width).toBeGreaterThan(100);
    const fromJpeg = (await t.json(['add', '--qr', jpg])) as ImportOutput;
    expect(fromJpeg.added.map((e) => e.issuer)).toEqual(['Jpeg']);
  });

  it('imports a Google export QR image, and says clearly when an image has no code or is not an image', async () => {
    const { uris } = encodeMigrationUris([account(1), account(2)]);
    const png = join(t.dir(), 'export.png');
    await QRCode.toFile(png, uris[0]!, { scale: 4 });
    const result = (await t.json(['import', png])) as ImportOutput;
    expect(result.format).toBe('google-migration');
    expect(result.added.map((e) => e.name)).toEqual(['user1@example.com', 'user2@example.com']);

    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    const blankFile = join(t.dir(), 'blank.png');
    writeFileSync(blankFile, PNG.sync.write(blank));
    const none = await t.run(['add', '--qr', blankFile, '--vault', t.vault()]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no QR code could be read .*\(qr_not_found\)/);
    const text = join(t.dir(), 'not-image.png');
    writeFileSync(text, 'hello');
    const bad = await t.run(['add', '--qr', text, '--vault', t.vault()]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/neither a PNG nor a JPEG image \(image_invalid\)/);
    const broken = join(t.dir(), 'broken.png');
    writeFileSync(broken, Buffer.concat([readFileSync(png).subarray(0, 40)]));
    expect((await t.run(['add', '--qr', broken, '--vault', t.vault()])).stderr).toMatch(/image_invalid/);
  });
});
