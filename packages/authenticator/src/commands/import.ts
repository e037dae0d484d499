import {
  decodeQrCodes,
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportOptions,
  type ImportResult,
  importFromBytes,
  importQrTexts,
  isTwofoldError,
  TwofoldError,
} from '@twofold/core';
import { Option } from 'commander';
import { decodeImage, isImage } from '../images.js';
import { isInteractive } from '../io.js';
import { promptLine } from '../prompt.js';
import { addImported } from './add-imported.js';
import { readInput } from './input.js';
import type { Verb } from './kit.js';

/** Entries read before a progress line appears: small imports stay quiet. */
const PROGRESS_FROM = 200;

/** "reading entries: 1200/5000" on stderr, redrawn in place on a terminal, for big imports. */
function progressLine(stream: NodeJS.WritableStream & { isTTY?: boolean }, json: boolean) {
  let shown = false;
  let last = 0;
  return {
    update: (done: number, total: number) => {
      if (json || total < PROGRESS_FROM) return;
      const step = Math.max(1, Math.floor(total / 10));
      if (done !== total && done - last < step && stream.isTTY !== true) return;
      if (done !== total && stream.isTTY === true && done - last < Math.max(1, Math.floor(total / 100)))
        return;
      last = done;
      shown = true;
      stream.write(
        `${stream.isTTY === true ? '\r' : ''}reading entries: ${done}/${total}${stream.isTTY === true ? '' : '\n'}`,
      );
    },
    done: () => {
      if (shown && stream.isTTY === true) stream.write('\n');
    },
  };
}

/** `import`: every account of a file another app (or Twofold) wrote; reports what it could not take. */
export const importVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('import')
      .argument(
        '<file>',
        "file to import ('-' for standard input): another app's export (see --format), otpauth lines, or a QR image",
      )
      .description('Import accounts from a file; reports each entry it could not take, and takes the rest.')
      .addOption(
        new Option('--format <format>', 'format of the file (default: detected)').choices([
          ...IMPORT_FORMATS,
        ]),
      )
      .option('--password <password>', 'password of an encrypted export or Twofold vault file')
      .option('--dry-run', 'print what would be added, and change nothing'),
    async (out, options, file: string) => {
      const bytes = await readInput(kit.io, file);
      const format = options['format'] as ImportFormat | undefined;
      let result: ImportResult;
      if (isImage(bytes)) {
        if (format !== undefined && format !== 'otpauth' && format !== 'google-migration') {
          throw new TwofoldError('validation_failed', `the file is an image, not a ${format} export`);
        }
        result = importQrTexts(await decodeQrCodes(decodeImage(bytes)));
      } else {
        let password = options['password'] as string | undefined;
        const progress = progressLine(kit.io.stderr, out.json);
        const read = (given: string | undefined) => {
          const readOptions: ImportOptions = { onProgress: progress.update };
          if (format) readOptions.format = format;
          if (given) readOptions.password = given;
          return importFromBytes(bytes, readOptions).finally(progress.done);
        };
        try {
          result = await read(password);
        } catch (error) {
          if (!(isTwofoldError(error) && error.code === 'import_password_required' && isInteractive(kit.io)))
            throw error;
          password = await promptLine(kit.io, 'Password of the file to import: ', { echo: false });
          result = await read(password);
        }
      }
      await addImported(kit, out, options, result, { push: false, dryRun: options['dryRun'] === true });
    },
  );
};
