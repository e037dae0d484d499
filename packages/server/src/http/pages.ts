import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** packages/server/assets, from both src/http (tests) and dist/http (built). */
const assetsDir = fileURLToPath(new URL('../../assets/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
};

export interface PageRenderer {
  /** Renders `assets/<name>.html`, replacing `{{key}}` with HTML-escaped values. */
  render(name: string, values: Record<string, string>): string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Loads the static assets once at start-up; only files present then are served (no path is ever joined from input). */
export function registerAssets(app: FastifyInstance): PageRenderer {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(assetsDir)) {
    const type = contentTypes[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(assetsDir, name)), type });
  }
  app.get('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const asset = file.endsWith('.html') ? undefined : files.get(file);
    if (!asset) return reply.callNotFound();
    return reply.header('cache-control', 'public, max-age=300').type(asset.type).send(asset.body);
  });
  return {
    render(name, values) {
      const template = files.get(`${name}.html`);
      if (!template) throw new Error(`no page template ${name}`);
      return template.body
        .toString('utf8')
        .replace(/\{\{(\w+)\}\}/g, (_m, key: string) => escapeHtml(values[key] ?? ''));
    },
  };
}
