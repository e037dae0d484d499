import { errorRegistry } from './registry.js';

/** docs/errors.md, generated from the registry (a test keeps the file equal). */
export function renderErrorsDoc(): string {
  const rows = Object.entries(errorRegistry).map(
    ([code, def]) =>
      `| \`${code}\` | ${def.status} | ${def.title} | ${def.description.replaceAll('|', '\\|')} |`,
  );
  return [
    '# Error codes',
    '',
    '<!-- Generated from packages/core/src/errors/registry.ts by `npm run docs`; a test keeps it equal. -->',
    '',
    'Every error Twofold returns carries one of these stable codes. Over HTTP it is an RFC 9457',
    '`application/problem+json` body:',
    '',
    '```json',
    '{',
    '  "type": "urn:twofold:problem:validation_failed",',
    '  "title": "Validation failed",',
    '  "status": 400,',
    '  "detail": "body/email: must NOT have fewer than 3 characters",',
    '  "code": "validation_failed",',
    '  "instance": "/t/default/api/v1/setup",',
    '  "requestId": "4f0c5a8e-1d7b-4b8e-9a52-0c1f9b7e2d11",',
    '  "errors": [{ "path": "body/email", "message": "must NOT have fewer than 3 characters" }]',
    '}',
    '```',
    '',
    'Match on `code`, never on `detail` (which is for people and may change). The `twofold` command prints',
    '`twofold: <detail> (<code>)` on stderr, or `{"error": {"code", "message"}}` with `--json`, and exits non-zero.',
    '',
    '| Code | HTTP status | Title | When |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
