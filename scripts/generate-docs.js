// Writes the generated docs (docs/configuration.md, docs/errors.md, docs/roles.md) from the built code.
// `npm run docs` runs it after `npm run build`; tests fail when the files drift from the code.
import { writeFileSync } from 'node:fs';

const { renderErrorsDoc } = await import('../packages/core/dist/index.js');
const { renderConfigurationDoc } = await import('../packages/server/dist/platform/config.js');
const { renderRolesDoc } = await import('../packages/server/dist/admin/admin-access.js');

const targets = [
  ['docs/errors.md', renderErrorsDoc()],
  ['docs/configuration.md', renderConfigurationDoc()],
  ['docs/roles.md', renderRolesDoc()],
];
for (const [path, text] of targets) {
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  process.stdout.write(`wrote ${path}\n`);
}
