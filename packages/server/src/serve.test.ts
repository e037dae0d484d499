import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestDatabaseHandle, testBackends } from './test-support/databases.js';

const bin = new URL('../bin/twofold.js', import.meta.url).pathname;

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  exit: Promise<number | null>;
}

/** Starts `twofold serve` as a user would and waits for the line that says where it listens. */
async function startServe(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, PORT: '0', TWOFOLD_LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => {
    err += c;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const match = out.match(/is listening on (http:\/\/\S+)/);
      if (match?.[1]) resolve(match[1]);
    });
    void exit.then((code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { child, url, stdout: () => out, exit };
}

for (const backend of testBackends) {
  describe(`twofold serve on ${backend.name}`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const fn of cleanups.splice(0).reverse()) await fn();
    });

    async function environment(): Promise<Record<string, string>> {
      const dataDir = mkdtempSync(join(tmpdir(), 'twofold-serve-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const env: Record<string, string> = { TWOFOLD_DATA_DIR: dataDir, DATABASE_URL: '' };
      if (backend.name === 'postgres') {
        const db: TestDatabaseHandle = await backend.create({ migrate: false });
        cleanups.push(() => db.cleanup());
        env['DATABASE_URL'] = db.location.databaseUrl ?? '';
      }
      return env;
    }

    it('first start: migrates, creates tenant default, prints the setup link once, serves /healthz', async () => {
      const env = await environment();
      const first = await startServe(env);
      cleanups.push(() => void first.child.kill('SIGKILL'));
      expect(first.stdout()).toMatch(/Created tenant 'default'/);
      expect(first.stdout()).toMatch(/http:\/\/localhost:8080\/t\/default\/setup#token=tfs_\S{43}/);
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: backend.name });
      const keyFile = statSync(join(env['TWOFOLD_DATA_DIR'] ?? '', 'secret-keys'));
      expect(keyFile.mode & 0o777).toBe(0o600);
      first.child.kill('SIGTERM');
      expect(await first.exit).toBe(0);

      const second = await startServe(env);
      cleanups.push(() => void second.child.kill('SIGKILL'));
      expect(second.stdout()).not.toMatch(/setup#token=/);
      second.child.kill('SIGTERM');
      expect(await second.exit).toBe(0);
    });

    it('SIGTERM lets an in-flight request finish, then exits 0', async () => {
      const server = await startServe(await environment());
      cleanups.push(() => void server.child.kill('SIGKILL'));
      const { hostname, port } = new URL(server.url);
      const body = JSON.stringify({
        token: 'tfs_unknown',
        email: 'a@example.com',
        password: 'long enough password',
      });
      const socket = connect(Number(port), hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      let response = '';
      socket.on('data', (c) => {
        response += c;
      });
      const closed = new Promise((resolve) => socket.once('close', resolve));
      // Send the headers and half the body, stop the server, then send the rest.
      socket.write(
        `POST /t/default/api/v1/setup HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 20)}`,
      );
      // Generous waits: the headers must have reached the server before the signal, even on a
      // loaded machine, and the stop must be under way before the rest of the body arrives.
      await new Promise((r) => setTimeout(r, 1000));
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      // write, not end: a half-closed client socket would make Node drop the connection itself.
      socket.write(body.slice(20));
      await closed;
      expect(response).toMatch(/^HTTP\/1\.1 400/);
      expect(response).toContain('"code":"setup_token_invalid"');
      expect(await server.exit).toBe(0);
    });

    it('a bad configuration value stops start-up with one line naming the variable', async () => {
      const env = await environment();
      const child = spawn(process.execPath, [bin, 'serve'], {
        env: { ...process.env, ...env, TWOFOLD_PUBLIC_URL: 'localhost' },
      });
      let err = '';
      child.stderr.on('data', (c) => {
        err += c;
      });
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(err).toBe(
        "twofold: TWOFOLD_PUBLIC_URL: must be an absolute http(s) URL, got 'localhost' (config_invalid)\n",
      );
    });
  });
}
