import { EXPORT_FORMATS, type ExportFormat, exportVault } from '@twofold/core';
import { Option } from 'commander';
import { writeFileAtomic } from '../files.js';
import { openSession } from '../session.js';
import type { Verb } from './kit.js';
import { skipLines } from './options.js';

/** `export`: the accounts as a Twofold vault file, an Aegis vault or otpauth links. */
export const exportVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('export')
      .description(
        'Export the accounts: twofold (encrypted vault file), aegis (encrypted Aegis vault) or otpauth (plain-text URIs, one per line).',
      )
      .addOption(
        new Option('--format <format>', 'format to write').choices([...EXPORT_FORMATS]).makeOptionMandatory(),
      )
      .requiredOption('--out <file>', "file to write (mode 0600), or '-' for standard output")
      .option('--password <password>', 'password of the export (default: the vault passphrase)'),
    async (out, options) => {
      const session = await openSession(kit.io, out, kit.vaultPath(options), { create: false });
      const format = options['format'] as ExportFormat;
      const password = options['password'] as string | undefined;
      const result = await exportVault(session.vault, {
        format,
        ...(format === 'twofold' && password === undefined ? { key: session.key } : {}),
        ...(format === 'aegis' ? { password: password ?? session.passphrase } : {}),
        ...(format === 'twofold' && password !== undefined ? { password } : {}),
      });
      const target = options['out'] as string;
      if (target === '-') kit.io.stdout.write(result.text);
      else await writeFileAtomic(target, result.text, 0o600);
      for (const warning of result.warnings) out.warn(warning);
      if (format === 'otpauth') {
        out.warn(
          'the otpauth export is not encrypted: it holds every secret in plain text; keep it safe or delete it',
        );
      }
      if (target === '-') {
        if (result.skipped.length > 0)
          out.warn(`could not export ${result.skipped.length}:\n${skipLines(result.skipped).join('\n')}`);
        return;
      }
      out.result(
        { format, out: target, exported: result.count, skipped: result.skipped, warnings: result.warnings },
        () => [
          `Exported ${result.count} account${result.count === 1 ? '' : 's'} to ${target} (${format}${format === 'otpauth' ? ', plain text' : ', encrypted'}).`,
          ...(result.skipped.length > 0
            ? [`Could not export ${result.skipped.length}:`, ...skipLines(result.skipped)]
            : []),
        ],
      );
    },
  );
};
