#!/usr/bin/env node
// The `twofold-authenticator` command. The TypeScript is compiled by `npm install` (the root `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'twofold-authenticator: not built yet; run `npm install` (or `npm run build`) in the repository root\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
await main();
