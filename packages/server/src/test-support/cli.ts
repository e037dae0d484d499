/**
 * The `twofold` command in tests: each test gets a new data directory and, on PostgreSQL, a new
 * database that the command migrates itself; `run` calls runCli in this process with the test's
 * environment and captures what it writes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, expect } from 'vitest';
import { runCli } from '../commands/cli.js';
import { loadConfig } from '../platform/config.js';
import { createRuntime, type Runtime } from '../runtime.js';
import type { TestBackend, TestDatabaseHandle } from './databases.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliEnvironment {
  /** The current test's data directory (TWOFOLD_DATA_DIR). */
  dataDir(): string;
  /** The current test's PostgreSQL database; undefined on SQLite (the file in the data directory). */
  database(): TestDatabaseHandle | undefined;
  /** The environment the command runs with. */
  env(): Record<string, string>;
  /** Runs `twofold <args>` with `stdin` as its input and `extraEnv` over the test's environment. */
  run(args: string[], stdin?: string, extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Runs `twofold <args> --json`, expects it to succeed quietly and returns what it printed, parsed. */
  json(args: string[], stdin?: string): Promise<unknown>;
  /** A runtime over the same data directory and database as the command, closed after `fn`. */
  withRuntime<T>(fn: (runtime: Runtime) => Promise<T>): Promise<T>;
}

/**
 * Call inside a `describe`: sets up before and removes after each test. `env` is added to the
 * environment (TWOFOLD_PUBLIC_URL, TWOFOLD_LOG_LEVEL, ...); `prefix` names the temporary folders.
 */
export function useCliEnvironment(
  backend: TestBackend,
  options: { prefix: string; env?: Record<string, string> },
): CliEnvironment {
  let dataDir: string | undefined;
  let database: TestDatabaseHandle | undefined;
  let env: Record<string, string> = {};

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), options.prefix));
    env = { TWOFOLD_DATA_DIR: dataDir, ...options.env };
    if (backend.name === 'postgres') {
      database = await backend.create({ migrate: false });
      env['DATABASE_URL'] = database.location.databaseUrl ?? '';
    }
  });
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  async function run(args: string[], stdin = '', extraEnv: Record<string, string> = {}): Promise<CliResult> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (c) => out.push(String(c)));
    stderr.on('data', (c) => err.push(String(c)));
    const code = await runCli(args, {
      stdout,
      stderr,
      stdin: Readable.from([stdin]),
      env: { ...env, ...extraEnv },
    });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  return {
    dataDir() {
      if (dataDir === undefined) throw new Error('useCliEnvironment: no test is running');
      return dataDir;
    },
    database: () => database,
    env: () => env,
    run,
    async json(args, stdin = '') {
      const result = await run([...args, '--json'], stdin);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout);
    },
    async withRuntime(fn) {
      const runtime = await createRuntime(loadConfig(env));
      try {
        return await fn(runtime);
      } finally {
        await runtime.close();
      }
    },
  };
}
