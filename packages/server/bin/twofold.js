#!/usr/bin/env node
// The `twofold` command. The TypeScript is compiled by `npm install` (the root `prepare` script).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

// argon2 runs on libuv's thread pool (4 threads by default): size it before any async I/O so
// password hashing can use every core and still leave threads for file and DNS work.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism() + 2));

const entry = new URL('../dist/commands/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'twofold: not built yet; run `npm install` (or `npm run build`) in the repository root\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
