import {
  decodeQrCodes,
  entryFromAccount,
  type ImportResult,
  importQrTexts,
  importUriSources,
  parseOtpauthUri,
  TwofoldError,
} from '@twofold/core';
import { decodeImage } from '../images.js';
import { addImported } from './add-imported.js';
import { readInput } from './input.js';
import type { Verb } from './kit.js';
import { deviceNameOption } from './options.js';

/** `add`: one account from its otpauth URI (or a migration URI), or the QR codes of an image. */
export const addVerb: Verb = (program, kit) => {
  kit.leaf(
    program
      .command('add')
      .argument('[otpauth-uri]', 'otpauth:// URI (or an otpauth-migration:// URI of Google Authenticator)')
      .description('Add an account from its otpauth URI or from a QR code image (PNG or JPEG).')
      .option('--qr <image>', 'read the QR code(s) of this PNG or JPEG image instead of a URI')
      .option('--group <name>', 'put the account in this group')
      .option('--note <text>', 'a note kept with the account')
      .option(
        '--device-name <name>',
        'name of this device for push approvals (default: host name)',
        deviceNameOption,
      )
      .option('--no-push', 'do not activate push approvals even when the URI offers them'),
    async (out, options, uri: string | undefined) => {
      const qr = options['qr'] as string | undefined;
      if ((uri === undefined) === (qr === undefined)) {
        throw new TwofoldError(
          'validation_failed',
          'give either an otpauth URI or --qr <image>, not both or neither',
        );
      }
      let result: ImportResult;
      if (qr !== undefined)
        result = importQrTexts(await decodeQrCodes(decodeImage(await readInput(kit.io, qr))));
      else if (/^otpauth-migration:/i.test(uri!.trim())) {
        result = importUriSources([{ where: 'the URI', text: uri!.trim() }], 'google-migration');
        if (result.entries.length === 0 && result.skipped.length === 1) {
          throw new TwofoldError('migration_payload_invalid', result.skipped[0]!.reason);
        }
      } else {
        // A single URI that cannot be read is an error (with its own code), not a partial import.
        const parsed = parseOtpauthUri(uri!);
        result = {
          format: 'otpauth',
          entries: [entryFromAccount(parsed.account)],
          skipped: [],
          warnings: parsed.warnings,
        };
      }
      await addImported(kit, out, options, result, {
        group: options['group'] as string | undefined,
        note: options['note'] as string | undefined,
        deviceName: options['deviceName'] as string | undefined,
        push: options['push'] !== false,
      });
    },
  );
};
