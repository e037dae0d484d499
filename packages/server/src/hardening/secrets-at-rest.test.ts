/**
 * Issue 9, part 3 (secrets at rest): a full scenario through the real HTTP app, collecting every
 * secret it sees (API key, password, authenticator secret, recovery codes, a Temporary Access
 * Pass, session tokens, an SMS code, a push activation token), then a scan of everything stored
 * (the SQLite file and its WAL, or a PostgreSQL dump and every row as text) and of the server's
 * trace-level log, for each secret in every readable form. A planted canary proves each scan
 * finds what is there, so a clean result cannot be vacuous.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { decodeBase32, encodeBase32, generateTotp, parseOtpauthUri } from '@twofold/core';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../audit/audit-log.js';
import { createManualClock } from '../platform/clock.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { createBrowserClient } from '../test-support/browser-client.js';
import { type TestDatabaseHandle, testBackends } from '../test-support/databases.js';
import { createTestPushDevice } from '../test-support/push-device.js';
import { formsOf, type Hit, type Secret, scan } from '../test-support/secret-scan.js';

const run = promisify(execFile);
const base = '/t/acme/api/v1';

/** What is stored: every file next to the SQLite database, or a dump of the PostgreSQL schema. */
async function storedContent(handle: TestDatabaseHandle): Promise<{ where: string; content: Buffer }[]> {
  const { sqlitePath, databaseUrl } = handle.location;
  if (sqlitePath) {
    const dir = dirname(sqlitePath);
    return readdirSync(dir)
      .filter((name) => name.startsWith('twofold.db'))
      .map((name) => ({ where: name, content: readFileSync(join(dir, name)) }));
  }
  const url = new URL(databaseUrl ?? '');
  const schema = /search_path=(\w+)/.exec(url.searchParams.get('options') ?? '')?.[1];
  if (!schema) throw new Error('no test schema in the database URL');
  url.searchParams.delete('options');
  const found: { where: string; content: Buffer }[] = [];
  if (await run('which', ['pg_dump']).catch(() => undefined)) {
    const dump = await run('pg_dump', ['--dbname', url.toString(), '--schema', schema, '--no-owner'], {
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'buffer',
    });
    found.push({ where: 'pg_dump', content: dump.stdout });
  }
  // Every row of every table as text as well (what a reader with SQL access sees).
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    const lines: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ row: string }>(
        `SELECT t::text AS row FROM "${schema}"."${table_name}" t`,
      );
      for (const { row } of rows.rows) lines.push(`${table_name}: ${row}`);
    }
    found.push({ where: 'rows as text', content: Buffer.from(lines.join('\n'), 'utf8') });
  } finally {
    await client.end();
  }
  return found;
}

