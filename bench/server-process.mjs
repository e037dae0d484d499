// A real `twofold serve` in a child process on 127.0.0.1 (a free port), and its memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const command = fileURLToPath(new URL('../packages/server/bin/twofold.js', import.meta.url));

/** VmRSS and VmHWM (peak RSS) of a Linux process, in bytes; undefined elsewhere. */
export function readProcessMemory(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  return { rss: field('VmRSS'), peakRss: field('VmHWM') };
}

/**
 * CPU time (user + system, every thread) a Linux process has used so far, in milliseconds;
 * undefined elsewhere. Clock ticks of /proc/{pid}/stat, 100 a second on Linux.
 */
export function readProcessCpuMs(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime, fields 14 and 15
  return Number.isFinite(ticks) ? ticks * 10 : undefined;
}

/**
 * Starts the server the way an operator does (`twofold serve`, configured by environment) and
 * resolves once it prints its listening line.
 * @param {{
 *   dataDir: string,
 *   secretKey: string,
 *   databaseUrl?: string,
 *   nodeOptions?: string[],
 *   log: (line: string) => void,
 * }} options
 */
export async function startServerProcess(options) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    TWOFOLD_PUBLIC_URL: 'http://127.0.0.1',
    TWOFOLD_DATA_DIR: options.dataDir,
    TWOFOLD_SECRET_KEY: options.secretKey,
    TWOFOLD_LOG_LEVEL: 'warn',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
  };
  return startNodeProcess({
    script: command,
    args: ['serve'],
    env,
    nodeOptions: options.nodeOptions,
    ready: /is listening on (http:\/\/\S+)/,
    name: 'twofold serve',
    log: options.log,
  });
}

/**
 * A Node.js script in a child process, resolved once a line of its output matches `ready` (whose
 * first group is the URL), with the memory, CPU and stop controls the bench needs of a server.
 * @param {{
 *   script: string,
 *   args?: string[],
 *   env: Record<string, string>,
 *   nodeOptions?: string[],
 *   ready: RegExp,
 *   name: string,
 *   log: (line: string) => void,
 * }} options
 */
export async function startNodeProcess(options) {
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), options.script, ...(options.args ?? [])],
    {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
      const match = options.ready.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then(({ code, signal }) =>
      reject(new Error(`${options.name} exited (${code ?? signal}) before listening:\n${output}`)),
    );
  });
  // Warnings and errors of the server while the bench runs go to our stderr.
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  const forward = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.log(`server: ${line}`);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  let stopping = false;
  /** @type {string | undefined} */
  let exitedEarly;
  exited.then(({ code, signal }) => {
    if (stopping) return;
    exitedEarly = `${code ?? signal}`;
    options.log(`server: exited while the bench still needed it (${exitedEarly})`);
  });

  /** Peak RSS sampled every 50 ms between start and stop of a phase (VmHWM only ever grows). */
  function sampleMemory() {
    let peak = 0;
    const take = () => {
      const memory = readProcessMemory(child.pid);
      if (memory?.rss !== undefined) peak = Math.max(peak, memory.rss);
    };
    take();
    const timer = setInterval(take, 50);
    return {
      stop() {
        clearInterval(timer);
        take();
        return peak || undefined;
      },
    };
  }

  return {
    url,
    pid: child.pid,
    sampleMemory,
    memory: () => readProcessMemory(child.pid),
    cpuMs: () => readProcessCpuMs(child.pid),
    /** Throws when the server is gone (it crashed, or something outside stopped it). */
    assertRunning() {
      if (exitedEarly !== undefined) throw new Error(`the server exited during the bench (${exitedEarly})`);
    },
    /** SIGTERM: the server finishes in-flight requests and exits by itself. */
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
