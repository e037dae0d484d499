import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwofoldError } from '@twofold/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  addKeyToFile,
  createKeyring,
  deriveKeyId,
  generateSecretKey,
  keyFilePath,
  loadOrCreateKeyFile,
  parseSecretKeys,
} from './keyring.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;

function keyOf(byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte);
}

function b64(key: Uint8Array): string {
  return Buffer.from(key).toString('base64');
}

function catchError(fn: () => unknown): TwofoldError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TwofoldError) return error;
    throw error;
  }
  throw new Error('expected a TwofoldError');
}

async function catchAsync(promise: Promise<unknown>): Promise<TwofoldError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TwofoldError) return error;
    throw error;
  }
  throw new Error('expected a TwofoldError');
}

describe('deriveKeyId', () => {
  it('is the first 8 hex characters of SHA-256 over the key', () => {
    // sha256 of 32 zero bytes = 66687aad f862bd77...
    expect(deriveKeyId(new Uint8Array(32))).toBe('66687aad');
    expect(deriveKeyId(keyOf(1))).toMatch(/^[0-9a-f]{8}$/);
    expect(deriveKeyId(keyOf(1))).not.toBe(deriveKeyId(keyOf(2)));
  });
});

describe('createKeyring', () => {
  it('uses the first key as current and knows every key', () => {
    const ring = createKeyring([keyOf(2), keyOf(1)]);
    expect(ring.currentKeyId).toBe(deriveKeyId(keyOf(2)));
    expect(ring.keyIds).toEqual([deriveKeyId(keyOf(2)), deriveKeyId(keyOf(1))]);
    expect(ring.keyFor(deriveKeyId(keyOf(1)))?.export()).toEqual(Buffer.from(keyOf(1)));
    expect(ring.keyFor('00000000')).toBeUndefined();
  });

  it('copies the key bytes, so later changes to the input do not affect it', () => {
    const key = keyOf(3);
    const ring = createKeyring([key]);
    key.fill(0);
    expect(ring.keyFor(deriveKeyId(keyOf(3)))?.export()).toEqual(Buffer.from(keyOf(3)));
  });

  it('refuses an empty list, a wrong length and a repeated key', () => {
    expect(catchError(() => createKeyring([])).code).toBe('config_invalid');
    expect(catchError(() => createKeyring([new Uint8Array(16)])).message).toMatch(/16 bytes, expected 32/);
    expect(catchError(() => createKeyring([keyOf(1), keyOf(1)])).message).toMatch(/same key id/);
  });
});

describe('parseSecretKeys', () => {
  it('accepts standard, url-safe and unpadded base64, newest first', () => {
    const a = Uint8Array.from({ length: 32 }, (_, i) => 250 - i); // has + and / in standard base64
    const b = keyOf(7);
    const standard = b64(a);
    const urlSafe = Buffer.from(a).toString('base64url');
    expect(standard).toMatch(/[+/]/);
    expect(parseSecretKeys(standard)).toEqual([a]);
    expect(parseSecretKeys(urlSafe)).toEqual([a]);
    expect(parseSecretKeys(` ${b64(b)} , ${urlSafe}\n`)).toEqual([b, a]);
  });

  it('names the variable and the problem in one line, without the key', () => {
    const hex = Buffer.from(keyOf(9)).toString('hex');
    const cases: Array<[string, RegExp]> = [
      ['', /^TWOFOLD_SECRET_KEY: is empty/],
      ['not base64!', /^TWOFOLD_SECRET_KEY: is not base64/],
      [b64(new Uint8Array(16)), /^TWOFOLD_SECRET_KEY: decodes to 16 bytes, expected 32/],
      [hex, /^TWOFOLD_SECRET_KEY: decodes to 48 bytes, expected 32/],
      [`${b64(keyOf(1))},`, /^TWOFOLD_SECRET_KEY: key 2 of 2 is empty/],
      [`${b64(keyOf(1))},${b64(keyOf(2))},${b64(keyOf(1))}`, /^TWOFOLD_SECRET_KEY: key 3 repeats key 1/],
    ];
    for (const [value, expected] of cases) {
      const error = catchError(() => parseSecretKeys(value));
      expect(error.code).toBe('config_invalid');
      expect(error.message).toMatch(expected);
      expect(error.message).not.toContain('\n');
      if (value.length > 20) expect(error.message).not.toContain(value.split(',')[0]);
    }
  });
});

