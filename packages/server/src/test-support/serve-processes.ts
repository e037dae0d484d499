/**
 * Real `twofold serve` processes for tests that need several instances (issue 8), the `twofold`
 * command run in this process against the same database, and an HTTP client that keeps cookies
 * like one browser while its requests go to whichever instance a test names (a load balancer
 * without sticky sessions).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../commands/cli.js';

const bin = new URL('../../bin/twofold.js', import.meta.url).pathname;

export interface ServeProcess {
  /** Where it listens, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** What it wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after 10 s; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL at once, as a crash would (no clean-up runs); resolves with the signal it died of. */
  kill(): Promise<NodeJS.Signals | null>;
}

/**
 * Starts `twofold serve` on a port of its own choosing (PORT=0, read back from the line that
 * says where it listens, so two processes never race for a free port) with `env` over this
 * process's environment, and waits until it listens.
 */
export async function startServeProcess(env: Record<string, string>): Promise<ServeProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TWOFOLD_LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  child.stderr.on('data', (c) => {
    output += c;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      output += c;
      const match = output.match(/is listening on (http:\/\/\S+)/);
      if (match?.[1]) resolve(match[1]);
    });
    void exit.then((code) => reject(new Error(`twofold serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exit;
      }
      return child.signalCode;
    },
  };
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `twofold <args>` in this process with exactly `env` as its environment. */
export async function runTwofold(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<CommandResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from([stdin]), env });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body (problem+json included), or undefined without one. */
  // biome-ignore lint/suspicious/noExplicitAny: as light-my-request's json(): tests read each route's own shape
  readonly json: any;
  /** The body as text (an HTML page, for one). */
  readonly text: string;
}

export interface HttpBrowser {
  readonly cookies: Map<string, string>;
  /**
   * `method path` on the instance at `baseUrl`, with this browser's cookies; a body is sent as
   * JSON (or as a form), and unsafe methods carry the same-origin `Origin` a browser would send.
   * Redirects are followed unless `redirect` is 'manual' (then the answer has the Location).
   */
  request(
    baseUrl: string,
    method: string,
    path: string,
    options?: {
      json?: unknown;
      form?: Record<string, string>;
      headers?: Record<string, string>;
      redirect?: 'follow' | 'manual';
    },
  ): Promise<HttpAnswer>;
}

/** A browser over real HTTP; `origin` is the servers' TWOFOLD_PUBLIC_URL (the default by default). */
export function createHttpBrowser(origin = 'http://localhost:8080'): HttpBrowser {
  const cookies = new Map<string, string>();
  return {
    cookies,
    async request(baseUrl, method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (cookies.size > 0) headers['cookie'] = [...cookies].map(([n, v]) => `${n}=${v}`).join('; ');
      if (method !== 'GET' && method !== 'HEAD') headers['origin'] ??= origin;
      if (options.json !== undefined) headers['content-type'] = 'application/json';
      if (options.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const body =
        options.json !== undefined
          ? JSON.stringify(options.json)
          : options.form !== undefined
            ? new URLSearchParams(options.form).toString()
            : undefined;
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        redirect: options.redirect ?? 'follow',
        ...(body !== undefined ? { body } : {}),
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';');
        const at = pair.indexOf('=');
        const name = pair.slice(0, at).trim();
        const value = pair.slice(at + 1).trim();
        const cleared = attributes.some((a) => {
          const [key = '', val = ''] = a.split('=');
          const k = key.trim().toLowerCase();
          return (k === 'max-age' && Number(val) <= 0) || (k === 'expires' && Date.parse(val) < Date.now());
        });
        if (cleared || value === '') cookies.delete(name);
        else cookies.set(name, value);
      }
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        json: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined,
        text,
      };
    },
  };
}
