import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PASSPHRASE, useAuthenticator } from './test-support/run.js';

// RFC 6238 seed; 8 digits so the RFC table applies.
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const URI = `otpauth://totp/Example:alice@example.com?secret=${SECRET}&issuer=Example&digits=8`;
const HOTP_URI = 'otpauth://hotp/Bank:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0';

describe('twofold-authenticator: the vault verbs', () => {
  const t = useAuthenticator();

  it('add, list, code --at, remove, with --json and human output', async () => {
    const added = (await t.json(['add', URI])) as { added: { id: string; issuer: string; push: null }[] };
    expect(added.added).toEqual([
      expect.objectContaining({
        issuer: 'Example',
        name: 'alice@example.com',
        type: 'totp',
        digits: 8,
        push: null,
      }),
    ]);
    expect(JSON.stringify(added)).not.toContain(SECRET);
    const code = await t.run(['code', 'alice', '--at', '59', '--vault', t.vault()]);
    expect(code).toEqual({ code: 0, stdout: '94287082\n', stderr: '' });
    expect(await t.json(['code', 'Example', '--at', '1111111109'])).toMatchObject({
      code: '07081804',
      remaining: 1,
    });
    // Options before the verb work as well as after it.
    expect((await t.run(['--vault', t.vault(), 'code', 'example:alice', '--at', '59'])).stdout).toBe(
      '94287082\n',
    );

    await t.json(['add', HOTP_URI]);
    const list = (await t.json(['list'])) as { issuer: string; code: string | null; remaining?: number }[];
    expect(list.map((e) => [e.issuer, e.code === null ? null : e.code.length])).toEqual([
      ['Example', 8],
      ['Bank', null],
    ]);
    expect(list[0]!.remaining).toBeGreaterThan(0);
    const human = await t.run(['list', '--vault', t.vault()]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Example \(alice@example\.com\) +\d{8} +\d+s$/m);
    expect(human.stdout).toMatch(/^Bank \(carol\) +\(hotp\)/m);

    const removed = (await t.json(['remove', 'Example'])) as { removed: { issuer: string } };
    expect(removed.removed.issuer).toBe('Example');
    expect(((await t.json(['list'])) as unknown[]).length).toBe(1);
  });

  it('hotp: code shows the next code and moves the counter on (RFC 4226 Appendix D)', async () => {
    await t.json(['add', HOTP_URI]);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++)
      codes.push((await t.run(['code', 'bank', '--vault', t.vault()])).stdout.trim());
    expect(codes).toEqual(['755224', '287082', '359152']);
    expect(((await t.json(['list'])) as { counter: string }[])[0]!.counter).toBe('3');
  });

  it('keeps the vault encrypted: no secret, raw bytes or name in the file; mode 0600; no temporary file left', async () => {
    await t.json(['add', URI]);
    await t.json(['add', 'otpauth://totp/Other:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP']);
    const bytes = readFileSync(t.vault());
    const text = bytes.toString('utf8');
    for (const secret of [SECRET, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP']) {
      expect(text.toUpperCase()).not.toContain(secret);
      expect(text.toUpperCase()).not.toContain(secret.slice(0, 16)); // nor a piece of it
    }
    expect(bytes.indexOf(Buffer.from('12345678901234567890'))).toBe(-1); // the raw secret bytes
    expect(bytes.indexOf(Buffer.from('48656c6c6f21deadbeef', 'hex'))).toBe(-1);
    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain('Other');
    expect(JSON.parse(text)).toMatchObject({ format: 'twofold-vault', version: 1 });
    expect(statSync(t.vault()).mode & 0o777).toBe(0o600);
    expect(readdirSync(t.dir())).toEqual(['vault.json']);
  });

  it('a wrong passphrase is a clear error and leaves the file byte for byte as it was', async () => {
    await t.json(['add', URI]);
    const before = readFileSync(t.vault());
    for (const args of [
      ['add', 'otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP'],
      ['remove', 'Example'],
      ['code', 'Example'],
      ['list'],
      ['import', join(t.dir(), 'vault.json'), '--password', PASSPHRASE],
    ]) {
      const result = await t.run([...args, '--vault', t.vault()], {
        env: { TWOFOLD_VAULT_PASSPHRASE: 'wrong' },
      });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/wrong passphrase .*\(vault_passphrase_wrong\)/);
      expect(readFileSync(t.vault()).equals(before)).toBe(true);
    }
    const json = await t.run(['list', '--json', '--vault', t.vault()], {
      env: { TWOFOLD_VAULT_PASSPHRASE: 'x' },
    });
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'vault_passphrase_wrong' } });
    expect(readdirSync(t.dir())).toEqual(['vault.json']);
  });

  it('without the variable and without a terminal it refuses clearly; on a terminal it asks without echo', async () => {
    const refused = await t.run(['add', URI, '--vault', t.vault()], {
      env: { TWOFOLD_VAULT_PASSPHRASE: undefined },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/set TWOFOLD_VAULT_PASSPHRASE.*\(vault_passphrase_missing\)/);
    expect(readdirSync(t.dir())).toEqual([]);

    // A new vault: the passphrase twice (with a typo corrected by backspace).
    const created = await t.run(['add', URI, '--vault', t.vault()], {
      env: { TWOFOLD_VAULT_PASSPHRASE: undefined },
      ttyStdin: true,
      stdin: 'typed secretX\u007f\rtyped secret\n',
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('New vault passphrase: ');
    expect(created.stderr).toContain('Repeat the passphrase: ');
    expect(created.stderr).not.toContain('typed secret');
    const code = await t.run(['code', 'alice', '--at', '59', '--vault', t.vault()], {
      env: { TWOFOLD_VAULT_PASSPHRASE: 'typed secret' },
    });
    expect(code.stdout).toBe('94287082\n');
    const asked = await t.run(['code', 'alice', '--at', '59', '--vault', t.vault()], {
      env: { TWOFOLD_VAULT_PASSPHRASE: undefined },
      ttyStdin: true,
      stdin: 'typed secret\r',
    });
    expect(asked.stdout).toBe('94287082\n');
    expect(asked.stderr).toBe('Vault passphrase: \n');
    const differ = await t.run(['add', URI, '--vault', join(t.dir(), 'other.json')], {
      env: { TWOFOLD_VAULT_PASSPHRASE: undefined },
      ttyStdin: true,
      stdin: 'one\rtwo\r',
    });
    expect(differ.code).toBe(2);
    expect(differ.stderr).toMatch(/passphrases differ/);
  });

  it('uses $XDG_DATA_HOME/twofold/vault.json, else ~/.local/share/twofold/vault.json', async () => {
    expect((await t.run(['add', URI])).code).toBe(0);
    expect(statSync(join(t.dir(), '.local/share/twofold/vault.json')).isFile()).toBe(true);
    expect((await t.run(['add', URI], { env: { XDG_DATA_HOME: join(t.dir(), 'xdg') } })).code).toBe(0);
    expect(statSync(join(t.dir(), 'xdg/twofold/vault.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(t.dir(), 'xdg/twofold')).mode & 0o777).toBe(0o700);
  });

  it('exit status: 2 for wrong usage, 1 for errors, with the code in --json', async () => {
    await t.json(['add', URI]);
    const cases: [string[], number, RegExp][] = [
      [['bogus'], 2, /unknown command 'bogus'/],
      [['code'], 2, /missing required argument 'name'/],
      [['code', 'alice', '--at', 'noon'], 2, /--at must be Unix seconds/],
      [['add'], 2, /give either an otpauth URI or --qr/],
      [['export', '--format', 'csv', '--out', 'x'], 2, /Allowed choices are twofold, aegis, otpauth/],
      [['code', 'nobody'], 1, /no account matches 'nobody' \(vault_entry_not_found\)/],
      [['add', 'otpauth://totp/X?secret=SHORT'], 1, /otpauth_uri_invalid/],
      [['list', '--vault', join(t.dir(), 'none.json')], 1, /no vault at .*none\.json.*\(vault_not_found\)/],
      [['approve', '--number', '12'], 1, /vault_no_push_account/],
    ];
    for (const [args, status, message] of cases) {
      const result = await t.run(args.includes('--vault') ? args : [...args, '--vault', t.vault()]);
      expect(result.code, args.join(' ')).toBe(status);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    await t.json(['add', 'otpauth://totp/Example:bob@example.com?secret=JBSWY3DPEHPK3PXP']);
    const ambiguous = await t.run(['code', 'example', '--json', '--vault', t.vault()]);
    expect(ambiguous.code).toBe(1);
    expect(JSON.parse(ambiguous.stderr).error).toMatchObject({ code: 'vault_entry_ambiguous' });
    expect((await t.run(['--help'])).code).toBe(0);
  });

  it('list on a terminal shows a live view with the seconds left until interrupted', async () => {
    await t.json(['add', URI]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const result = await t.run(['list', '--vault', t.vault()], {
      ttyStdout: true,
      interrupt: controller.signal,
    });
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('\x1b[?25l')).toBe(true); // cursor hidden, and shown again at the end
    expect(result.stdout.endsWith('\x1b[?25h')).toBe(true);
    const frames = result.stdout.split('\x1b[2KExample').length - 1;
    expect(frames).toBeGreaterThanOrEqual(2); // redrawn in place
    expect(result.stdout).toContain('\x1b[2A'); // cursor moved up over the previous frame
    expect(result.stdout).toMatch(/Example \(alice@example\.com\) +\d{4} \d{4} +[#.]{10} +\d+s/);
    expect(result.stdout).toContain('Ctrl-C to quit');
    // --once prints once even on a terminal.
    const once = await t.run(['list', '--once', '--vault', t.vault()], { ttyStdout: true });
    expect(once.stdout).toMatch(/^Example \(alice@example\.com\) +\d{8} +\d+s\n$/);
  });

  it('the bin runs from the repository root', () => {
    const bin = new URL('../bin/twofold-authenticator.js', import.meta.url);
    const built = spawnSync(process.execPath, [bin.pathname, '--help'], { encoding: 'utf8' });
    if (built.stderr.includes('not built yet')) return; // dist/ is made by `npm install`
    expect(built.status).toBe(0);
    expect(built.stdout).toMatch(/Usage: twofold-authenticator/);
  });
});

describe('twofold-authenticator: atomic writes', () => {
  const t = useAuthenticator();

  it('removes its temporary file when the rename fails, and never leaves one behind', async () => {
    const { writeFileAtomic } = await import('./files.js');
    const target = join(t.dir(), 'target');
    writeFileSync(join(t.dir(), 'keep'), 'x');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(readFileSync(target, 'utf8')).toBe('two');
    // A directory in the way: the rename fails, the temporary file goes.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(t.dir(), 'blocked'));
    writeFileSync(join(t.dir(), 'blocked', 'inside'), 'x');
    await expect(writeFileAtomic(join(t.dir(), 'blocked'), 'data')).rejects.toThrow();
    expect(readdirSync(t.dir()).sort()).toEqual(['blocked', 'keep', 'target']);
  });
});
