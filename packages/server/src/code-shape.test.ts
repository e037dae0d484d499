/**
 * The rules that keep the code's shape (docs/architecture.md), checked on the source itself so
 * that they hold after every change: factors are named only in their folders, routes do not reach
 * the database, each table has one writer, and no function grows past 300 lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const serverSrc = join(repo, 'packages/server/src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist' && entry.name !== 'test-support') {
        out.push(...sourceFiles(path));
      }
    } else if (/\.(ts|tsx|mjs)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

function parse(path: string): ts.SourceFile {
  const kind = path.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : path.endsWith('.mjs')
      ? ts.ScriptKind.JS
      : ts.ScriptKind.TS;
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true, kind);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

/** Server source outside migrations (which describe tables as they were) and test support. */
const server = sourceFiles(serverSrc)
  .filter((path) => !path.includes(`${sep}migrations${sep}`))
  .map((path) => ({ path: relative(serverSrc, path).split(sep).join('/'), file: parse(path) }));

describe('the shape of the code', () => {
  it('names factor types only under factors/ (everything else asks the registry)', () => {
    const factorNames = new Set([
      'totp',
      'authenticator',
      'hardware_oath',
      'recovery_codes',
      'temporary_access_pass',
      'passkey',
    ]);
    // The same word as a URL segment is not the factor: /authenticator/ is the web authenticator's page.
    const notFactors = new Set(["tenants/tenant-slug.ts: 'authenticator'"]);
    const found: string[] = [];
    for (const { path, file } of server) {
      if (path.startsWith('factors/')) continue;
      walk(file, (node) => {
        if (ts.isStringLiteral(node) && factorNames.has(node.text)) found.push(`${path}: '${node.text}'`);
      });
    }
    expect(found.filter((f) => !notFactors.has(f))).toEqual([]);
  });

  it('keeps routes away from the database layer', () => {
    const found: string[] = [];
    for (const { path, file } of server) {
      if (!path.startsWith('http/routes/')) continue;
      for (const statement of file.statements) {
        if (
          (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
          statement.moduleSpecifier &&
          ts.isStringLiteral(statement.moduleSpecifier) &&
          /platform\/db\//.test(statement.moduleSpecifier.text)
        ) {
          found.push(`${path} imports ${statement.moduleSpecifier.text}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('gives every table one writer: the folder that owns it', () => {
    const writers = new Map<string, Set<string>>();
    for (const { path, file } of server) {
      walk(file, (node) => {
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          ['insertInto', 'updateTable', 'deleteFrom'].includes(node.expression.name.text)
        ) {
          const table = node.arguments[0];
          if (table && ts.isStringLiteral(table)) {
            const name = table.text.split(' ')[0] ?? table.text;
            const folder = path.split('/').slice(0, -1).join('/') || '.';
            writers.set(name, new Set([...(writers.get(name) ?? []), ownerFolder(folder)]));
          }
        }
      });
    }
    const shared = [...writers]
      .filter(([, folders]) => folders.size > 1)
      .map(([t, f]) => `${t}: ${[...f].join(', ')}`);
    expect(shared).toEqual([]);
    expect([...(writers.get('methods') ?? [])]).toEqual(['factors']);
    expect([...(writers.get('users') ?? [])]).toEqual(['users']);
    expect([...(writers.get('sessions') ?? [])]).toEqual(['sessions']);
  });

  it('lets the bench and the scripts import only server modules that exist', () => {
    const missing: string[] = [];
    for (const root of ['bench', 'scripts']) {
      for (const path of sourceFiles(join(repo, root))) {
        for (const [, module] of readFileSync(path, 'utf8').matchAll(
          /packages\/server\/dist\/([\w/.-]+)\.js/g,
        )) {
          try {
            readFileSync(join(serverSrc, `${module}.ts`));
          } catch {
            missing.push(`${relative(repo, path)}: ${module}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('has no function over 300 lines in any package', () => {
    const roots = [
      'packages/core/src',
      'packages/server/src',
      'packages/web/src',
      'packages/authenticator/src',
      'bench',
      'scripts',
    ];
    const long: string[] = [];
    for (const root of roots) {
      for (const path of sourceFiles(join(repo, root))) {
        const file = parse(path);
        walk(file, (node) => {
          if (ts.isFunctionLike(node) && 'body' in node && node.body) {
            const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
            const end = file.getLineAndCharacterOfPosition(node.end).line;
            if (end - start + 1 > 300)
              long.push(`${relative(repo, path)}:${start + 1} (${end - start + 1} lines)`);
          }
        });
      }
    }
    expect(long).toEqual([]);
  });
});

/** A table's owner is a top-level folder, or a factor's or a flow's folder as a whole. */
function ownerFolder(folder: string): string {
  const [top] = folder.split('/');
  return top ?? folder;
}
