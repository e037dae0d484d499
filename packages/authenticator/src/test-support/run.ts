/**
 * The `twofold-authenticator` command in tests: each test gets a new temporary directory for its vault, and
 * `run` calls runAuthenticatorCli in this process with captured output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, expect } from 'vitest';
import { runAuthenticatorCli } from '../cli.js';
import type { AuthenticatorIo } from '../io.js';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Environment over the default one (which has TWOFOLD_VAULT_PASSPHRASE). */
  env?: Record<string, string | undefined>;
  /** Text typed on standard input. */
  stdin?: string;
  /** Pretend standard input is a terminal (raw mode available), as when a person types. */
  ttyStdin?: boolean;
  /** Pretend standard output is a terminal. */
  ttyStdout?: boolean;
  interrupt?: AbortSignal;
}

export const PASSPHRASE = 'correct horse battery staple';

export interface AuthenticatorTestEnvironment {
  dir(): string;
  vault(): string;
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Runs with --json and --vault, expects exit 0, returns the parsed stdout. */
  json(args: string[], options?: RunOptions): Promise<unknown>;
}

/** Call inside a `describe`: a new directory (and vault path) for each test. */
export function useAuthenticator(): AuthenticatorTestEnvironment {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twofold-authenticator-'));
  });
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    const stdout = Object.assign(new PassThrough(), options.ttyStdout ? { isTTY: true } : {});
    const stderr = new PassThrough();
    const stdin = Object.assign(
      new PassThrough(),
      options.ttyStdin ? { isTTY: true, setRawMode: (_mode: boolean) => stdin } : {},
    );
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (c) => out.push(String(c)));
    stderr.on('data', (c) => err.push(String(c)));
    if (options.stdin !== undefined) stdin.write(options.stdin);
    if (!options.ttyStdin) stdin.end();
    const io: AuthenticatorIo = {
      stdout,
      stderr,
      stdin,
      env: { TWOFOLD_VAULT_PASSPHRASE: PASSPHRASE, HOME: dir, XDG_DATA_HOME: undefined, ...options.env },
      ...(options.interrupt ? { interrupt: options.interrupt } : {}),
    };
    const code = await runAuthenticatorCli(args, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  return {
    dir: () => dir!,
    vault: () => join(dir!, 'vault.json'),
    run,
    async json(args, options) {
      const result = await run([...args, '--json', '--vault', join(dir!, 'vault.json')], options);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    },
  };
}
