// Writes the import fixtures (packages/core/src/vault/fixtures/import/): one file per format and variant, each
// made from the format's public documentation and source with independent code (Node's crypto and zlib,
// libsodium for Ente), beside `<file>.expected.json` with the accounts it holds. Salts and nonces are fixed so
// a run gives the same files. Run: node scripts/make-import-fixtures.mjs
import { createCipheriv, createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';

const require = createRequire(new URL('../packages/core/package.json', import.meta.url));
const sodium = require('libsodium-wrappers-sumo');
const { argon2id } = await import(require.resolve('@noble/hashes/argon2.js'));
await sodium.ready;

const out = new URL('../packages/core/src/vault/fixtures/import/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

/** Deterministic bytes: SHA-256 in counter mode over a label. */
function fixed(label, length) {
  const chunks = [];
  for (let i = 0; Buffer.concat(chunks).length < length; i++)
    chunks.push(createHash('sha256').update(`${label}:${i}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(bytes) {
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) text += ALPHABET[(value << (5 - bits)) & 31];
  return text;
}

/** The accounts of a fixture: what each file holds and what the import must give back exactly. */
function account(label, fields) {
  const secret = fixed(`secret:${label}`, fields.secretBytes ?? 20);
  const { secretBytes: _s, ...rest } = fields;
  return {
    type: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    ...rest,
    secretBytes: secret,
    secret: base32(secret),
  };
}

function expected(accounts, extra = {}) {
  return {
    ...extra,
    accounts: accounts.map(({ secretBytes: _b, groups, favorite, ...a }) => ({
      type: a.type,
      issuer: a.issuer,
      name: a.name,
      secret: a.secret,
      algorithm: a.algorithm,
      digits: a.digits,
      ...(a.type === 'hotp' ? { counter: String(a.counter) } : { period: a.period }),
      ...(groups ? { groups } : {}),
      ...(favorite ? { favorite } : {}),
    })),
  };
}

function write(name, content, accounts, extra = {}) {
  writeFileSync(join(out, name), content);
  writeFileSync(
    join(out, `${name}.expected.json`),
    `${JSON.stringify(expected(accounts, extra), null, 2)}\n`,
  );
}

function uri(a, extraParams = '') {
  const label = `${encodeURIComponent(a.issuer)}:${encodeURIComponent(a.name)}`;
  const kind = a.type === 'hotp' ? 'hotp' : 'totp';
  const tail = a.type === 'hotp' ? `counter=${a.counter}` : `period=${a.period}`;
  const steam = a.type === 'steam' ? '&encoder=steam' : '';
  return `otpauth://${kind}/${label}?secret=${a.secret}&issuer=${encodeURIComponent(a.issuer)}&algorithm=${a.algorithm}&digits=${a.digits}&${tail}${steam}${extraParams}`;
}

function aesGcm(key, nonce, plain, aad) {
  const cipher = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, nonce);
  if (aad) cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

// ---------------------------------------------------------------- 2FAS (2fas-android BackupContent)
{
  const accounts = [
    account('2fas-1', { issuer: 'GitHub', name: 'ann@example.com', groups: ['Work'] }),
    account('2fas-2', {
      issuer: 'Bank',
      name: 'ann',
      type: 'hotp',
      counter: 7,
      digits: 8,
      period: undefined,
    }),
    account('2fas-3', { issuer: 'Steam', name: 'ann_gamer', type: 'steam', digits: 5, secretBytes: 20 }),
    account('2fas-4', { issuer: 'Old site', name: 'ann', algorithm: 'SHA256', period: 60, secretBytes: 8 }),
  ];
  const services = accounts.map((a, index) => ({
    name: a.issuer,
    secret: a.secret,
    updatedAt: 1700000000000 + index,
    otp: {
      label: `${a.issuer}:${a.name}`,
      account: a.name,
      issuer: a.issuer,
      digits: a.digits,
      ...(a.type === 'hotp' ? { counter: a.counter } : { period: a.period }),
      algorithm: a.algorithm,
      tokenType: a.type.toUpperCase(),
      source: 'Link',
    },
    order: { position: index },
    ...(a.groups ? { groupId: 'g-work' } : {}),
  }));
  const groups = [{ id: 'g-work', name: 'Work', isExpanded: true }];
  for (const schema of [1, 2, 3, 4]) {
    write(
      `2fas-schema${schema}.2fas`,
      JSON.stringify({
        services,
        groups,
        updatedAt: 1700000000000,
        schemaVersion: schema,
        appVersionCode: 5000000,
        appOrigin: 'android',
      }),
      accounts,
    );
  }
  const password = '2fas backup password';
  const salt = fixed('2fas-salt', 256);
  const iv = fixed('2fas-iv', 12);
  const key = pbkdf2Sync(password, salt, 10000, 32, 'sha256');
  const data = aesGcm(key, iv, Buffer.from(JSON.stringify(services)));
  const reference = aesGcm(
    key,
    fixed('2fas-ref-iv', 12),
    Buffer.from(
      'tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd',
    ),
  );
  const sealed = [data, salt, iv].map((b) => b.toString('base64')).join(':');
  write(
    '2fas-encrypted.2fas',
    JSON.stringify({
      services: [],
      groups,
      updatedAt: 1700000000000,
      schemaVersion: 4,
      appVersionCode: 5000000,
      appOrigin: 'android',
      servicesEncrypted: sealed,
      reference: [reference, salt, fixed('2fas-ref-iv', 12)].map((b) => b.toString('base64')).join(':'),
    }),
    accounts,
    { password },
  );
}

// ---------------------------------------------------------------- andOTP (plain and .json.aes)
{
  const accounts = [
    account('andotp-1', { issuer: 'Example', name: 'alice', groups: ['Personal'] }),
    account('andotp-2', { issuer: 'Counter', name: 'bob', type: 'hotp', counter: 3, period: undefined }),
    account('andotp-3', { issuer: 'Steam', name: 'carol', type: 'steam', digits: 5 }),
    account('andotp-4', { issuer: 'Big', name: 'dave', algorithm: 'SHA512', digits: 8, period: 45 }),
  ];
  const list = accounts.map((a) => ({
    secret: a.secret,
    issuer: a.issuer,
    label: a.name,
    digits: a.digits,
    type: a.type.toUpperCase(),
    algorithm: a.algorithm,
    thumbnail: 'Default',
    last_used: 1700000000000,
    used_frequency: 0,
    ...(a.type === 'hotp' ? { counter: a.counter } : { period: a.period }),
    tags: a.groups ?? [],
  }));
  const plain = Buffer.from(JSON.stringify(list));
  write('andotp.json', plain, accounts);
  const password = 'andotp backup password';
  const iterations = 140000;
  const salt = fixed('andotp-salt', 12);
  const nonce = fixed('andotp-nonce', 12);
  const key = pbkdf2Sync(password, salt, iterations, 32, 'sha1');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(iterations);
  write('andotp.json.aes', Buffer.concat([head, salt, nonce, aesGcm(key, nonce, plain)]), accounts, {
    password,
  });
  const oldKey = createHash('sha256').update(password).digest();
  const oldNonce = fixed('andotp-old-nonce', 12);
  write('andotp-old.json.aes', Buffer.concat([oldNonce, aesGcm(oldKey, oldNonce, plain)]), accounts, {
    password,
  });
}

// ---------------------------------------------------------------- FreeOTP+ (JSON) and FreeOTP 2 (Java serialization)
const signed = (bytes) => [...bytes].map((b) => (b > 127 ? b - 256 : b));
const freeOtpAccounts = [
  account('freeotp-1', { issuer: 'Example', name: 'alice@example.com' }),
  account('freeotp-2', {
    issuer: 'Counter',
    name: 'bob',
    type: 'hotp',
    counter: 12,
    period: undefined,
    algorithm: 'SHA256',
  }),
  account('freeotp-3', { issuer: 'Short', name: 'eve', secretBytes: 5, digits: 8 }),
];
function freeOtpToken(a) {
  return {
    algo: a.algorithm,
    counter: a.type === 'hotp' ? a.counter : 0,
    digits: a.digits,
    issuerExt: a.issuer,
    issuerInt: a.issuer,
    label: a.name,
    period: a.type === 'hotp' ? 30 : a.period,
    type: a.type === 'hotp' ? 'HOTP' : 'TOTP',
  };
}
write(
  'freeotp-plus.json',
  JSON.stringify({
    tokenOrder: freeOtpAccounts.map((a) => `${a.issuer}:${a.name}`),
    tokens: freeOtpAccounts.map((a) => ({ ...freeOtpToken(a), secret: signed(a.secretBytes) })),
  }),
  freeOtpAccounts,
);
{
  const password = 'freeotp backup password';
  const masterKey = fixed('freeotp-master', 32);
  const salt = fixed('freeotp-salt', 32);
  const iterations = 100000;
  const der = (nonce) =>
    signed(Buffer.concat([Buffer.from([0x30, 0x11, 0x04, 0x0c]), nonce, Buffer.from([0x02, 0x01, 0x10])]));
  const passKey = pbkdf2Sync(password, salt, iterations, 32, 'sha512');
  const mNonce = fixed('freeotp-mk-nonce', 12);
  const map = new Map();
  map.set(
    'masterKey',
    JSON.stringify({
      mAlgorithm: 'PBKDF2withHmacSHA512',
      mEncryptedKey: {
        mCipher: 'AES/GCM/NoPadding',
        mCipherText: signed(aesGcm(passKey, mNonce, masterKey, Buffer.from('AES'))),
        mParameters: der(mNonce),
        mToken: 'AES',
      },
      mIterations: iterations,
      mSalt: signed(salt),
    }),
  );
  freeOtpAccounts.forEach((a, index) => {
    const uuid = `0000000${index}-aaaa-4bbb-8ccc-dddddddddddd`;
    const nonce = fixed(`freeotp-token-nonce-${index}`, 12);
    const token = `Hmac${a.algorithm}`;
    map.set(
      uuid,
      JSON.stringify({
        key: JSON.stringify({
          mCipher: 'AES/GCM/NoPadding',
          mCipherText: signed(aesGcm(masterKey, nonce, a.secretBytes, Buffer.from(token))),
          mParameters: der(nonce),
          mToken: token,
        }),
      }),
    );
    map.set(`${uuid}-token`, JSON.stringify(freeOtpToken(a)));
  });
  // java.io.ObjectOutputStream of a java.util.HashMap<String, String> (Java Object Serialization §6.4).
  const parts = [];
  const u16 = (n) => Buffer.from([n >> 8, n & 0xff]);
  const u32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const utf = (s) => Buffer.concat([u16(Buffer.byteLength(s)), Buffer.from(s)]);
  parts.push(Buffer.from([0xac, 0xed, 0x00, 0x05, 0x73, 0x72]), utf('java.util.HashMap'));
  parts.push(Buffer.from('0507dac1c31660d1', 'hex'), Buffer.from([0x03]), u16(2));
  parts.push(
    Buffer.from([0x46]),
    utf('loadFactor'),
    Buffer.from([0x49]),
    utf('threshold'),
    Buffer.from([0x78, 0x70]),
  );
  parts.push(
    Buffer.from([0x3f, 0x40, 0x00, 0x00]),
    u32(12),
    Buffer.from([0x77, 0x08]),
    u32(16),
    u32(map.size),
  );
  for (const [k, v] of map) parts.push(Buffer.from([0x74]), utf(k), Buffer.from([0x74]), utf(v));
  parts.push(Buffer.from([0x78]));
  write('freeotp-backup.xml', Buffer.concat(parts), freeOtpAccounts, { password });
}

// ---------------------------------------------------------------- Bitwarden (JSON, password-protected JSON, CSV)
{
  const accounts = [
    account('bw-1', { issuer: 'GitHub', name: 'ann@example.com', favorite: true, groups: ['Dev'] }),
    account('bw-2', { issuer: 'Mail', name: 'ann', digits: 8, algorithm: 'SHA256' }),
    account('bw-3', { issuer: 'Plain secret site', name: 'ann.user' }),
    account('bw-4', { issuer: 'Steam', name: '', type: 'steam', digits: 5 }),
    account('bw-5', { issuer: 'Field', name: 'fieldy', period: 60 }),
  ];
  const [github, mail, plainSecret, steam, field] = accounts;
  const items = [
    {
      id: 'i1',
      type: 1,
      name: 'GitHub',
      folderId: 'f1',
      favorite: true,
      notes: null,
      login: { username: 'ann@example.com', password: 'x', totp: uri(github), uris: [] },
      fields: [],
    },
    {
      id: 'i2',
      type: 1,
      name: 'Mail',
      folderId: null,
      favorite: false,
      login: { username: 'ann', totp: uri(mail) },
      fields: [],
    },
    {
      id: 'i3',
      type: 1,
      name: plainSecret.issuer,
      folderId: null,
      favorite: false,
      login: { username: plainSecret.name, totp: plainSecret.secret.toLowerCase().replace(/(.{4})/g, '$1 ') },
      fields: [],
    },
    {
      id: 'i4',
      type: 1,
      name: 'Steam',
      folderId: null,
      favorite: false,
      login: { username: null, totp: `steam://${steam.secret}` },
      fields: [],
    },
    {
      id: 'i5',
      type: 1,
      name: 'Other',
      folderId: null,
      favorite: false,
      login: { username: 'someone', totp: null },
      fields: [
        { name: 'second factor', value: uri(field), type: 1 },
        { name: 'pin', value: '1234', type: 0 },
      ],
    },
    { id: 'i6', type: 2, name: 'A note', notes: 'no codes here', secureNote: { type: 0 } },
  ];
  const folders = [{ id: 'f1', name: 'Dev' }];
  const json = JSON.stringify({ encrypted: false, folders, items }, null, 2);
  write('bitwarden.json', json, accounts);
  const password = 'bitwarden export password';
  const encString = (enc, mac, plain, label) => {
    const iv = fixed(label, 16);
    const cipher = createCipheriv('aes-256-cbc', enc, iv);
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    const tag = createHmac('sha256', mac)
      .update(Buffer.concat([iv, data]))
      .digest();
    return `2.${iv.toString('base64')}|${data.toString('base64')}|${tag.toString('base64')}`;
  };
  // HKDF-Expand alone (the derived key is the PRK): T(1) = HMAC(PRK, info || 0x01).
  const expand = (prk, info) =>
    createHmac('sha256', prk)
      .update(Buffer.concat([Buffer.from(info), Buffer.from([1])]))
      .digest();
  for (const kdf of ['pbkdf2', 'argon2id']) {
    const salt = fixed(`bw-salt-${kdf}`, 16).toString('base64');
    const key =
      kdf === 'pbkdf2'
        ? pbkdf2Sync(password, salt, 600000, 32, 'sha256')
        : // libsodium takes only 16-byte salts; Bitwarden's is SHA-256 of its salt (32 bytes), so @noble's Argon2id.
          Buffer.from(
            argon2id(Buffer.from(password), createHash('sha256').update(salt).digest(), {
              t: 3,
              m: 64 * 1024,
              p: 4,
              dkLen: 32,
            }),
          );
    const enc = expand(key, 'enc');
    const mac = expand(key, 'mac');
    write(
      `bitwarden-encrypted-${kdf}.json`,
      JSON.stringify({
        encrypted: true,
        passwordProtected: true,
        salt,
        kdfType: kdf === 'pbkdf2' ? 0 : 1,
        kdfIterations: kdf === 'pbkdf2' ? 600000 : 3,
        ...(kdf === 'argon2id' ? { kdfMemory: 64, kdfParallelism: 4 } : {}),
        encKeyValidation_DO_NOT_EDIT: encString(
          enc,
          mac,
          Buffer.from('a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d'),
          `bw-check-${kdf}`,
        ),
        data: encString(enc, mac, Buffer.from(json), `bw-data-${kdf}`),
      }),
      accounts,
      { password },
    );
  }
  const csvField = (text) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const rows = [
    [
      'folder',
      'favorite',
      'type',
      'name',
      'notes',
      'fields',
      'reprompt',
      'login_uri',
      'login_username',
      'login_password',
      'login_totp',
    ],
    ['Dev', '1', 'login', 'GitHub', '', '', '0', 'https://github.com', github.name, 'x', uri(github)],
    ['', '', 'login', 'Mail', 'line one\nline, two', '', '0', '', mail.name, 'y', uri(mail)],
    ['', '', 'login', plainSecret.issuer, '', '', '0', '', plainSecret.name, '', plainSecret.secret],
    ['', '', 'login', 'Steam', '', '', '0', '', '', '', `steam://${steam.secret}`],
    ['', '', 'login', 'Other', '', `second factor: ${uri(field)}\npin: 1234`, '0', '', 'someone', '', ''],
    ['', '', 'note', 'A note', 'no codes', '', '0', '', '', '', ''],
  ];
  write('bitwarden.csv', `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`, accounts);
}

// ---------------------------------------------------------------- Ente Auth (encrypted export, libsodium)
{
  const accounts = [
    account('ente-1', { issuer: 'Proton', name: 'ann@proton.me', favorite: true, groups: ['Mail'] }),
    account('ente-2', { issuer: 'Defaults', name: 'ann' }),
    account('ente-3', {
      issuer: 'Counter',
      name: 'ann',
      type: 'hotp',
      counter: 5,
      period: undefined,
      algorithm: 'SHA512',
    }),
  ];
  const display = (fields) =>
    `&codeDisplay=${encodeURIComponent(JSON.stringify({ pinned: false, trashed: false, lastUsedAt: 0, tapCount: 0, tags: [], ...fields }))}`;
  const lines = [
    uri(accounts[0], display({ pinned: true, tags: ['Mail'] })),
    // Ente writes null for what it holds as the default.
    `otpauth://totp/Defaults:ann?secret=${accounts[1].secret}&issuer=Defaults&algorithm=null&digits=null&period=null${display({})}`,
    uri(accounts[2]),
    uri(account('ente-trashed', { issuer: 'Deleted', name: 'old' }), display({ trashed: true })),
  ];
  const password = 'ente export password';
  const salt = fixed('ente-salt', 16);
  const opsLimit = 2;
  const memLimit = 16 * 1024 * 1024;
  const key = sodium.crypto_pwhash(
    32,
    password,
    salt,
    opsLimit,
    memLimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  const data = sodium.crypto_secretstream_xchacha20poly1305_push(
    state,
    Buffer.from(lines.join('\n')),
    null,
    sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
  );
  write(
    'ente-auth-export.txt',
    JSON.stringify({
      version: 1,
      kdfParams: { memLimit, opsLimit, salt: Buffer.from(salt).toString('base64') },
      encryptedData: Buffer.from(data).toString('base64'),
      encryptionNonce: Buffer.from(header).toString('base64'),
    }),
    accounts,
    { password, warnings: 1 },
  );
}

// ---------------------------------------------------------------- Proton Authenticator (JSON)
{
  const accounts = [
    account('pa-1', { issuer: 'Proton', name: 'ann@proton.me' }),
    account('pa-2', { issuer: 'Shop', name: 'ann', algorithm: 'SHA256', digits: 8, period: 15 }),
    account('pa-3', { issuer: 'Counter', name: 'ann', type: 'hotp', counter: 0, period: undefined }),
  ];
  write(
    'proton-authenticator.json',
    JSON.stringify({
      version: 1,
      entries: accounts.map((a, index) => ({
        id: `e${index}`,
        content: { uri: uri(a), entry_type: a.type === 'hotp' ? 'Hotp' : 'Totp', name: a.issuer },
        note: null,
      })),
    }),
    accounts,
  );
}

// ---------------------------------------------------------------- ZIP writer (stored/deflated, WinZip AES AE-2)
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function zip(files, password) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of files) {
    const deflated = deflateRawSync(content);
    let data = deflated;
    let method = 8;
    let extra = Buffer.alloc(0);
    let flags = 0;
    if (password !== undefined) {
      // WinZip AES-256, AE-2 (CRC 0): salt || verifier || AES-CTR (LE counter from 1) || HMAC-SHA1[0..10].
      const salt = fixed(`zip-salt-${name}`, 16);
      const derived = pbkdf2Sync(password, salt, 1000, 66, 'sha1');
      const aes = createCipheriv('aes-256-ecb', derived.subarray(0, 32), null).setAutoPadding(false);
      const blocks = Math.ceil(deflated.length / 16);
      const counters = Buffer.alloc(blocks * 16);
      for (let b = 0; b < blocks; b++) counters.writeUInt32LE(b + 1, b * 16);
      const stream = Buffer.concat([aes.update(counters), aes.final()]);
      const body = Buffer.from(deflated.map((byte, i) => byte ^ stream[i]));
      const mac = createHmac('sha1', derived.subarray(32, 64)).update(body).digest().subarray(0, 10);
      data = Buffer.concat([salt, derived.subarray(64, 66), body, mac]);
      method = 99;
      flags = 1;
      extra = Buffer.from([0x01, 0x99, 0x07, 0x00, 0x02, 0x00, 0x41, 0x45, 0x03, 0x08, 0x00]);
    }
    const crc = password === undefined ? crc32(content) : 0;
    const nameBytes = Buffer.from(name);
    const header = (central) => {
      const b = Buffer.alloc(central ? 46 : 30);
      let at = 0;
      b.writeUInt32LE(central ? 0x02014b50 : 0x04034b50, at);
      at += 4;
      if (central) {
        b.writeUInt16LE(0x033f, at);
        at += 2;
      }
      b.writeUInt16LE(51, at);
      b.writeUInt16LE(flags, at + 2);
      b.writeUInt16LE(method, at + 4);
      b.writeUInt32LE(0, at + 6);
      b.writeUInt32LE(crc, at + 10);
      b.writeUInt32LE(data.length, at + 14);
      b.writeUInt32LE(content.length, at + 18);
      b.writeUInt16LE(nameBytes.length, at + 22);
      b.writeUInt16LE(extra.length, at + 24);
      if (central) b.writeUInt32LE(offset, 42);
      return b;
    };
    const local = Buffer.concat([header(false), nameBytes, extra, data]);
    centrals.push(Buffer.concat([header(true), nameBytes, extra]));
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// ---------------------------------------------------------------- Proton Pass (ZIP)
{
  const accounts = [
    account('pp-1', { issuer: 'GitHub', name: 'ann@example.com', groups: ['Personal'], favorite: true }),
    account('pp-2', { issuer: 'Proton', name: 'ann@proton.me', groups: ['Personal'] }),
    account('pp-3', { issuer: 'Bare secret', name: 'ann', groups: ['Work'] }),
  ];
  const item = (a, totp, extra = {}) => ({
    itemId: `it-${a.issuer}`,
    shareId: 's',
    data: {
      metadata: { name: a.issuer, note: '', itemUuid: 'u' },
      extraFields: [],
      type: 'login',
      content: { itemEmail: a.name, itemUsername: '', password: '', urls: [], totpUri: totp, passkeys: [] },
    },
    state: 1,
    aliasEmail: null,
    contentFormatVersion: 6,
    createTime: 1700000000,
    modifyTime: 1700000000,
    pinned: false,
    ...extra,
  });
  const [github, proton, bare] = accounts;
  const protonItem = item(proton, '');
  protonItem.data.extraFields = [{ fieldName: '2FA', type: 'totp', data: { totpUri: uri(proton) } }];
  const trashed = item(
    account('pp-trash', { issuer: 'Gone', name: 'x' }),
    uri(account('pp-trash', { issuer: 'Gone', name: 'x' })),
    { state: 2 },
  );
  const data = {
    version: '1.20.0',
    userId: 'u',
    encrypted: false,
    vaults: {
      v1: {
        name: 'Personal',
        description: '',
        display: { color: 0, icon: 0 },
        items: [item(github, uri(github), { pinned: true }), protonItem, trashed],
      },
      v2: {
        name: 'Work',
        description: '',
        display: { color: 0, icon: 0 },
        items: [item(bare, bare.secret), item(account('pp-none', { issuer: 'No code', name: 'x' }), '')],
      },
    },
  };
  write('proton-pass.zip', zip([['Proton Pass/data.json', Buffer.from(JSON.stringify(data))]]), accounts, {
    warnings: 1,
  });
}

// ---------------------------------------------------------------- Raivo OTP (ZIP, WinZip AES)
{
  const accounts = [
    account('raivo-1', { issuer: 'Apple', name: 'ann@icloud.com', favorite: true }),
    account('raivo-2', { issuer: 'Counter', name: 'ann', type: 'hotp', counter: 9, period: undefined }),
    account('raivo-3', { issuer: 'Long', name: 'ann', algorithm: 'SHA512', digits: 8, period: 60 }),
  ];
  const list = accounts.map((a) => ({
    pinned: a.favorite ? 'true' : 'false',
    iconValue: '',
    secret: a.secret,
    issuer: a.issuer,
    counter: String(a.type === 'hotp' ? a.counter : 0),
    account: a.name,
    iconType: '',
    algorithm: a.algorithm,
    kind: a.type.toUpperCase(),
    digits: String(a.digits),
    timer: String(a.type === 'hotp' ? 30 : a.period),
  }));
  const password = 'raivo export password';
  write(
    'raivo-otp-export.zip',
    zip([['raivo-otp-export.json', Buffer.from(JSON.stringify(list))]], password),
    accounts,
    { password },
  );
}

// ---------------------------------------------------------------- LastPass Authenticator (JSON)
{
  const accounts = [
    account('lp-1', { issuer: 'Google', name: 'ann@gmail.com', favorite: true, groups: ['Mail'] }),
    account('lp-2', { issuer: 'Azure', name: 'ann@corp', algorithm: 'SHA256', digits: 8, period: 30 }),
  ];
  write(
    'lastpass-authenticator.json',
    JSON.stringify({
      deviceName: 'phone',
      deviceSecret: '',
      localDeviceId: 'd',
      deviceType: 'android',
      version: 3,
      accounts: accounts.map((a, index) => ({
        accountID: `a${index}`,
        issuerName: a.issuer,
        originalIssuerName: a.issuer,
        userName: a.name,
        originalUserName: a.name,
        pushNotification: false,
        secret: a.secret,
        timeStep: a.period,
        digits: a.digits,
        creationTimestamp: 1700000000000,
        isFavorite: a.favorite === true,
        algorithm: a.algorithm,
        folderData: { folderId: a.groups ? 1 : 0, position: index },
        backupInfo: { creationDate: '', deviceOs: '', appVersion: '' },
      })),
      folders: [
        { id: 0, name: 'Other Accounts', isOpened: true },
        { id: 1, name: 'Mail', isOpened: true },
      ],
    }),
    accounts.map((a) => (a.groups ? a : { ...a, groups: ['Other Accounts'] })),
  );
}

// ---------------------------------------------------------------- Steam maFile (Steam Desktop Authenticator)
{
  const [steam] = [account('steam-1', { issuer: 'Steam', name: 'ann_gamer', type: 'steam', digits: 5 })];
  write(
    'steam.maFile',
    JSON.stringify({
      shared_secret: steam.secretBytes.toString('base64'),
      serial_number: '1234567890',
      revocation_code: 'R12345',
      uri: `otpauth://totp/Steam:${steam.name}?secret=${steam.secret}&issuer=Steam`,
      server_time: 1700000000,
      account_name: steam.name,
      token_gid: 'abc',
      identity_secret: fixed('steam-identity', 20).toString('base64'),
      secret_1: fixed('steam-secret1', 20).toString('base64'),
      status: 1,
      device_id: 'android:0000',
      fully_enrolled: true,
      Session: { SessionID: 's', SteamID: '76561197960287930' },
    }),
    [steam],
  );
}
console.log(`fixtures written to ${out}`);
