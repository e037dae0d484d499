import { readFile } from 'node:fs/promises';
import {
  addEntries,
  advanceHotpCounter,
  decodeQrCodes,
  describeEntry,
  EXPORT_FORMATS,
  type ExportFormat,
  entryFromAccount,
  exportVault,
  findEntry,
  generateEntryCode,
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportResult,
  type ImportSkip,
  importFromText,
  importQrTexts,
  importUriSources,
  isTwofoldError,
  parseOtpauthUri,
  removeEntry,
  replaceEntry,
  TwofoldError,
  type VaultEntry,
  type VaultPush,
} from '@twofold/core';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CLOCK_WARNING_MS, measureClockOffset } from './clock.js';
import { entrySummary, entryWithCode, renderCodes, runLiveView } from './codes.js';
import { defaultVaultPath, writeFileAtomic } from './files.js';
import { normalizeServerUrl } from './http.js';
import { decodeImage, isImage } from './images.js';
import { type AuthenticatorIo, createOutput, isInteractive, type Output, reportError } from './io.js';
import { promptLine } from './prompt.js';
import {
  activatePush,
  answerChallenge,
  defaultDeviceName,
  listChallenges,
  MAX_DEVICE_NAME_LENGTH,
  type PushChallenge,
  type PushDecision,
  pushParametersOf,
  withoutPushParameters,
} from './push.js';
import { openSession, type VaultSession } from './session.js';

interface GlobalOptions {
  vault?: string;
  json?: boolean;
}

