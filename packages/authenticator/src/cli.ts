import { Command, CommanderError } from 'commander';
import { activateVerb } from './commands/activate.js';
import { addVerb } from './commands/add.js';
import { approveVerb } from './commands/approve.js';
import { codeVerb } from './commands/code.js';
import { denyVerb } from './commands/deny.js';
import { exportVerb } from './commands/export.js';
import { importVerb } from './commands/import.js';
import type { CliKit, GlobalOptions, Verb, VerbOptions } from './commands/kit.js';
import { listVerb } from './commands/list.js';
import { removeVerb } from './commands/remove.js';
import { timeVerb } from './commands/time.js';
import { defaultVaultPath } from './files.js';
import { type AuthenticatorIo, createOutput, type Output, reportError } from './io.js';

/** The verbs, one file each under commands/, in the order `--help` lists them. */
const verbs: readonly Verb[] = [
  addVerb,
  activateVerb,
  listVerb,
  codeVerb,
  removeVerb,
  importVerb,
  exportVerb,
  approveVerb,
  denyVerb,
  timeVerb,
];

/** Runs the `twofold-authenticator` command line; resolves with the exit status (0 ok, 1 error, 2 usage). */
export async function runAuthenticatorCli(argv: readonly string[], io: AuthenticatorIo): Promise<number> {
  let exitCode = 0;
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

  const kit: CliKit = {
    io,
    vaultPath: (options: GlobalOptions) => options.vault ?? defaultVaultPath(io.env),
    setExit: (code) => {
      exitCode = code;
    },
    leaf(command, action) {
      return command.action(async (...args: unknown[]) => {
        const cmd = args[args.length - 1] as Command;
        const options = cmd.optsWithGlobals() as VerbOptions;
        const out = createOutput(io, options.json === true);
        try {
          await (action as (out: Output, options: unknown, ...rest: unknown[]) => Promise<void>)(
            out,
            options,
            ...args.slice(0, -2),
          );
        } catch (error) {
          exitCode = reportError(io, error, options.json === true);
        }
      });
    },
  };
  for (const verb of verbs) verb(program, kit);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    return reportError(io, error, argv.includes('--json'));
  }
  return exitCode;
}