for (const backend of testBackends) {
  describe(`secrets at rest on ${backend.name}`, () => {
    const clock = createManualClock(Date.UTC(2026, 10, 20, 9, 0, 0));
    const logChunks: Buffer[] = [];
    const logDestination = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        logChunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
        done();
      },
    });
    const logContent = () => Buffer.concat(logChunks);
    let t: TestApp;
    let closed = false;

    beforeAll(async () => {
      t = await createTestApp(backend, {}, { clock, logDestination });
    });
    afterAll(async () => {
      if (!closed) await t?.close();
    });

    it('no secret of a full scenario is readable in the database or the log', async () => {
      const secrets: Secret[] = [];
      const keep = (name: string, value: unknown, raw?: Uint8Array) => {
        expect(typeof value, name).toBe('string');
        expect((value as string).length, name).toBeGreaterThan(0);
        secrets.push({ name, value: value as string, ...(raw ? { raw } : {}) });
      };
      const handle = t.runtime.database as TestDatabaseHandle;
      const now = () => Math.floor(clock.now() / 1000);

      // An API key (for the admin API).
      const acme = await t.runtime.services.tenants.create({ slug: 'acme', name: 'Acme' }, operatorActor);
      const { key: apiKey } = await t.runtime.services.apiKeys.create(
        { tenantId: acme.id, role: 'global-admin', name: 'scan' },
        operatorActor,
      );
      keep('API key', apiKey);
      const admin = (method: 'GET' | 'POST', url: string, body?: unknown) =>
        t.app.inject({
          method,
          url: `${base}/admin${url}`,
          headers: {
            authorization: `Bearer ${apiKey}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
        });

      // A user with a password signs in and registers an authenticator.
      const password = `pw-${randomBytes(12).toString('base64url')}`;
      keep('password', password);
      const user = await t.runtime.services.users.create(
        { tenantId: acme.id, email: 'ann@example.com', password },
        operatorActor,
      );
      const browser = createBrowserClient(t.app);
      const flow = (await browser.post(`${base}/sign-in`, { username: 'ann@example.com', password })).json();
      expect(flow.status).toBe('registration_required');
      const registered = await browser.post(`${base}/sign-in/${flow.flowId}/register`, {
        type: 'authenticator',
      });
      expect(registered.statusCode, registered.body).toBe(200);
      const reg = registered.json();
      const totpSecret = decodeBase32(reg.secret);
      keep('authenticator secret', reg.secret, totpSecret);
      const pushToken = parseOtpauthUri(reg.otpauthUri).account.extra['twofold_push'];
      keep('push activation token', pushToken);
      const enrolled = await browser.post(`${base}/sign-in/${flow.flowId}/verify`, {
        methodId: reg.methodId,
        code: generateTotp({ secret: totpSecret, time: now() }),
      });
      expect(enrolled.statusCode, enrolled.body).toBe(200);
      const done = enrolled.json();
      expect(done.status).toBe('signed_in');
      expect(done.recoveryCodes).toHaveLength(10);
      for (const [i, code] of (done.recoveryCodes as string[]).entries())
        keep(`recovery code ${i + 1}`, code);
      keep('session token (authenticator sign-in)', done.session.token);
      expect(browser.cookies.get('twofold_session')).toBe(done.session.token);

      // The push device is activated with the token from the URI.
      const device = createTestPushDevice();
      const activated = await t.app.inject({
        method: 'POST',
        url: `${base}/devices/activate`,
        payload: { activationToken: pushToken, publicKey: device.publicKey, name: 'Phone' },
      });
      expect(activated.statusCode, activated.body).toBe(201);

      // An SMS method: a code is sent (kept by the default outbox provider) and used.
      const sms = await browser.post(`${base}/me/methods`, { type: 'sms', phoneNumber: '+1 415 555 2671' });
      expect(sms.statusCode, sms.body).toBe(201);
      const texts = await t.runtime.services.outbox.list(acme.id);
      expect(texts).toHaveLength(1);
      const smsCode = /\b(\d{6})\b/.exec(texts[0]?.body ?? '')?.[1];
      keep('SMS code', smsCode);
      const confirmed = await browser.post(`${base}/me/methods/${sms.json().methodId}/verify`, {
        code: smsCode,
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);

      // A recovery code is used to sign in.
      clock.advance(60_000);
      const second = createBrowserClient(t.app);
      const flow2 = (await second.post(`${base}/sign-in`, { username: 'ann@example.com', password })).json();
      expect(flow2.status).toBe('mfa_required');
      const recovered = await second.post(`${base}/sign-in/${flow2.flowId}/verify`, {
        methodId: 'recovery-codes',
        code: done.recoveryCodes[4],
      });
      expect(recovered.statusCode, recovered.body).toBe(200);
      expect(recovered.json().recoveryCodesRemaining).toBe(9);
      keep('session token (recovery code sign-in)', recovered.json().session.token);

      // A Temporary Access Pass issued through the admin API and used.
      const issued = await admin('POST', `/users/${user.id}/temporary-access-pass`, { lifetimeMinutes: 60 });
      expect(issued.statusCode, issued.body).toBe(201);
      keep('Temporary Access Pass', issued.json().pass);
      const third = createBrowserClient(t.app);
      const byPass = await third.post(`${base}/sign-in`, {
        username: 'ann@example.com',
        temporaryAccessPass: issued.json().pass,
      });
      expect(byPass.statusCode, byPass.body).toBe(200);
      expect(byPass.json().status).toBe('signed_in');
      keep('session token (pass sign-in)', byPass.json().session.token);
      expect((await third.get(`${base}/me`)).statusCode).toBe(200);

      const forms = secrets.flatMap(formsOf);

      // Controls: a canary written in one derived form is found, in the database and in the log.
      const canaryBytes = randomBytes(20);
      const canaryForms = formsOf({ name: 'canary', value: encodeBase32(canaryBytes), raw: canaryBytes });
      const planted = canaryBytes.toString('base64');
      await sql`CREATE TABLE leak_probe (value text)`.execute(handle.db);
      await sql`INSERT INTO leak_probe (value) VALUES (${planted})`.execute(handle.db);
      const plantedHits = (await storedContent(handle)).flatMap((c) => scan(c.where, c.content, canaryForms));
      expect(plantedHits.map((h) => h.form)).toContain('base64 of raw bytes');
      await sql`DROP TABLE leak_probe`.execute(handle.db);
      t.app.log.info({ note: `probe ${canaryBytes.toString('hex')}` }, 'leak probe');
      expect(scan('log', logContent(), canaryForms).map((h) => h.form)).toEqual(['hex of raw bytes']);

      // The scan proper: the database while the server runs (SQLite: main file and WAL), after it
      // has stopped (SQLite: checkpointed on close), and the whole log.
      const hits: Hit[] = [];
      let scanned = 0;
      const scanAll = (where: string, content: Buffer) => {
        scanned += content.length;
        hits.push(...scan(where, content, forms));
      };
      for (const c of await storedContent(handle)) scanAll(`running: ${c.where}`, c.content);
      await t.app.close();
      if (backend.name === 'sqlite') {
        await handle.close();
        for (const c of await storedContent(handle)) scanAll(`stopped: ${c.where}`, c.content);
      }
      const log = logContent();
      expect(log.length).toBeGreaterThan(1000);
      scanAll('log', log);
      closed = true;
      await t.close();

      console.info(
        `secrets at rest (${backend.name}): ${secrets.length} secrets in ${forms.length} forms, ` +
          `${scanned} bytes scanned (log ${log.length}), ${hits.length} hits`,
      );
      expect(hits).toEqual([]);
    });
  });
}