function integerOption(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number.`);
    const parsed = Number(value);
    if (parsed < min || parsed > max)
      throw new InvalidArgumentError(`${name} must be from ${min} to ${max}.`);
    return parsed;
  };
}

function deviceNameOption(value: string): string {
  const name = value.trim();
  if (name === '' || name.length > MAX_DEVICE_NAME_LENGTH) {
    throw new InvalidArgumentError(`the device name must be 1 to ${MAX_DEVICE_NAME_LENGTH} characters.`);
  }
  return name;
}

function unixSecondsOption(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) {
    throw new InvalidArgumentError('--at must be Unix seconds, such as 1700000000.');
  }
  return Number(value);
}

function skipLines(skipped: readonly ImportSkip[]): string[] {
  return skipped.map((skip) => `  - ${skip.where}${skip.name ? ` (${skip.name})` : ''}: ${skip.reason}`);
}

/** Runs the `twofold-authenticator` command line; resolves with the exit status (0 ok, 1 error, 2 usage). */
export async function runAuthenticatorCli(argv: readonly string[], io: AuthenticatorIo): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };

  const program = new Command('twofold-authenticator')
    .description(
      'Twofold Authenticator: one-time password codes from an encrypted vault, import and export, and push approvals.',
    )
    .option('--vault <path>', 'vault file (default: $XDG_DATA_HOME/twofold/vault.json)')
    .option('--json', 'machine-readable output on stdout')
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  program.addHelpText(
    'after',
    '\nThe vault passphrase comes from TWOFOLD_VAULT_PASSPHRASE, or is asked for on the terminal.\nExit status: 0 ok, 1 error, 2 wrong usage.',
  );

  const vaultPath = (options: GlobalOptions) => options.vault ?? defaultVaultPath(io.env);

  /** Adds error handling and the global options to a verb. */
  function leaf(
    command: Command,
    action: (
      out: Output,
      options: GlobalOptions & Record<string, unknown>,
      ...args: never[]
    ) => Promise<void>,
  ): Command {
    return command.action(async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const options = cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      const out = createOutput(io, options.json === true);
      try {
        await (action as (out: Output, options: unknown, ...rest: unknown[]) => Promise<void>)(
          out,
          options,
          ...args.slice(0, -2),
        );
      } catch (error) {
        setExit(reportError(io, error, options.json === true));
      }
    });
  }

  /** Activates push for each new entry whose URI carries twofold_push; a failure keeps the entry for codes. */
  async function activateEntries(
    out: Output,
    session: VaultSession,
    entries: readonly VaultEntry[],
    deviceName: string,
  ): Promise<Map<string, { activated: boolean; reason?: string; push?: VaultPush }>> {
    const results = new Map<string, { activated: boolean; reason?: string; push?: VaultPush }>();
    for (const entry of entries) {
      let params: ReturnType<typeof pushParametersOf>;
      try {
        params = pushParametersOf(entry);
      } catch (error) {
        results.set(entry.id, {
          activated: false,
          reason: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
      if (params === undefined) continue;
      try {
        const push = await activatePush(params, deviceName);
        const current = session.vault.entries.find((candidate) => candidate.id === entry.id) ?? entry;
        await session.save(replaceEntry(session.vault, { ...withoutPushParameters(current), push }));
        results.set(entry.id, { activated: true, push });
        out.note(
          `${describeEntry(entry)}: push approvals activated on ${push.tenantName ?? push.tenant}${push.userEmail ? ` for ${push.userEmail}` : ''}.`,
        );
      } catch (error) {
        const reason = isTwofoldError(error) ? `${error.message} (${error.code})` : String(error);
        results.set(entry.id, { activated: false, reason });
        out.warn(
          `${describeEntry(entry)}: added for codes, but push approvals could not be activated: ${reason}`,
        );
      }
    }
    return results;
  }

  /** Adds imported entries to the vault (creating it when needed), activates push, and reports. */
  async function addImported(
    out: Output,
    options: GlobalOptions,
    result: ImportResult,
    extra: { group?: string; note?: string; deviceName?: string; push?: boolean },
  ): Promise<void> {
    const session = await openSession(io, out, vaultPath(options), { create: true });
    const entries = result.entries.map((entry) => ({
      ...entry,
      ...(extra.group === undefined ? {} : { group: extra.group }),
      ...(extra.note === undefined ? {} : { note: extra.note }),
    }));
    const { vault, added, duplicates } = addEntries(session.vault, entries);
    if (added.length > 0) await session.save(vault);
    const activation =
      extra.push === false
        ? new Map()
        : await activateEntries(out, session, added, extra.deviceName ?? defaultDeviceName());
    for (const warning of result.warnings) out.note(`note: ${warning}`);
    const addedSummaries = added.map((entry) => {
      const state = activation.get(entry.id);
      const current = session.vault.entries.find((candidate) => candidate.id === entry.id) ?? entry;
      return {
        ...entrySummary(current),
        ...(state === undefined
          ? {}
          : { pushActivation: state.activated ? 'activated' : `failed: ${state.reason}` }),
      };
    });
    out.result(
      {
        format: result.format,
        vault: session.path,
        added: addedSummaries,
        duplicates: duplicates.map((entry) => ({ issuer: entry.issuer, name: entry.name })),
        skipped: result.skipped,
        warnings: result.warnings,
      },
      () => [
        ...added.map((entry) => `Added ${describeEntry(entry)} (${entry.type}).`),
        ...duplicates.map((entry) => `Already in the vault: ${describeEntry(entry)}.`),
        ...(result.skipped.length > 0
          ? [`Could not take ${result.skipped.length}:`, ...skipLines(result.skipped)]
          : []),
      ],
    );
    if (added.length === 0 && duplicates.length === 0 && result.skipped.length > 0) setExit(1);
  }

  async function readQrImage(path: string): Promise<string[]> {
    return decodeQrCodes(decodeImage(await readInput(path)));
  }

  async function readInput(path: string): Promise<Uint8Array> {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of io.stdin)
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      return Buffer.concat(chunks);
    }
    try {
      return await readFile(path);
    } catch (error) {
      throw new TwofoldError(
        'import_invalid',
        `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }

  leaf(
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
      if (qr !== undefined) result = importQrTexts(await readQrImage(qr));
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
      await addImported(out, options, result, {
        group: options['group'] as string | undefined,
        note: options['note'] as string | undefined,
        deviceName: options['deviceName'] as string | undefined,
        push: options['push'] !== false,
      });
    },
  );

  leaf(
    program
      .command('activate')
      .argument('<name>', 'id, or text in the issuer or name of the account')
      .description('Retry activating push approvals for an account whose URI offered them (twofold_push).')
      .option(
        '--device-name <name>',
        'name of this device for push approvals (default: host name)',
        deviceNameOption,
      ),
    async (out, options, name: string) => {
      const session = await openSession(io, out, vaultPath(options), { create: false });
      const entry = findEntry(session.vault, name);
      const params = pushParametersOf(entry);
      if (params === undefined) {
        throw new TwofoldError(
          'validation_failed',
          `${describeEntry(entry)} has no push activation to retry (${entry.push ? 'already activated' : 'its URI had no twofold_push'})`,
        );
      }
      const push = await activatePush(
        params,
        (options['deviceName'] as string | undefined) ?? defaultDeviceName(),
      );
      const updated = { ...withoutPushParameters(entry), push };
      await session.save(replaceEntry(session.vault, updated));
      out.result(entrySummary(updated), () => [
        `Push approvals activated for ${describeEntry(entry)} on ${push.tenantName ?? push.tenant}.`,
      ]);
    },
  );

  leaf(
    program
      .command('list')
      .argument('[filter]', 'show only accounts whose issuer or name contains this text')
      .description('Show the accounts and their codes; on a terminal, a live view with the seconds left.')
      .option('--once', 'print the codes once instead of the live view'),
    async (out, options, filter: string | undefined) => {
      const session = await openSession(io, out, vaultPath(options), { create: false });
      const needle = filter?.trim().toLowerCase() ?? '';
      const entries = session.vault.entries.filter(
        (entry) =>
          needle === '' ||
          `${entry.issuer}\n${entry.name}\n${entry.group ?? ''}`.toLowerCase().includes(needle),
      );
      const now = Date.now() / 1000;
      if (out.json) {
        out.result(
          entries.map((entry) => entryWithCode(entry, now)),
          () => [],
        );
        return;
      }
      if (io.stdout.isTTY === true && options['once'] !== true && entries.length > 0) {
        await runLiveView(io, entries);
        return;
      }
      out.result(null, () => renderCodes(entries, now, false));
    },
  );

  leaf(
    program
      .command('code')
      .argument('<name>', 'id, or text in the issuer or name of the account')
      .description('Print the current code of one account (hotp: the next code, and the counter moves on).')
      .option('--at <unix-seconds>', 'the code at this time instead of now (totp, steam)', unixSecondsOption),
    async (out, options, name: string) => {
      const session = await openSession(io, out, vaultPath(options), { create: false });
      const entry = findEntry(session.vault, name);
      const at = options['at'] as number | undefined;
      const time = at ?? Date.now() / 1000;
      const code = generateEntryCode(entry, time);
      if (entry.type === 'hotp') {
        if (at !== undefined) out.warn('--at has no effect on a hotp account');
        await session.save(advanceHotpCounter(session.vault, entry.id));
      }
      out.result({ ...entryWithCode(entry, time), code, ...(at === undefined ? {} : { at }) }, () => [code]);
    },
  );

  leaf(
    program
      .command('remove')
      .argument('<name>', 'id, or text in the issuer or name of the account')
      .description('Remove one account from the vault.'),
    async (out, options, name: string) => {
      const session = await openSession(io, out, vaultPath(options), { create: false });
      const { vault, removed } = removeEntry(session.vault, name);
      await session.save(vault);
      out.result({ removed: entrySummary(removed) }, () => [`Removed ${describeEntry(removed)}.`]);
    },
  );

  leaf(
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
      const bytes = await readInput(file);
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
          if (!(isTwofoldError(error) && error.code === 'import_password_required' && isInteractive(io)))
            throw error;
          password = await promptLine(io, 'Password of the file to import: ', { echo: false });
          result = await importFromText(text, { ...(format ? { format } : {}), password });
        }
      }
      await addImported(out, options, result, { push: false });
    },
  );

  leaf(
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
      const session = await openSession(io, out, vaultPath(options), { create: false });
      const format = options['format'] as ExportFormat;
      const password = options['password'] as string | undefined;
      const result = await exportVault(session.vault, {
        format,
        ...(format === 'twofold' && password === undefined ? { key: session.key } : {}),
        ...(format === 'aegis' ? { password: password ?? session.passphrase } : {}),
        ...(format === 'twofold' && password !== undefined ? { password } : {}),
      });
      const target = options['out'] as string;
      if (target === '-') io.stdout.write(result.text);
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

  /** The pending push challenges of the vault's push accounts (optionally waiting for one). */
  async function pendingChallenges(
    out: Output,
    session: VaultSession,
    accountFilter: string | undefined,
    waitSeconds: number,
  ): Promise<{ entry: VaultEntry; challenge: PushChallenge }[]> {
    let entries = session.vault.entries.filter((entry) => entry.push !== undefined);
    if (accountFilter !== undefined) {
      const chosen = findEntry({ entries }, accountFilter);
      entries = [chosen];
    }
    if (entries.length === 0) {
      throw new TwofoldError(
        'vault_no_push_account',
        'no account in this vault is activated for push: add the account from the QR code of a Twofold registration',
      );
    }
    const tagged = (entry: VaultEntry, list: PushChallenge[]) =>
      list.map((challenge) => ({ entry, challenge }));
    let found = (
      await Promise.all(entries.map(async (entry) => tagged(entry, await listChallenges(entry.push!, 0))))
    ).flat();
    if (found.length === 0 && waitSeconds > 0) {
      out.note(`waiting up to ${waitSeconds} s for a sign-in request...`);
      // Long-poll every account at once; the first that has a request ends the others.
      const stop = new AbortController();
      try {
        found = await new Promise((resolve, reject) => {
          let left = entries.length;
          for (const entry of entries) {
            listChallenges(entry.push!, waitSeconds, stop.signal).then(
              (list) => {
                left -= 1;
                if (list.length > 0) resolve(tagged(entry, list));
                else if (left === 0) resolve([]);
              },
              (error: unknown) => {
                left -= 1;
                if (!stop.signal.aborted) reject(error);
              },
            );
          }
        });
      } finally {
        stop.abort();
      }
    }
    return found;
  }

  function describeChallenge(challenge: PushChallenge): string {
    const parts = [
      `${challenge.tenantName ?? challenge.tenant}`,
      challenge.application ? `(${challenge.application})` : '',
      challenge.ip ? `from ${challenge.ip}` : '',
      challenge.createdAt ? `at ${challenge.createdAt}` : '',
    ];
    return parts.filter((part) => part !== '').join(' ');
  }

  async function answer(
    out: Output,
    options: GlobalOptions & Record<string, unknown>,
    decision: PushDecision,
  ) {
    const session = await openSession(io, out, vaultPath(options), { create: false });
    const pending = await pendingChallenges(
      out,
      session,
      options['account'] as string | undefined,
      (options['wait'] as number | undefined) ?? 0,
    );
    const wanted = options['challenge'] as string | undefined;
    if (pending.length === 0) {
      throw new TwofoldError('no_pending_challenge', 'no sign-in request is waiting for this device');
    }
    let chosen = pending[0]!;
    if (wanted !== undefined) {
      const match = pending.find((item) => item.challenge.id === wanted);
      if (match === undefined) {
        throw new TwofoldError('no_pending_challenge', `no pending sign-in request has the id '${wanted}'`);
      }
      chosen = match;
    } else if (pending.length > 1) {
      out.result(
        {
          challenges: pending.map(({ entry, challenge }) => ({
            ...challenge,
            account: describeEntry(entry),
          })),
        },
        () => [
          'Several sign-in requests are waiting:',
          ...pending.map(({ challenge }) => `  ${challenge.id}  ${describeChallenge(challenge)}`),
        ],
      );
      throw new TwofoldError(
        'challenge_choice_required',
        `${pending.length} sign-in requests are waiting: answer one with --challenge ID`,
      );
    }
    let number = options['number'] as number | undefined;
    if (decision === 'approve' && number === undefined) {
      if (!isInteractive(io)) {
        throw new TwofoldError(
          'validation_failed',
          'approve needs --number N: the number shown on the sign-in page',
        );
      }
      out.note(`Sign-in request: ${describeChallenge(chosen.challenge)}`);
      const typed = await promptLine(io, 'Number shown on the sign-in page: ', { echo: true });
      if (!/^\d{1,3}$/.test(typed.trim()))
        throw new TwofoldError('validation_failed', 'the number must be digits');
      number = Number(typed.trim());
    }
    const { status } = await answerChallenge(
      chosen.entry.push!,
      chosen.challenge.id,
      decision,
      decision === 'approve' ? number : undefined,
    );
    out.result(
      {
        challenge: chosen.challenge,
        account: describeEntry(chosen.entry),
        decision,
        status,
      },
      () => [
        `${status === 'approved' ? 'Approved' : status === 'reported' ? 'Denied and reported' : 'Denied'}: ${describeChallenge(chosen.challenge)}.`,
      ],
    );
  }

  const pushOptions = (command: Command) =>
    command
      .option('--challenge <id>', 'the request to answer when several are waiting')
      .option('--account <name>', 'only requests for this account')
      .option(
        '--wait <seconds>',
        'wait up to this long for a request to arrive (0 to 30)',
        integerOption('--wait', 0, 30),
      );

  leaf(
    pushOptions(
      program
        .command('approve')
        .description('Approve a pending push sign-in of a Twofold account (number matching).')
        .option('--number <n>', 'the number shown on the sign-in page', integerOption('--number', 0, 999)),
    ),
    async (out, options) => answer(out, options, 'approve'),
  );

  leaf(
    pushOptions(
      program
        .command('deny')
        .description(
          'Deny a pending push sign-in; --report also blocks push for the account and alerts admins.',
        )
        .option('--report', 'report it as not started by you (the admins are told)'),
    ),
    async (out, options) => answer(out, options, options['report'] === true ? 'report' : 'deny'),
  );

  leaf(
    program
      .command('time')
      .description('Measure the offset of the local clock against a Twofold server (round trip corrected).')
      .option('--server <url>', 'server URL (default: the server of the first push account in the vault)'),
    async (out, options) => {
      let server = options['server'] as string | undefined;
      if (server === undefined) {
        const session = await openSession(io, out, vaultPath(options), { create: false });
        server = session.vault.entries.find((entry) => entry.push !== undefined)?.push?.server;
        if (server === undefined) {
          throw new TwofoldError(
            'validation_failed',
            'give --server URL (no account in the vault has a Twofold server)',
          );
        }
      }
      const base = normalizeServerUrl(server);
      const measured = await measureClockOffset(base);
      const seconds = (measured.offsetMs / 1000).toFixed(3);
      const tooFar = Math.abs(measured.offsetMs) > CLOCK_WARNING_MS;
      const direction = measured.offsetMs > 0 ? 'behind' : 'ahead of';
      const warning = tooFar
        ? `the local clock is ${Math.abs(measured.offsetMs / 1000).toFixed(1)} s ${direction} the server: codes may be refused; set the clock (enable NTP)`
        : undefined;
      if (warning !== undefined) out.warn(warning);
      out.result(
        {
          server: base,
          offsetMs: measured.offsetMs,
          roundTripMs: measured.roundTripMs,
          serverTime: new Date(measured.serverTime).toISOString(),
          localTime: new Date(Math.round(measured.localTime)).toISOString(),
          ok: !tooFar,
          ...(warning === undefined ? {} : { warning }),
        },
        () => [
          `Clock offset: ${measured.offsetMs >= 0 ? '+' : ''}${seconds} s (server minus local; round trip ${measured.roundTripMs} ms)${tooFar ? '' : ': OK'}`,
        ],
      );
    },
  );

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(io, error, argv.includes('--json'));
  }
  return exitCode;
}
