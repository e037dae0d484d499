import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import type { Clock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/log.js';
import { createRuntime, type Runtime } from '../runtime.js';
import type { TestBackend } from './databases.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  close(): Promise<void>;
}

/** A full app on a fresh test database, called in-process with `app.inject()`. */
export async function createTestApp(
  backend: TestBackend,
  env: Record<string, string> = {},
  options: { clock?: Clock; logDestination?: NodeJS.WritableStream } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twofold-app-'));
  const database = await backend.create();
  const config = loadConfig({
    TWOFOLD_DATA_DIR: dataDir,
    TWOFOLD_SECRET_KEY: randomBytes(32).toString('base64'),
    TWOFOLD_LOG_LEVEL: 'silent',
    ...env,
  });
  // With a destination, everything is logged there at trace level (the production logger, redaction and all).
  const logger = options.logDestination ? createLogger('trace', options.logDestination) : undefined;
  const runtime = await createRuntime(config, {
    database,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(logger ? { log: { info: (m: string) => logger.info(m), warn: (m: string) => logger.warn(m) } } : {}),
  });
  const app = await buildApp({ runtime, ...(logger ? { logger } : {}) });
  return {
    app,
    runtime,
    async close() {
      await app.close();
      await database.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
