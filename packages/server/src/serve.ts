import { describeProviders } from './courier/providers/index.js';
import { buildApp, type TwofoldApp } from './http/app.js';
import type { Config } from './platform/config.js';
import { createLogger } from './platform/log.js';
import { createRuntime, type Runtime } from './runtime.js';

export interface RunningServer {
  readonly app: TwofoldApp;
  readonly runtime: Runtime;
  /** The address actually bound (PORT=0 picks one). */
  readonly url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish, stops the courier (no new claims;
   * the sends in flight are recorded), then closes the database.
   */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Where human-facing lines (the listening address, the setup link) go; stdout by default. */
  readonly print?: (line: string) => void;
  /** Install SIGTERM/SIGINT handlers that stop gracefully and exit (the `serve` command does). */
  readonly handleSignals?: boolean;
}

/** `twofold serve`: open the database, migrate, bootstrap the first tenant, listen. */
export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = createLogger(config.logLevel);
  // Signals are taken from the very start: one that arrives while starting stops the server as
  // soon as it is up, instead of killing the process half-way through.
  const shutdown = options.handleSignals
    ? installSignalHandlers(config.shutdownTimeoutMs, (m) => logger.info(m))
    : undefined;
  const runtime = await createRuntime(config, {
    log: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
  });
  const { courier } = runtime.services;
  let app: TwofoldApp;
  try {
    const bootstrapped = await runtime.services.setup.bootstrap(config.publicUrl);
    app = await buildApp({ runtime, logger });
    // Messages queued while no server ran (by `twofold recover-admin`, or before a restart) go out now.
    courier.start();
    logger.info(`messages: ${describeProviders(config)}`);
    // Expired sign-ins, ended sessions, old counters: deleted now and every 15 minutes.
    runtime.services.housekeeping.start();
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, database: runtime.database.description }, 'listening');
    if (bootstrapped) {
      print('');
      print(
        `Created tenant '${bootstrapped.tenant.slug}'. Open this one-time link to create its first global admin`,
      );
      print(`(valid until ${new Date(bootstrapped.expiresAt).toISOString()}; it is shown only now):`);
      print(`  ${bootstrapped.setupUrl}`);
      print('');
    }
    // Last, so that whoever waits for this line has everything above it.
    print(`Twofold ${runtime.version} is listening on ${url} (${runtime.database.description})`);
    const running: RunningServer = {
      app,
      runtime,
      url,
      async stop() {
        await app.close();
        await app.inFlight.idle();
        await courier.stop();
        await runtime.close();
        logger.flush();
      },
    };
    shutdown?.ready(running);
    return running;
  } catch (error) {
    await courier.stop();
    await runtime.close();
    throw error;
  }
}

function installSignalHandlers(
  timeoutMs: number,
  log: (message: string) => void,
): { ready(server: RunningServer): void } {
  let server: RunningServer | undefined;
  let requested: string | undefined;
  const stop = () => {
    if (!server || !requested) return;
    log(`${requested}: finishing in-flight requests, then stopping`);
    const timer = setTimeout(() => {
      log(`still busy after ${timeoutMs} ms; exiting anyway`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const onSignal = (signal: string) => {
    if (requested) return;
    requested = signal;
    stop();
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  return {
    ready(running) {
      server = running;
      stop();
    },
  };
}