describe('key file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twofold-keyring-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  posixOnly('creates the directory and a 0600 file once, with a warning', async () => {
    const dataDir = join(dir, 'data');
    const log = { warn: vi.fn() };
    const first = await loadOrCreateKeyFile(dataDir, { log, randomBytes: () => keyOf(5) });
    expect(first.created).toBe(true);
    expect(first.keys).toEqual([keyOf(5)]);
    expect(first.path).toBe(keyFilePath(dataDir));
    expect(first.warning).toBe(
      `generated a new secret key in ${first.path}; back it up, losing it makes every stored secret unreadable`,
    );
    expect(log.warn).toHaveBeenCalledWith(first.warning);
    expect((await stat(first.path)).mode & 0o777).toBe(0o600);
    expect(await readFile(first.path, 'utf8')).toContain(`\n${b64(keyOf(5))}\n`);

    const second = await loadOrCreateKeyFile(dataDir);
    expect(second).toEqual({ path: first.path, keys: [keyOf(5)], created: false, warning: undefined });
    expect(await readdir(dataDir)).toEqual(['secret-keys']);
  });

  it('lets exactly one of many simultaneous starts create the key; all agree on it', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKeyFile(dir)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.find((r) => r.created)!;
    for (const result of results) expect(result.keys).toEqual(winner.keys);
    expect(await readdir(dir)).toEqual(['secret-keys']);
  });

  posixOnly('refuses a file that group or others can read, naming it', async () => {
    const { path } = await loadOrCreateKeyFile(dir);
    await chmod(path, 0o644);
    const error = await catchAsync(loadOrCreateKeyFile(dir));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(`${path}: has mode 0644, open to group or others; run: chmod 600 ${path}`);
    await chmod(path, 0o620);
    expect((await catchAsync(loadOrCreateKeyFile(dir))).message).toMatch(/mode 0620/);
  });

  it('refuses a malformed or empty file, naming it and the line', async () => {
    const path = keyFilePath(dir);
    await writeFile(path, `# comment\n${b64(keyOf(1))}\n\nnot-a-key!\n`, { mode: 0o600 });
    const error = await catchAsync(loadOrCreateKeyFile(dir));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(new RegExp(`^${path.replaceAll('\\', '\\\\')}: line 4 is not base64`));

    await writeFile(path, '# only a comment\n', { mode: 0o600 });
    expect((await catchAsync(loadOrCreateKeyFile(dir))).message).toBe(
      `${path}: contains no key; restore it from a backup`,
    );

    await writeFile(path, `${b64(keyOf(1))}\r\n${b64(keyOf(1))}\r\n`, { mode: 0o600 });
    expect((await catchAsync(loadOrCreateKeyFile(dir))).message).toMatch(/line 2 repeats the key on line 1/);
  });

  it('reads a hand-written file with CRLF line ends and url-safe keys', async () => {
    await writeFile(
      keyFilePath(dir),
      `${Buffer.from(keyOf(2)).toString('base64url')}\r\n${b64(keyOf(1))}\r\n`,
      {
        mode: 0o600,
      },
    );
    expect((await loadOrCreateKeyFile(dir)).keys).toEqual([keyOf(2), keyOf(1)]);
  });

  posixOnly('addKeyToFile prepends a new key, keeps the old ones and the mode', async () => {
    await loadOrCreateKeyFile(dir, { randomBytes: () => keyOf(1) });
    const rotated = await addKeyToFile(dir, { randomBytes: () => keyOf(2) });
    expect(rotated.keys).toEqual([keyOf(2), keyOf(1)]);
    expect(rotated.newKeyId).toBe(deriveKeyId(keyOf(2)));
    const again = await addKeyToFile(dir);
    expect(again.keys.slice(1)).toEqual([keyOf(2), keyOf(1)]);

    const loaded = await loadOrCreateKeyFile(dir);
    expect(loaded.created).toBe(false);
    expect(loaded.keys).toEqual(again.keys);
    expect(createKeyring(loaded.keys).currentKeyId).toBe(again.newKeyId);
    expect((await stat(loaded.path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secret-keys']);
  });

  it('addKeyToFile refuses when there is no key file', async () => {
    const error = await catchAsync(addKeyToFile(dir));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(/secret-keys: does not exist/);
  });

  it('generateSecretKey returns 32 fresh bytes', () => {
    const a = generateSecretKey();
    expect(a).toHaveLength(32);
    expect(a).not.toEqual(generateSecretKey());
  });
});
