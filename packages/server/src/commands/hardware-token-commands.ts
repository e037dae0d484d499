import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TwofoldError } from '@twofold/core';
import { operatorActor } from '../audit/audit-log.js';
import type { ImportResult } from '../factors/hardware/hardware-token-service.js';
import { type CommandGroup, tenantOption } from './kit.js';
import { progressLine } from './output.js';

/** The progress bar moves in steps of this share of the file, so a large file prints a few dozen lines, not thousands. */
const progressSteps = 40;

function cannotRead(file: string, error: unknown): TwofoldError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new TwofoldError('bad_request', `cannot read '${file}': ${reason}`);
}

/**
 * `twofold hardware-tokens import FILE --tenant SLUG`: imports hardware OATH tokens from a CSV
 * file in Microsoft Entra's format, streamed (any size), with a progress bar on stderr by bytes
 * read. Prints how many were imported and each bad row as `line N: message`.
 *
 * Exit status: 0 when the file was read, even if some rows had errors (the good rows are
 * imported, and the bad ones are listed to fix and import again: importing the same file again
 * only reports the serials already there); 1 when the file cannot be read, or when it had errors
 * and not one token was imported (a wrong file, a bad header, or every row wrong).
 */
export const hardwareTokenCommands: CommandGroup = (program, kit) => {
  const group = program.command('hardware-tokens').description('Import hardware OATH tokens.');
  kit.leaf(
    tenantOption(
      group
        .command('import <file>')
        .description(
          "Import tokens from a CSV file in Microsoft Entra's format (upn,serial number,secret key,time interval,manufacturer,model); each becomes a pending token, activated by one code.",
        ),
    ),
    async (out, file: string, opts: { tenant: string }) => {
      let size: number;
      try {
        const info = await stat(file);
        if (!info.isFile()) throw new Error('not a regular file');
        size = info.size;
      } catch (error) {
        throw cannotRead(file, error);
      }
      const result: ImportResult = await kit.withRuntime(out, async (runtime) => {
        const tenant = await runtime.services.tenants.getBySlug(opts.tenant);
        let bytesRead = 0;
        let shown = -1;
        const show = () => {
          const step = size === 0 ? progressSteps : Math.floor((bytesRead / size) * progressSteps);
          if (step === shown) return;
          shown = step;
          out.note(progressLine('importing', bytesRead, size));
        };
        async function* counted(): AsyncGenerator<Buffer> {
          try {
            for await (const chunk of createReadStream(file)) {
              bytesRead += (chunk as Buffer).length;
              yield chunk as Buffer;
            }
          } catch (error) {
            throw cannotRead(file, error);
          }
        }
        return runtime.services.hardwareTokens.import(
          { tenantId: tenant.id, source: counted() },
          operatorActor,
          show,
        );
      });
      out.result(result, () => [
        `Imported ${result.imported} hardware token${result.imported === 1 ? '' : 's'} into '${opts.tenant}'` +
          (result.imported > 0 ? ' (pending: each is activated by one code from it).' : '.'),
        ...(result.errors.length > 0
          ? [
              `${result.errors.length + result.errorsOmitted} row${result.errors.length + result.errorsOmitted === 1 ? '' : 's'} not imported:`,
            ]
          : []),
        ...result.errors.map((e) => `line ${e.line}: ${e.message}`),
        ...(result.errorsOmitted > 0 ? [`... and ${result.errorsOmitted} more errors after these.`] : []),
      ]);
      if (result.imported === 0 && result.errors.length > 0) {
        throw new TwofoldError('validation_failed', 'no hardware token was imported; see the errors above');
      }
    },
  );
};
