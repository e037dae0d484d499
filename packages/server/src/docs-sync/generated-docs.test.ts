import { readFileSync } from 'node:fs';
import { renderErrorsDoc } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { renderConfigurationDoc } from '../platform/config.js';

const read = (path: string) => readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');

describe('generated documentation stays equal to the code (run `npm run docs` to update)', () => {
  it('docs/errors.md matches the error registry', () => {
    expect(read('docs/errors.md')).toBe(renderErrorsDoc());
  });

  it('docs/configuration.md matches the configuration schema', () => {
    expect(read('docs/configuration.md')).toBe(renderConfigurationDoc());
  });
});
