import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import type { Clock } from '../platform/clock.js';
import { loadConfig } from '../platform/config.js';
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
  options: { clock?: Clock } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twofold-app-'));
  const database = await backend.create();
  const config = loadConfig({
    TWOFOLD_DATA_DIR: dataDir,
    TWOFOLD_SECRET_KEY: randomBytes(32).toString('base64'),
    TWOFOLD_LOG_LEVEL: 'silent',
    ...env,
  });
  const runtime = await createRuntime(config, {
    database,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = await buildApp({ runtime });
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
