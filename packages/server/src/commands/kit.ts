import type { Command } from 'commander';
import type { Config } from '../platform/config.js';
import type { Runtime } from '../runtime.js';
import type { CommandIo, Output } from './output.js';

export interface Context {
  readonly io: CommandIo;
  readonly config: () => Config;
}

/** What a group of verbs needs to add itself to the `twofold` program (see cli.ts). */
export interface CliKit {
  readonly ctx: Context;
  /** Adds --json and error handling to a leaf command. */
  leaf(command: Command, action: (out: Output, ...args: never[]) => Promise<void>): Command;
  /** Runs `fn` with a runtime (database open, migrated, keys checked) and closes it after. */
  withRuntime<T>(out: Output, fn: (runtime: Runtime) => Promise<T>): Promise<T>;
}

export type CommandGroup = (program: Command, kit: CliKit) => void;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function tenantOption(command: Command): Command {
  return command.requiredOption('--tenant <slug>', 'tenant slug');
}
