import { readFileSync } from 'node:fs';
import { renderErrorsDoc } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { renderRolesDoc } from '../admin/admin-access.js';
import { renderConfigurationDoc } from '../platform/config.js';

const read = (path: string) => readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');

describe('generated documentation stays equal to the code (run `npm run docs` to update)', () => {
  it('docs/errors.md matches the error registry', () => {
    expect(read('docs/errors.md')).toBe(renderErrorsDoc());
  });

  it('docs/configuration.md matches the configuration schema', () => {
    expect(read('docs/configuration.md')).toBe(renderConfigurationDoc());
  });

  it('docs/roles.md matches the admin actions and their least roles', () => {
    expect(read('docs/roles.md')).toBe(renderRolesDoc());
  });
});
