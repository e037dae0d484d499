import {
  decodeQrCodes,
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportResult,
  importFromText,
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

/** `import`: every account of a file another app (or Twofold) wrote; reports what it could not take. */
export const importVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('import')
      .argument(
        '<file>',
        "file to import ('-' for standard input): otpauth lines, otpauth-migration, Aegis, Twofold, or a QR image",
      )
      .description('Import accounts from a file; reports each entry it could not take, and takes the rest.')
      .addOption(
        new Option('--format <format>', 'format of the file (default: detected)').choices([
          ...IMPORT_FORMATS,
        ]),
      )
      .option('--password <password>', 'password of an encrypted Aegis vault or Twofold vault file'),
    async (out, options, file: string) => {
      const bytes = await readInput(kit.io, file);
      const format = options['format'] as ImportFormat | undefined;
      let result: ImportResult;
      if (isImage(bytes)) {
        if (format === 'aegis' || format === 'twofold') {
          throw new TwofoldError('validation_failed', `the file is an image, not a ${format} vault`);
        }
        result = importQrTexts(await decodeQrCodes(decodeImage(bytes)));
      } else {
        const text = Buffer.from(bytes).toString('utf8');
        let password = options['password'] as string | undefined;
        try {
          result = await importFromText(text, {
            ...(format ? { format } : {}),
            ...(password ? { password } : {}),
          });
        } catch (error) {
          if (!(isTwofoldError(error) && error.code === 'import_password_required' && isInteractive(kit.io)))
            throw error;
          password = await promptLine(kit.io, 'Password of the file to import: ', { echo: false });
          result = await importFromText(text, { ...(format ? { format } : {}), password });
        }
      }
      await addImported(kit, out, options, result, { push: false });
    },
  );
};
