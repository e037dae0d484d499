import { TwofoldError } from '@twofold/core';
import { Command, CommanderError } from 'commander';
import { type Config, loadConfig } from '../platform/config.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { adminCommands } from './admin-commands.js';
import { apiKeyCommands } from './api-key-commands.js';
import { auditCommands } from './audit-commands.js';
import { groupCommands } from './group-commands.js';
import { hardwareTokenCommands } from './hardware-token-commands.js';
import { keyCommands } from './key-commands.js';
import type { CliKit, CommandGroup, Context } from './kit.js';
import { oidcCommands } from './oidc-commands.js';
import { type CommandIo, createOutput, type Output, reportError } from './output.js';
import { serverCommands } from './server-commands.js';
import { tenantCommands } from './tenant-commands.js';
import { userCommands } from './user-commands.js';

/** The verbs, one group per file, in the order `--help` lists them; each adds itself to the program. */
const commandGroups: readonly CommandGroup[] = [
  serverCommands,
  tenantCommands,
  userCommands,
  groupCommands,
  apiKeyCommands,
  keyCommands,
  adminCommands,
  auditCommands,
  hardwareTokenCommands,
  oidcCommands,
];

/** Runs one command with a runtime (database open, migrated, keys checked) and closes it after. */
async function withRuntime<T>(ctx: Context, out: Output, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(ctx.config(), {
    log: { info: out.note, warn: (m) => out.note(`warning: ${m}`) },
  });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

export function buildCli(ctx: Context, setExit: (code: number) => void): Command {
  const program = new Command('twofold')
    .description(
      'Twofold: self-hosted multi-factor authentication. Configuration comes from the environment (see docs/configuration.md).',
    )
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // A usage error is one line on stderr like every other error (spec section 4), not the whole
      // help (issue 15, defect 7); runCli writes it once the command line is known.
      outputError: () => undefined,
    })
    .exitOverride();

  /** Adds --json and error handling to a leaf command. */
  function leaf(command: Command, action: (out: Output, ...args: never[]) => Promise<void>): Command {
    return command
      .option('--json', 'machine-readable output on stdout')
      .action(async (...args: unknown[]) => {
        const cmd = args[args.length - 1] as Command;
        const json = cmd.opts()['json'] === true;
        const out = createOutput(ctx.io, json);
        try {
          await (action as (out: Output, ...rest: unknown[]) => Promise<void>)(out, ...args.slice(0, -1));
        } catch (error) {
          setExit(reportError(ctx.io, error, json));
        }
      });
  }

  const kit: CliKit = { ctx, leaf, withRuntime: (out, fn) => withRuntime(ctx, out, fn) };
  for (const group of commandGroups) group(program, kit);
  return program;
}

/** Entry point of the `twofold` bin; resolves with the exit code. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  let exitCode = 0;
  let cached: Config | undefined;
  const ctx: Context = {
    io,
    config: () => {
      cached ??= loadConfig(io.env);
      return cached;
    },
  };
  const program = buildCli(ctx, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      const message = error.message.replace(/^error: /, '').split('\n')[0]!;
      reportError(
        io,
        new TwofoldError('validation_failed', `${message} (see --help)`),
        argv.includes('--json'),
      );
      return 2;
    }
    return reportError(io, error, argv.includes('--json'));
  }
  return exitCode;
}
