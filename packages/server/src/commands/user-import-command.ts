/**
 * `twofold user import <file.csv> --tenant SLUG [--dry-run] [--report FILE]` (spec section 6): users from
 * `email,name,role`, all lines or none (flows/admin/user-import/import-users.ts). Progress goes to stderr;
 * every refused line is printed with its number, code and reason (terminal control characters made
 * visible), and with `--report` also written as CSV whose cells a spreadsheet cannot run as formulas.
 * Exit status 1 when any line was refused (then nothing was imported) or the file cannot be read.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { inertText, TwofoldError } from '@twofold/core';
import type { Command } from 'commander';
import { operatorActor } from '../audit/audit-log.js';
import { refusedImport, type UserImportReport } from '../flows/admin/index.js';
import { csvRecord } from '../http/export.js';
import type { CliKit } from './kit.js';
import { progressLine } from './output.js';

/** The report as CSV: a header, then one record per refused line. */
export function refusedLinesCsv(report: UserImportReport): string {
  return [
    csvRecord(['line', 'email', 'code', 'message']),
    ...report.refused.map((r) => csvRecord([r.line, r.email, r.code, r.message])),
  ].join('');
}

export function addUserImportCommand(user: Command, kit: CliKit): void {
  kit.leaf(
    user
      .command('import <file>')
      .description(
        'Import users from a CSV file with the header email,name,role (role empty for an ordinary user). The whole file is checked first: if any line is refused, nothing is imported.',
      )
      .requiredOption('--tenant <slug>', 'tenant slug')
      .option('--dry-run', 'check the file and report; import nothing')
      .option('--report <file>', 'also write the refused lines to this CSV file'),
    async (out, file: string, opts: { tenant: string; dryRun?: boolean; report?: string }) => {
      let csv: string;
      try {
        csv = await readFile(file, 'utf8');
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new TwofoldError('bad_request', `cannot read '${file}': ${reason}`);
      }
      const report = await kit.withRuntime(out, async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug(opts.tenant);
        out.note(`checking ${file}`);
        return runtime.services.admin.importUsers({
          tenantId: tenant.id,
          csv,
          actor: operatorActor,
          dryRun: opts.dryRun,
          onProgress: (done, total) => out.note(progressLine('importing', done, total)),
        });
      });
      if (opts.report) await writeFile(opts.report, refusedLinesCsv(report), { mode: 0o600 });
      out.result(report, () => [
        ...report.refused.map(
          (r) => `line ${r.line}: ${inertText(r.email) || '(no email)'}: ${inertText(r.message)} (${r.code})`,
        ),
        report.refused.length > 0
          ? `${report.refused.length} of ${report.rows} lines refused; nothing was imported.`
          : report.dryRun
            ? `All ${report.rows} lines can be imported (dry run: nothing was imported).`
            : `Imported ${report.imported} user${report.imported === 1 ? '' : 's'}.`,
      ]);
      if (report.refused.length > 0) throw refusedImport(report);
    },
  );
}
